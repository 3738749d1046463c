import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { temporalSettings } from '../../config/temporal';
import { newPayloadKeyEntry, parsePayloadKeys, type PayloadKey, staticKeyring } from '../../lib/temporal/keyring';
import { ENCRYPTED_ENCODING, EncryptionCodec, isEncrypted, KEY_ID_METADATA, PayloadDecryptionError } from '../../lib/temporal/payload-codec';

/**
 * The payload keys (lib/temporal/keyring.ts) and the codec that seals every payload Temporal stores
 * (lib/temporal/payload-codec.ts): round trip, the key id in the metadata, rotation, and the errors
 * (unknown key, altered data, a key of the wrong length), none of which may quote key material.
 */
const key = (id: string): PayloadKey => ({ id, key: randomBytes(32) });
const entry = (k: PayloadKey) => `${k.id}:${k.key.toString('base64')}`;
const text = (p: Payload, name: string) => new TextDecoder().decode(p.metadata?.[name]);

/** Every way a key may be written out, so an error message can be searched for it. */
const materialOf = (k: PayloadKey) => [k.key.toString('base64'), k.key.toString('base64url'), k.key.toString('hex'), k.key.toString('base64').slice(0, 16)];
const expectNoKeyMaterial = (message: string, ...keys: PayloadKey[]) => {
  for (const k of keys) for (const m of materialOf(k)) expect(message).not.toContain(m);
};

const CUSTOMER = { email: 'jane.shopper@example.com', name: 'Jane Shopper', street: '12 Harbour Lane' };

describe('payload keys', () => {
  it('parse `id:base64` entries separated by commas or lines, comments skipped; the last one encrypts and every one decrypts', async () => {
    const [k1, k2, k3] = [key('k1'), key('k2'), key('2026-03.b_x')];
    const keys = parsePayloadKeys(`# old keys first\n${entry(k1)}, ${entry(k2)}\n\n${k3.id}:${k3.key.toString('base64url')}\n`);
    expect(keys.map((k) => k.id)).toEqual(['k1', 'k2', '2026-03.b_x']);
    expect(keys[2]!.key.equals(k3.key)).toBe(true); // URL-safe base64 too
    const ring = staticKeyring(keys);
    expect(ring.ids).toEqual(['k1', 'k2', '2026-03.b_x']);
    expect((await ring.current()).id).toBe('2026-03.b_x');
    expect((await ring.get('k1'))?.equals(k1.key)).toBe(true);
    expect(await ring.get('k4')).toBeUndefined();
  });

  it('refuse a key that is not 32 bytes, without quoting it', () => {
    const short = randomBytes(16).toString('base64');
    const long = randomBytes(33).toString('base64');
    for (const bad of [short, long]) {
      let message = '';
      try {
        parsePayloadKeys(`k1:${bad}`);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/key k1 is not 32 bytes/);
      expect(message).not.toContain(bad);
      expect(message).not.toContain(bad.slice(0, 12));
    }
    // The same through the setting, as a process reads it at start.
    const parsed = temporalSettings.parse({ TEMPORAL_PAYLOAD_KEYS: `ok:${randomBytes(32).toString('base64')},k2:${short}` });
    expect(parsed.ok).toBe(false);
    const issues = parsed.ok ? '' : parsed.issues.join('\n');
    expect(issues).toMatch(/TEMPORAL_PAYLOAD_KEYS.*key k2 is not 32 bytes/);
    expect(issues).not.toContain(short);
  });

  it('refuse a missing or malformed id, a key listed twice and an empty list', () => {
    const k = key('k1');
    expect(() => parsePayloadKeys(k.key.toString('base64'))).toThrow(/keyId:base64/);
    expect(() => parsePayloadKeys(`bad id:${k.key.toString('base64')}`)).toThrow(/keyId:base64/);
    expect(() => parsePayloadKeys(`${entry(k)},${entry(key('k1'))}`)).toThrow(/key id k1 is listed twice/);
    expect(() => parsePayloadKeys('# nothing\n')).toThrow(/no keys listed/);
    expect(() => staticKeyring([])).toThrow(/at least one key/);
    for (const attempt of [() => parsePayloadKeys(`bad id:${k.key.toString('base64')}`), () => parsePayloadKeys(`${entry(k)},${entry(k)}`)]) {
      try {
        attempt();
      } catch (err) {
        expectNoKeyMaterial((err as Error).message, k);
      }
    }
  });

  it('`bcsync payload-key new` entries are fresh 32-byte keys that parse back', () => {
    const a = newPayloadKeyEntry('k-new');
    const b = newPayloadKeyEntry('k-new');
    expect(a).not.toBe(b);
    const [parsed] = parsePayloadKeys(a);
    expect(parsed!.id).toBe('k-new');
    expect(parsed!.key).toHaveLength(32);
    expect(newPayloadKeyEntry()).toMatch(/^k\d{8}:/);
    expect(() => newPayloadKeyEntry('no spaces')).toThrow();
  });
});

describe('the encryption codec', () => {
  const k1 = key('k1');
  const k2 = key('k2');
  const clear = defaultPayloadConverter.toPayload(CUSTOMER);

  it('round-trips a payload exactly (its metadata included), sealed under the newest key with its id in the metadata', async () => {
    const codec = new EncryptionCodec(staticKeyring([k1]));
    const [sealed] = await codec.encode([clear]);
    expect(isEncrypted(sealed!)).toBe(true);
    expect(text(sealed!, 'encoding')).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!, KEY_ID_METADATA)).toBe('k1');
    expect(text(sealed!, 'encryption-cipher')).toBe('AES256-GCM');
    // Nothing of the clear payload shows: neither its values nor its json/plain encoding.
    const raw = Buffer.from(sealed!.data!).toString('latin1');
    for (const shown of [CUSTOMER.email, CUSTOMER.name, CUSTOMER.street, 'json/plain']) expect(raw).not.toContain(shown);

    const [opened] = await codec.decode([sealed!]);
    expect(text(opened!, 'encoding')).toBe('json/plain');
    expect(Buffer.from(opened!.data!).equals(Buffer.from(clear.data!))).toBe(true);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(CUSTOMER);
  });

  it('seals the same payload differently each time (a fresh IV), and several payloads in one call', async () => {
    const codec = new EncryptionCodec(staticKeyring([k1]));
    const payloads = [clear, clear, defaultPayloadConverter.toPayload(undefined), defaultPayloadConverter.toPayload(42)];
    const sealed = await codec.encode(payloads);
    expect(sealed).toHaveLength(4);
    expect(Buffer.from(sealed[0]!.data!).equals(Buffer.from(sealed[1]!.data!))).toBe(false);
    expect((await codec.decode(sealed)).map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([CUSTOMER, CUSTOMER, undefined, 42]);
    expect(await codec.encode([])).toEqual([]);
  });

  it('after a rotation (k1,k2) decodes what k1 sealed and seals new payloads with k2', async () => {
    const [old] = await new EncryptionCodec(staticKeyring([k1])).encode([clear]);
    const rotated = new EncryptionCodec(staticKeyring([k1, k2]));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toEqual(CUSTOMER);
    const [fresh] = await rotated.encode([clear]);
    expect(text(fresh!, KEY_ID_METADATA)).toBe('k2');
    // k2 alone opens the new payload but not the old one.
    const k2Only = new EncryptionCodec(staticKeyring([k2]));
    expect(defaultPayloadConverter.fromPayload((await k2Only.decode([fresh!]))[0]!)).toEqual(CUSTOMER);
    await expect(k2Only.decode([old!])).rejects.toThrow(/encrypted with key k1, which this process does not hold/);
  });

  it('names an unknown key id, and no key material, when it cannot decode', async () => {
    const [sealed] = await new EncryptionCodec(staticKeyring([k1])).encode([clear]);
    const err = await new EncryptionCodec(staticKeyring([k2])).decode([sealed!]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadDecryptionError);
    expect((err as Error).message).toContain('key k1');
    expectNoKeyMaterial((err as Error).message, k1, k2);
    const noId = { metadata: { encoding: new TextEncoder().encode(ENCRYPTED_ENCODING) }, data: sealed!.data };
    await expect(new EncryptionCodec(staticKeyring([k1])).decode([noId])).rejects.toThrow(/names no key id/);
  });

  it('refuses altered data, a swapped key id, a truncated payload and another key under the same id', async () => {
    const codec = new EncryptionCodec(staticKeyring([k1, k2]));
    const [sealed] = await codec.encode([clear]); // under k2
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 0x01;
    const tampered = { ...sealed!, data: flipped };
    const errors: Error[] = [];
    const expectRefused = async (p: Payload, pattern: RegExp) => {
      const err = await codec.decode([p]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PayloadDecryptionError);
      expect((err as Error).message).toMatch(pattern);
      errors.push(err as Error);
    };
    await expectRefused(tampered, /with key k2 does not authenticate/);
    // The key id is authenticated: relabelled with another id of the same key bytes, it does not open.
    const sameBytes = new EncryptionCodec(staticKeyring([{ id: 'alias', key: k2.key }, k2]));
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: new TextEncoder().encode('alias') } };
    const aliasErr = await sameBytes.decode([relabelled]).catch((e: unknown) => e);
    expect(aliasErr).toBeInstanceOf(PayloadDecryptionError);
    expect((aliasErr as Error).message).toMatch(/with key alias does not authenticate/);
    errors.push(aliasErr as Error);
    await expectRefused({ ...sealed!, data: Buffer.from(sealed!.data!).subarray(0, 20) }, /with key k2 is truncated/);
    const impostor = new EncryptionCodec(staticKeyring([{ id: 'k2', key: randomBytes(32) }]));
    const err = await impostor.decode([sealed!]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadDecryptionError);
    expect((err as Error).message).toMatch(/with key k2 does not authenticate/);
    errors.push(err as Error);
    for (const e of errors) expectNoKeyMaterial(e.message, k1, k2);
  });

  it('passes clear payloads through decode unchanged (histories written before encryption)', async () => {
    const codec = new EncryptionCodec(staticKeyring([k1]));
    const nothing = defaultPayloadConverter.toPayload(undefined);
    const [a, b] = await codec.decode([clear, nothing]);
    expect(a).toBe(clear);
    expect(b).toBe(nothing);
    expect(isEncrypted(clear)).toBe(false);
  });

  it('refuses to seal with a key of the wrong length', async () => {
    const codec = new EncryptionCodec(staticKeyring([{ id: 'short', key: randomBytes(16) }]));
    await expect(codec.encode([clear])).rejects.toThrow(/key length/i);
  });
});
