import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { BcErpId, BcErrorType, BcOrderId, BcStoreHash, BcSyncStatus } from '../domain/search-attributes';
import { decideUpdate, orderStateQuery, type Decision, type LifecycleStatus, type Problem } from '../workflows/order-sync';

/**
 * What ops do with parked orders, shared by the ops API and the CLI: list them, and decide
 * (retry, skip, resolve). The Web UI does the same with the `decide` signal.
 */
export interface AttentionItem {
  workflowId: string;
  runId: string;
  storeHash: string | undefined;
  orderId: number | undefined;
  errorType: string | undefined;
  erpId: string | undefined;
  startTime: string;
  problem?: Problem | null;
}

export async function listAttention(client: Client, opts: { storeHash?: string; limit?: number; details?: boolean } = {}): Promise<AttentionItem[]> {
  // Orders, refunds and ERP refunds park the same way; each item says which by its workflow id.
  const query = [`WorkflowType IN ("orderSync", "refundSync", "erpRefundSync")`, `ExecutionStatus = "Running"`, `BcSyncStatus = "NeedsAttention"`];
  if (opts.storeHash) query.push(`BcStoreHash = "${opts.storeHash.replace(/[^a-z0-9]/g, '')}"`);
  const items: AttentionItem[] = [];
  for await (const wf of client.workflow.list({ query: query.join(' AND ') })) {
    const sa = wf.typedSearchAttributes;
    items.push({
      workflowId: wf.workflowId,
      runId: wf.runId,
      storeHash: sa.get(BcStoreHash),
      orderId: sa.get(BcOrderId),
      errorType: sa.get(BcErrorType),
      erpId: sa.get(BcErpId),
      startTime: wf.startTime.toISOString(),
    });
    if (items.length >= (opts.limit ?? 100)) break;
  }
  if (opts.details) {
    // One query per order: ask for details only for the page you show.
    await Promise.all(
      items.map(async (item) => {
        // Both workflows answer `state` with a `problem`.
        const state = await client.workflow.getHandle(item.workflowId).query(orderStateQuery);
        item.problem = state.problem;
      }),
    );
  }
  return items;
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
