import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKeyring } from './keyring';

/**
 * Encrypts every payload Temporal stores: workflow and activity inputs and results, signals,
 * queries, updates, memos, heartbeats, summaries and details, and (with the failure converter in
 * ./failure-converter) failure messages and stack traces. docs/encryption.md says why everything.
 *
 * An encrypted payload is the whole original payload (its metadata included, so the decoder gets
 * back exactly what the payload converter wrote), serialized and sealed with AES-256-GCM:
 *   metadata: encoding = binary/encrypted, encryption-key-id = <key id>, encryption-cipher = AES256-GCM
 *   data:     12-byte IV | ciphertext | 16-byte tag; the key id is authenticated (additional data)
 * The metadata keys are the ones Temporal's encryption samples use, so other tools recognise them.
 * Payloads that are not encrypted pass decode unchanged: histories written before encryption was on
 * still replay and display.
 */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const { Payload: PayloadProto } = temporal.api.common.v1;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

const metadataText = (p: Payload, key: string): string | undefined => {
  const value = p.metadata?.[key];
  return value ? fromUtf8.decode(value) : undefined;
};

/** True when the payload is one this codec sealed. */
export function isEncrypted(p: Payload): boolean {
  return metadataText(p, 'encoding') === ENCRYPTED_ENCODING;
}

/** A payload the keyring cannot open: the key id it names is not held (or the data was altered). */
export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: PayloadKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    if (payloads.length === 0) return payloads;
    const { id, key } = await this.keyring.current();
    return payloads.map((p) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(utf8.encode(id));
      const sealed = Buffer.concat([iv, cipher.update(PayloadProto.encode(p).finish()), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(id), [CIPHER_METADATA]: utf8.encode(CIPHER) },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (p) => {
        if (!isEncrypted(p)) return p;
        const id = metadataText(p, KEY_ID_METADATA);
        if (!id) throw new PayloadDecryptionError('an encrypted payload names no key id');
        const key = await this.keyring.get(id);
        if (!key)
          throw new PayloadDecryptionError(
            `payload encrypted with key ${id}, which this process does not hold (TEMPORAL_PAYLOAD_KEYS must keep every key histories may still use)`,
          );
        const data = p.data ?? new Uint8Array();
        if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`payload encrypted with key ${id} is truncated`);
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        decipher.setAAD(utf8.encode(id));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        let clear: Buffer;
        try {
          clear = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
        } catch {
          throw new PayloadDecryptionError(`payload encrypted with key ${id} does not authenticate (altered, or another key under the same id)`);
        }
        return PayloadProto.decode(clear) as Payload;
      }),
    );
  }
}
