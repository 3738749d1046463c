import { Connection } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { createLogger } from '../lib/logger';
import { ensureSearchAttributes } from '../workers/search-attributes';
import { installTemporalRuntime } from '../workers/runtime';
import { startWorkers } from '../workers/start-workers';
import { connectWorkerConnection } from '../workers/temporal-connection';

/** `bcsync worker`: the production worker process. The SDK stops it gracefully on SIGINT/SIGTERM. */
export async function runWorker(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'bcsync-worker');
  installTemporalRuntime(logger);
  const admin = await Connection.connect({ address: config.temporal.address, tls: config.temporal.tls ? {} : undefined, apiKey: config.temporal.apiKey });
  try {
    await ensureSearchAttributes(admin, config.temporal.namespace, logger);
  } finally {
    await admin.close();
  }
  const connection = await connectWorkerConnection(config.temporal);
  const workers = await startWorkers(config, { connection, logger });
  logger.info({ taskQueues: workers.workers.map((w) => w.options.taskQueue) }, 'workers running');
  await workers.done;
  await connection.close();
}
