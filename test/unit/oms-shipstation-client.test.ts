import type { Server } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { QuotaPacer } from '../../connectors/bigcommerce/quota-pacer';
import { ShipStationClient } from '../../connectors/oms/shipstation/client';
import { OmsError, parseShipStationError } from '../../connectors/oms/shipstation/errors';
import { fromPacificLocal, toPacificLocal } from '../../connectors/oms/shipstation/pacific-time';
import { readShipStationRateHeaders } from '../../connectors/oms/shipstation/rate-limit-headers';
import { createOmsSandbox, DEFAULT_OMS_API_KEY, DEFAULT_OMS_API_SECRET, type OmsSandboxOptions } from '../../sandbox/oms/app';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});
afterAll(async () => {
  while (open.length) await open.pop()!.close();
});

/** The OMS sandbox in-process on a free port, and a client for it. */
async function omsSandbox(options: OmsSandboxOptions = {}) {
  const sandbox = createOmsSandbox(options);
  const server: Server = sandbox.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  sandbox.setPublicUrl(url);
  open.push({
    close: () =>
      new Promise<void>((r) => {
        sandbox.stop();
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
  const client = (extra: Partial<ConstructorParameters<typeof ShipStationClient>[0]> = {}) =>
    new ShipStationClient({ apiUrl: url, apiKey: DEFAULT_OMS_API_KEY, apiSecret: DEFAULT_OMS_API_SECRET, ...extra });
  return { sandbox, url, client };
}

const webhooks = z.object({ webhooks: z.array(z.unknown()) });
const list = (c: ShipStationClient) => c.request({ method: 'GET', path: '/webhooks' }, webhooks);

describe('ShipStation client against the OMS sandbox', () => {
  it('authenticates with HTTP Basic and reads the rate headers', async () => {
    const { client } = await omsSandbox();
    const res = await list(client());
    expect(res.status).toBe(200);
    expect(res.rateLimit).toEqual({ windowMs: 60_000, quota: 40, left: 39, resetMs: 60_000 });
  });

  it('turns a bad secret into an auth error that does not leak the secret', async () => {
    const { client } = await omsSandbox();
    const err = await list(client({ apiSecret: 'wrong-secret-value' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OmsError);
    expect(err).toMatchObject({ kind: 'auth', details: { status: 401 } });
    expect((err as Error).message).toMatch(/Authorization has been denied/);
    expect(JSON.stringify({ m: (err as Error).message, d: (err as OmsError).details })).not.toMatch(/wrong-secret-value|sandbox-oms-secret/);
  });

  it('classifies a 429 as rate_limited with the reset in ms', async () => {
    const { client } = await omsSandbox({ quota: 2, windowMs: 60_000 });
    const c = client();
    await list(c);
    await list(c);
    const err = (await list(c).catch((e: unknown) => e)) as OmsError;
    expect(err.kind).toBe('rate_limited');
    expect(err.details.status).toBe(429);
    expect(err.details.rateLimit?.left).toBe(0);
    expect(err.details.retryAfterMs).toBeGreaterThan(0);
    expect(err.details.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(err.details.retryAfterMs! % 1000).toBe(0);
  });

  it('paces calls with the QuotaPacer so a burst waits for the next window instead of failing', async () => {
    const { client } = await omsSandbox({ quota: 3, windowMs: 1_000 });
    const c = client({ pacer: new QuotaPacer({ reserve: 0 }), rateWindowMs: 1_000 });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 5 }, () => list(c)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    // Three fit in the first window; the other two had to wait for the reset.
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('reports an unreachable API as a network error', async () => {
    const c = new ShipStationClient({ apiUrl: 'http://127.0.0.1:1', apiKey: 'k', apiSecret: 's', timeoutMs: 2_000 });
    await expect(list(c)).rejects.toMatchObject({ kind: 'network' });
  });

  it('classifies 5xx, outages and unexpected bodies', async () => {
    const { client, sandbox } = await omsSandbox();
    sandbox.ctx.faults.add({
      method: 'GET',
      path: '^/webhooks$',
      status: 500,
      body: { Message: 'An error has occurred.', ExceptionMessage: 'Object reference not set to an instance of an object.' },
      times: 1,
    });
    const server = (await list(client()).catch((e: unknown) => e)) as OmsError;
    expect(server).toMatchObject({ kind: 'server', details: { status: 500 } });
    expect(server.message).toMatch(/Object reference not set/);
    sandbox.ctx.faults.add({ method: 'GET', path: '^/webhooks$', status: 200, body: { nope: true }, times: 1 });
    await expect(list(client())).rejects.toMatchObject({ kind: 'bad_response' });
    sandbox.ctx.outage.down = true;
    await expect(list(client())).rejects.toMatchObject({ kind: 'server', details: { status: 503 } });
  });

  it('refuses to send credentials to another origin', async () => {
    const { client } = await omsSandbox();
    await expect(client().getUrl(new URL('http://example.com/shipments'), webhooks)).rejects.toMatchObject({ kind: 'untrusted_url' });
  });
});

describe('pure parsing', () => {
  it('reads ShipStation rate headers case-insensitively, reset seconds as ms', () => {
    const h = new Headers({ 'X-RATE-LIMIT-LIMIT': '40', 'x-rate-limit-remaining': '12', 'X-Rate-Limit-Reset': '17' });
    expect(readShipStationRateHeaders(h)).toEqual({ windowMs: 60_000, quota: 40, left: 12, resetMs: 17_000 });
    expect(readShipStationRateHeaders(new Headers({ 'x-rate-limit-remaining': '3' }))).toBeUndefined();
  });

  it('reads ASP.NET error bodies in any case, ModelState first', () => {
    expect(parseShipStationError({ Message: 'The request is invalid.', ModelState: { 'order.orderDate': ['The orderDate field is required.'] } })).toBe(
      'The request is invalid. order.orderDate: The orderDate field is required.',
    );
    expect(parseShipStationError({ Message: 'An error has occurred.', ExceptionMessage: 'boom' })).toBe('boom');
    expect(parseShipStationError({ message: 'lower case' })).toBe('lower case');
    expect(parseShipStationError('<html>Bad Gateway</html>')).toBe('<html>Bad Gateway</html>');
    expect(parseShipStationError(undefined)).toBe('no error body');
  });

  it('converts UTC to Pacific wall-clock time and back, across DST', () => {
    expect(toPacificLocal('2024-07-01T15:30:00.000Z')).toBe('2024-07-01T08:30:00.0000000');
    expect(toPacificLocal('2024-01-15T18:00:00.250Z')).toBe('2024-01-15T10:00:00.2500000');
    expect(toPacificLocal('2024-03-01T05:00:00.000Z')).toBe('2024-02-29T21:00:00.0000000');
    expect(fromPacificLocal('2024-07-01T08:30:00.0000000')).toBe('2024-07-01T15:30:00.000Z');
    expect(fromPacificLocal('2014-10-03T06:51:33.627')).toBe('2014-10-03T13:51:33.627Z');
    expect(fromPacificLocal('2024-01-15')).toBe('2024-01-15T08:00:00.000Z');
    // 01:30 on 3 Nov 2024 happened twice; ShipStation's string cannot say which: the first (PDT).
    expect(fromPacificLocal('2024-11-03T01:30:00.0000000')).toBe('2024-11-03T08:30:00.000Z');
    expect(fromPacificLocal('2024-11-03T02:30:00')).toBe('2024-11-03T10:30:00.000Z');
    expect(fromPacificLocal('2024-07-01T08:30:00Z')).toBe('2024-07-01T08:30:00.000Z');
    for (const iso of ['2024-03-10T09:59:59.000Z', '2024-03-10T10:00:00.000Z', '2025-12-31T23:59:59.999Z']) {
      expect(fromPacificLocal(toPacificLocal(iso))).toBe(iso);
    }
    expect(() => fromPacificLocal('yesterday')).toThrow(/not a ShipStation date/);
  });
});
