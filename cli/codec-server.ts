import { startCodecServer } from '../api/codec/codec-server';
import { codecSettings } from '../config/codec';
import { ConfigError } from '../config/errors';
import { temporalSettings } from '../config/temporal';
import { createLogger } from '../lib/logger';
import { newPayloadKeyEntry } from '../lib/temporal/keyring';

/**
 * `bcsync codec-server`: only the Temporal and codec settings are read (no store or ERP
 * credentials needed), so it can run beside the Web UI with nothing but the payload keys.
 */
export async function runCodecServer(opts: { host?: string; port?: number }): Promise<void> {
  const temporal = temporalSettings.parse(process.env);
  const codec = codecSettings.parse(process.env);
  const issues = [...(temporal.ok ? [] : temporal.issues), ...(codec.ok ? [] : codec.issues)];
  if (!temporal.ok || !codec.ok) throw new ConfigError(issues);
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info', 'bcsync-codec');
  const server = await startCodecServer(temporal.value, codec.value, { logger, ...opts });
  console.log(`codec server on ${server.url} (POST /encode, /decode)`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** `bcsync payload-key new`: one fresh `id:base64` entry on stdout, nothing else (pipe it into a secret store). */
export function printNewPayloadKey(id?: string): void {
  process.stdout.write(`${newPayloadKeyEntry(id)}\n`);
}
