import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';

/** Which runs to replay: named workflows (their latest run), or the first `limit` a visibility query lists (newest first). */
export type ReplayTarget = { workflowIds: string[] } | { query: string; limit: number };

/** One history to replay, or why it could not be had. */
export type FetchedHistory = { workflowId: string; runId?: string; workflowType?: string; history: History } | { workflowId: string; runId?: string; error: Error };

/**
 * Downloads histories from the cluster, one at a time as the replay asks for them. Payloads stay
 * as Temporal stores them (encrypted): the replay decodes them with the data converter. A run that
 * cannot be fetched is reported as such, and the others still replay.
 */
export async function* fetchHistories(client: Client, target: ReplayTarget): AsyncGenerator<FetchedHistory> {
  if ('workflowIds' in target) {
    for (const workflowId of target.workflowIds) yield await fetchOne(client, workflowId);
    return;
  }
  let listed = 0;
  for await (const info of client.workflow.list({ query: target.query, pageSize: Math.min(target.limit, 1000) })) {
    if (listed++ >= target.limit) return;
    yield await fetchOne(client, info.workflowId, info.runId, info.type);
  }
}

/** One run's history; without `runId`, the latest run's (described first, so the id and type reported are that run's). */
export async function fetchOne(client: Client, workflowId: string, runId?: string, workflowType?: string): Promise<FetchedHistory> {
  try {
    let run = runId;
    let type = workflowType;
    if (run === undefined) {
      const described = await client.workflow.getHandle(workflowId).describe();
      run = described.runId;
      type = described.type;
    }
    return { workflowId, runId: run, workflowType: type, history: await client.workflow.getHandle(workflowId, run).fetchHistory() };
  } catch (err) {
    return { workflowId, runId, error: err instanceof Error ? err : new Error(String(err)) };
  }
}
