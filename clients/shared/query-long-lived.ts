import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/workflow';

export interface Stall {
  storeHash: string;
  /** Why it counts as stalled: what its state says, or that it does not answer its query. */
  why: string;
}

/**
 * Queries one of the always-running workflows (`inventory:<store>`, `catalog:<store>`,
 * `reconcile:<store>`) with a deadline. Undefined when it does not exist (not started yet: nothing
 * can be stalled). Throws when it does not answer in time: no worker runs its workflow task, or
 * that task keeps failing, which is itself a stall.
 */
export async function queryLongLived<T>(client: Client, workflowId: string, query: QueryDefinition<T, []>, timeoutMs = 5_000): Promise<T | undefined> {
  try {
    return await client.withDeadline(Date.now() + timeoutMs, () => client.workflow.getHandle(workflowId).query(query));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Each store's long-lived workflow of one kind, queried at once (a few that do not answer must not
 * add up their deadlines): stalled when `judge` finds its state stuck (a reason) or when it does
 * not answer.
 */
export async function findStalls<T>(
  client: Client,
  storeHashes: readonly string[],
  what: { workflowId: (storeHash: string) => string; query: QueryDefinition<T, []>; queryTimeoutMs?: number },
  judge: (state: T) => string | undefined,
): Promise<Stall[]> {
  const found = await Promise.all(
    storeHashes.map(async (storeHash): Promise<Stall | undefined> => {
      const workflowId = what.workflowId(storeHash);
      try {
        const state = await queryLongLived(client, workflowId, what.query, what.queryTimeoutMs);
        const why = state === undefined ? undefined : judge(state);
        return why ? { storeHash, why } : undefined;
      } catch (err) {
        return { storeHash, why: `${workflowId} does not answer its ${what.query.name} query: ${err instanceof Error ? err.message : String(err)}` };
      }
    }),
  );
  return found.filter((s): s is Stall => s !== undefined);
}
