import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BigCommerceActivities } from '../../activities/orders/bigcommerce';
import type { ErpActivities } from '../../activities/orders/erp';
import type { OmsActivities } from '../../activities/orders/oms';
import type { BcOrder } from '../../domain/orders/order';
import { STATUS } from '../../domain/orders/lifecycle';
import type { OmsOrder } from '../../domain/orders/oms-order';
import type { SalesOrder } from '../../domain/orders/sales-order';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import {
  ORDER_SYNC_WORKFLOW,
  decideSignal,
  decideUpdate,
  orderEventSignal,
  orderStateQuery,
  orderWorkflowId,
  type OrderLifecycleInput,
  type OrderLifecycleState,
  type OrderSyncWorkflow,
} from '../../workflows/orders/order-sync.contract';
import { recording, refusal, startTestbed, type StubCall, type Testbed, type TestQueues, until } from '../support/workflow-env';
import { argsOf, bcOrder, names } from './fixtures';

/**
 * orderSync with every activity stubbed, on the time-skipping test server: the branches that the
 * end-to-end tests reach only through the sandboxes (parking, un-parking, a retry window running
 * out, compensation, ops decisions, the ERP total check), with the product's real timings (10 min
 * retry window, 15 min park retry, 1 h quiet period) skipped through in milliseconds.
 */

type BcStubs = Pick<BigCommerceActivities, 'fetchOrderSnapshot' | 'writeBackErpId' | 'setOrderStatus'>;
type ErpStubs = Pick<ErpActivities, 'upsertSalesOrder' | 'closeSalesOrder'>;
type OmsStubs = Pick<OmsActivities, 'upsertOmsOrder' | 'cancelOmsOrder'>;

let bed: Testbed;
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  bed = await startTestbed();
  env = bed.env;
});
afterAll(async () => {
  await bed?.close();
});

/** BigCommerce as the stubs see it: the order and BigCommerce's clock, which moves on with every read. */
interface Store {
  order: BcOrder;
  clockS: number;
}

const ORDER_ID = 100;
const refused = (type: string, message: string) => ApplicationFailure.nonRetryable(message, type);
const unavailable = (type: string, message: string) => ApplicationFailure.retryable(message, type);

/**
 * Stubs for the three queues an order touches, answering as a healthy world would unless a test
 * replaces one. Every call lands in `calls`, across queues, in the order the workflow made them.
 */
function orderActivities(
  q: TestQueues,
  calls: StubCall[],
  store: Store,
  over: { bc?: Partial<BcStubs>; erp?: Partial<ErpStubs>; oms?: Partial<OmsStubs> } = {},
): Record<string, object> {
  const bc: BcStubs = {
    async fetchOrderSnapshot() {
      return { order: store.order, readAtS: ++store.clockS };
    },
    async writeBackErpId() {
      return { outcome: 'created' };
    },
    async setOrderStatus(_orderId, statusId) {
      store.order = { ...store.order, statusId, status: statusId === STATUS.manualVerificationRequired ? 'Manual Verification Required' : 'Awaiting Fulfillment' };
      return { order: store.order, readAtS: ++store.clockS };
    },
    ...over.bc,
  };
  const erp: ErpStubs = {
    async upsertSalesOrder(order) {
      return { internalId: '5001', erpTotal: order.expectedTotal };
    },
    async closeSalesOrder() {
      return { closed: true, existed: true, internalId: '5001' };
    },
    ...over.erp,
  };
  const oms: OmsStubs = {
    async upsertOmsOrder() {
      return { orderId: 9001, orderStatus: 'awaiting_shipment' };
    },
    async cancelOmsOrder() {
      return { orderId: 9001, orderStatus: 'cancelled' };
    },
    ...over.oms,
  };
  return { [bigCommerceTaskQueue(q.storeHash)]: recording(calls, bc), [q.erp]: recording(calls, erp), [q.oms]: recording(calls, oms) };
}

/** Starts the order's run as the webhook does (signal-with-start), with the product's default timings. */
async function startOrder(q: TestQueues, store: Store): Promise<WorkflowHandle<OrderSyncWorkflow>> {
  const input: OrderLifecycleInput = {
    storeHash: q.storeHash,
    orderId: ORDER_ID,
    erpTaskQueue: q.erp,
    omsTaskQueue: q.oms,
    quietPeriodMs: 3_600_000,
    retryWindowMs: 600_000,
    parkRetryMs: 900_000,
    // No inventory notes: inventorySync is not part of these tests.
    inventoryNotes: false,
  };
  // Started, then signalled: what the webhook's signal-with-start does. (The time-skipping server
  // keeps time locked after a signal-with-start, so awaiting a result would never skip a timer.)
  const handle = await env.client.workflow.start<OrderSyncWorkflow>(ORDER_SYNC_WORKFLOW, {
    workflowId: orderWorkflowId(q.storeHash, ORDER_ID),
    taskQueue: q.workflows,
    args: [input],
  });
  await handle.signal(orderEventSignal, { scope: 'store/order/created', hash: 'created-1', createdAt: store.clockS });
  return handle;
}

/** A new order event from BigCommerce, newer than the last read. */
const orderUpdated = (store: Store, hash: string) => ({ scope: 'store/order/updated', hash, createdAt: store.clockS + 1 });

const stateOf = (handle: WorkflowHandle<OrderSyncWorkflow>) => handle.query(orderStateQuery);
const waitFor = (handle: WorkflowHandle<OrderSyncWorkflow>, what: string, done: (s: OrderLifecycleState) => boolean) => until(() => stateOf(handle), done, what);
/** The calls made since `from` (after a first part of a test). */
const since = (calls: StubCall[], from: number) => calls.slice(from);

describe('orderSync on the time-skipping server, activities stubbed', () => {
  it('parks on a refused ERP write without retrying by itself, and un-parks on the next order event', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const store: Store = { order: bcOrder(), clockS: 1_780_000_000 };
    let erpRefuses = true;
    const activities = orderActivities(q, calls, store, {
      erp: {
        async upsertSalesOrder(order) {
          if (erpRefuses) throw refused('ErpValidationError', 'Invalid customer subsidiary');
          return { internalId: '5001', erpTotal: order.expectedTotal };
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startOrder(q, store);
      const parked = await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      expect(parked.problem).toEqual({ type: 'ErpValidationError', message: 'Invalid customer subsidiary', step: 'erp', transient: false });
      // A refusal: nothing landed in the ERP, so the next write need not look first.
      expect(parked.erp).toMatchObject({ id: null, unconfirmed: false });
      expect(names(calls)).toEqual(['fetchOrderSnapshot', 'upsertSalesOrder']);
      // Not transient: no timer brings it back; a day later nothing more was tried.
      await env.sleep('1 day');
      expect(names(calls)).toEqual(['fetchOrderSnapshot', 'upsertSalesOrder']);
      expect((await stateOf(handle)).status).toBe('NeedsAttention');

      // The merchant fixes the customer in the ERP and edits the order: its event un-parks the run.
      erpRefuses = false;
      const before = calls.length;
      await handle.signal(orderEventSignal, orderUpdated(store, 'updated-1'));
      const synced = await waitFor(handle, 'synced', (s) => s.status === 'Synced');
      expect(names(since(calls, before))).toEqual(['fetchOrderSnapshot', 'upsertSalesOrder', 'writeBackErpId', 'upsertOmsOrder']);
      const [salesOrder, opts] = argsOf(calls, 'upsertSalesOrder')[1] as [SalesOrder, { lookFirst: boolean }];
      expect(salesOrder).toMatchObject({ externalId: `bc-${q.storeHash}-${ORDER_ID}`, expectedTotal: '40.0000' });
      expect(opts).toEqual({ lookFirst: false });
      expect(argsOf(calls, 'writeBackErpId')).toEqual([[ORDER_ID, '5001']]);
      expect(synced).toMatchObject({
        problem: null,
        erp: { id: '5001', closed: false, unconfirmed: false },
        erpIdWrittenBack: true,
        oms: { status: 'awaiting_shipment' },
        hold: null,
      });
      await handle.terminate('test done');
    });
  });

  it('retries an unavailable ERP for the whole retry window, parks as transient, then tries again by itself after the park timer', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const store: Store = { order: bcOrder(), clockS: 1_780_000_000 };
    let erpDown = true;
    const activities = orderActivities(q, calls, store, {
      erp: {
        async upsertSalesOrder(order) {
          if (erpDown) throw unavailable('ErpUnavailable', 'NetSuite answered 503');
          return { internalId: '5002', erpTotal: order.expectedTotal };
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startOrder(q, store);
      await waitFor(handle, 'the first ERP attempt', () => calls.some((c) => c.name === 'upsertSalesOrder'));
      // Inside the 10 minute window: still retrying, not parked.
      await env.sleep('9 minutes');
      expect((await stateOf(handle)).status).toBe('Waiting');
      await env.sleep('2 minutes');
      const parked = await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      // The server gives up before an attempt that would end past the window, with the last attempt's failure.
      expect(parked.problem).toEqual({ type: 'ErpUnavailable', message: 'NetSuite answered 503', step: 'erp', transient: true });
      // The write may have landed: the next one looks first.
      expect(parked.erp.unconfirmed).toBe(true);
      // 1 s doubling to a 1 min cap: attempts at 0, 1, 3, 7, 15, 31, 63 s, then one a minute up to 543 s;
      // the next would start past the 10 min window, so the server gives up there (about 9 min in).
      expect(argsOf(calls, 'upsertSalesOrder')).toHaveLength(15);
      expect(names(calls).filter((n) => n !== 'upsertSalesOrder')).toEqual(['fetchOrderSnapshot']);

      // The ERP is back; no event, no person: the park timer (15 min from the park, at about 9 min) tries again.
      erpDown = false;
      const before = calls.length;
      await env.sleep('12 minutes');
      expect(calls.length).toBe(before);
      await env.sleep('2 minutes');
      const synced = await waitFor(handle, 'synced', (s) => s.status === 'Synced');
      expect(names(since(calls, before))).toEqual(['fetchOrderSnapshot', 'upsertSalesOrder', 'writeBackErpId', 'upsertOmsOrder']);
      expect(argsOf(calls, 'upsertSalesOrder').at(-1)![1]).toEqual({ lookFirst: true });
      expect(synced).toMatchObject({ problem: null, erp: { id: '5002', unconfirmed: false } });
      await handle.terminate('test done');
    });
  });

  it('compensates when the OMS refuses the order: the ERP order is closed and the order held; the echo does not move it; retry with a SKU map lifts the hold', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const store: Store = { order: bcOrder(), clockS: 1_780_000_000 };
    const activities = orderActivities(q, calls, store, {
      oms: {
        async upsertOmsOrder(order) {
          const unknown = order.items.find((i) => i.sku === 'PACK-22');
          if (unknown) throw refused('OmsUnknownSku', `SKU ${unknown.sku} is not a 3PL product`);
          return { orderId: 9003, orderStatus: 'awaiting_shipment' };
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startOrder(q, store);
      const held = await waitFor(handle, 'parked with a hold', (s) => s.status === 'NeedsAttention' && s.hold !== null);
      expect(names(calls)).toEqual(['fetchOrderSnapshot', 'upsertSalesOrder', 'writeBackErpId', 'upsertOmsOrder', 'closeSalesOrder', 'setOrderStatus']);
      expect(argsOf(calls, 'closeSalesOrder')).toEqual([[`bc-${q.storeHash}-${ORDER_ID}`]]);
      expect(argsOf(calls, 'setOrderStatus')).toEqual([
        [ORDER_ID, STATUS.manualVerificationRequired, 'bcsync: not sent to fulfilment: OmsUnknownSku: SKU PACK-22 is not a 3PL product'],
      ]);
      expect(held.problem).toEqual({ type: 'OmsUnknownSku', message: 'SKU PACK-22 is not a 3PL product', step: 'oms', transient: false });
      expect(held.erp.closed).toBe(true);
      expect(held.hold).toEqual({ previousStatusId: STATUS.awaitingFulfillment });
      expect(held.order!.statusId).toBe(STATUS.manualVerificationRequired);

      // The hold's own webhook comes back: the run reads the order and sees its hold; nothing is written.
      let before = calls.length;
      await handle.signal(orderEventSignal, orderUpdated(store, 'hold-echo'));
      await waitFor(handle, 'the echo read', (s) => s.passes === held.passes + 1);
      expect(names(since(calls, before))).toEqual(['fetchOrderSnapshot']);
      expect((await stateOf(handle)).status).toBe('NeedsAttention');

      // Ops map the SKU and retry: the order goes through the hold, as it was before it.
      before = calls.length;
      const answer = await handle.executeUpdate(decideUpdate, { args: [{ action: 'retry', skuMap: { 'PACK-22': '3PL-PACK-22' }, note: 'mapped' }] });
      expect(answer).toEqual({ status: 'Synced', problem: null });
      expect(names(since(calls, before))).toEqual(['fetchOrderSnapshot', 'upsertSalesOrder', 'upsertOmsOrder', 'setOrderStatus']);
      const [omsOrder] = argsOf(calls, 'upsertOmsOrder').at(-1) as [OmsOrder];
      expect(omsOrder.items.map((i) => i.sku)).toEqual(['3PL-PACK-22']);
      // The ERP order was closed by the compensation: written again, as the order was before the hold.
      const [salesOrder] = argsOf(calls, 'upsertSalesOrder').at(-1) as [SalesOrder];
      expect(salesOrder.externalId).toBe(`bc-${q.storeHash}-${ORDER_ID}`);
      expect(argsOf(calls, 'setOrderStatus').at(-1)).toEqual([ORDER_ID, STATUS.awaitingFulfillment, 'bcsync: synced after ops decision']);
      const synced = await stateOf(handle);
      expect(synced).toMatchObject({ hold: null, erp: { closed: false }, skuMap: { 'PACK-22': '3PL-PACK-22' }, lastDecision: { action: 'retry', note: 'mapped' } });
      expect(synced.order!.statusId).toBe(STATUS.awaitingFulfillment);
      await handle.terminate('test done');
    });
  });

  it('compensation whose ERP undo is refused still holds the order and parks on the OMS problem; skip ends the run', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const store: Store = { order: bcOrder(), clockS: 1_780_000_000 };
    const activities = orderActivities(q, calls, store, {
      oms: {
        async upsertOmsOrder() {
          throw refused('OmsValidationError', 'shipTo.postalCode is invalid');
        },
      },
      erp: {
        async closeSalesOrder() {
          throw refused('ErpValidationError', 'the sales order is billed and cannot be closed');
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startOrder(q, store);
      const parked = await waitFor(handle, 'parked with a hold', (s) => s.status === 'NeedsAttention' && s.hold !== null);
      expect(names(calls)).toEqual(['fetchOrderSnapshot', 'upsertSalesOrder', 'writeBackErpId', 'upsertOmsOrder', 'closeSalesOrder', 'setOrderStatus']);
      // The undo failed: the ERP order stays open (and says so); ops see the cause that started it all.
      expect(parked.erp).toMatchObject({ id: '5001', closed: false });
      expect(parked.problem).toEqual({ type: 'OmsValidationError', message: 'shipTo.postalCode is invalid', step: 'oms', transient: false });
      expect(parked.hold).toEqual({ previousStatusId: STATUS.awaitingFulfillment });

      const before = calls.length;
      await handle.signal(decideSignal, { action: 'skip', note: 'shipped by hand' });
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'Skipped', problem: null, lastDecision: { action: 'skip', note: 'shipped by hand' } });
      expect(calls.length).toBe(before);
    });
  });

  it('compensation whose hold is refused still closes the ERP order, and the order parks without a hold', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const store: Store = { order: bcOrder(), clockS: 1_780_000_000 };
    const activities = orderActivities(q, calls, store, {
      oms: {
        async upsertOmsOrder() {
          throw refused('OmsValidationError', 'shipTo.postalCode is invalid');
        },
      },
      bc: {
        async setOrderStatus() {
          throw refused('BcValidation', 'status_id 12 is not allowed');
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startOrder(q, store);
      const parked = await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      expect(names(calls)).toEqual(['fetchOrderSnapshot', 'upsertSalesOrder', 'writeBackErpId', 'upsertOmsOrder', 'closeSalesOrder', 'setOrderStatus']);
      expect(parked).toMatchObject({ hold: null, erp: { closed: true }, problem: { type: 'OmsValidationError', step: 'oms' } });
      expect(parked.order!.statusId).toBe(STATUS.awaitingFulfillment);
      await handle.terminate('test done');
    });
  });

  it('resolve: ops close a parked order by hand; nothing is called, and a second resolve is refused', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const store: Store = { order: bcOrder(), clockS: 1_780_000_000 };
    const activities = orderActivities(q, calls, store, {
      erp: {
        async upsertSalesOrder() {
          throw refused('ErpValidationError', 'Invalid customer subsidiary');
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startOrder(q, store);
      await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      const before = calls.length;
      // Who decided (the ops API's token name) is kept with the decision.
      const answer = await handle.executeUpdate(decideUpdate, { args: [{ action: 'resolve', note: 'entered in the ERP by hand', by: 'alice' }] });
      expect(answer).toEqual({ status: 'Resolved', problem: null });
      expect(calls.length).toBe(before);
      expect(await stateOf(handle)).toMatchObject({ status: 'Resolved', problem: null, lastDecision: { action: 'resolve', note: 'entered in the ERP by hand', by: 'alice' } });
      expect(await refusal(handle.executeUpdate(decideUpdate, { args: [{ action: 'resolve' }] }))).toBe('nothing to resolve: the order is not parked');
      expect(await refusal(handle.executeUpdate(decideUpdate, { args: [{ action: 'undo' as 'skip' }] }))).toBe('unknown decision undo: retry, skip or resolve');
      expect(calls.length).toBe(before);
      await handle.terminate('test done');
    });
  });

  it("parks on an ERP total that differs from BigCommerce's; an unchanged order stays parked; retry writes again and checks", async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const store: Store = { order: bcOrder(), clockS: 1_780_000_000 };
    let erpTotal = '39.0000';
    const activities = orderActivities(q, calls, store, {
      erp: {
        async upsertSalesOrder() {
          return { internalId: '5004', erpTotal };
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startOrder(q, store);
      const parked = await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      expect(parked.problem).toMatchObject({ type: 'ErpTotalMismatch', step: 'erp', transient: false });
      expect(parked.problem!.message).toMatch(/^the ERP's total 39\.0000 differs from BigCommerce's total_inc_tax 40\.0000 \(short by 1\.00\)/);
      expect(parked.erp).toMatchObject({ id: '5004', totalMismatch: { bigcommerce: '40.0000', erp: '39.0000' } });
      // Held at the figure: no id written back, nothing sent to fulfilment.
      expect(names(calls)).toEqual(['fetchOrderSnapshot', 'upsertSalesOrder']);

      // An event with nothing new to write: read, and still parked on the same figure (no second write).
      let before = calls.length;
      await handle.signal(orderEventSignal, orderUpdated(store, 'noop-1'));
      await waitFor(handle, 'the second pass', (s) => s.passes === parked.passes + 1);
      expect(names(since(calls, before))).toEqual(['fetchOrderSnapshot']);
      expect((await stateOf(handle)).problem).toMatchObject({ type: 'ErpTotalMismatch' });

      // The ERP's item is fixed; ops retry: the same content is written again and checked.
      erpTotal = '40.0000';
      before = calls.length;
      const answer = await handle.executeUpdate(decideUpdate, { args: [{ action: 'retry' }] });
      expect(answer).toEqual({ status: 'Synced', problem: null });
      expect(names(since(calls, before))).toEqual(['fetchOrderSnapshot', 'upsertSalesOrder', 'writeBackErpId', 'upsertOmsOrder']);
      expect((await stateOf(handle)).erp.totalMismatch).toBeUndefined();
      await handle.terminate('test done');
    });
  });

  it("resolving an ERP total mismatch accepts the ERP's figure and the sync goes on at once, without writing the ERP again", async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const store: Store = { order: bcOrder(), clockS: 1_780_000_000 };
    const activities = orderActivities(q, calls, store, {
      erp: {
        async upsertSalesOrder() {
          return { internalId: '5005', erpTotal: '40.0100' };
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startOrder(q, store);
      await waitFor(handle, 'parked', (s) => s.problem?.type === 'ErpTotalMismatch');
      const before = calls.length;
      const answer = await handle.executeUpdate(decideUpdate, { args: [{ action: 'resolve', note: 'rounding accepted' }] });
      expect(answer).toEqual({ status: 'Synced', problem: null });
      expect(names(since(calls, before))).toEqual(['writeBackErpId', 'upsertOmsOrder']);
      const state = await stateOf(handle);
      expect(state.erp.totalMismatch).toBeUndefined();
      expect(state).toMatchObject({ erpIdWrittenBack: true, lastDecision: { action: 'resolve', note: 'rounding accepted' } });
      await handle.terminate('test done');
    });
  });

  it('a reconciliation copy listed just before the payment, in the same second as our read, does not take the paid order back out of the OMS', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const created = '2026-12-03T19:45:22.000Z';
    const unpaid = bcOrder({ statusId: STATUS.awaitingPayment, status: 'Awaiting Payment', dateModified: created });
    const store: Store = { order: unpaid, clockS: 1_780_000_000 };
    const omsStatuses: string[] = [];
    const stubs = orderActivities(q, calls, store, {
      oms: {
        async upsertOmsOrder(o) {
          omsStatuses.push(o.status);
          return { orderId: 9001, orderStatus: o.status };
        },
      },
    });
    await bed.run(q, stubs, async () => {
      const handle = await startOrder(q, store);
      await waitFor(handle, 'the unpaid order in the ERP', (s) => s.erp.id !== null);
      // Paid: BigCommerce's order changes, its webhook comes, the run reads it (second S).
      store.order = { ...unpaid, statusId: STATUS.awaitingFulfillment, status: 'Awaiting Fulfillment', dateModified: '2026-12-03T19:45:30.000Z' };
      await handle.signal(orderEventSignal, orderUpdated(store, 'paid'));
      await waitFor(handle, 'the paid order in the OMS', (s) => s.oms.order !== null);
      const readAtS = (await stateOf(handle)).lastReadAtS;
      // Reconciliation's listing, made in that same second just before the payment, arrives late.
      await handle.signal(orderEventSignal, { scope: 'bcsync/reconcile', hash: 'listed', createdAt: readAtS - 8, snapshot: { order: unpaid, readAtS } });
      await waitFor(handle, 'the listing taken in', (s) => s.lastEvent?.hash === 'listed');
      const state = await stateOf(handle);
      expect(state.order?.statusId).toBe(STATUS.awaitingFulfillment);
      expect(omsStatuses).toEqual(['awaiting_shipment']);
      expect(names(calls).filter((n) => n === 'fetchOrderSnapshot')).toHaveLength(2);
      await handle.terminate('done');
    });
  });

  it('a completed order ends its run after the quiet period, with its state as the result', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const store: Store = { order: bcOrder({ statusId: STATUS.completed, status: 'Completed' }), clockS: 1_780_000_000 };
    await bed.run(q, orderActivities(q, calls, store), async () => {
      const handle = await startOrder(q, store);
      const startedMs = await env.currentTimeMs();
      // Awaiting the result skips the hour of quiet.
      const result = await handle.result();
      expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(startedMs + 3_600_000);
      expect(result).toMatchObject({ status: 'Synced', erp: { id: '5001' }, oms: { status: 'awaiting_shipment' } });
      expect(names(calls)).toEqual(['fetchOrderSnapshot', 'upsertSalesOrder', 'writeBackErpId', 'upsertOmsOrder']);
    });
  });
});
