import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import { catalogRunSignal, catalogSync, catalogWorkflowId, type CatalogRunRequest } from '../workflows/catalog-sync';

/** Wakes a store's catalog sync (starting it if needed): from its watermark, or from `sinceMs`. */
export async function requestCatalogRun(client: Client, config: Config, storeHash: string, request: CatalogRunRequest): Promise<string> {
  const workflowId = catalogWorkflowId(storeHash);
  await client.workflow.signalWithStart(catalogSync, {
    workflowId,
    taskQueue: config.temporal.workflowTaskQueue,
    args: [{ storeHash, erpTaskQueue: config.erp.taskQueue, pageSize: config.catalog.pageSize, overlapMs: config.catalog.overlapMs }],
    signal: catalogRunSignal,
    signalArgs: [request],
    staticSummary: `Catalog and prices of store ${storeHash}: ERP -> BigCommerce`,
  });
  return workflowId;
}
