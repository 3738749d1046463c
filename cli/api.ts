import { loadConfig } from '../config/env';
import { startApiServer } from '../api/server';
import { createLogger } from '../lib/logger';
import { createLazyClient } from '../workers/temporal-connection';

/** `bcsync api`: the webhook receiver. Starts even when Temporal is down, and answers 503 until it is up. */
export async function runApi(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'bcsync-api');
  const { client, connection } = createLazyClient(config.temporal);
  const api = await startApiServer(config, { client, connection, logger });
  logger.info({ url: api.url }, 'API listening');
  const stop = async () => {
    await api.close();
    await connection.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
