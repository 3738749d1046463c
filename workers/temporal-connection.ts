import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { Client, Connection, type ConnectionOptions, type TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config/env';
import { parsePayloadKeys, type PayloadKeyring, staticKeyring } from '../lib/temporal/keyring';
import { EncryptionCodec } from '../lib/temporal/payload-codec';

/**
 * The one way every process reaches Temporal: the worker, the API, the CLI, the benches and the
 * tests. From the TEMPORAL_* settings (config/temporal.ts) it builds the connection (TLS, mTLS, a
 * server name override, an API key that can rotate without a restart, plaintext refused for a
 * remote address) and the data converter that encrypts every payload (docs/encryption.md).
 */
export type TemporalConfig = Config['temporal'];

/** Reads a file named by a setting; injectable for tests. */
export type ReadFile = (path: string) => Buffer;
const readFile: ReadFile = (p) => readFileSync(p);

/** A remote address in plaintext is refused unless the operator says the network is private. */
export class PlaintextRefusedError extends Error {
  constructor(host: string) {
    super(
      `refusing to connect to Temporal at ${host} without TLS: it is not a loopback address. Set TEMPORAL_TLS=true (or TEMPORAL_API_KEY / TEMPORAL_TLS_* for Temporal Cloud or mTLS), or TEMPORAL_ALLOW_PLAINTEXT=true for a private network you trust.`,
    );
    this.name = 'PlaintextRefusedError';
  }
}

/** The host of `host:port` (`[v6]:port` included). */
export function addressHost(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) return bracketed[1]!;
  const colons = address.split(':').length - 1;
  return colons === 1 ? address.slice(0, address.lastIndexOf(':')) : address;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1';
}

/** TLS as the SDK takes it, the certificate files read now; false for plaintext (refused when remote). */
export function tlsOptions(t: TemporalConfig, read: ReadFile = readFile): TLSConfig | false {
  if (!t.tls) {
    const host = addressHost(t.address);
    if (!isLoopbackHost(host) && !t.allowPlaintext) throw new PlaintextRefusedError(host);
    return false;
  }
  return {
    ...(t.tlsServerName ? { serverNameOverride: t.tlsServerName } : {}),
    ...(t.tlsCaFile ? { serverRootCACertificate: read(t.tlsCaFile) } : {}),
    ...(t.tlsCertFile && t.tlsKeyFile ? { clientCertPair: { crt: read(t.tlsCertFile), key: read(t.tlsKeyFile) } } : {}),
  };
}

/**
 * The API key, and for TEMPORAL_API_KEY_FILE a watch on the file: a new key written there reaches
 * every connection built here (the client's reads it per call; a worker's native connection is told).
 */
export interface ApiKeySource {
  current(): string | undefined;
  /** Called with each new key read from the file. */
  onChange(listener: (key: string) => void): void;
  close(): void;
}

const keySources = new Map<string, { source: ApiKeySource; users: number }>();
const timers = new Map<string, NodeJS.Timeout>();

export function apiKeySource(t: TemporalConfig, read: ReadFile = readFile, intervalMs = 5_000): ApiKeySource {
  if (!t.apiKeyFile) return { current: () => t.apiKey, onChange: () => {}, close: () => {} };
  const file = t.apiKeyFile;
  const shared = keySources.get(file);
  if (shared) {
    shared.users++;
    return { ...shared.source, close: () => release(file) };
  }
  const readKey = () => {
    const key = read(file).toString('utf8').trim();
    if (key === '') throw new Error('TEMPORAL_API_KEY_FILE is empty');
    return key;
  };
  let key = readKey();
  const listeners: Array<(key: string) => void> = [];
  const poll = () => {
    let next: string;
    try {
      next = readKey();
    } catch {
      return; // mid-rotation (the file replaced, briefly absent or empty): keep the key we have
    }
    if (next === key) return;
    key = next;
    for (const l of listeners) l(next);
  };
  // The file's content is read again every interval (it is a few bytes): fs.watch misses a mounted
  // secret swapped by replacing a symlink, and a stat-based watch misses a change made between the
  // first read and its own first look.
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  timers.set(file, timer);
  const source: ApiKeySource = {
    current: () => key,
    onChange: (l) => void listeners.push(l),
    close: () => release(file),
  };
  keySources.set(file, { source, users: 1 });
  return source;
}

function release(file: string) {
  const shared = keySources.get(file);
  if (!shared || --shared.users > 0) return;
  keySources.delete(file);
  clearInterval(timers.get(file));
  timers.delete(file);
}

/** The keyring from TEMPORAL_PAYLOAD_KEYS or its file; undefined when encryption is off. */
export function payloadKeyring(t: TemporalConfig, read: ReadFile = readFile): PayloadKeyring | undefined {
  if (!t.payloadEncryption) return undefined;
  if (t.payloadKeys) return staticKeyring(t.payloadKeys);
  if (t.payloadKeysFile) return staticKeyring(parsePayloadKeys(read(t.payloadKeysFile).toString('utf8')));
  throw new Error('TEMPORAL_PAYLOAD_KEYS is required while TEMPORAL_PAYLOAD_ENCRYPTION is on');
}

/**
 * Where the SDK finds the failure converter (failure messages into encrypted attributes). A path,
 * as the SDK wants: the workflow bundle and the worker's main thread both load it.
 */
export const FAILURE_CONVERTER_PATH = path.resolve(__dirname, '../lib/temporal/failure-converter.js');

/** The data converter of every client and worker: the encryption codec, and failures encoded with it. */
export function temporalDataConverter(t: TemporalConfig, read: ReadFile = readFile): DataConverter {
  const keyring = payloadKeyring(t, read);
  if (!keyring) return {};
  return { payloadCodecs: [new EncryptionCodec(keyring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/** The client connection's options: address, TLS, API key (re-read from its file per call). */
export function connectionOptions(t: TemporalConfig, read: ReadFile = readFile): ConnectionOptions & { close: () => void } {
  const tls = tlsOptions(t, read);
  const key = apiKeySource(t, read);
  const apiKey = key.current();
  return {
    address: t.address,
    tls: tls === false ? undefined : tls,
    ...(apiKey === undefined ? {} : { apiKey: t.apiKeyFile ? () => key.current() ?? '' : apiKey }),
    close: () => key.close(),
  };
}

/** Workers poll through the native (Rust core) connection; a rotated API key file is passed on. */
export async function connectWorkerConnection(t: TemporalConfig, read: ReadFile = readFile): Promise<NativeConnection> {
  const tls = tlsOptions(t, read);
  const key = apiKeySource(t, read);
  const apiKey = key.current();
  const connection = await NativeConnection.connect({ address: t.address, tls: tls === false ? undefined : tls, ...(apiKey === undefined ? {} : { apiKey }) });
  key.onChange((next) => void connection.setApiKey(next).catch(() => {}));
  const close = connection.close.bind(connection);
  connection.close = async () => {
    key.close();
    await close();
  };
  return connection;
}

function clientFor(t: TemporalConfig, connection: Connection, read: ReadFile): Client {
  return new Client({ connection, namespace: t.namespace, dataConverter: temporalDataConverter(t, read) });
}

/**
 * A client whose connection is made on first use, so the API process starts (and answers 503)
 * while Temporal is down, instead of crashing at boot.
 */
export function createLazyClient(t: TemporalConfig, read: ReadFile = readFile): { client: Client; connection: Connection } {
  const { close, ...options } = connectionOptions(t, read);
  const connection = Connection.lazy(options);
  const closeConnection = connection.close.bind(connection);
  connection.close = async () => {
    close();
    await closeConnection();
  };
  return { connection, client: clientFor(t, connection, read) };
}

/** A client connected now (CLI commands, which should fail at once when Temporal is unreachable). */
export async function connectClient(
  t: TemporalConfig,
  opts: { read?: ReadFile; connectTimeoutMs?: number } = {},
): Promise<{ client: Client; connection: Connection; close: () => Promise<void> }> {
  const read = opts.read ?? readFile;
  const { close, ...options } = connectionOptions(t, read);
  try {
    const connection = await Connection.connect({ ...options, ...(opts.connectTimeoutMs ? { connectTimeout: opts.connectTimeoutMs } : {}) });
    return {
      client: clientFor(t, connection, read),
      connection,
      close: async () => {
        close();
        await connection.close();
      },
    };
  } catch (err) {
    close();
    throw err;
  }
}
