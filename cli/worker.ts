import { createServer } from 'node:http';
import { loadConfig } from '../config/env';
import { metricsRegistry } from '../lib/metrics';
import { createLogger } from '../lib/logger';
import { ensureSchedules } from '../workers/schedules';
import { ensureSearchAttributes } from '../workers/search-attributes';
import { installTemporalRuntime } from '../workers/runtime';
import { startWorkers } from '../workers/start-workers';
import { connectClient, connectWorkerConnection } from '../workers/temporal-connection';

/** `bcsync worker`: the production worker process. The SDK stops it gracefully on SIGINT/SIGTERM. */
export async function runWorker(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'bcsync-worker');
  installTemporalRuntime(logger);
  const admin = await connectClient(config.temporal);
  const client = admin.client;
  await ensureSearchAttributes(admin.connection, config.temporal.namespace, logger);
  await ensureSchedules(client, config, logger);
  const connection = await connectWorkerConnection(config.temporal);
  const workers = await startWorkers(config, { connection, logger, client });
  logger.info({ taskQueues: workers.workers.map((w) => w.options.taskQueue) }, 'workers running');
  const metrics = config.metricsPort
    ? createServer(async (req, res) => {
        if (req.url !== '/metrics') {
          res.statusCode = 404;
          res.end();
          return;
        }
        res.setHeader('content-type', metricsRegistry.contentType);
        res.end(await metricsRegistry.metrics());
      }).listen(config.metricsPort, config.api.host, () => logger.info({ port: config.metricsPort }, 'worker metrics on /metrics'))
    : undefined;
  await workers.done;
  metrics?.close();
  await connection.close();
  await admin.close();
}
