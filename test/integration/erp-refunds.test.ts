import type { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { erpRefundWorkflowId, erpRefundStateQuery, type ErpRefundSyncState } from '../../workflows/refunds/erp-refund-sync.contract';
import { decide, listAttention } from '../../clients/attention';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { startWorkers } from '../../workers/start-workers';
import { connectWorkerConnection } from '../../workers/temporal-connection';
import { orderStateQuery } from '../../workflows/orders/order-sync.contract';
import { refundStateQuery } from '../../workflows/refunds/refund-sync.contract';
import { recordHistory } from '../support/histories';
import { logger } from '../support/setup';
import { eventually, startStack, type Stack } from '../support/stack';
import { postErp } from '../support/erp-push';
import { storeApi } from '../support/store-calls';
import { ERP_REFUND_SWEEP_WORKFLOW, type ErpRefundSweepWorkflow } from '../../workflows/refunds/erp-refund-sweep.contract';
import type { Json } from '../support/json';

let stack: Stack;
let native: NativeConnection;
/** The workers started after the first test killed the stack's own. */
let rerun: Awaited<ReturnType<typeof startWorkers>> | undefined;
beforeAll(async () => {
  // The inventory sync (ERP levels -> BigCommerce) is pointed at an ERP location that does not exist: the
  // stock this test reads is then BigCommerce's own, so it shows what the refunds did (nothing) and nothing else.
  stack = await startStack({ ORDER_RETRY_WINDOW: '20s', ORDER_PARK_RETRY: '2s', REFUND_DECLINE_CHECKS: '1s', INVENTORY_LOCATIONS: 'none:1' });
  native = await connectWorkerConnection(stack.config.temporal);
});
afterAll(async () => {
  await rerun?.shutdown();
  await stack?.close();
  await native?.close();
});

const bc = (method: string, p: string, body?: unknown): Promise<Json> => storeApi(stack)(method, p, body);
const control = async (base: string, method: string, p: string, body?: unknown): Promise<Json> => {
  const res = await fetch(`${base}/__sandbox${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = res.status === 204 ? {} : await res.json();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};
const erpData = () => stack.sandboxes.erp.data;
const bcRefundsOf = (orderId: number) => Object.values(stack.sandboxes.bigcommerce.ctx.data.refunds).filter((r) => r.orderId === orderId);
const stockOf = async (productId: number): Promise<number> => (await bc('GET', `/v3/catalog/products/${productId}`)).data.inventory_level;
const erpWorkflow = (recordType: string, recordId: string) => stack.client.workflow.getHandle(erpRefundWorkflowId(stack.storeHash, recordType, recordId));
const settled = (recordType: string, recordId: string, status = 'Refunded') =>
  eventually(
    async () => {
      const s: ErpRefundSyncState = await erpWorkflow(recordType, recordId).query(erpRefundStateQuery);
      return s.status === status ? s : undefined;
    },
    `ERP ${recordType} ${recordId} to reach ${status}`,
    40_000,
  );

/** A BigCommerce order that reached the ERP as a sales order, with its lines. */
async function orderInErp(i: number): Promise<{ id: number; lines: Json[] }> {
  const order = await stack.createOrder(demoOrderBody(i));
  await eventually(() => Object.values(erpData().salesOrders).find((o) => o.externalId === `bc-${stack.storeHash}-${order.id}`), 'the order in the ERP');
  return { id: order.id, lines: await bc('GET', `/v2/orders/${order.id}/products`) };
}

/** What an ERP user does: a cash refund or return against the sales order (the sandbox pushes refund.authorized). */
const erpRefund = async (body: Record<string, unknown>): Promise<{ record: Json; event: Json }> => control(stack.sandboxes.erpUrl, 'POST', '/erp-refunds', body);

describe('refunds authorised in the ERP become exactly one BigCommerce refund', () => {
  it("the create's answer is lost and the workers are killed right after BigCommerce accepted it: one refund, adopted, linked once, no restock, not booked back", async () => {
    const order = await orderInErp(0); // 1 x product 111, 3 x product 112, shipping 10.26
    const second = order.lines.find((l) => l.product_id === 112);
    const stockBefore = [await stockOf(111), await stockOf(112)];
    // BigCommerce commits the refund and the answer never reaches us (a 502 instead).
    await control(stack.sandboxes.bcUrl, 'POST', '/faults', { method: 'POST', path: '^/v3/orders/\\d+/payment_actions/refunds$', status: 502, lostAnswer: true, times: 1 });
    try {
      const { record } = await erpRefund({
        recordType: 'cashRefund',
        salesOrder: `bc-${stack.storeHash}-${order.id}`,
        lines: [{ lineId: String(second.id), quantity: 2 }],
        shipping: 9.5,
        memo: 'Arrived damaged',
      });
      // As soon as BigCommerce has the refund, the workers die; new ones take over.
      await eventually(() => (bcRefundsOf(order.id).length > 0 ? true : undefined), 'BigCommerce to record the refund');
      await stack.workers.shutdown();
      expect(bcRefundsOf(order.id)).toHaveLength(1);
      rerun = await startWorkers(stack.config, { connection: native, logger, client: stack.client, workflowBundle: { codePath: inject('workflowBundlePath') } });
      stack.workers = rerun;

      const state = await settled('cashRefund', record.id);
      // Exactly one BigCommerce refund, and it is the one the lost create made (found by its marker).
      const refunds = bcRefundsOf(order.id);
      expect(refunds).toHaveLength(1);
      const made = refunds[0]!;
      expect(state.bcRefund).toMatchObject({ id: made.id, created: false });
      expect(made.reason).toContain(`[bcsync cashRefund ${record.id}]`);
      expect(made.items.map((i) => [i.itemType, i.itemId, i.quantity])).toEqual([
        ['PRODUCT', second.id, 2],
        ['SHIPPING', (await bc('GET', `/v2/orders/${order.id}/shipping_addresses`))[0].id, null],
      ]);
      // BigCommerce's quote decided the amount (2 units with tax, plus the shipping asked for).
      expect(made.totalUnits).toBeGreaterThan(0);
      const faults: Json = await control(stack.sandboxes.bcUrl, 'GET', '/faults');
      expect(faults.faults[0].fired).toBe(1);

      // One ERP-side link: the record names the BigCommerce refund, written once.
      const erpRecord = erpData().erpRefunds!.records[record.id]!;
      expect(erpRecord.fields.custbody_bcsync_bc_refund_id).toBe(String(made.id));
      expect(erpData().erpRefunds!.writes[`cashRefund:${record.id}`]).toBe(1);

      // The refund's own webhook started refundSync, which recognised our refund and booked nothing.
      // (Runs that were on the killed workers first wait out their sticky queue's timeout, 10 s: hence 40 s.)
      const back = await eventually(
        async () => {
          const s = await stack.client.workflow.getHandle(`refund:${stack.storeHash}:${made.id}`).query(refundStateQuery);
          return s.status === 'FromErp' ? s : undefined;
        },
        'the BigCommerce -> ERP refund sync to skip our refund',
        40_000,
      );
      expect(back.creditMemo).toBeNull();
      expect(Object.values(erpData().creditMemos)).toHaveLength(0);

      // The order's own workflow shows the refund and BigCommerce's Partially Refunded status.
      const orderState = await eventually(
        async () => {
          const s = await stack.client.workflow.getHandle(`order:${stack.storeHash}:${order.id}`).query(orderStateQuery);
          return s.refunds?.[String(made.id)] && s.order?.statusId === 14 ? s : undefined;
        },
        'the order workflow to show the refund and status Partially Refunded',
        40_000,
      );
      expect(orderState.refunds![String(made.id)]).toMatchObject({ status: 'Booked', creditMemoId: erpRecord.tranId });

      // Refunds never restock: the goods coming back is the ERP's (and the inventory sync's) business.
      expect([await stockOf(111), await stockOf(112)]).toEqual(stockBefore);
      await recordHistory(erpWorkflow('cashRefund', record.id), 'erp-refund-sync-v1-adopted-after-lost-answer');
      await recordHistory(stack.client.workflow.getHandle(`refund:${stack.storeHash}:${made.id}`), 'refund-sync-v2-skips-erp-initiated');
    } finally {
      await control(stack.sandboxes.bcUrl, 'DELETE', '/faults');
    }
  });

  it('a lost event is recovered by the sweep; repeated events and sweeps refund nothing twice', async () => {
    const order = await orderInErp(1);
    // The ERP's push loses this event.
    stack.sandboxes.erp.events.settings.dropRate = 1;
    let record: Json;
    try {
      ({ record } = await erpRefund({
        recordType: 'returnAuthorization',
        salesOrder: `bc-${stack.storeHash}-${order.id}`,
        lines: [{ lineId: String(order.lines[0].id), quantity: 1 }],
        received: true,
      }));
    } finally {
      stack.sandboxes.erp.events.settings.dropRate = 0;
    }
    await new Promise((r) => setTimeout(r, 1_000));
    expect(bcRefundsOf(order.id)).toHaveLength(0);
    await expect(erpWorkflow('returnAuthorization', record.id).describe()).rejects.toThrow();

    const sweepArgs = { storeHash: stack.storeHash, lookbackMs: 3_600_000, refund: { erpTaskQueue: stack.config.erp.taskQueue, retryWindowMs: 20_000, parkRetryMs: 2_000 } };
    const first = await stack.client.workflow.execute<ErpRefundSweepWorkflow>(ERP_REFUND_SWEEP_WORKFLOW, {
      workflowId: `erp-refund-sweep-test-1:${stack.storeHash}`,
      taskQueue: stack.config.temporal.workflowTaskQueue,
      args: [sweepArgs],
    });
    expect(first).toMatchObject({ found: 1, started: 1 });
    await recordHistory(stack.client.workflow.getHandle(`erp-refund-sweep-test-1:${stack.storeHash}`), 'erp-refund-sweep-v1-starts-lost-refund');
    const state = await settled('returnAuthorization', record.id);
    expect(state.erpRefund?.goodsReceived).toBe(true);
    expect(state.bcRefund?.created).toBe(true);

    // The same event again (as an ERP retrying would send it), and another sweep: nothing new.
    const again = await postErp(`${stack.apiUrl}/webhooks/erp`, {
      events: [{ type: 'refund.authorized', eventId: 'replay-1', recordType: 'returnAuthorization', recordId: record.id, changedAt: new Date().toISOString() }],
    });
    expect(again.status).toBe(202);
    const second = await stack.client.workflow.execute<ErpRefundSweepWorkflow>(ERP_REFUND_SWEEP_WORKFLOW, {
      workflowId: `erp-refund-sweep-test-2:${stack.storeHash}`,
      taskQueue: stack.config.temporal.workflowTaskQueue,
      args: [sweepArgs],
    });
    expect(second).toMatchObject({ found: 0, started: 0 });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(bcRefundsOf(order.id)).toHaveLength(1);
    expect(erpData().erpRefunds!.writes[`returnAuthorization:${record.id}`]).toBe(1);
  });

  it('two ERP refunds of one order at once are refunded one after the other, both exactly once', async () => {
    const order = await orderInErp(2); // 1 x 116, 2 x 114, 1 x 113/203
    // A long processing time: the second refund must wait for BigCommerce to finish the first.
    await control(stack.sandboxes.bcUrl, 'PUT', '/orders/settings', { refundProcessingMs: 2_000 });
    try {
      const [a, b] = await Promise.all([
        erpRefund({ recordType: 'cashRefund', salesOrder: `bc-${stack.storeHash}-${order.id}`, lines: [{ lineId: String(order.lines[0].id), quantity: 1 }] }),
        erpRefund({
          recordType: 'cashRefund',
          salesOrder: `bc-${stack.storeHash}-${order.id}`,
          lines: [{ lineId: String(order.lines[1].id), quantity: 1 }],
          amounts: [{ amount: 5, description: 'Goodwill' }],
        }),
      ]);
      const [sa, sb] = [await settled('cashRefund', a.record.id), await settled('cashRefund', b.record.id)];
      const refunds = bcRefundsOf(order.id);
      expect(refunds.map((r) => r.id).sort()).toEqual([sa.bcRefund!.id, sb.bcRefund!.id].sort());
      // BigCommerce refused one while the other was processing; the refund activity waited and tried again.
      const histories = await Promise.all([erpWorkflow('cashRefund', a.record.id), erpWorkflow('cashRefund', b.record.id)].map((h) => h.fetchHistory()));
      const inProgress = histories
        .flatMap((h) => h.events ?? [])
        .filter((e) => e.activityTaskStartedEventAttributes?.lastFailure?.applicationFailureInfo?.type === 'BcRefundInProgress');
      expect(inProgress.length).toBeGreaterThan(0);
      const goodwill = refunds.find((r) => r.items.some((i) => i.itemType === 'ORDER'))!;
      expect(goodwill.items.find((i) => i.itemType === 'ORDER')).toMatchObject({ itemId: order.id, requestedUnits: 50_000 });
    } finally {
      await control(stack.sandboxes.bcUrl, 'PUT', '/orders/settings', { refundProcessingMs: 500 });
    }
  });

  it('an ERP refund BigCommerce cannot carry out parks for ops, who skip it', async () => {
    const order = await orderInErp(0);
    const line = order.lines[0];
    // More units than the order has: mapped, refused before any BigCommerce call.
    const so = Object.values(erpData().salesOrders).find((o) => o.externalId === `bc-${stack.storeHash}-${order.id}`)!;
    const { record } = await erpRefund({ recordType: 'cashRefund', salesOrder: so.externalId, lines: [{ lineId: String(line.id), quantity: line.quantity + 1 }] });
    const parked = await settled('cashRefund', record.id, 'NeedsAttention');
    expect(parked.problem).toMatchObject({ type: 'ErpRefundMappingError', step: 'map', transient: false });
    const attrs = (await erpWorkflow('cashRefund', record.id).describe()).typedSearchAttributes;
    expect(attrs.getAll().find((a) => a.key.name === 'BcSyncStatus')?.value).toBe('NeedsAttention');
    // Ops find it beside parked orders and refunds (and alerts count it), and skip it.
    const workflowId = erpRefundWorkflowId(stack.storeHash, 'cashRefund', record.id);
    const attention = await eventually(async () => {
      const items = await listAttention(stack.client, { storeHash: stack.storeHash, details: true });
      return items.some((i) => i.workflowId === workflowId) ? items : undefined;
    }, 'the parked ERP refund in the ops attention list');
    expect(attention.find((i) => i.workflowId === workflowId)).toMatchObject({ errorType: 'ErpRefundMappingError', orderId: order.id, erpId: record.tranId });
    const answer = await decide(stack.client, workflowId, { action: 'skip' });
    expect(answer.status).toBe('Skipped');
    await recordHistory(erpWorkflow('cashRefund', record.id), 'erp-refund-sync-v1-parked-then-skipped');
    expect(bcRefundsOf(order.id)).toHaveLength(0);
  });
});
