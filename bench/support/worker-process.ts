import { getHeapStatistics } from 'node:v8';
import { loadConfig } from '../../config/env';
import { createLogger } from '../../lib/logger';
import { installTemporalRuntime } from '../../workers/runtime';
import { startWorkers } from '../../workers/start-workers';
import { connectClient, connectWorkerConnection } from '../../workers/temporal-connection';

/**
 * A worker process for the multi-process bench: the same workers `bcsync worker` runs, connected
 * through the same builder. Its configuration (TEMPORAL_PAYLOAD_KEYS included: the bench run's key)
 * comes from the environment the bench gives it.
 */
async function main() {
  const logger = createLogger('warn', 'bench-worker');
  installTemporalRuntime(logger);
  const config = loadConfig(process.env);
  const connection = await connectWorkerConnection(config.temporal);
  const { client } = await connectClient(config.temporal);
  const workers = await startWorkers(config, { connection, logger, client, workflowBundle: { codePath: process.env.BENCH_BUNDLE! } });
  // What the workflow worker runs with (the SDK's own choice when the cache is `auto`), for the memory bench.
  process.send!({ ready: true, maxCachedWorkflows: workers.workers[0]?.options.maxCachedWorkflows, heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20) });
  process.on('message', async (m) => {
    if ((m as { stop?: boolean }).stop) {
      await workers.shutdown();
      await connection.close();
      process.exit(0);
    }
  });
}

void main();
