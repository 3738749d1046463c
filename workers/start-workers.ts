import path from 'node:path';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createBigCommerceActivities } from '../activities/orders/bigcommerce';
import { createControlActivities } from '../activities/monitoring/control';
import { reconcileNeedsHandover, signalOrder } from '../clients/orders';
import { WEBHOOK_SECRET_HEADER } from '../api/shared/webhook-secret';
import type { OrderSnapshot } from '../connectors/bigcommerce/orders/get-order';
import type { OrderEvent } from '../domain/orders/order-event';
import { requiredHooks } from '../domain/monitoring/required-hooks';
import { orderEventSignal } from '../workflows/orders/order-sync.contract';
import { createErpActivities } from '../activities/orders/erp';
import { createErpRefundBcActivities, createErpRefundErpActivities } from '../activities/refunds/erp-refunds';
import { createOmsActivities } from '../activities/orders/oms';
import { createInventoryBigCommerceActivities, createInventoryControlActivities, createInventoryErpActivities } from '../activities/inventory/inventory';
import { createCatalogBcActivities, createCatalogControlActivities, createCatalogErpActivities } from '../activities/catalog/catalog';
import type { Config, StoreConfig } from '../config/env';

import { bigCommerceTaskQueue } from '../domain/shared/ids';
import type { Logger } from '../lib/logger';
import { createErpClient, createOmsClient, createStoreClient } from '../config/connections';
import { erpGovernedFetch } from '../config/erp-governed-fetch';
import { activityMetricsInterceptor } from './activity-metrics';
import { startErpGovernance } from './erp-governance';
import { FAILURE_CONVERTER_PATH, temporalDataConverter } from './temporal-connection';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../workflows');

/** Bundle once and hand the result to every worker (and test) that needs it: bundling takes seconds. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  // The failure converter goes into the bundle: failures raised in workflow code are encoded (and so
  // encrypted) like the activities' (workers/temporal-connection.ts).
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietBundlerLogger });
}

/**
 * The store's share of its quota as a dispatch rate. The Temporal server enforces it across every
 * worker on the queue, so adding workers never adds BigCommerce calls.
 */
export function storeActivitiesPerSecond(store: StoreConfig): number {
  return ((store.quotaPerWindow * (1 - store.headroom)) / (store.windowMs / 1000)) * (store.dispatchBurst ?? 1);
}

export interface RunningWorkers {
  workers: Worker[];
  /** Resolves when every worker has stopped; rejects if one fails. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * One process, three kinds of worker: the workflow worker, one BigCommerce activity worker per
 * store (rate-limited to that store's quota), and the ERP activity worker (capped at the ERP's
 * concurrency limit).
 */
export async function startWorkers(
  config: Config,
  deps: {
    connection: NativeConnection;
    logger: Logger;
    /** Activities that talk to Temporal (reconciliation handing orders over, alerts) need a client. */
    client: Client;
    workflowBundle?: WorkerOptions['workflowBundle'];
    fetch?: typeof fetch;
  },
): Promise<RunningWorkers> {
  const { connection, logger } = deps;
  const namespace = config.temporal.namespace;
  // Every payload and failure encrypted on its way to Temporal (docs/encryption.md).
  const dataConverter = temporalDataConverter(config.temporal);
  const workers: Worker[] = [];

  workers.push(
    await Worker.create({
      connection,
      namespace,
      dataConverter,
      taskQueue: config.temporal.workflowTaskQueue,
      ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
      // What bounds the process's memory (config/worker.ts, docs/deployment.md#worker-memory);
      // an `auto` cache size is left to the SDK.
      maxCachedWorkflows: config.worker.maxCachedWorkflows,
      maxConcurrentWorkflowTaskExecutions: config.worker.maxConcurrentWorkflowTasks,
      stickyQueueScheduleToStartTimeout: config.worker.stickyQueueTimeoutMs,
      activities: {
        ...createControlActivities({ client: deps.client, config, logger, fetch: deps.fetch }),
        ...createCatalogControlActivities({ client: deps.client, config }),
        ...createInventoryControlActivities({ client: deps.client, config }),
      },
    }),
  );
  const signalOrders = async (storeHash: string, orders: OrderSnapshot[]) => {
    for (const { order, readAtS } of orders) {
      const modifiedS = Math.floor(Date.parse(order.dateModified) / 1000);
      if (!(await reconcileNeedsHandover(deps.client, storeHash, order.id, modifiedS))) continue;
      const event: OrderEvent = { scope: 'bcsync/reconcile', hash: `reconcile:${order.id}:${modifiedS}`, createdAt: modifiedS, snapshot: { order, readAtS } };
      await signalOrder(deps.client, config, storeHash, order.id, orderEventSignal, [event]);
    }
  };
  const hooks = config.health.destination
    ? {
        required: requiredHooks(config.health.destination, config.health.exceptionDestination, { inventory: config.inventory.enabled }),
        headers: { [WEBHOOK_SECRET_HEADER]: config.api.webhookSecret },
      }
    : undefined;

  for (const store of config.stores) {
    const client = createStoreClient(store, deps.fetch, deps.logger);
    const rate = storeActivitiesPerSecond(store);
    workers.push(
      await Worker.create({
        connection,
        namespace,
        dataConverter,
        taskQueue: bigCommerceTaskQueue(store.storeHash),
        activities: {
          ...createBigCommerceActivities({ client, signalOrders, hooks }),
          ...createErpRefundBcActivities({ client }),
          ...createCatalogBcActivities({ client, currency: config.catalog.currency }),
          ...createInventoryBigCommerceActivities({ client }),
        },
        // Global across every worker of this queue, enforced by the server: the store's quota.
        maxTaskQueueActivitiesPerSecond: rate,
        interceptors: { activity: [activityMetricsInterceptor] },
      }),
    );
    logger.info({ store: store.storeHash, plan: store.plan, activitiesPerSecond: Number(rate.toFixed(2)) }, 'BigCommerce worker ready');
  }

  // One governed fetch per process: at most its part of the account share in flight (config/erp-governance.ts).
  const netsuite = createErpClient(config, { fetch: erpGovernedFetch(config, 'worker', deps.fetch) });
  const stopErpGovernance = startErpGovernance(config, { client: deps.client, logger, netsuite });
  workers.push(
    await Worker.create({
      connection,
      namespace,
      dataConverter,
      taskQueue: config.erp.taskQueue,
      activities: {
        ...createErpActivities({ netsuite }),
        ...createErpRefundErpActivities({ netsuite }),
        ...createCatalogErpActivities({ netsuite }),
        ...createInventoryErpActivities({ netsuite }),
      },
      maxConcurrentActivityTaskExecutions: config.erpGovernance.slotsPerWorkerProcess,
      interceptors: { activity: [activityMetricsInterceptor] },
    }),
  );

  // The OMS queue's dispatch rate is the OMS's own limit (ShipStation: 40 a minute per key).
  workers.push(
    await Worker.create({
      connection,
      namespace,
      dataConverter,
      taskQueue: config.oms.taskQueue,
      activities: createOmsActivities({ client: createOmsClient(config, deps.fetch) }),
      maxTaskQueueActivitiesPerSecond: config.oms.ratePerMinute / 60,
      interceptors: { activity: [activityMetricsInterceptor] },
    }),
  );

  const done = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  return {
    workers,
    done,
    async shutdown() {
      stopErpGovernance();
      for (const w of workers) {
        if (w.getState() === 'RUNNING') w.shutdown();
      }
      await done;
    },
  };
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};
