import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { temporalSettings } from '../../config/temporal';
import { EncryptionCodec } from '../../lib/temporal/payload-codec';
import {
  addressHost,
  apiKeySource,
  type ApiKeySource,
  connectionOptions,
  FAILURE_CONVERTER_PATH,
  isLoopbackHost,
  PlaintextRefusedError,
  payloadKeyring,
  type ReadFile,
  type TemporalConfig,
  temporalDataConverter,
  tlsOptions,
} from '../../workers/temporal-connection';

/**
 * The connection builder's pure parts (workers/temporal-connection.ts), from settings parsed as a
 * process parses TEMPORAL_*: TLS and mTLS files, plaintext refused for a remote address, the API key
 * and its rotation through a watched file, the payload keys. Nothing here connects: the addresses
 * are only parsed.
 */
const KEYS = 'unit-1:dW5pdC10ZXN0LXBheWxvYWQta2V5LTAxMjM0NTY3ODk=';

function settings(env: Record<string, string>): TemporalConfig {
  const parsed = temporalSettings.parse({ TEMPORAL_PAYLOAD_KEYS: KEYS, ...env });
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  return parsed.value;
}

/** A `read` that serves named files from memory and records what was read. */
function files(contents: Record<string, string>): ReadFile & { reads: string[] } {
  const reads: string[] = [];
  const read = (p: string) => {
    reads.push(p);
    const c = contents[p];
    if (c === undefined) throw new Error(`ENOENT: ${p}`);
    return Buffer.from(c);
  };
  return Object.assign(read, { reads });
}

const opened: ApiKeySource[] = [];
const tmp: string[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('TLS and mTLS options', () => {
  it('read the client certificate, key and CA through `read`, with the server name override', () => {
    const read = files({ '/etc/bcsync/client.pem': 'CERT', '/etc/bcsync/client.key': 'KEY', '/etc/bcsync/ca.pem': 'CA' });
    const t = settings({
      TEMPORAL_ADDRESS: 'temporal.internal.example:7233',
      TEMPORAL_TLS_CERT_FILE: '/etc/bcsync/client.pem',
      TEMPORAL_TLS_KEY_FILE: '/etc/bcsync/client.key',
      TEMPORAL_TLS_CA_FILE: '/etc/bcsync/ca.pem',
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal.example',
    });
    expect(t.tls).toBe(true); // turned on by the files, TEMPORAL_TLS unset
    const tls = tlsOptions(t, read);
    expect(tls).not.toBe(false);
    if (tls === false) return;
    expect(tls.serverNameOverride).toBe('frontend.temporal.example');
    expect(Buffer.from(tls.serverRootCACertificate!).toString()).toBe('CA');
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toBe('CERT');
    expect(Buffer.from(tls.clientCertPair!.key).toString()).toBe('KEY');
    expect(read.reads.sort()).toEqual(['/etc/bcsync/ca.pem', '/etc/bcsync/client.key', '/etc/bcsync/client.pem']);
  });

  it('a certificate file that cannot be read fails the build, naming the file', () => {
    const t = settings({ TEMPORAL_ADDRESS: 'temporal.internal.example:7233', TEMPORAL_TLS_CERT_FILE: '/missing/cert.pem', TEMPORAL_TLS_KEY_FILE: '/missing/key.pem' });
    expect(() => tlsOptions(t, files({}))).toThrow(/\/missing\/(cert|key)\.pem/);
  });

  it('TEMPORAL_TLS=true alone uses the system CAs and reads nothing', () => {
    const read = files({});
    expect(tlsOptions(settings({ TEMPORAL_ADDRESS: 'temporal.example:7233', TEMPORAL_TLS: 'true' }), read)).toEqual({});
    expect(read.reads).toEqual([]);
  });

  it('a CA or server name alone turns TLS on without a client certificate', () => {
    const read = files({ '/ca.pem': 'CA' });
    const tls = tlsOptions(settings({ TEMPORAL_ADDRESS: '10.1.2.3:7233', TEMPORAL_TLS_CA_FILE: '/ca.pem' }), read);
    if (tls === false) throw new Error('TLS expected');
    expect(Buffer.from(tls.serverRootCACertificate!).toString()).toBe('CA');
    expect(tls.clientCertPair).toBeUndefined();
    expect(tlsOptions(settings({ TEMPORAL_ADDRESS: '10.1.2.3:7233', TEMPORAL_TLS_SERVER_NAME: 'temporal.example' }), read)).toEqual({ serverNameOverride: 'temporal.example' });
  });

  it('refuses half an mTLS pair, and TEMPORAL_TLS=false with a TLS file', () => {
    const half = temporalSettings.parse({ TEMPORAL_PAYLOAD_KEYS: KEYS, TEMPORAL_TLS_CERT_FILE: '/c.pem' });
    expect(half.ok ? [] : half.issues).toEqual([expect.stringMatching(/TEMPORAL_TLS_KEY_FILE: mTLS needs both/)]);
    const off = temporalSettings.parse({ TEMPORAL_PAYLOAD_KEYS: KEYS, TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA_FILE: '/ca.pem' });
    expect(off.ok ? [] : off.issues).toEqual([expect.stringMatching(/TEMPORAL_TLS: is false/)]);
  });
});

describe('plaintext', () => {
  it('is refused for a remote address, naming the host and how to allow it', () => {
    for (const [address, host] of [
      ['temporal.example.com:7233', 'temporal.example.com'],
      ['10.0.0.5:7233', '10.0.0.5'],
      ['[2001:db8::1]:7233', '2001:db8::1'],
      ['temporal:7233', 'temporal'],
    ]) {
      const t = settings({ TEMPORAL_ADDRESS: address! });
      expect(t.tls).toBe(false);
      let err: unknown;
      try {
        tlsOptions(t, files({}));
      } catch (e) {
        err = e;
      }
      expect(err, address).toBeInstanceOf(PlaintextRefusedError);
      expect((err as Error).message).toContain(`at ${host} without TLS`);
      expect((err as Error).message).toContain('TEMPORAL_ALLOW_PLAINTEXT=true');
      // The client options are built through the same check.
      expect(() => connectionOptions(t, files({}))).toThrow(PlaintextRefusedError);
    }
  });

  it('is allowed for loopback addresses', () => {
    for (const address of ['localhost:7233', '127.0.0.1:7233', '127.8.9.10:7233', '[::1]:7233', 'temporal.localhost:7233']) {
      expect(tlsOptions(settings({ TEMPORAL_ADDRESS: address }), files({})), address).toBe(false);
    }
    expect(connectionOptions(settings({ TEMPORAL_ADDRESS: '127.0.0.1:7233' }), files({}))).toMatchObject({ address: '127.0.0.1:7233', tls: undefined });
  });

  it('is allowed for a remote address with TEMPORAL_ALLOW_PLAINTEXT=true', () => {
    const t = settings({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_ALLOW_PLAINTEXT: 'true' });
    expect(tlsOptions(t, files({}))).toBe(false);
    expect(connectionOptions(t, files({}))).toMatchObject({ address: 'temporal:7233', tls: undefined });
  });

  it('host parsing: host:port, [v6]:port, bare v6; loopback recognition', () => {
    expect(addressHost('temporal.example:7233')).toBe('temporal.example');
    expect(addressHost('[::1]:7233')).toBe('::1');
    expect(addressHost('::1')).toBe('::1');
    expect(addressHost('localhost')).toBe('localhost');
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('127.0.0.1.example.com')).toBe(false);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
    expect(isLoopbackHost('::2')).toBe(false);
  });
});

describe('API keys', () => {
  it('TEMPORAL_API_KEY goes on the connection and turns TLS on', () => {
    const t = settings({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'cloud-api-key-1' });
    expect(t.tls).toBe(true);
    const options = connectionOptions(t, files({}));
    expect(options).toMatchObject({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'cloud-api-key-1' });
    options.close();
  });

  it('no API key, no apiKey option', () => {
    const options = connectionOptions(settings({ TEMPORAL_ADDRESS: 'localhost:7233' }), files({}));
    expect('apiKey' in options).toBe(false);
  });

  it('refuses TEMPORAL_API_KEY and TEMPORAL_API_KEY_FILE together', () => {
    const both = temporalSettings.parse({ TEMPORAL_PAYLOAD_KEYS: KEYS, TEMPORAL_API_KEY: 'a', TEMPORAL_API_KEY_FILE: '/k' });
    expect(both.ok ? [] : both.issues).toEqual([expect.stringMatching(/TEMPORAL_API_KEY_FILE: set TEMPORAL_API_KEY or TEMPORAL_API_KEY_FILE, not both/)]);
  });

  it('TEMPORAL_API_KEY_FILE is re-read when the key is rotated: listeners told, the client option answers the new key', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-api-key-'));
    tmp.push(dir);
    const file = path.join(dir, 'api-key');
    writeFileSync(file, 'key-one\n');
    const t = settings({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY_FILE: file });
    expect(t.tls).toBe(true);

    const source = apiKeySource(t, undefined, 20);
    opened.push(source);
    expect(source.current()).toBe('key-one');
    const seen: string[] = [];
    source.onChange((k) => seen.push(k));
    // Rotated at once after the first read: nothing may be missed between the read and the first poll.
    // A mounted secret is swapped by replacing the file, not writing into it.
    const next = path.join(dir, 'api-key.next');
    writeFileSync(next, 'key-two-rotated\n');
    renameSync(next, file);
    await waitFor(() => seen.length === 1, 'the rotated key to be read');
    expect(seen).toEqual(['key-two-rotated']);
    expect(source.current()).toBe('key-two-rotated');

    // Mid-rotation (the file briefly empty) the key in hand is kept.
    writeFileSync(file, '');
    await new Promise((r) => setTimeout(r, 150));
    expect(source.current()).toBe('key-two-rotated');
    writeFileSync(file, 'key-three\n');
    await waitFor(() => source.current() === 'key-three', 'the third key');
    expect(seen).toEqual(['key-two-rotated', 'key-three']);
  });

  it('the client connection reads the key file per call: a function that answers the rotated key', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-api-key-'));
    tmp.push(dir);
    const file = path.join(dir, 'api-key');
    writeFileSync(file, 'first-key');
    const t = settings({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY_FILE: file });
    // A source polling every 20 ms first: the builder's, on the same file, shares its watch.
    const fast = apiKeySource(t, undefined, 20);
    opened.push(fast);
    const options = connectionOptions(t);
    expect(typeof options.apiKey).toBe('function');
    const apiKey = options.apiKey as () => string;
    expect(apiKey()).toBe('first-key');
    writeFileSync(file, 'second-key');
    await waitFor(() => apiKey() === 'second-key', 'the client option to answer the new key');
    options.close();
  });

  it('an empty key file is refused at start', () => {
    const t = settings({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY_FILE: '/run/secrets/temporal-api-key' });
    expect(() => apiKeySource(t, files({ '/run/secrets/temporal-api-key': '  \n' }))).toThrow(/TEMPORAL_API_KEY_FILE is empty/);
  });
});

describe('payload keys and the data converter', () => {
  it('are required while encryption is on (the default)', () => {
    const parsed = temporalSettings.parse({});
    expect(parsed.ok ? [] : parsed.issues).toEqual([expect.stringMatching(/TEMPORAL_PAYLOAD_KEYS: is required/)]);
    const off = temporalSettings.parse({ TEMPORAL_PAYLOAD_ENCRYPTION: 'false' });
    expect(off.ok).toBe(true);
    if (off.ok) expect(temporalDataConverter(off.value)).toEqual({});
  });

  it('come from TEMPORAL_PAYLOAD_KEYS or from the file, read through `read`; the last one encrypts', async () => {
    expect(payloadKeyring(settings({}))?.ids).toEqual(['unit-1']);
    const other = 'unit-2:dW5pdC10ZXN0LXBheWxvYWQta2V5LTk4NzY1NDMyMTA=';
    const read = files({ '/keys': `# retired next quarter\n${KEYS}\n${other}\n` });
    const parsed = temporalSettings.parse({ TEMPORAL_PAYLOAD_KEYS_FILE: '/keys' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const ring = payloadKeyring(parsed.value, read);
    expect(ring?.ids).toEqual(['unit-1', 'unit-2']);
    expect((await ring!.current()).id).toBe('unit-2');
    expect(read.reads).toEqual(['/keys']);
  });

  it('the data converter seals with the keys and encodes failures through the failure converter file', () => {
    const converter = temporalDataConverter(settings({}));
    expect(converter.payloadCodecs).toHaveLength(1);
    expect(converter.payloadCodecs![0]).toBeInstanceOf(EncryptionCodec);
    expect(converter.failureConverterPath).toBe(FAILURE_CONVERTER_PATH);
    expect(existsSync(FAILURE_CONVERTER_PATH)).toBe(true);
  });
});

async function waitFor(done: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
