import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/workflow';

/**
 * Queries one of the always-running workflows (`inventory:<store>`, `catalog:<store>`) with a
 * deadline. Undefined when it does not exist (not started yet: nothing can be stalled). Throws when
 * it does not answer in time: no worker runs its workflow task, or that task keeps failing, which
 * is itself a stall.
 */
export async function queryLongLived<T>(client: Client, workflowId: string, query: QueryDefinition<T, []>, timeoutMs = 5_000): Promise<T | undefined> {
  try {
    return await client.withDeadline(Date.now() + timeoutMs, () => client.workflow.getHandle(workflowId).query(query));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
