import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BigCommerceActivities } from '../../activities/orders/bigcommerce';
import type { ErpActivities } from '../../activities/orders/erp';
import type { CreditMemo } from '../../domain/refunds/credit-memo';
import type { BcRefund } from '../../domain/refunds/refund';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import {
  REFUND_SYNC_WORKFLOW,
  refundDecideSignal,
  refundDecideUpdate,
  refundStateQuery,
  refundWorkflowId,
  type RefundSyncInput,
  type RefundSyncState,
  type RefundSyncWorkflow,
} from '../../workflows/refunds/refund-sync.contract';
import { recording, refusal, startTestbed, type StubCall, type Testbed, type TestQueues, until } from '../support/workflow-env';
import { argsOf, bcOrder, bcRefund, names } from './fixtures';

/**
 * refundSync (a BigCommerce refund booked in the ERP as a credit memo) with its activities stubbed,
 * on the time-skipping server: parking on a refusal or an outage, ops' retry and skip, the park
 * timer, and taking a booked refund back when its payment is declined later.
 */

type BcStubs = Pick<BigCommerceActivities, 'fetchRefund'>;
type ErpStubs = Pick<ErpActivities, 'awaitSalesOrder' | 'upsertCreditMemo' | 'reverseCreditMemo'>;

let bed: Testbed;
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  bed = await startTestbed();
  env = bed.env;
});
afterAll(async () => {
  await bed?.close();
});

const REFUND_ID = 7;
const ORDER_ID = 100;
const refused = (type: string, message: string) => ApplicationFailure.nonRetryable(message, type);

/** A healthy BigCommerce and ERP unless a test replaces a call; `refund` is what BigCommerce shows now. */
function refundActivities(q: TestQueues, calls: StubCall[], world: { refund: BcRefund }, over: { bc?: Partial<BcStubs>; erp?: Partial<ErpStubs> } = {}): Record<string, object> {
  const bc: BcStubs = {
    async fetchRefund(_refundId, _orderId, withOrder) {
      return { refund: world.refund, order: withOrder ? bcOrder() : null };
    },
    ...over.bc,
  };
  const erp: ErpStubs = {
    async awaitSalesOrder() {
      return { internalId: '5001' };
    },
    async upsertCreditMemo() {
      return { internalId: '7001' };
    },
    async reverseCreditMemo() {
      return { existed: true };
    },
    ...over.erp,
  };
  return { [bigCommerceTaskQueue(q.storeHash)]: recording(calls, bc), [q.erp]: recording(calls, erp) };
}

/** As the webhook starts it, with the product's default timings (10 min retry window, 15 min park retry). */
async function startRefund(q: TestQueues, overrides: Partial<RefundSyncInput> = {}): Promise<WorkflowHandle<RefundSyncWorkflow>> {
  const input: RefundSyncInput = {
    storeHash: q.storeHash,
    orderId: ORDER_ID,
    refundId: REFUND_ID,
    erpTaskQueue: q.erp,
    retryWindowMs: 600_000,
    parkRetryMs: 900_000,
    orderWaitMs: 86_400_000,
    declineChecksMs: [600_000, 3_600_000],
    ...overrides,
  };
  return env.client.workflow.start<RefundSyncWorkflow>(REFUND_SYNC_WORKFLOW, { workflowId: refundWorkflowId(q.storeHash, REFUND_ID), taskQueue: q.workflows, args: [input] });
}

const waitFor = (handle: WorkflowHandle<RefundSyncWorkflow>, what: string, done: (s: RefundSyncState) => boolean) => until(() => handle.query(refundStateQuery), done, what);

describe('refundSync on the time-skipping server, activities stubbed', () => {
  it('parks on a refused credit memo and waits for ops; retry books it; the decline checks find nothing and the run ends Booked', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const world = { refund: bcRefund() };
    let erpRefuses = true;
    const activities = refundActivities(q, calls, world, {
      erp: {
        async upsertCreditMemo() {
          if (erpRefuses) throw refused('ErpValidationError', 'Item PACK-22 is inactive');
          return { internalId: '7001' };
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startRefund(q);
      const parked = await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      expect(parked.problem).toEqual({ type: 'ErpValidationError', message: 'Item PACK-22 is inactive', step: 'erp', transient: false });
      expect(parked.creditMemo).toEqual({ externalId: `bc-${q.storeHash}-refund-${REFUND_ID}`, id: null, total: '20.0000' });
      expect(names(calls)).toEqual(['fetchRefund', 'awaitSalesOrder', 'upsertCreditMemo']);
      expect(argsOf(calls, 'fetchRefund')).toEqual([[REFUND_ID, ORDER_ID, true]]);
      expect(argsOf(calls, 'awaitSalesOrder')).toEqual([[`bc-${q.storeHash}-${ORDER_ID}`]]);
      // A refusal waits for a person: a day later nothing more was tried.
      await env.sleep('1 day');
      expect(calls).toHaveLength(3);

      erpRefuses = false;
      const answer = await handle.executeUpdate(refundDecideUpdate, { args: [{ action: 'retry' }] });
      expect(answer).toEqual({ status: 'Booked', problem: null });
      expect(names(calls).slice(3)).toEqual(['fetchRefund', 'awaitSalesOrder', 'upsertCreditMemo']);
      const [memo] = argsOf(calls, 'upsertCreditMemo')[1] as [CreditMemo];
      expect(memo).toMatchObject({
        externalId: `bc-${q.storeHash}-refund-${REFUND_ID}`,
        salesOrderExternalId: `bc-${q.storeHash}-${ORDER_ID}`,
        total: '20.0000',
        lines: [{ kind: 'product', sku: 'PACK-22', quantity: 1, amount: '20.0000', sourceLineId: 1 }],
      });
      expect(await refusal(handle.executeUpdate(refundDecideUpdate, { args: [{ action: 'retry' }] }))).toBe('nothing to decide: the refund is not parked');

      // Awaiting the result skips through both decline checks (10 min, 1 h): the payment stood.
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'Booked', declineChecks: 2, creditMemo: { id: '7001' }, lastDecision: { action: 'retry' } });
      expect(argsOf(calls, 'fetchRefund').slice(2)).toEqual([
        [REFUND_ID, ORDER_ID, false],
        [REFUND_ID, ORDER_ID, false],
      ]);
      expect(names(calls)).not.toContain('reverseCreditMemo');
    });
  });

  it('skip: a refund parked because its order never reached the ERP is given up, and nothing is booked', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const world = { refund: bcRefund() };
    const activities = refundActivities(q, calls, world, {
      erp: {
        async awaitSalesOrder(externalId) {
          throw ApplicationFailure.retryable(`sales order ${externalId} is not in the ERP yet`, 'SalesOrderNotInErpYet');
        },
      },
    });
    await bed.run(q, activities, async () => {
      // The order wait is 30 min here (a day in production): fewer attempts to skip through.
      const handle = await startRefund(q, { orderWaitMs: 1_800_000 });
      await waitFor(handle, 'the first wait', () => calls.some((c) => c.name === 'awaitSalesOrder'));
      await env.sleep('31 minutes');
      const parked = await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      expect(parked.problem).toEqual({
        type: 'SalesOrderNotInErpYet',
        message: `sales order bc-${q.storeHash}-${ORDER_ID} is not in the ERP yet`,
        step: 'waitForOrder',
        transient: true,
      });
      expect(argsOf(calls, 'awaitSalesOrder').length).toBeGreaterThan(5);

      await handle.signal(refundDecideSignal, { action: 'skip', note: 'order cancelled before export' });
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'Skipped', problem: null, creditMemo: null, lastDecision: { action: 'skip' } });
      expect(names(calls)).not.toContain('upsertCreditMemo');
    });
  });

  it('a refund parked on an ERP outage (retry window exhausted) tries again by itself after the park timer and books', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const world = { refund: bcRefund() };
    let erpDown = true;
    const activities = refundActivities(q, calls, world, {
      erp: {
        async upsertCreditMemo() {
          if (erpDown) throw ApplicationFailure.retryable('NetSuite answered 503', 'ErpUnavailable');
          return { internalId: '7003' };
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startRefund(q);
      await waitFor(handle, 'the first write', () => calls.some((c) => c.name === 'upsertCreditMemo'));
      await env.sleep('11 minutes');
      const parked = await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      expect(parked.problem).toEqual({ type: 'ErpUnavailable', message: 'NetSuite answered 503', step: 'erp', transient: true });
      const attempts = argsOf(calls, 'upsertCreditMemo').length;
      expect(attempts).toBeGreaterThan(5);

      erpDown = false;
      await env.sleep('12 minutes');
      expect(argsOf(calls, 'upsertCreditMemo')).toHaveLength(attempts);
      await env.sleep('4 minutes');
      const booked = await waitFor(handle, 'booked', (s) => s.status === 'Booked');
      expect(booked).toMatchObject({ problem: null, creditMemo: { id: '7003' }, lastDecision: null });
      // The same credit memo (by its external id): a repeat is an update, never a second booking.
      const externalIds = new Set(argsOf(calls, 'upsertCreditMemo').map(([memo]) => (memo as CreditMemo).externalId));
      expect([...externalIds]).toEqual([`bc-${q.storeHash}-refund-${REFUND_ID}`]);
      await handle.terminate('test done');
    });
  });

  it('a booked refund whose payment is declined later is taken back; a refused reversal parks until ops retry', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const world = { refund: bcRefund() };
    let reversalRefused = true;
    const activities = refundActivities(q, calls, world, {
      erp: {
        async reverseCreditMemo() {
          if (reversalRefused) throw refused('ErpValidationError', 'the credit memo is applied to an invoice');
          return { existed: true };
        },
      },
    });
    await bed.run(q, activities, async () => {
      const handle = await startRefund(q);
      await waitFor(handle, 'booked', (s) => s.status === 'Booked');
      // BigCommerce's payment provider declines the refund's payment before the first check (10 min).
      world.refund = bcRefund({ payments: [{ id: 1, providerId: 'storecredit', amount: '20.0000', offline: false, isDeclined: true, declinedMessage: 'card expired' }] });
      await env.sleep('11 minutes');
      const parked = await waitFor(handle, 'parked', (s) => s.status === 'NeedsAttention');
      expect(parked.problem).toEqual({ type: 'ErpValidationError', message: 'the credit memo is applied to an invoice', step: 'reverse', transient: false });
      expect(parked.declineChecks).toBe(1);
      expect(argsOf(calls, 'reverseCreditMemo')).toEqual([[`bc-${q.storeHash}-refund-${REFUND_ID}`]]);

      reversalRefused = false;
      const answer = await handle.executeUpdate(refundDecideUpdate, { args: [{ action: 'retry' }] });
      expect(answer).toEqual({ status: 'Reversed', problem: null });
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'Reversed', declineChecks: 1, creditMemo: { id: '7001' } });
      expect(names(calls)).toEqual(['fetchRefund', 'awaitSalesOrder', 'upsertCreditMemo', 'fetchRefund', 'reverseCreditMemo', 'reverseCreditMemo']);
    });
  });
});
