import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../api/app';
import { ERP_TOKEN_HEADER } from '../../api/erp/webhook';
import type { ErpEventHandlers } from '../../api/erp/event-deps';
import type { ErpEvent } from '../../domain/shared/erp-event';
import { startStack, type Stack } from '../support/stack';
import { logger } from '../support/setup';

const TOKEN = 'test-erp-token-0123456789';
let stack: Stack;
let server: Server;
let url: string;
const received: ErpEvent[] = [];
let failNext = false;

/** The route with recording handlers: what it accepts, refuses and when it says 503 is the route's own doing. */
const handlers: ErpEventHandlers = {
  async inventory(_deps, events) {
    if (failNext) throw new Error('Temporal said no');
    received.push(...events);
  },
  async refund(_deps, events) {
    received.push(...events);
  },
};

beforeAll(async () => {
  stack = await startStack({ ERP_WEBHOOK_TOKEN: TOKEN });
  const app = createApiApp({ client: stack.client, connection: stack.connection, config: stack.config, logger, erpHandlers: handlers });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/erp`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await stack?.close();
});

const stock = (sku: string, n: number) => ({
  type: 'inventory.changed',
  eventId: `e-${sku}-${n}`,
  sku,
  location: '1',
  quantityOnHand: n,
  quantityAvailable: n,
  changedAt: '2026-11-27T10:00:00.000Z',
});
const post = async (body: unknown, token = TOKEN) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { [ERP_TOKEN_HEADER]: token } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { reason?: string; accepted?: number; ignored?: number }, retryAfter: res.headers.get('retry-after') };
};

describe('POST /webhooks/erp', () => {
  it('refuses a missing or wrong token with 401 and takes nothing', async () => {
    expect((await post({ events: [stock('A', 1)] }, '')).status).toBe(401);
    expect((await post({ events: [stock('A', 1)] }, 'wrong-token-0123456789')).status).toBe(401);
    expect(received).toEqual([]);
  });

  it('refuses a malformed batch as a whole with 400 and the reason', async () => {
    const bad = await post({ events: [stock('A', 1), { ...stock('B', 2), changedAt: 'yesterday' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.reason).toMatch(/events\.1\.changedAt/);
    expect((await post('{"events": [')).status).toBe(400);
    expect((await post({ events: [] })).status).toBe(400);
    expect((await post({ events: [{ type: 'price.changed', eventId: 'x' }] })).status).toBe(400);
    expect(received).toEqual([]);
  });

  it('hands each kind of event to its handler and answers 202 with what it took', async () => {
    const refund = { type: 'refund.authorized', eventId: 'r1', recordType: 'cashRefund', recordId: '77', changedAt: '2026-11-27T10:00:00Z' };
    const item = { type: 'item.changed', eventId: 'i1', sku: 'A', changedAt: '2026-11-27T10:00:00Z' };
    const ok = await post({ events: [stock('A', 5), refund, item, stock('B', 6)] });
    expect(ok.status).toBe(202);
    // item.changed has no handler here: acknowledged (the ERP must not retry it forever) and counted as ignored.
    expect(ok.body).toEqual({ accepted: 3, ignored: 1 });
    expect(received.map((e) => e.eventId)).toEqual(['e-A-5', 'e-B-6', 'r1']);
  });

  it('answers 503 with Retry-After when a handler could not make the events durable, so the ERP sends them again', async () => {
    failNext = true;
    const res = await post({ events: [stock('C', 1)] });
    failNext = false;
    expect(res.status).toBe(503);
    expect(res.retryAfter).toBe('30');
    expect(received.some((e) => e.eventId === 'e-C-1')).toBe(false);
  });

  it('answers 503 when ERP_WEBHOOK_TOKEN is not configured (events are not taken unauthenticated)', async () => {
    const app = createApiApp({
      client: stack.client,
      connection: stack.connection,
      config: { ...stack.config, erp: { ...stack.config.erp, webhookToken: undefined } },
      logger,
      erpHandlers: handlers,
    });
    const s = await new Promise<Server>((resolve) => {
      const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
    });
    try {
      const res = await fetch(`http://127.0.0.1:${(s.address() as { port: number }).port}/webhooks/erp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: [stock('D', 1)] }),
      });
      expect(res.status).toBe(503);
    } finally {
      await new Promise((r) => s.close(r));
    }
  });
});
