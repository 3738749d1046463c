import { patched, proxyActivities, setCurrentDetails, setHandler, sleep } from '@temporalio/workflow';
import { activityStep } from '../shared/activity-step';
import { handleRetrySkipDecisions, needsAttentionLines } from '../shared/decisions';
import { retryWithin } from '../shared/retry';
import { ensureSearchAttributes, searchAttributePublisher } from '../shared/search-attributes';
import type { BigCommerceActivities } from '../../activities/orders/bigcommerce';
import type { ErpActivities } from '../../activities/orders/erp';
import type { CreditMemo } from '../../domain/refunds/credit-memo';
import { erpOriginOf } from '../../domain/refunds/erp-refund';
import { bigCommerceTaskQueue, erpCreditMemoExternalId, erpSalesOrderExternalId } from '../../domain/shared/ids';
import { mapRefundToCreditMemo } from '../../domain/refunds/map-refund-to-credit-memo';
import { PRIORITY } from '../../domain/shared/priorities';
import { isDeclined } from '../../domain/refunds/refund';
import { BcErpId, BcErrorType, BcOrderId, BcStoreHash, BcSyncStatus } from '../../domain/shared/search-attributes';
import { type RefundSyncInput, type RefundProblem, type RefundSyncState, refundStateQuery, refundDecideSignal, refundDecideUpdate } from './refund-sync.contract';
import { parkForDecision } from './park';
import { tellOrder } from './tell-order';

/** Runs from before it skip nothing; from it on, a refund our ERP sync made is not booked back into the ERP. */
const ERP_INITIATED_SKIP_PATCH = 'erp-initiated-refund-skip';

/**
 * One BigCommerce refund, `refund:<storeHash>:<refundId>`, booked in the ERP exactly once: read the
 * refund and its order, wait until the order's sales order is in the ERP, upsert a credit memo keyed
 * by the refund id, then look again a few times for a declined payment and take the credit memo back
 * if there is one. A step that cannot succeed parks the refund for ops, as orders do.
 */
export async function refundSync(input: RefundSyncInput): Promise<RefundSyncState> {
  const { storeHash, orderId, refundId } = input;
  const state: RefundSyncState = { status: 'Waiting', refund: null, creditMemo: null, problem: null, declineChecks: 0, lastDecision: null };
  let attempting = false;
  setHandler(refundStateQuery, () => state);
  const decisions = handleRetrySkipDecisions({
    signal: refundDecideSignal,
    update: refundDecideUpdate,
    what: 'a refund',
    subject: 'the refund',
    state,
    attempting: () => attempting,
  });

  const bc = proxyActivities<BigCommerceActivities>({
    taskQueue: bigCommerceTaskQueue(storeHash),
    startToCloseTimeout: '2m',
    priority: PRIORITY.orders,
    ...retryWithin(input.retryWindowMs),
    summary: `fetch BigCommerce refund ${refundId} of order ${orderId}`,
  });
  const salesOrderExternalId = erpSalesOrderExternalId(storeHash, orderId);
  const waitForOrder = proxyActivities<ErpActivities>({
    taskQueue: input.erpTaskQueue,
    startToCloseTimeout: '60s',
    scheduleToCloseTimeout: input.orderWaitMs,
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
    summary: `wait for ERP sales order ${salesOrderExternalId}`,
  });
  const creditMemoExternalId = erpCreditMemoExternalId(storeHash, refundId);
  const erp = proxyActivities<ErpActivities>({
    taskQueue: input.erpTaskQueue,
    startToCloseTimeout: '60s',
    ...retryWithin(input.retryWindowMs),
    summary: `book ERP credit memo ${creditMemoExternalId}`,
  });

  // Normally set at start (free); an upsert (billed) only for a run started without them.
  ensureSearchAttributes(BcOrderId, [
    { key: BcStoreHash, value: storeHash },
    { key: BcOrderId, value: orderId },
  ]);
  const publishAttributes = searchAttributePublisher((attrs: { status: string; error: string; erpId: string }) => [
    { key: BcSyncStatus, value: attrs.status || null },
    { key: BcErrorType, value: attrs.error || null },
    { key: BcErpId, value: attrs.erpId || null },
  ]);
  const publish = () => {
    publishAttributes({
      status: state.status === 'Waiting' ? '' : state.status === 'Booked' ? 'Synced' : state.status,
      error: state.problem?.type ?? '',
      erpId: state.creditMemo?.id ?? '',
    });
    const r = state.refund;
    setCurrentDetails(
      [
        `**BigCommerce refund ${refundId}** of order ${orderId} (store \`${storeHash}\`)${r ? ` · ${r.totalAmount.slice(0, -2)} incl. tax ${r.totalTax.slice(0, -2)}` : ''}`,
        `- Status: **${state.status}**${state.creditMemo?.id ? ` · ERP credit memo ${state.creditMemo.id} (${state.creditMemo.externalId})` : ''} · decline checks ${state.declineChecks}/${input.declineChecksMs.length}`,
        ...needsAttentionLines(state.problem),
      ].join('\n'),
    );
  };

  const step = <T>(name: RefundProblem['step'], fn: () => Promise<T>) => activityStep(name, fn);

  async function notifyOrder(): Promise<void> {
    await tellOrder(storeHash, orderId, { refundId, status: state.status, amount: state.refund?.totalAmount ?? '0', creditMemoId: state.creditMemo?.id ?? null });
  }

  /** Read, wait for the order in the ERP, book. True when done (booked, or declined before booking). */
  async function book(): Promise<RefundProblem | null> {
    const read = await step('fetch', () => bc.fetchRefund(refundId, orderId, true));
    if (!read.ok) return read.problem;
    state.refund = read.value.refund;
    // Our own refund for an ERP cash refund or return: the ERP record is the booking; a credit memo would count it twice.
    if (erpOriginOf(state.refund) && patched(ERP_INITIATED_SKIP_PATCH)) {
      state.status = 'FromErp';
      return null;
    }
    if (isDeclined(state.refund)) {
      state.status = 'Declined';
      return null;
    }
    const so = await step('waitForOrder', () => waitForOrder.awaitSalesOrder(salesOrderExternalId));
    if (!so.ok) return so.problem;
    let memo: CreditMemo;
    try {
      memo = mapRefundToCreditMemo(storeHash, read.value.order!, state.refund);
    } catch (err) {
      return { type: 'RefundMappingError', message: (err as Error).message, step: 'map', transient: false };
    }
    state.creditMemo = { externalId: memo.externalId, id: null, total: memo.total };
    const booked = await step('erp', () => erp.upsertCreditMemo(memo));
    if (!booked.ok) return booked.problem;
    state.creditMemo.id = booked.value.internalId;
    state.status = 'Booked';
    return null;
  }

  /** Runs `attempt` until it succeeds; a failure parks until ops decide (or, if transient, a while passes). */
  async function untilDone(attempt: () => Promise<RefundProblem | null>): Promise<'done' | 'skipped'> {
    for (;;) {
      attempting = true;
      const problem = await attempt();
      attempting = false;
      if (!problem) {
        state.problem = null;
        publish();
        return 'done';
      }
      state.problem = problem;
      const d = await parkForDecision(state, publish, decisions, problem.transient, input.parkRetryMs);
      if (d?.action === 'skip') {
        publish();
        return 'skipped';
      }
    }
  }

  publish();
  if ((await untilDone(book)) === 'skipped') return state;
  // The ERP sync tells the order about a refund it made itself (with the ERP record's number).
  if (state.status === 'FromErp') return state;
  await notifyOrder();
  if (state.status !== 'Booked') return state;

  for (const delayMs of input.declineChecksMs) {
    await sleep(delayMs);
    const again = await step('fetch', () => bc.fetchRefund(refundId, orderId, false));
    // A check that fails is not a decline: the next check (or ops) looks again.
    if (!again.ok) continue;
    state.declineChecks++;
    state.refund = again.value.refund;
    if (isDeclined(state.refund)) {
      const outcome = await untilDone(async () => {
        const r = await step('reverse', () => erp.reverseCreditMemo(creditMemoExternalId));
        if (r.ok) state.status = 'Reversed';
        return r.ok ? null : r.problem;
      });
      if (outcome === 'done') await notifyOrder();
      return state;
    }
    publish();
  }
  return state;
}
