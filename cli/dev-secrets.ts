import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newPayloadKeyEntry } from '../lib/temporal/keyring';

/**
 * The secrets `bcsync dev` makes for itself instead of using published values: the payload key
 * (kept in the data dir, since the dev server's history there stays encrypted with it) and the
 * codec server's token (new each start: the Web UI learns it from the endpoint dev gives it).
 * Both files are mode 0600.
 */
export function devPayloadKeysFile(dataDir: string): string {
  const file = path.join(dataDir, 'sandbox', 'payload-keys');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `# bcsync dev's payload key (docs/encryption.md); the last line encrypts\n${newPayloadKeyEntry('dev-1')}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return file;
}

/** A fresh codec token, also written to `<dataDir>/sandbox/codec-token` for the `temporal` CLI. */
export function devCodecToken(dataDir: string): { token: string; file: string } {
  const token = randomBytes(24).toString('base64url');
  const file = path.join(dataDir, 'sandbox', 'codec-token');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, file };
}
