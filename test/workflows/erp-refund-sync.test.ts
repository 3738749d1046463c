import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BigCommerceActivities } from '../../activities/orders/bigcommerce';
import type { ErpRefundBcActivities, ErpRefundErpActivities } from '../../activities/refunds/erp-refunds';
import type { ErpRefund, ErpRefundType } from '../../domain/refunds/erp-refund';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import {
  ERP_REFUND_SYNC_WORKFLOW,
  erpRefundChangedSignal,
  erpRefundDecideSignal,
  erpRefundDecideUpdate,
  erpRefundStateQuery,
  erpRefundWorkflowId,
  type ErpRefundSyncInput,
  type ErpRefundSyncState,
  type ErpRefundSyncWorkflow,
} from '../../workflows/refunds/erp-refund-sync.contract';
import { recording, startTestbed, type StubCall, type Testbed, type TestQueues, until } from '../support/workflow-env';
import { argsOf, bcOrder, bcRefund, erpRefund, names } from './fixtures';

/**
 * erpRefundSync (an ERP cash refund or return made into a BigCommerce refund) with its activities
 * stubbed, on the time-skipping server: parking when BigCommerce refuses or the mapping cannot be
 * done, ops' retry and skip, a link that fails for the whole retry window, and a return waiting for
 * its approval.
 */

type BcStubs = Pick<BigCommerceActivities, 'fetchOrderSnapshot'> & ErpRefundBcActivities;
type ErpStubs = Pick<ErpRefundErpActivities, 'fetchErpRefund' | 'linkErpRefund'>;

let bed: Testbed;
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  bed = await startTestbed();
  env = bed.env;
});
afterAll(async () => {
  await bed?.close();
});

const ORDER_ID = 100;
const BC_REFUND_ID = 77;
const refused = (type: string, message: string) => ApplicationFailure.nonRetryable(message, type);

/** The ERP record is `world.record`; BigCommerce makes refund 77 for it unless a test replaces a call. */
function erpRefundActivities(
  q: TestQueues,
  calls: StubCall[],
  world: { record: ErpRefund },
  over: { bc?: Partial<BcStubs>; erp?: Partial<ErpStubs> } = {},
): Record<string, object> {
  const bc: BcStubs = {
    async fetchOrderSnapshot() {
      return { order: bcOrder(), readAtS: 1_780_000_000 };
    },
    async ensureErpRefund(orderId, _recordType, _recordId, items) {
      return { refund: bcRefund({ id: BC_REFUND_ID, orderId, reason: items[0]!.reason }), created: true };
    },
    ...over.bc,
  };
  const erp: ErpStubs = {
    async fetchErpRefund() {
      return world.record;
    },
    async linkErpRefund() {
      return undefined;
    },
    ...over.erp,
  };
  return { [bigCommerceTaskQueue(q.storeHash)]: recording(calls, bc), [q.erp]: recording(calls, erp) };
}

/** As the ERP's event starts it, with the product's default timings (10 min retry window, 15 min park retry). */
async function startErpRefund(q: TestQueues, recordType: ErpRefundType = 'cashRefund'): Promise<WorkflowHandle<ErpRefundSyncWorkflow>> {
  const input: ErpRefundSyncInput = { storeHash: q.storeHash, recordType, recordId: '900', erpTaskQueue: q.erp, retryWindowMs: 600_000, parkRetryMs: 900_000 };
  return env.client.workflow.start<ErpRefundSyncWorkflow>(ERP_REFUND_SYNC_WORKFLOW, {
    workflowId: erpRefundWorkflowId(q.storeHash, recordType, '900'),
    taskQueue: q.workflows,
    args: [input],
  });
}

const waitFor = (handle: WorkflowHandle<ErpRefundSyncWorkflow>, what: string, done: (s: ErpRefundSyncState) => boolean) =>
  until(() => handle.query(erpRefundStateQuery), done, what);
const REASON = 'Refund CR900 from the ERP [bcsync cashRefund 900]';

describe('erpRefundSync on the time-skipping server, activities stubbed', () => {
  it('parks when BigCommerce refuses the refund and waits for ops; retry refunds it and links it in the ERP', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const world = { record: erpRefund(q.storeHash) };
    let bcRefuses = true;
    const activities = erpRefundActivities(q, calls, world, {
      bc: {
        async ensureErpRefund(orderId, _recordType, _recordId, items) {
          if (bcRefuses) throw refused('BcValidation', 'the amount exceeds the refundable amount');
          return { refund: bcRefund({ id: BC_REFUND_ID, orderId, reason: items[0]!.reason }), created: true };
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startErpRefund(q);
      const parked = await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      expect(parked.problem).toEqual({ type: 'BcValidation', message: 'the amount exceeds the refundable amount', step: 'refund', transient: false });
      expect(parked).toMatchObject({ orderId: ORDER_ID, bcRefund: null, linkedInErp: false });
      expect(names(calls)).toEqual(['fetchErpRefund', 'fetchOrderSnapshot', 'ensureErpRefund']);
      await env.sleep('1 day');
      expect(calls).toHaveLength(3);

      bcRefuses = false;
      const answer = await handle.executeUpdate(erpRefundDecideUpdate, { args: [{ action: 'retry' }] });
      expect(answer).toEqual({ status: 'Refunded', problem: null });
      expect(names(calls).slice(3)).toEqual(['fetchErpRefund', 'fetchOrderSnapshot', 'ensureErpRefund', 'linkErpRefund']);
      expect(argsOf(calls, 'ensureErpRefund')[1]).toEqual([ORDER_ID, 'cashRefund', '900', [{ itemType: 'PRODUCT', itemId: 1, quantity: 1, reason: REASON }]]);
      expect(argsOf(calls, 'linkErpRefund')).toEqual([['cashRefund', '900', BC_REFUND_ID]]);
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'Refunded', linkedInErp: true, bcRefund: { id: BC_REFUND_ID, created: true }, problem: null, lastDecision: { action: 'retry' } });
    });
  });

  it('a link that fails for the whole retry window parks as transient with the BigCommerce refund kept; skip ends the run without a second refund', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const world = { record: erpRefund(q.storeHash) };
    const activities = erpRefundActivities(q, calls, world, {
      erp: {
        async linkErpRefund() {
          throw ApplicationFailure.retryable('NetSuite answered 503', 'ErpUnavailable');
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startErpRefund(q);
      await waitFor(handle, 'the first link', () => calls.some((c) => c.name === 'linkErpRefund'));
      await env.sleep('11 minutes');
      const parked = await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      expect(parked.problem).toEqual({ type: 'ErpUnavailable', message: 'NetSuite answered 503', step: 'link', transient: true });
      expect(parked.bcRefund).toEqual({ id: BC_REFUND_ID, totalAmount: '20.0000', created: true });
      expect(argsOf(calls, 'linkErpRefund').length).toBeGreaterThan(5);

      // The park timer (15 min) tries again by itself: the ERP record is read again, the refund is not made again.
      const before = calls.length;
      await env.sleep('16 minutes');
      await waitFor(handle, 'the retry', () => calls.length > before + 1);
      expect(names(calls.slice(before)).slice(0, 2)).toEqual(['fetchErpRefund', 'linkErpRefund']);

      await handle.signal(erpRefundDecideSignal, { action: 'skip', note: 'linked by hand' });
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'Skipped', problem: null, linkedInErp: false, lastDecision: { action: 'skip' } });
      expect(argsOf(calls, 'ensureErpRefund')).toHaveLength(1);
    });
  });

  it('parks on an ERP refund the order cannot take (more units than ordered); corrected in the ERP, a retry refunds it', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const world = {
      record: erpRefund(q.storeHash, { lines: [{ lineId: 1, sku: 'PACK-22', description: 'Trailhead Daypack 22L', quantity: 3, amount: '60.0000' }], total: '60.0000' }),
    };
    await bed.run(q, erpRefundActivities(q, calls, world), async () => {
      const handle = await startErpRefund(q);
      const parked = await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      expect(parked.problem).toEqual({ type: 'ErpRefundMappingError', message: `CR900 refunds 3 x PACK-22; order ${ORDER_ID} has 2`, step: 'map', transient: false });
      expect(names(calls)).toEqual(['fetchErpRefund', 'fetchOrderSnapshot']);

      world.record = erpRefund(q.storeHash);
      await handle.signal(erpRefundDecideSignal, { action: 'retry' });
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'Refunded', linkedInErp: true, items: [{ itemType: 'PRODUCT', itemId: 1, quantity: 1, reason: REASON }] });
      expect(names(calls).slice(2)).toEqual(['fetchErpRefund', 'fetchOrderSnapshot', 'ensureErpRefund', 'linkErpRefund']);
    });
  });

  it('a return not yet approved waits, without parking, until the ERP says the record changed', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const rma = { recordType: 'returnAuthorization', tranId: 'RMA900' } as const;
    const world = { record: erpRefund(q.storeHash, { ...rma, authorized: false, status: 'Pending Approval' }) };
    await bed.run(q, erpRefundActivities(q, calls, world), async () => {
      const handle = await startErpRefund(q, 'returnAuthorization');
      const waiting = await waitFor(handle, 'awaiting approval', (s) => s.status === 'AwaitingApproval');
      expect(waiting.problem).toBeNull();
      await env.sleep('7 days');
      expect(names(calls)).toEqual(['fetchErpRefund']);

      world.record = erpRefund(q.storeHash, { ...rma, authorized: true, status: 'Pending Receipt' });
      await handle.signal(erpRefundChangedSignal);
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'Refunded', linkedInErp: true });
      expect(argsOf(calls, 'linkErpRefund')).toEqual([['returnAuthorization', '900', BC_REFUND_ID]]);
      expect(names(calls)).toEqual(['fetchErpRefund', 'fetchErpRefund', 'fetchOrderSnapshot', 'ensureErpRefund', 'linkErpRefund']);
    });
  });

  it('parks, refunding nothing, when the ERP answers another record than the one it was started for; skip ends it', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    // Started for 900, the ERP answers 901 (an id NetSuite resolved to another record): its marker would be 900's.
    const world = { record: erpRefund(q.storeHash, { recordId: '901', tranId: 'CR901' }) };
    await bed.run(q, erpRefundActivities(q, calls, world), async () => {
      const handle = await startErpRefund(q);
      const parked = await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      expect(parked.problem).toMatchObject({ type: 'ErpRecordMismatch', step: 'readErp', transient: false });
      expect(parked.problem!.message).toMatch(/answered cashRefund 901 for cashRefund 900/);
      expect(parked.erpRefund).toBeNull();
      expect(names(calls)).toEqual(['fetchErpRefund']);
      const answer = await handle.executeUpdate(erpRefundDecideUpdate, { args: [{ action: 'skip' }] });
      expect(answer).toEqual({ status: 'Skipped', problem: null });
      expect(names(calls)).toEqual(['fetchErpRefund']);
    });
  });
});
