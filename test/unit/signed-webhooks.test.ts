import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { isTemporalRefusal, jsonDepth } from '../../api/shared/ingress';
import { SignatureVerifier } from '../../api/shared/signed-webhooks';

const body = Buffer.from('{"scope":"store/order/created"}');
function headers(secret: string, opts: { id?: string; atS?: number; payload?: Buffer } = {}): Record<string, string> {
  const id = opts.id ?? 'msg_1';
  const at = new Date((opts.atS ?? Math.floor(Date.now() / 1000)) * 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(Buffer.from(secret).toString('base64')).sign(id, at, opts.payload ?? body),
  };
}

describe('SignatureVerifier', () => {
  const verifier = new SignatureVerifier([
    { owner: 'storea', secrets: ['app-secret'] },
    { owner: 'storeb', secrets: ['app-secret'] },
    { owner: 'storec', secrets: ['new-secret', 'old-secret'] },
  ]);

  it('names every store that shares the secret (one app on several stores)', () => {
    expect(verifier.verify(body, headers('app-secret'))).toEqual({ ok: true, owners: ['storea', 'storeb'], webhookId: 'msg_1' });
  });

  it('accepts both secrets of a rotation, and nothing else', () => {
    expect(verifier.verify(body, headers('new-secret'))).toMatchObject({ ok: true, owners: ['storec'] });
    expect(verifier.verify(body, headers('old-secret'))).toMatchObject({ ok: true, owners: ['storec'] });
    expect(verifier.verify(body, headers('third-secret'))).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a signature over other bytes, a stale or future timestamp, missing or oversized headers', () => {
    expect(verifier.verify(Buffer.from('{"scope":"store/order/updated"}'), headers('app-secret'))).toMatchObject({ ok: false, reason: 'bad_signature' });
    const now = Math.floor(Date.now() / 1000);
    expect(verifier.verify(body, headers('app-secret', { atS: now - 301 }))).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verifier.verify(body, headers('app-secret', { atS: now + 301 }))).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verifier.verify(body, headers('app-secret', { atS: now - 200 }))).toMatchObject({ ok: true });
    const { 'webhook-signature': _, ...unsigned } = headers('app-secret');
    expect(verifier.verify(body, unsigned)).toMatchObject({ ok: false, reason: 'missing_headers' });
    expect(verifier.verify(body, { ...headers('app-secret'), 'webhook-id': 'x'.repeat(300) })).toMatchObject({ ok: false, reason: 'malformed_headers' });
  });
});

describe('ingress helpers', () => {
  it('measures JSON nesting without counting brackets inside strings', () => {
    expect(jsonDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonDepth('{"a":"[[[[[[[[\\"[[["}')).toBe(1);
    expect(jsonDepth(`${'['.repeat(50)}${']'.repeat(50)}`)).toBe(50);
  });

  it('tells a request Temporal refused (gRPC INVALID_ARGUMENT, possibly as a cause) from an outage', () => {
    expect(isTemporalRefusal({ message: 'wrapped', cause: { code: 3 } })).toBe(true);
    expect(isTemporalRefusal({ code: 14 })).toBe(false);
    expect(isTemporalRefusal({ code: 8 })).toBe(false);
    expect(isTemporalRefusal(new Error('plain'))).toBe(false);
  });
});
