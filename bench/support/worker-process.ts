import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../config/env';
import { createLogger } from '../../lib/logger';
import { installTemporalRuntime } from '../../workers/runtime';
import { startWorkers } from '../../workers/start-workers';

/** A worker process for the multi-process bench: the same workers `bcsync worker` runs. */
async function main() {
  const logger = createLogger('warn', 'bench-worker');
  installTemporalRuntime(logger);
  const config = loadConfig(process.env);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const workers = await startWorkers(config, { connection, logger, client, workflowBundle: { codePath: process.env.BENCH_BUNDLE! } });
  process.send!({ ready: true });
  process.on('message', async (m) => {
    if ((m as { stop?: boolean }).stop) {
      await workers.shutdown();
      await connection.close();
      process.exit(0);
    }
  });
}

void main();
