import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../api/app';
import type { ErpEventHandlers } from '../../api/erp/event-deps';
import type { Config } from '../../config/env';
import type { ErpEvent } from '../../domain/shared/erp-event';
import { bodiesParsed, webhookSignatureChecks } from '../../lib/metrics';
import { inventorySkuQuery } from '../../workflows/inventory/inventory-sync.contract';
import { erpRefundWorkflowId } from '../../workflows/refunds/erp-refund-sync.contract';
import { postErp } from '../support/erp-push';
import { storeApi } from '../support/store-calls';
import { logger } from '../support/setup';
import { eventually, startStack, TEST_ERP_SIGNING_SECRET, type Stack } from '../support/stack';
import { payloadValue } from '../support/temporal';
import type { Json } from '../support/json';

let stack: Stack;
const received: ErpEvent[] = [];
let failNext: 'unreachable' | 'refused' | undefined;
const servers: Server[] = [];

/** The route with recording handlers: what it accepts, refuses and when it says 503 is the route's own doing. */
const handlers: ErpEventHandlers = {
  async inventory(_deps, events) {
    const fail = failNext;
    failNext = undefined;
    if (fail === 'unreachable') throw new Error('Temporal said no');
    // What the client throws for an argument Temporal will never take (gRPC INVALID_ARGUMENT).
    if (fail === 'refused') throw Object.assign(new Error('3 INVALID_ARGUMENT: WorkflowId length exceeds limit'), { code: 3 });
    received.push(...events);
  },
  async refund(_deps, events) {
    received.push(...events);
  },
};

/** An API on its own port with the recording handlers and the stack's config, changed by `erp`. */
async function api(erp: Partial<Config['erp']> = {}): Promise<string> {
  const app = createApiApp({
    client: stack.client,
    connection: stack.connection,
    config: { ...stack.config, erp: { ...stack.config.erp, ...erp } },
    logger,
    erpHandlers: handlers,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/erp`;
}

let url: string;
beforeAll(async () => {
  stack = await startStack({ INVENTORY_LOCATIONS: '1:1,2:2', INVENTORY_QUIET: '300ms', INVENTORY_MAX_WAIT: '3s', INVENTORY_APPLY_MARGIN: '300ms' });
  url = await api();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await stack?.close();
});

const now = () => new Date().toISOString();
const stock = (sku: string, n: number, changedAt = now()) => ({
  type: 'inventory.changed',
  eventId: `e-${sku}-${n}`,
  sku,
  location: '1',
  quantityOnHand: n,
  quantityAvailable: n,
  changedAt,
});
const refund = (recordId: string, eventId = `r-${recordId}`) => ({ type: 'refund.authorized', eventId, recordType: 'cashRefund', recordId, changedAt: now() });
type Answer = { error?: string; reason?: string; accepted?: number; ignored?: number; duplicate?: boolean; rejected?: Array<{ index: number; eventId?: string; reason: string }> };
const answer = async (res: Response) => ({ status: res.status, body: (await res.json()) as Answer, retryAfter: res.headers.get('retry-after') });
const post = async (body: unknown, opts: Parameters<typeof postErp>[2] = {}, to = url) => answer(await postErp(to, body, opts));
const ids = () => received.map((e) => e.eventId);
const counter = async (c: { get(): Promise<{ values: Array<{ labels: Record<string, string | number>; value: number }> }> }, labels: Record<string, string>) =>
  (await c.get()).values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((s, v) => s + v.value, 0);

describe('POST /webhooks/erp: who may push', () => {
  it('refuses a missing or wrong token with 401 without reading the body', async () => {
    const parsedBefore = await counter(bodiesParsed, { route: 'erp' });
    expect((await post({ events: [stock('A', 1)] }, { token: '' })).status).toBe(401);
    expect((await post('{"events": [', { token: 'wrong-token-0123456789' })).status).toBe(401);
    expect(await counter(bodiesParsed, { route: 'erp' })).toBe(parsedBefore);
    expect(received).toEqual([]);
  });

  it('refuses an unsigned or wrongly signed push with 401, unparsed', async () => {
    const parsedBefore = await counter(bodiesParsed, { route: 'erp' });
    const unsigned = await post({ events: [stock('A', 1)] }, { secret: null });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.reason).toMatch(/missing webhook-id/);
    const wrong = await post({ events: [stock('A', 1)] }, { secret: 'another-secret-0123456789abcdef' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.reason).toMatch(/does not match/);
    expect(await counter(bodiesParsed, { route: 'erp' })).toBe(parsedBefore);
    expect(await counter(bodiesParsed, { route: 'erp', authenticated: 'no' })).toBe(0);
    expect(received).toEqual([]);
  });

  it('refuses a stale or a future signature timestamp (replays outside the 5-minute window)', async () => {
    const stale = await post({ events: [stock('A', 1)] }, { signedAt: new Date(Date.now() - 10 * 60_000) });
    expect(stale.status).toBe(401);
    expect(stale.body.reason).toMatch(/timestamp/);
    const future = await post({ events: [stock('A', 1)] }, { signedAt: new Date(Date.now() + 10 * 60_000) });
    expect(future.status).toBe(401);
    expect(future.body.reason).toMatch(/timestamp/);
    expect(received).toEqual([]);
  });

  it('answers a replay of a signed push inside the window as a duplicate and hands nothing over again', async () => {
    const body = { events: [stock('REPLAY', 1)] };
    const first = await post(body, { webhookId: 'msg_replay_1' });
    expect(first).toMatchObject({ status: 202, body: { accepted: 1 } });
    const again = await post(body, { webhookId: 'msg_replay_1' });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, accepted: 0 } });
    expect(ids().filter((id) => id === 'e-REPLAY-1')).toHaveLength(1);
  });

  it('remembers a delivery only once its events are durable: a copy of a push answered 503 is taken', async () => {
    failNext = 'unreachable';
    const body = { events: [stock('RETRIED', 1)] };
    const first = await post(body, { webhookId: 'msg_retry_1' });
    expect(first.status).toBe(503);
    expect(first.retryAfter).toBe('30');
    expect((await post(body, { webhookId: 'msg_retry_1' })).status).toBe(202);
    expect(ids()).toContain('e-RETRIED-1');
  });

  it('verifies with either secret during a rotation', async () => {
    const rotating = await api({ webhookSigningSecrets: ['new-erp-signing-secret-0123456789', TEST_ERP_SIGNING_SECRET] });
    expect((await post({ events: [stock('ROT', 1)] }, { secret: TEST_ERP_SIGNING_SECRET }, rotating)).status).toBe(202);
    expect((await post({ events: [stock('ROT', 2)] }, { secret: 'new-erp-signing-secret-0123456789' }, rotating)).status).toBe(202);
    expect((await post({ events: [stock('ROT', 3)] }, { secret: 'retired-erp-signing-secret-01234' }, rotating)).status).toBe(401);
    expect(ids()).toEqual(expect.arrayContaining(['e-ROT-1', 'e-ROT-2']));
    expect(ids()).not.toContain('e-ROT-3');
  });

  it('in `log` mode lets an unsigned push through and counts it', async () => {
    const logging = await api({ webhookSignatures: 'log' });
    const before = await counter(webhookSignatureChecks, { sender: 'erp', outcome: 'missing_headers', refused: 'false' });
    expect((await post({ events: [stock('LOG', 1)] }, { secret: null }, logging)).status).toBe(202);
    expect(await counter(webhookSignatureChecks, { sender: 'erp', outcome: 'missing_headers', refused: 'false' })).toBe(before + 1);
    expect(ids()).toContain('e-LOG-1');
  });

  it('answers 503 when ERP_WEBHOOK_TOKEN is not configured (events are not taken unauthenticated)', async () => {
    const unset = await api({ webhookToken: undefined });
    expect((await post({ events: [stock('D', 1)] }, {}, unset)).status).toBe(503);
    expect(ids()).not.toContain('e-D-1');
  });
});

describe('POST /webhooks/erp: bounded input, no poison batches', () => {
  it('refuses a body over 512 KB and a gzip bomb with 413', async () => {
    const big = JSON.stringify({ events: [{ ...stock('BIG', 1), sku: 'x'.repeat(600_000) }] });
    expect((await post(big)).status).toBe(413);
    const bomb = gzipSync(Buffer.from(`{"events":[${' '.repeat(20_000_000)}]}`));
    expect(bomb.length).toBeLessThan(100_000);
    expect((await post(bomb, { headers: { 'content-encoding': 'gzip' } })).status).toBe(413);
  });

  it('refuses an array of 1001 events as a whole, before validating any event, quickly', async () => {
    const started = Date.now();
    const res = await post({ events: Array.from({ length: 1001 }, (_, i) => ({ type: 'nope', eventId: String(i) })) });
    expect(res.status).toBe(400);
    expect(res.body.reason).toMatch(/events: .*1000/);
    expect(res.body.rejected).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await post('{"events": [')).status).toBe(400);
    expect((await post({ events: [] })).status).toBe(400);
  });

  it('takes the good events of a batch and reports each bad one (non-canonical record id, future changedAt, overlong fields)', async () => {
    const res = await post({
      events: [
        stock('MIX', 1),
        refund('0123'),
        refund('77'),
        stock('MIX', 2, new Date(Date.now() + 60 * 60_000).toISOString()),
        { ...stock('MIX', 3), sku: 'S'.repeat(256) },
        { type: 'price.changed', eventId: 'p1' },
        refund('123456789012345678901'),
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected!.map((r) => [r.index, r.eventId])).toEqual([
      [1, 'r-0123'],
      [3, 'e-MIX-2'],
      [4, 'e-MIX-3'],
      [5, 'p1'],
      [6, 'r-123456789012345678901'],
    ]);
    expect(res.body.rejected![0]!.reason).toMatch(/recordId: expected the canonical internal id/);
    expect(res.body.rejected![1]!.reason).toMatch(/changedAt: .* more than 5 minutes in the future/);
    expect(res.body.rejected![2]!.reason).toMatch(/sku/);
    expect(ids()).toEqual(expect.arrayContaining(['e-MIX-1', 'r-77']));
    expect(ids()).not.toContain('r-0123');
    expect(ids()).not.toContain('e-MIX-2');
  });

  it('answers 400 with every reason when no event of the batch can be taken', async () => {
    const res = await post({ events: [refund('007'), stock('FUT', 1, '2099-01-01T00:00:00Z')] });
    expect(res.status).toBe(400);
    expect(res.body.accepted).toBe(0);
    expect(res.body.rejected!.map((r) => r.index)).toEqual([0, 1]);
    expect(res.body.rejected![1]!.reason).toMatch(/2099-01-01T00:00:00Z is more than 5 minutes in the future/);
  });

  it('reports events Temporal refuses as rejected (4xx naming them), never 503', async () => {
    failNext = 'refused';
    const res = await post({ events: [stock('POISON', 1), refund('88')] });
    expect(res.status).toBe(202);
    expect(res.body.rejected).toEqual([{ index: 0, eventId: 'e-POISON-1', reason: expect.stringMatching(/Temporal refused it: .*INVALID_ARGUMENT/) }]);
    failNext = 'refused';
    const alone = await post({ events: [stock('POISON', 2)] });
    expect(alone.status).toBe(400);
    expect(alone.body.rejected![0]!.eventId).toBe('e-POISON-2');
  });
});

describe('POST /webhooks/erp with the real handlers', () => {
  const bcLevel = async (sku: string, locationId: number): Promise<number | undefined> => {
    const items: Json[] = (await storeApi(stack)('GET', `/v3/inventory/items?sku:in=${encodeURIComponent(sku)}`)).data;
    return items[0]?.locations.find((l: Json) => l.location_id === locationId)?.total_inventory_onhand;
  };
  const setErpStock = async (sku: string, onHand: number) => {
    const res = await fetch(`${stack.sandboxes.erpUrl}/__sandbox/stock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ levels: [{ sku, location: '1', onHand }] }),
    });
    expect(res.ok).toBe(true);
  };

  it("takes an inventory event as a hint: a forged level is not applied, the ERP's own level is", async () => {
    await setErpStock('PACK-22', 7);
    await eventually(async () => ((await bcLevel('PACK-22', 1)) === 7 ? true : undefined), 'PACK-22 at 7 in BigCommerce', 30_000);
    // The 2099 attack, inside the tolerance: a forged level dated 4 minutes ahead.
    const forged = await post(
      { events: [{ ...stock('PACK-22', 9999, new Date(Date.now() + 4 * 60_000).toISOString()), eventId: 'forged-1' }] },
      {},
      `${stack.apiUrl}/webhooks/erp`,
    );
    expect(forged).toMatchObject({ status: 202, body: { accepted: 1 } });
    // The signal the push became (durable before the 202, so the last one in the history) carries the ERP's record, level and change time.
    const history = await stack.client.workflow.getHandle(`inventory:${stack.storeHash}`).fetchHistory();
    const signals = await Promise.all(
      (history.events ?? []).flatMap((e) => {
        const a = e.workflowExecutionSignaledEventAttributes;
        return a?.signalName === 'inventoryChanges' ? [payloadValue<{ levels: Json[] }>(a.input!.payloads![0]!)] : [];
      }),
    );
    const erpLevel = ((await (await fetch(`${stack.sandboxes.erpUrl}/__sandbox/stock`)).json()) as { levels: Json[] }).levels.find(
      (l) => l.sku === 'PACK-22' && l.location === '1',
    );
    expect(signals.at(-1)!.levels).toEqual([{ sku: 'PACK-22', location: '1', quantityOnHand: 7, quantityAvailable: 7, changedAtMs: Date.parse(erpLevel.modifiedAt) }]);
    const held = await stack.client.workflow.getHandle(`inventory:${stack.storeHash}`).query(inventorySkuQuery, 'PACK-22');
    expect(JSON.stringify(held)).not.toContain('9999');
    // A later real change still wins (the forged time pinned nothing), and BigCommerce never showed 9999.
    await setErpStock('PACK-22', 11);
    await eventually(async () => ((await bcLevel('PACK-22', 1)) === 11 ? true : undefined), 'PACK-22 at 11 in BigCommerce', 30_000);
  });

  it('a replayed signed refund event starts nothing twice (visibility and history)', async () => {
    const body = { events: [refund('424242', 'replay-refund-1')] };
    const first = await post(body, { webhookId: 'msg_refund_replay' }, `${stack.apiUrl}/webhooks/erp`);
    expect(first).toMatchObject({ status: 202, body: { accepted: 1 } });
    const again = await post(body, { webhookId: 'msg_refund_replay' }, `${stack.apiUrl}/webhooks/erp`);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    const workflowId = erpRefundWorkflowId(stack.storeHash, 'cashRefund', '424242');
    const runs = await eventually(async () => {
      const found = [];
      for await (const w of stack.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) found.push(w);
      return found.length ? found : undefined;
    }, 'the ERP refund workflow in visibility');
    expect(runs).toHaveLength(1);
    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    expect(history.events?.filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(1);
  });
});
