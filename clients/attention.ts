import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { BcErpId, BcErrorType, BcOrderId, BcStoreHash, BcSyncStatus } from '../domain/shared/search-attributes';
import { catalogStateQuery } from '../workflows/catalog/catalog-sync.contract';
import { decideUpdate, orderStateQuery, type Decision, type LifecycleStatus, type Problem } from '../workflows/orders/order-sync.contract';

/**
 * What ops do with parked orders and catalog items, shared by the ops API and the CLI: list them,
 * and decide (retry, skip, resolve). The Web UI does the same with the `decide` signal.
 */
export interface AttentionItem {
  workflowId: string;
  runId: string;
  /** orderSync, refundSync, erpRefundSync or catalogSync. */
  workflowType: string;
  storeHash: string | undefined;
  orderId: number | undefined;
  /** For a catalog item: why BigCommerce refused it (BcConflict, BcValidation, ErpMappingDrift, ...). */
  errorType: string | undefined;
  erpId: string | undefined;
  startTime: string;
  problem?: Problem | null;
  /** A parked catalog item: its SKU, the reason BigCommerce (or the mapping) gave, and when it was parked. */
  sku?: string;
  reason?: string;
  parkedAt?: string;
}

/** `details`: at most this many `state` queries at once, however long the page. */
export const DETAIL_QUERY_CONCURRENCY = 8;

/**
 * What needs attention, `limit` items at most: of one store (`storeHash`), of some (`storeHashes`,
 * an empty list finds nothing), or of every store.
 */
export async function listAttention(
  client: Client,
  opts: { storeHash?: string; storeHashes?: readonly string[]; limit?: number; details?: boolean } = {},
): Promise<AttentionItem[]> {
  // Orders, refunds and ERP refunds park the same way; each item says which by its workflow id.
  // A store's catalog sync parks items inside its one long-lived workflow, `catalog:<store>`.
  const query = [`WorkflowType IN ("orderSync", "refundSync", "erpRefundSync", "catalogSync")`, `ExecutionStatus = "Running"`, `BcSyncStatus = "NeedsAttention"`];
  const stores = [...(opts.storeHash ? [opts.storeHash] : []), ...(opts.storeHashes ?? [])].map((h) => h.replace(/[^a-z0-9]/g, ''));
  if (opts.storeHashes && stores.length === 0) return [];
  if (stores.length > 0) query.push(`BcStoreHash IN (${stores.map((h) => `"${h}"`).join(', ')})`);
  const limit = opts.limit ?? 100;
  const items: AttentionItem[] = [];
  for await (const wf of client.workflow.list({ query: query.join(' AND ') })) {
    const sa = wf.typedSearchAttributes;
    const item: AttentionItem = {
      workflowId: wf.workflowId,
      runId: wf.runId,
      workflowType: wf.type,
      storeHash: sa.get(BcStoreHash),
      orderId: sa.get(BcOrderId),
      errorType: sa.get(BcErrorType),
      erpId: sa.get(BcErpId),
      startTime: wf.startTime.toISOString(),
    };
    if (wf.type === 'catalogSync') items.push(...(await parkedCatalogItems(client, item)).slice(0, limit - items.length));
    else items.push(item);
    if (items.length >= limit) break;
  }
  if (opts.details) {
    // One query per order: ask for details only for the page you show (catalog items carry theirs),
    // DETAIL_QUERY_CONCURRENCY at a time so a page of 500 does not send 500 queries at once.
    const pending = items.filter((item) => item.workflowType !== 'catalogSync');
    await Promise.all(
      Array.from({ length: Math.min(DETAIL_QUERY_CONCURRENCY, pending.length) }, async () => {
        for (let item = pending.shift(); item; item = pending.shift()) {
          // Every parked workflow answers `state` with a `problem`.
          const state = await client.workflow.getHandle(item.workflowId).query(orderStateQuery);
          item.problem = state.problem;
        }
      }),
    );
  }
  return items;
}

/**
 * One attention item per parked SKU, not one per catalog workflow: each SKU has its own error type
 * and reason, ops retry or skip them SKU by SKU (`{"skus":[...]}`), and a row per SKU reads like a row
 * per order (one thing to fix). They share the workflow id `catalog:<store>`; `sku` tells them apart.
 * The SKUs live in the workflow's state, so this is one `state` query per store (not per SKU). If the
 * query cannot be answered now (no worker), the workflow is still listed, once, with its error type.
 */
async function parkedCatalogItems(client: Client, base: AttentionItem): Promise<AttentionItem[]> {
  try {
    const state = await client.connection.withDeadline(Date.now() + 5_000, () => client.workflow.getHandle(base.workflowId).query(catalogStateQuery));
    return state.parked.map((p) => ({ ...base, sku: p.sku, errorType: p.type, reason: p.reason, ...(p.at ? { parkedAt: p.at } : {}) }));
  } catch (err) {
    return [{ ...base, reason: `parked catalog items not readable now: ${err instanceof Error ? err.message : String(err)}` }];
  }
}

export class DecisionRejected extends Error {}

/** Sends the decision and waits until the workflow has acted on it. */
export async function decide(client: Client, workflowId: string, decision: Decision): Promise<{ status: LifecycleStatus; problem: Problem | null }> {
  try {
    return await client.workflow.getHandle(workflowId).executeUpdate(decideUpdate, { args: [decision] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new DecisionRejected(err.cause?.message ?? err.message);
    throw err;
  }
}

export { WorkflowNotFoundError, BcSyncStatus };
