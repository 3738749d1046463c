import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * The keys that encrypt what Temporal stores (docs/encryption.md). A key id travels in each encrypted
 * payload's metadata, so a history written under an old key still decrypts once a newer key
 * encrypts: rotation is "add the new key last, keep the old ones as long as histories may hold them".
 *
 * The keyring is the seam for a key-management service: anything that can name the key to encrypt
 * with and hand over a key by id (an adapter over AWS KMS data keys, Vault transit, ...) fits
 * PayloadKeyring; the codec never sees where keys come from.
 */
export interface PayloadKeyring {
  /** The key new payloads are encrypted with. */
  current(): Promise<PayloadKey>;
  /** The key with this id, or undefined when the keyring does not hold it. */
  get(id: string): Promise<Buffer | undefined>;
  /** Every key id held, newest (the encrypting one) last: for `bcsync doctor` and logs; never the keys. */
  readonly ids: readonly string[];
}

export interface PayloadKey {
  id: string;
  /** 32 bytes: AES-256. */
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_BYTES = 32;

/** One `id:base64` entry; the key must be exactly 32 bytes (standard or URL-safe base64). */
const keyEntry = z.string().transform((entry, ctx): PayloadKey => {
  const at = entry.indexOf(':');
  const id = at < 0 ? '' : entry.slice(0, at).trim();
  if (!KEY_ID.test(id)) {
    ctx.addIssue({ code: 'custom', message: 'each key is `keyId:base64` with a key id of letters, digits, `.`, `_` or `-` (at most 64)' });
    return z.NEVER;
  }
  const encoded = entry.slice(at + 1).trim();
  const key = Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64');
  if (key.length !== KEY_BYTES) {
    // Never the key text in a message: it may be a real key written badly.
    ctx.addIssue({ code: 'custom', message: `key ${id} is not ${KEY_BYTES} bytes of base64 (run \`bcsync payload-key new\` for one)` });
    return z.NEVER;
  }
  return { id, key };
});

/**
 * Keys as written in TEMPORAL_PAYLOAD_KEYS or a TEMPORAL_PAYLOAD_KEYS_FILE: `id:base64` entries
 * separated by commas or new lines (`#` starts a comment line). The last one encrypts.
 */
export const payloadKeysText = z
  .string()
  .transform((text) =>
    text
      .split(/[,\n]/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  )
  .pipe(z.array(keyEntry).min(1, 'no keys listed'))
  .superRefine((keys, ctx) => {
    const ids = keys.map((k) => k.id);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice) ctx.addIssue({ code: 'custom', message: `key id ${twice} is listed twice` });
  });

/** A keyring over keys held in memory (from the environment or a file). */
export function staticKeyring(keys: readonly PayloadKey[]): PayloadKeyring {
  if (keys.length === 0) throw new Error('a keyring needs at least one key');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const newest = keys[keys.length - 1]!;
  return {
    current: async () => newest,
    get: async (id) => byId.get(id),
    ids: keys.map((k) => k.id),
  };
}

/** Parses keyring text (see payloadKeysText); throws a message that names no key material. */
export function parsePayloadKeys(text: string): PayloadKey[] {
  const parsed = payloadKeysText.safeParse(text);
  if (!parsed.success) throw new Error(`payload keys: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

/** A fresh key entry, `id:base64`, for `bcsync payload-key new`; the id defaults to today's date. */
export function newPayloadKeyEntry(id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`): string {
  if (!KEY_ID.test(id)) throw new Error('a key id is letters, digits, `.`, `_` or `-` (at most 64)');
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
