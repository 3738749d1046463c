import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import { reconcile, reconcileRequestSignal, reconcileWorkflowId, type ReconcileRequest } from '../workflows/monitoring/reconcile';

/** Wakes a store's reconciliation (starting it if needed), from `sinceS` or its watermark. */
export async function requestReconcile(client: Client, config: Config, storeHash: string, request: ReconcileRequest): Promise<string> {
  const workflowId = reconcileWorkflowId(storeHash);
  await client.workflow.signalWithStart(reconcile, {
    workflowId,
    taskQueue: config.temporal.workflowTaskQueue,
    args: [{ storeHash, overlapMs: config.reconcile.overlapMs, initialLookbackMs: config.reconcile.initialLookbackMs }],
    signal: reconcileRequestSignal,
    signalArgs: [request],
    staticSummary: `Reconciliation of store ${storeHash}: orders changed since the watermark`,
  });
  return workflowId;
}
