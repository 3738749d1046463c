import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Client, Connection } from '@temporalio/client';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsRouter, MAX_DETAIL_REQUESTS, refuseSince } from '../../api/ops/routes';
import { DEV_DEFAULTS, loadConfig } from '../../config/env';
import { createLogger } from '../../lib/logger';

/**
 * The ops API's guards, before anything reaches Temporal: a stand-in client counts every call, so
 * a refused request is seen to have done nothing. (test/integration has the same against the stack.)
 */
const ALICE = 'alice-token-0123456789';
const ONCALL = 'oncall-token-0123456789';
const config = loadConfig({
  ...DEV_DEFAULTS,
  BC_STORES: JSON.stringify([
    { storeHash: 'storea', accessToken: 'a-token' },
    { storeHash: 'storeb', accessToken: 'b-token' },
  ]),
  OPS_TOKENS: JSON.stringify([
    { name: 'alice', token: ALICE, stores: ['storea'] },
    { name: 'oncall', token: ONCALL, stores: '*' },
  ]),
});
const calls: string[] = [];
const listing: (() => void)[] = [];
/** Lets every listing waiting so far finish. */
const releaseList = () => {
  for (const release of listing.splice(0)) release();
};
const client = {
  workflow: {
    // Listing waits until the test lets it go, to hold requests open.
    list: () => ({
      async *[Symbol.asyncIterator]() {
        calls.push('list');
        await new Promise<void>((resolve) => listing.push(resolve));
      },
    }),
    getHandle: (id: string) => {
      calls.push(`handle ${id}`);
      throw new Error('no Temporal here');
    },
    signalWithStart: async () => {
      calls.push('signalWithStart');
      throw new Error('no Temporal here');
    },
  },
} as unknown as Client;
const connection = { withDeadline: <T>(_d: number, fn: () => Promise<T>) => fn() } as unknown as Connection;
let server: Server;
let url: string;
beforeAll(async () => {
  const app = express();
  app.use(opsRouter({ client, connection, logger: createLogger('silent'), config }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  releaseList();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const post = (path: string, token: string, body?: string, type?: string) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) },
    ...(body === undefined ? {} : { body }),
  });

describe('ops API guards', () => {
  it('answers 401 to a wrong token and refuses a non-JSON body with 415 before acting', async () => {
    calls.length = 0;
    expect((await post('/ops/catalog/storea/skip', 'wrong-token-0123456789', '{}', 'application/json')).status).toBe(401);
    for (const [body, type] of [
      ['skus=A', 'text/plain'],
      ['skus=A', 'application/x-www-form-urlencoded'],
      ['{}', 'text/plain'],
      ['{}', undefined],
      [undefined, undefined], // the catalog's skip without a body would mean "every parked item": it must be said
    ] as const) {
      const res = await post('/ops/catalog/storea/skip', ONCALL, body, type);
      expect(res.status, `${type} ${body}`).toBe(415);
      expect(((await res.json()) as { reason: string }).reason).toMatch(/application\/json/);
    }
    expect((await post('/ops/orders/storea/1/skip', ONCALL, 'note', 'text/plain')).status).toBe(415);
    expect((await post('/ops/reconcile', ONCALL, 'store=storea', 'text/plain')).status).toBe(415);
    // JSON with no body: the catalog still wants `{}` said out loud.
    const empty = await post('/ops/catalog/storea/skip', ONCALL, undefined, 'application/json');
    expect(empty.status).toBe(400);
    expect(calls).toEqual([]);
    // An order decision without a body is a plain decision: it goes on (to a Temporal that is not here).
    await post('/ops/orders/storea/1/skip', ONCALL);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^handle .*storea.*1/);
  });

  it('refuses a token on a store it is not for (403), on every route that names one', async () => {
    calls.length = 0;
    for (const res of [
      await post('/ops/catalog/storeb/skip', ALICE, '{}', 'application/json'),
      await post('/ops/orders/storeb/1/retry', ALICE, '{}', 'application/json'),
      await post('/ops/reconcile', ALICE, '{"store":"storeb"}', 'application/json'),
      await fetch(`${url}/ops/attention?store=storeb`, { headers: { authorization: `Bearer ${ALICE}` } }),
    ]) {
      expect(res.status).toBe(403);
      expect(((await res.json()) as { reason: string }).reason).toBe('the token alice is not for store storeb');
    }
    expect(calls).toEqual([]);
  });

  it('refuses a since in the future or beyond OPS_RECONCILE_MAX_LOOKBACK (400)', async () => {
    calls.length = 0;
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    const tooOld = await post('/ops/reconcile', ONCALL, JSON.stringify({ store: 'storea', since: old }), 'application/json');
    expect(tooOld.status).toBe(400);
    expect(((await tooOld.json()) as { reason: string }).reason).toMatch(/more than 30 days back \(OPS_RECONCILE_MAX_LOOKBACK\)/);
    const future = await post('/ops/reconcile', ONCALL, JSON.stringify({ store: 'storea', since: new Date(Date.now() + 3_600_000).toISOString() }), 'application/json');
    expect(future.status).toBe(400);
    expect(((await future.json()) as { reason: string }).reason).toMatch(/in the future/);
    expect(calls).toEqual([]);
    const now = Date.parse('2026-06-01T00:00:00Z');
    expect(refuseSince(now - 29 * 86_400_000, now, 30 * 86_400_000)).toBeUndefined();
    expect(refuseSince(now - 30 * 86_400_000 - 1, now, 30 * 86_400_000)).toMatch(/earliest now is 2026-05-02T00:00:00.000Z/);
  });

  it(`answers 429 with Retry-After to more than ${MAX_DETAIL_REQUESTS} detail requests at once; without details it goes on`, async () => {
    const auth = { headers: { authorization: `Bearer ${ONCALL}` } };
    const held = Array.from({ length: MAX_DETAIL_REQUESTS }, () => fetch(`${url}/ops/attention?details=1`, auth));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const over = await fetch(`${url}/ops/attention?details=1`, auth);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('5');
    const plain = fetch(`${url}/ops/attention`, auth);
    await new Promise((resolve) => setTimeout(resolve, 200));
    releaseList();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual(Array(MAX_DETAIL_REQUESTS).fill(200));
    expect((await plain).status).toBe(200);
    // Once they are answered, details are served again.
    const again = fetch(`${url}/ops/attention?details=1`, auth);
    await new Promise((resolve) => setTimeout(resolve, 100));
    releaseList();
    expect((await again).status).toBe(200);
  });
});

describe('OPS_TOKENS', () => {
  const load =
    (v: string, extra: Record<string, string> = {}) =>
    () =>
      loadConfig({ ...DEV_DEFAULTS, OPS_TOKENS: v, ...extra });
  it('is a JSON array of named tokens, each for some stores or all', () => {
    expect(config.api.opsTokens).toEqual([
      { name: 'alice', token: ALICE, stores: ['storea'] },
      { name: 'oncall', token: ONCALL, stores: '*' },
    ]);
    expect(load('not json')).toThrow(/OPS_TOKENS: OPS_TOKENS is not valid JSON/);
    expect(load('[{"name":"bob","token":"short","stores":"*"}]')).toThrow(/OPS_TOKENS\.0\.token: at least 16 characters/);
    expect(load('[{"name":"Bob Smith","token":"0123456789abcdef","stores":"*"}]')).toThrow(/OPS_TOKENS\.0\.name/);
    expect(load('[{"name":"bob","token":"0123456789abcdef","stores":[]}]')).toThrow(/OPS_TOKENS\.0\.stores/);
    expect(load('[{"name":"bob","token":"0123456789abcdef","stores":"*"},{"name":"bob","token":"0123456789abcdefg","stores":"*"}]')).toThrow(/name bob is used twice/);
    expect(load('[{"name":"bob","token":"0123456789abcdef","stores":"*"},{"name":"eve","token":"0123456789abcdef","stores":"*"}]')).toThrow(/same token/);
    // `ops` is OPS_TOKEN's name (the sandbox profile sets OPS_TOKEN).
    expect(load('[{"name":"ops","token":"0123456789abcdef","stores":"*"}]')).toThrow(/belong to OPS_TOKEN/);
  });
});
