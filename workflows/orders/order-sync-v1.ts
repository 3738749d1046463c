import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BigCommerceActivities } from '../../activities/orders/bigcommerce';
import type { ErpActivities } from '../../activities/orders/erp';
import { fingerprint } from '../../domain/shared/fingerprint';
import { bigCommerceTaskQueue, erpSalesOrderExternalId } from '../../domain/shared/ids';
import { mapOrderToSalesOrder } from '../../domain/orders/map-order-to-sales-order';
import { PRIORITY } from '../../domain/shared/priorities';
import type { OrderEvent } from '../../domain/orders/order-event';
import { BcErpId, BcErrorType, BcOrderId, BcStoreHash, BcSyncStatus, type SyncStatus } from '../../domain/shared/search-attributes';

export interface OrderSyncInputV1 {
  storeHash: string;
  orderId: number;
  erpTaskQueue: string;
  /** Complete after this long without a new event; the next event starts a fresh run. */
  quietPeriodMs: number;
  /** State handed over by continue-as-new. */
  carried?: OrderSyncStateV1;
}

export interface OrderSyncStateV1 {
  status: SyncStatus | 'Waiting';
  passes: number;
  duplicatesIgnored: number;
  /** Fingerprint of the sales order last written to the ERP; an identical one is not re-sent. */
  syncedFingerprint: string | null;
  erpId: string | null;
  lastEvent: OrderEvent | null;
  lastError: { type: string; message: string } | null;
  recentHashes: string[];
  pending: OrderEvent[];
}

export const orderEventSignalV1 = defineSignal<[OrderEvent]>('orderEvent');
export const orderStateQueryV1 = defineQuery<OrderSyncStateV1>('state');

/** Enough to catch BigCommerce's duplicate deliveries, which come minutes to hours apart. */
const HASHES_KEPT = 200;
const MAX_HISTORY_EVENTS = 2_000;

/**
 * The first orderSync (walking skeleton): ERP only. Kept, unchanged, so that histories recorded by
 * it still replay (`test/histories/order-sync-*-v1-*.json`): `orderSync` runs it when the history
 * has no `order-lifecycle` patch marker. New runs never take this path.
 */
export async function orderSyncV1(input: OrderSyncInputV1): Promise<OrderSyncStateV1> {
  const { storeHash, orderId } = input;
  const state: OrderSyncStateV1 = input.carried ?? {
    status: 'Waiting',
    passes: 0,
    duplicatesIgnored: 0,
    syncedFingerprint: null,
    erpId: null,
    lastEvent: null,
    lastError: null,
    recentHashes: [],
    pending: [],
  };
  const seen = new Set(state.recentHashes);

  setHandler(orderEventSignalV1, (event) => {
    if (seen.has(event.hash)) {
      state.duplicatesIgnored++;
      return;
    }
    seen.add(event.hash);
    state.recentHashes.push(event.hash);
    if (state.recentHashes.length > HASHES_KEPT) seen.delete(state.recentHashes.shift()!);
    state.pending.push(event);
  });
  setHandler(orderStateQueryV1, () => state);

  const bigcommerce = proxyActivities<BigCommerceActivities>({
    taskQueue: bigCommerceTaskQueue(storeHash),
    // Room for the quota pacer's wait (at most a rate-limit window or a platform-load backoff) plus the call.
    startToCloseTimeout: '2m',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
    priority: PRIORITY.orders,
    summary: `fetch BigCommerce order ${orderId}`,
  });
  const erp = proxyActivities<ErpActivities>({
    taskQueue: input.erpTaskQueue,
    startToCloseTimeout: '60s',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2m' },
    summary: `upsert ERP sales order ${erpSalesOrderExternalId(storeHash, orderId)}`,
  });

  if (!workflowInfo().typedSearchAttributes.get(BcOrderId)) {
    upsertSearchAttributes([
      { key: BcStoreHash, value: storeHash },
      { key: BcOrderId, value: orderId },
    ]);
  }

  const setStatus = (status: SyncStatus, error: { type: string; message: string } | null = null): void => {
    state.status = status;
    state.lastError = error;
    upsertSearchAttributes([
      { key: BcSyncStatus, value: status },
      { key: BcErrorType, value: error ? error.type : null },
      ...(state.erpId ? [{ key: BcErpId, value: state.erpId }] : []),
    ]);
  };

  async function syncPass(events: OrderEvent[]): Promise<void> {
    state.passes++;
    state.lastEvent = events[events.length - 1] ?? state.lastEvent;
    setStatus('Syncing');
    showDetails();
    try {
      const order = await bigcommerce.fetchOrder(orderId);
      const salesOrder = mapOrderToSalesOrder(storeHash, order);
      const print = fingerprint(salesOrder);
      if (print !== state.syncedFingerprint) {
        const { internalId } = await erp.upsertSalesOrder(salesOrder);
        state.erpId = internalId;
        state.syncedFingerprint = print;
      }
      setStatus('Synced');
    } catch (err) {
      const permanent = permanentFailure(err);
      if (!permanent) throw err;
      // Park instead of failing: the run stays open, visible as NeedsAttention, and the next event
      // for this order tries again. Ops decisions (retry/skip/resolve) come with the order lifecycle.
      setStatus('NeedsAttention', permanent);
    }
    showDetails();
  }

  function showDetails(): void {
    const lines = [
      `**BigCommerce order ${orderId}** (store \`${storeHash}\`)`,
      `- Sync status: **${state.status}**${state.erpId ? ` · ERP sales order ${state.erpId} (\`${erpSalesOrderExternalId(storeHash, orderId)}\`)` : ''}`,
      `- Passes: ${state.passes} · duplicate deliveries ignored: ${state.duplicatesIgnored}`,
    ];
    if (state.lastEvent) lines.push(`- Last event: \`${state.lastEvent.scope}\` at ${new Date(state.lastEvent.createdAt * 1000).toISOString()}`);
    if (state.lastError) lines.push(`- Needs attention: **${state.lastError.type}**: ${state.lastError.message}`);
    setCurrentDetails(lines.join('\n'));
  }

  for (;;) {
    const woke = await condition(() => state.pending.length > 0, input.quietPeriodMs);
    if (!woke) break;
    await syncPass(state.pending.splice(0));
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS) {
      return await continueAsNew<typeof orderSyncV1>({ ...input, carried: state });
    }
  }
  return state;
}

/** A non-retryable activity failure, described for ops; undefined for anything Temporal should retry. */
function permanentFailure(err: unknown): { type: string; message: string } | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) {
    return { type: err.cause.type ?? 'ActivityFailed', message: err.cause.message };
  }
  return undefined;
}
