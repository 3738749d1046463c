import { writeFileSync } from 'node:fs';
import { WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import type { Config, StoreConfig } from '../config/env';
import {
  erpTotalRepairWorkflowId,
  REPAIR_ERP_TOTALS_WORKFLOW,
  type RepairErpTotalsInput,
  type RepairErpTotalsWorkflow,
  type RepairErpTotalsState,
} from '../workflows/orders/repair-erp-totals.contract';
import { connectClient } from '../workers/temporal-connection';

/**
 * `bcsync repair erp-totals`: finds the ERP sales orders of orders created in a window whose total
 * differs from BigCommerce's `total_inc_tax` (orders synced before every kind of line and charge
 * reached the ERP: gift certificates were missing) and has their workflows write them again, then
 * reports what was found and whether it came right. Runs as a workflow
 * (`repair-erp-totals:<store>`), so its BigCommerce calls go through the store's quota and it
 * survives a worker restart; this command starts it and waits for its report.
 */
export async function runRepairErpTotals(
  config: Config,
  store: StoreConfig,
  opts: { fromMs: number; untilMs: number; dryRun: boolean; verifyForMs: number; json: boolean; out?: string },
): Promise<void> {
  const { client, close } = await connectClient(config.temporal);
  try {
    const input: RepairErpTotalsInput = {
      storeHash: store.storeHash,
      erpTaskQueue: config.erp.taskQueue,
      fromS: Math.floor(opts.fromMs / 1000),
      untilS: Math.floor(opts.untilMs / 1000),
      dryRun: opts.dryRun,
      verifyForMs: opts.verifyForMs,
    };
    const workflowId = erpTotalRepairWorkflowId(store.storeHash);
    let handle: WorkflowHandle<RepairErpTotalsWorkflow>;
    try {
      handle = await client.workflow.start<RepairErpTotalsWorkflow>(REPAIR_ERP_TOTALS_WORKFLOW, {
        workflowId,
        taskQueue: config.temporal.workflowTaskQueue,
        args: [input],
        staticSummary: `Repair of ERP totals · store ${store.storeHash}${opts.dryRun ? ' (dry run)' : ''}`,
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw new Error(`a repair of store ${store.storeHash} is already running (${workflowId}): wait for it, or terminate it in the Web UI`);
      throw err;
    }
    if (!opts.json)
      console.error(
        `${workflowId}: checking orders created ${new Date(opts.fromMs).toISOString()} .. ${new Date(opts.untilMs).toISOString()}${opts.dryRun ? ' (dry run: nothing is written)' : ''}`,
      );
    const report = (await handle.result()) as RepairErpTotalsState;
    const full = { store: store.storeHash, workflowId, from: new Date(opts.fromMs).toISOString(), until: new Date(opts.untilMs).toISOString(), dryRun: opts.dryRun, ...report };
    if (opts.out) writeFileSync(opts.out, `${JSON.stringify(full, null, 2)}\n`);
    if (opts.json) {
      console.log(JSON.stringify(full, null, 2));
      return;
    }
    console.log(`checked ${report.checked} orders (${report.notInErp} not in the ERP): ${report.found.length} open order(s) with a different ERP total`);
    for (const d of report.found) console.log(`  order ${d.orderId}: BigCommerce ${d.bigcommerce}, ERP ${d.erp}`);
    if (report.closedDifferent.length) {
      console.log(`${report.closedDifferent.length} cancelled order(s) differ too (their sales orders are closed: not rewritten):`);
      for (const d of report.closedDifferent) console.log(`  order ${d.orderId}: BigCommerce ${d.bigcommerce}, ERP ${d.erp}`);
    }
    if (!opts.dryRun && report.found.length) {
      console.log(`corrected ${report.corrected.length}; still different ${report.stillDifferent.length}`);
      for (const d of report.stillDifferent)
        console.log(`  order ${d.orderId}: BigCommerce ${d.bigcommerce}, ERP now ${d.erp} (parked as ErpTotalMismatch: bcsync attention list)`);
    }
    if (opts.out) console.log(`report: ${opts.out}`);
    if (!opts.dryRun && report.stillDifferent.length) process.exitCode = 1;
  } finally {
    await close();
  }
}
