import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config/env';

type TemporalConfig = Config['temporal'];

const connectionOptions = (t: TemporalConfig) => ({
  address: t.address,
  tls: t.tls ? {} : undefined,
  apiKey: t.apiKey,
});

/** Workers poll through the native (Rust core) connection. */
export async function connectWorkerConnection(t: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(t));
}

/**
 * A client whose connection is made on first use, so the API process starts (and answers 503)
 * while Temporal is down, instead of crashing at boot.
 */
export function createLazyClient(t: TemporalConfig): { client: Client; connection: Connection } {
  const connection = Connection.lazy(connectionOptions(t));
  return { connection, client: new Client({ connection, namespace: t.namespace }) };
}

/** A client connected now (CLI commands, which should fail at once when Temporal is unreachable). */
export async function connectClient(t: TemporalConfig): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect(connectionOptions(t));
  return { client: new Client({ connection, namespace: t.namespace }), close: () => connection.close() };
}
