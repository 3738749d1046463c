import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Client, Connection } from '@temporalio/client';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { omsWebhookRouter } from '../../api/orders/oms-webhook';
import { DEV_DEFAULTS, loadConfig } from '../../config/env';
import { ShipStationClient } from '../../connectors/oms/shipstation/client';
import { OmsError } from '../../connectors/oms/shipstation/errors';
import { NOTIFICATION_MAX_PAGES, NOTIFICATION_PAGE_MAX_BYTES, shipmentsFromNotification, trustedShipmentsUrl } from '../../connectors/oms/shipstation/shipments-from-notification';
import { createLogger } from '../../lib/logger';

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (open.length) await open.pop()!();
});

interface Seen {
  method: string;
  url: URL;
  authorization: string | undefined;
}

/** A local HTTP server standing for ShipStation (or for a host it must never reach). */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void | Promise<void>) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    res.on('error', () => undefined); // a client that stops reading early is expected here
    const s = { method: req.method ?? '', url: new URL(req.url ?? '/', 'http://local'), authorization: req.headers.authorization };
    seen.push(s);
    void handler(req, res, s);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  open.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url, seen };
}

const ssClient = (apiUrl: string, extra: Partial<ConstructorParameters<typeof ShipStationClient>[0]> = {}) =>
  new ShipStationClient({ apiUrl, apiKey: 'the-key', apiSecret: 'the-secret', timeoutMs: 5_000, ...extra });

function shipment(n: number, orderKey = `bc-other-${n}`) {
  return {
    shipmentId: 70_000 + n,
    orderId: 90_000 + n,
    orderKey,
    orderNumber: String(n),
    createDate: '2024-07-01T08:30:00.0000000',
    shipDate: '2024-07-01T00:00:00.0000000',
    trackingNumber: `1Z${n}`,
    carrierCode: 'ups',
    serviceCode: 'ups_ground',
    voided: false,
    shipmentItems: [{ orderItemId: 1, lineItemKey: '1', sku: 'SOCK', name: 'Socks', quantity: 1 }],
  };
}

function json(res: ServerResponse, body: unknown, status = 200) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-rate-limit-limit': '40', 'x-rate-limit-remaining': '39', 'x-rate-limit-reset': '60' });
  res.end(JSON.stringify(body));
}

describe('the resource_url rule', () => {
  const api = 'http://127.0.0.1:4100';
  const client = ssClient(api);

  it('accepts the documented shape and keeps nothing of it but the batch id', () => {
    expect(trustedShipmentsUrl(client, `${api}/shipments?batchId=1001`).toString()).toBe(`${api}/shipments?batchId=1001`);
    // ShipStation's own extras and a caller's filters are dropped; the answer is one canonical URL.
    for (const extra of [
      `${api}/shipments?storeID=310001&batchId=1001`,
      `${api}/shipments?batchId=1001&includeShipmentItems=False`,
      `${api}/shipments?batchId=1001&shipDateStart=2000-01-01&pageSize=500&page=7`,
      `${api}/shipments/?BatchID=1001`,
      `${api}/shipments?batchId=0001001#fragment`,
    ]) {
      expect(trustedShipmentsUrl(client, extra).toString(), extra).toBe(`${api}/shipments?batchId=1001`);
    }
  });

  it('refuses another host, port, scheme or path, credentials, and anything but one digit batchId', () => {
    for (const forged of [
      'http://evil.example/shipments?batchId=1',
      'http://127.0.0.1:4101/shipments?batchId=1',
      'https://127.0.0.1:4100/shipments?batchId=1',
      'http://127.0.0.1:4100@evil.example/shipments?batchId=1',
      'http://user:pass@127.0.0.1:4100/shipments?batchId=1',
      'http://user@127.0.0.1:4100/shipments?batchId=1',
      `${api}/orders?batchId=1`,
      `${api}/shipments/1?batchId=1`,
      `${api}/shipments/../orders?batchId=1`,
      `${api}/shipments%2F..%2Forders?batchId=1`,
      `${api}/shipmentsX?batchId=1`,
      `${api}/shipments`,
      `${api}/shipments?shipDateStart=2000-01-01`,
      `${api}/shipments?batchId=1&batchId=2`,
      `${api}/shipments?batchId=1&batchid=1`,
      `${api}/shipments?batchId=`,
      `${api}/shipments?batchId=-1`,
      `${api}/shipments?batchId=1e3`,
      `${api}/shipments?batchId=0x10`,
      `${api}/shipments?batchId=%201`,
      `${api}/shipments?batchId=1%26shipDateStart%3D2000-01-01`,
      `${api}/shipments?batchId=${'9'.repeat(16)}`,
      'not a url',
    ]) {
      expect(() => trustedShipmentsUrl(client, forged), forged).toThrow(OmsError);
      try {
        trustedShipmentsUrl(client, forged);
      } catch (err) {
        expect((err as OmsError).kind, forged).toBe('untrusted_url');
        expect((err as OmsError).message).not.toMatch(/user|pass/);
      }
    }
  });

  it('follows the API root of the configured URL', () => {
    const rooted = ssClient('http://127.0.0.1:4100/api/v1/');
    expect(trustedShipmentsUrl(rooted, 'http://127.0.0.1:4100/api/v1/shipments?batchId=5').toString()).toBe('http://127.0.0.1:4100/api/v1/shipments?batchId=5');
    expect(() => trustedShipmentsUrl(rooted, 'http://127.0.0.1:4100/shipments?batchId=5')).toThrow(/not a shipments resource/);
  });
});

describe('the ShipStation client never follows a redirect', () => {
  it('answers a 302 to another host with an error, and the credentials never reach that host', async () => {
    const elsewhere = await serve((_req, res) => json(res, { shipments: [], total: 0, page: 1, pages: 0 }));
    const api = await serve((req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}${req.url}` });
      res.end();
    });
    const client = ssClient(api.url);
    const err = await shipmentsFromNotification(client, `${api.url}/shipments?batchId=7`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OmsError);
    expect(err).toMatchObject({ kind: 'bad_response', details: { status: 302 } });
    expect((err as Error).message).toMatch(/redirect.*not followed/);
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]!.authorization).toMatch(/^Basic /);
    expect(elsewhere.seen).toEqual([]);

    // Every call, not only the notification's: a 307 would replay a POST with its body.
    const post = await client.request({ method: 'POST', path: '/orders/createorder', body: { orderKey: 'k' } }, z.unknown()).catch((e: unknown) => e);
    expect(post).toMatchObject({ kind: 'bad_response' });
    expect(elsewhere.seen).toEqual([]);
  });

  it('reports a redirect with its target origin only', async () => {
    const api = await serve((_req, res) => {
      res.writeHead(301, { location: 'https://other.example/x?token=abc' });
      res.end();
    });
    const err = (await ssClient(api.url)
      .request({ method: 'GET', path: '/webhooks' }, z.unknown())
      .catch((e: unknown) => e)) as OmsError;
    expect(err.message).toContain('https://other.example');
    expect(err.message).not.toContain('token=abc');
  });
});

describe('bounded reads', () => {
  const big = NOTIFICATION_PAGE_MAX_BYTES + 1024;

  it('refuses a page over the size cap, declared or streamed, as an OmsError', async () => {
    const declared = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(big) });
      res.end(Buffer.alloc(big, 0x20));
    });
    const streamed = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length to check first
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let sent = 0; sent < big && !res.destroyed; sent += chunk.length) {
        if (!res.write(chunk)) await new Promise((r) => setTimeout(r, 1));
      }
      res.end();
    });
    for (const server of [declared, streamed]) {
      const err = await shipmentsFromNotification(ssClient(server.url), `${server.url}/shipments?batchId=1`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OmsError);
      expect(err).toMatchObject({ kind: 'bad_response' });
      expect((err as Error).message).toMatch(new RegExp(`over ${NOTIFICATION_PAGE_MAX_BYTES} bytes`));
    }
  });

  it('bounds every call by the client cap, and a page under the cap is read', async () => {
    const api = await serve((_req, res) => json(res, { shipments: [shipment(1)], total: 1, page: 1, pages: 1 }));
    const read = await shipmentsFromNotification(ssClient(api.url), `${api.url}/shipments?batchId=1`);
    expect(read).toMatchObject({ batchId: '1', pagesRead: 1, pages: 1, truncated: false });
    expect(read.shipments).toHaveLength(1);
    await expect(ssClient(api.url, { maxResponseBytes: 100 }).request({ method: 'GET', path: '/shipments' }, z.unknown())).rejects.toMatchObject({
      kind: 'bad_response',
    });
  });

  it('stops at the page cap, reports it, and sends only our own query', async () => {
    const api = await serve((_req, res, seen) => {
      const page = Number(seen.url.searchParams.get('page'));
      json(res, { shipments: [shipment(page)], total: 500, page, pages: 500 });
    });
    const read = await shipmentsFromNotification(ssClient(api.url), `${api.url}/shipments?batchId=42&shipDateStart=2000-01-01&storeID=9&pageSize=500&page=3`);
    expect(read).toMatchObject({ batchId: '42', pagesRead: NOTIFICATION_MAX_PAGES, pages: 500, truncated: true });
    expect(read.shipments).toHaveLength(NOTIFICATION_MAX_PAGES);
    expect(api.seen.map((s) => s.url.searchParams.get('page'))).toEqual(Array.from({ length: NOTIFICATION_MAX_PAGES }, (_, i) => String(i + 1)));
    for (const s of api.seen) {
      expect([...s.url.searchParams.keys()]).toEqual(['batchId', 'includeShipmentItems', 'page', 'pageSize']);
      expect(s.url.searchParams.get('batchId')).toBe('42');
      expect(s.url.searchParams.get('pageSize')).toBe('100');
    }
  });

  it('gives up when the notification deadline passes, across pages', async () => {
    const api = await serve((_req, res, seen) => {
      setTimeout(() => json(res, { shipments: [shipment(1)], total: 50, page: Number(seen.url.searchParams.get('page')), pages: 50 }), 150);
    });
    const started = Date.now();
    const err = await shipmentsFromNotification(ssClient(api.url), `${api.url}/shipments?batchId=1`, { deadlineMs: 400 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OmsError);
    expect(err).toMatchObject({ kind: 'network' });
    expect((err as Error).message).toMatch(/deadline of 400 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(api.seen.length).toBeLessThan(NOTIFICATION_MAX_PAGES);
  });
});

describe('POST /webhooks/oms reads each batch once', () => {
  async function setUp(opts: { delayMs?: number } = {}) {
    const config = loadConfig({ ...DEV_DEFAULTS });
    const store = config.stores[0]!.storeHash;
    const oms = await serve((_req, res, seen) => {
      const batch = Number(seen.url.searchParams.get('batchId'));
      const answer = () => json(res, { shipments: [shipment(batch, `bc-${store}-${batch}`)], total: 1, page: 1, pages: 1 });
      if (opts.delayMs) setTimeout(answer, opts.delayMs);
      else answer();
    });
    const signals: string[] = [];
    let failNextSignal = false;
    const client = {
      workflow: {
        signalWithStart: async (_type: string, o: { workflowId: string }) => {
          if (failNextSignal) {
            failNextSignal = false;
            throw new Error('Temporal is down');
          }
          signals.push(o.workflowId);
          return { signaledRunId: 'run' };
        },
      },
    } as unknown as Client;
    const connection = { withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn() } as unknown as Connection;
    const app = express();
    app.use(omsWebhookRouter({ client, connection, config, logger: createLogger('silent'), oms: ssClient(oms.url) }));
    const api = await new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
      const server = app.listen(0, '127.0.0.1', () =>
        resolve({
          url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
          close: () =>
            new Promise<void>((r) => {
              server.closeAllConnections();
              server.close(() => r());
            }),
        }),
      );
    });
    open.push(api.close);
    const notify = async (resourceUrl: string) => {
      const res = await fetch(`${api.url}/webhooks/oms?token=${encodeURIComponent(config.oms.webhookToken)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resource_url: resourceUrl, resource_type: 'SHIP_NOTIFY' }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    return { oms, notify, signals, failSignalOnce: () => (failNextSignal = true) };
  }

  it('answers a repeat of a delivered batch without reading it again, whatever junk its URL carries', async () => {
    const { oms, notify, signals } = await setUp();
    const first = await notify(`${oms.url}/shipments?storeID=1&batchId=11`);
    expect(first).toMatchObject({ status: 200, body: { accepted: true } });
    expect(first.body.duplicate).toBeUndefined();
    expect(oms.seen).toHaveLength(1);
    expect(signals).toHaveLength(1);

    for (const again of [`${oms.url}/shipments?storeID=1&batchId=11`, `${oms.url}/shipments?batchId=011&shipDateStart=2000-01-01`]) {
      expect(await notify(again)).toMatchObject({ status: 200, body: { accepted: true, duplicate: true } });
    }
    expect(oms.seen).toHaveLength(1);
    expect(signals).toHaveLength(1);

    // Another batch is another read.
    expect((await notify(`${oms.url}/shipments?batchId=12`)).status).toBe(200);
    expect(oms.seen).toHaveLength(2);
  });

  it('coalesces identical notifications that arrive together into one read', async () => {
    const { oms, notify, signals } = await setUp({ delayMs: 200 });
    const answers = await Promise.all([notify(`${oms.url}/shipments?batchId=21`), notify(`${oms.url}/shipments?batchId=21&storeID=2`), notify(`${oms.url}/shipments?batchId=21`)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(2);
    expect(oms.seen).toHaveLength(1);
    expect(signals).toHaveLength(1);
  });

  it('reads a batch again after a 503, and refuses a forged URL without reading', async () => {
    const { oms, notify, signals, failSignalOnce } = await setUp();
    failSignalOnce();
    expect((await notify(`${oms.url}/shipments?batchId=31`)).status).toBe(503);
    expect(await notify(`${oms.url}/shipments?batchId=31`)).toMatchObject({ status: 200, body: { accepted: true } });
    expect(oms.seen).toHaveLength(2);
    expect(signals).toHaveLength(1);

    const forged = await notify(`${oms.url}/orders?batchId=31`);
    expect(forged).toMatchObject({ status: 400, body: { error: 'invalid payload' } });
    expect(String(forged.body.reason)).toMatch(/not a shipments resource/);
    expect(oms.seen).toHaveLength(2);
  });
});
