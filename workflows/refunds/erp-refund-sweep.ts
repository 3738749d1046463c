import { getExternalWorkflowHandle, ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { ErpRefundErpActivities } from '../../activities/refunds/erp-refunds';
import { erpRefundWorkflowId, erpRefundChangedSignal } from './erp-refund-sync.contract';
import { BcStoreHash } from '../../domain/shared/search-attributes';
import { erpRefundSync } from './erp-refund-sync';
import type { ErpRefundSweepInput, ErpRefundSweepResult } from './erp-refund-sweep.contract';

/**
 * The safety net for lost `refund.authorized` events, on a Schedule: the ERP's cash refunds and
 * returns of this store's orders, changed within the lookback and not linked to a BigCommerce
 * refund yet, each get their workflow. A record whose workflow already ran is refused by the id
 * reuse policy (it is done, or ops skipped it); a running one is told to read the record again.
 */
export async function erpRefundSweep(input: ErpRefundSweepInput): Promise<ErpRefundSweepResult> {
  const erp = proxyActivities<ErpRefundErpActivities>({
    taskQueue: input.refund.erpTaskQueue,
    startToCloseTimeout: '2m',
    retry: { initialInterval: '5s', maximumAttempts: 5 },
    summary: `ERP refunds and returns of store ${input.storeHash} not yet in BigCommerce`,
  });
  const since = Date.now() - input.lookbackMs;
  const unlinked = await erp.listUnlinkedErpRefunds(input.storeHash, since);
  const result: ErpRefundSweepResult = { found: unlinked.length, started: 0, nudged: 0 };
  for (const r of unlinked) {
    const workflowId = erpRefundWorkflowId(input.storeHash, r.recordType, r.recordId);
    try {
      await startChild(erpRefundSync, {
        workflowId,
        args: [{ ...input.refund, storeHash: input.storeHash, recordType: r.recordType, recordId: r.recordId }],
        // The refund outlives the sweep.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [{ key: BcStoreHash, value: input.storeHash }],
        staticSummary: `ERP ${r.recordType} ${r.tranId || r.recordId} -> BigCommerce refund · store ${input.storeHash} (found by the sweep)`,
      });
      result.started++;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      try {
        await getExternalWorkflowHandle(workflowId).signal(erpRefundChangedSignal);
        result.nudged++;
      } catch {
        // Closed: refunded, not ours, or skipped by ops. Nothing to do.
      }
    }
  }
  return result;
}
