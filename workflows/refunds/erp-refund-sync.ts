import { condition, patched, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { activityStep } from '../shared/activity-step';
import { handleRetrySkipDecisions, needsAttentionLines } from '../shared/decisions';
import { retryWithin } from '../shared/retry';
import { searchAttributePublisher } from '../shared/search-attributes';
import type { BigCommerceActivities } from '../../activities/orders/bigcommerce';
import type { ErpRefundBcActivities, ErpRefundErpActivities } from '../../activities/refunds/erp-refunds';
import { mapErpRefundToBcItems, orderIdOfSalesOrder } from '../../domain/refunds/erp-refund';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import { PRIORITY } from '../../domain/shared/priorities';
import { BcErpId, BcErrorType, BcOrderId, BcSyncStatus } from '../../domain/shared/search-attributes';
import { parkForDecision } from './park';
import { tellOrder } from './tell-order';
import {
  type ErpRefundSyncInput,
  type ErpRefundProblem,
  type ErpRefundSyncState,
  erpRefundStateQuery,
  erpRefundDecideSignal,
  erpRefundDecideUpdate,
  erpRefundChangedSignal,
} from './erp-refund-sync.contract';

/**
 * One ERP cash refund or return authorization, `erp-refund:<storeHash>:<recordType>-<recordId>`,
 * refunded in BigCommerce exactly once: read the record, read its order, map what goes back, make
 * (or find) the BigCommerce refund, write its id on the ERP record, tell the order's workflow.
 *
 * - Once per order at a time: BigCommerce refuses a second refund while one is processing; the
 *   refund activity retries that answer after a pause (a durable Temporal retry). That is the only
 *   serialisation that also covers refunds a merchant makes by hand in the control panel, which a
 *   lock of ours would not see.
 * - Exactly once without an idempotency key: the activity lists the order's refunds before every
 *   create and adopts the one carrying our marker (domain/refunds/erp-refund.ts).
 * - No restock: BigCommerce refunds never return stock. Goods that came back raise the ERP's
 *   stock, and the inventory sync writes the ERP's level to BigCommerce; this workflow adjusts none.
 */
export async function erpRefundSync(input: ErpRefundSyncInput): Promise<ErpRefundSyncState> {
  const { storeHash, recordType, recordId } = input;
  // The record read back must be the one this workflow is for (runs started before this check replay without it):
  const sameRecordCheck = patched('erp-refund-same-record-id');
  const state: ErpRefundSyncState = { status: 'Reading', erpRefund: null, orderId: null, items: [], bcRefund: null, linkedInErp: false, problem: null, lastDecision: null };
  let changes = 0;
  let attempting = false;
  setHandler(erpRefundStateQuery, () => state);
  setHandler(erpRefundChangedSignal, () => void changes++);
  const decisions = handleRetrySkipDecisions({
    signal: erpRefundDecideSignal,
    update: erpRefundDecideUpdate,
    what: 'an ERP refund',
    subject: 'the ERP refund',
    state,
    attempting: () => attempting,
  });

  const retry = retryWithin(input.retryWindowMs);
  const erp = proxyActivities<ErpRefundErpActivities>({ taskQueue: input.erpTaskQueue, startToCloseTimeout: '60s', ...retry, summary: `ERP ${recordType} ${recordId}` });
  // Refunds are order work: they go before catalog and inventory batches when the quota is short.
  const bcOptions = { taskQueue: bigCommerceTaskQueue(storeHash), startToCloseTimeout: '2m', priority: PRIORITY.orders, ...retry } as const;
  const bcOrder = proxyActivities<BigCommerceActivities>({ ...bcOptions, summary: 'read the order' });
  const bcRefund = proxyActivities<ErpRefundBcActivities>({ ...bcOptions, summary: `refund ERP ${recordType} ${recordId} in BigCommerce (adopt ours if it exists)` });

  const publishAttributes = searchAttributePublisher((attrs: { status: string; error: string; erpId: string; orderId: number | null }) => [
    { key: BcSyncStatus, value: attrs.status || null },
    { key: BcErrorType, value: attrs.error || null },
    { key: BcErpId, value: attrs.erpId || null },
    // The order is known once the record is read; set at start it needs no upsert.
    ...(attrs.orderId !== null && !workflowInfo().typedSearchAttributes.get(BcOrderId) ? [{ key: BcOrderId, value: attrs.orderId }] : []),
  ]);
  const publish = () => {
    publishAttributes({
      status: state.status === 'Refunded' ? 'Synced' : state.status === 'Reading' ? '' : state.status,
      error: state.problem?.type ?? '',
      erpId: state.erpRefund?.tranId ?? '',
      orderId: state.orderId,
    });
    const e = state.erpRefund;
    const r = state.bcRefund;
    setCurrentDetails(
      [
        `**ERP ${recordType} ${e?.tranId ?? recordId}**${state.orderId !== null ? ` of order ${state.orderId}` : ''} (store \`${storeHash}\`)${e ? ` · ERP total ${e.total.slice(0, -2)} before tax` : ''}`,
        `- Status: **${state.status}**${r ? ` · BigCommerce refund ${r.id} (${r.totalAmount.slice(0, -2)}${r.created ? '' : ', found and adopted'})` : ''}${state.linkedInErp ? ` · linked in the ERP${!r && e?.bcRefundId ? ` to BigCommerce refund ${e.bcRefundId}` : ''}` : ''}`,
        ...(e?.goodsReceived !== null && e?.goodsReceived !== undefined
          ? [`- Goods back in the ERP: ${e.goodsReceived ? 'yes' : 'not yet'} (stock follows the ERP through the inventory sync; refunds never restock)`]
          : []),
        ...needsAttentionLines(state.problem),
      ].join('\n'),
    );
  };

  const step = <T>(name: ErpRefundProblem['step'], fn: () => Promise<T>) => activityStep(name, fn);

  /** One pass; null when it reached a resting status (done, or waiting for approval). */
  async function attempt(): Promise<ErpRefundProblem | null> {
    const read = await step('readErp', () => erp.fetchErpRefund(recordType, recordId));
    if (!read.ok) return read.problem;
    if (sameRecordCheck && read.value.recordId !== recordId) {
      // Its marker and its workflow id are this id: refunding another record's content under it could refund twice.
      return {
        type: 'ErpRecordMismatch',
        message: `the ERP answered ${recordType} ${read.value.recordId} for ${recordType} ${recordId}; nothing refunded (a record id must be NetSuite's own internal id)`,
        step: 'readErp',
        transient: false,
      };
    }
    state.erpRefund = read.value;
    const e = read.value;
    state.orderId = orderIdOfSalesOrder(storeHash, e.salesOrderExternalId);
    if (state.orderId === null) {
      state.status = 'NotOurs';
      return null;
    }
    if (e.bcRefundId !== null) {
      // Linked already (by hand, or before this workflow existed): nothing to refund, nothing to tell the order.
      state.linkedInErp = true;
      state.status = 'Refunded';
      return null;
    }
    if (!e.authorized) {
      state.status = /cancel/i.test(e.status) ? 'Cancelled' : 'AwaitingApproval';
      return null;
    }
    const orderId = state.orderId;
    if (!state.bcRefund) {
      const order = await step('readOrder', () => bcOrder.fetchOrderSnapshot(orderId));
      if (!order.ok) return order.problem;
      try {
        state.items = mapErpRefundToBcItems(e, order.value.order);
      } catch (err) {
        return { type: 'ErpRefundMappingError', message: (err as Error).message, step: 'map', transient: false };
      }
      const made = await step('refund', () => bcRefund.ensureErpRefund(orderId, recordType, recordId, state.items));
      if (!made.ok) return made.problem;
      state.bcRefund = { id: made.value.refund.id, totalAmount: made.value.refund.totalAmount, created: made.value.created };
      publish();
    }
    const bcId = state.bcRefund.id;
    const linked = await step('link', () => erp.linkErpRefund(recordType, recordId, bcId));
    if (!linked.ok) return linked.problem;
    state.linkedInErp = true;
    state.status = 'Refunded';
    return null;
  }

  async function notifyOrder(): Promise<void> {
    if (state.orderId === null || !state.bcRefund) return;
    // The order's workflow keeps one picture per order: this refund sits beside the ones made in BigCommerce.
    await tellOrder(storeHash, state.orderId, { refundId: state.bcRefund.id, status: 'Booked', amount: state.bcRefund.totalAmount, creditMemoId: state.erpRefund?.tranId ?? null });
  }

  publish();
  for (;;) {
    attempting = true;
    const problem = await attempt();
    attempting = false;
    state.problem = problem;
    if (!problem) {
      if (state.status !== 'AwaitingApproval') break;
      publish();
      // Approval pushes another event (or the sweep sees the change): both signal this run.
      const seen = changes;
      await condition(() => changes > seen);
      continue;
    }
    const d = await parkForDecision(state, publish, decisions, problem.transient, input.parkRetryMs);
    if (d?.action === 'skip') break;
  }
  publish();
  if (state.status === 'Refunded') await notifyOrder();
  return state;
}
