import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, isSecretKey, REDACT_MAX_DEPTH, REDACTED, redactSecrets } from '../../lib/logger';

/** The JSON lines a logger writes. */
function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger('info', 'test', { destination });
  return { logger, lines, last: () => JSON.parse(lines.at(-1)!) as Record<string, unknown> };
}

const SECRETS = ['s3cr3t-access-token', 'Bearer abc.def', 'v1,c2lnbmF0dXJl', 'hunter2', 'sk_live_key', 'session=xyz'];

describe('log redaction', () => {
  it('censors secret keys case-insensitively, in any spelling of the header names', () => {
    for (const key of [
      'storesJson',
      'BC_STORES',
      'clientSecrets',
      'client_assertion',
      'token',
      'accessToken',
      'ACCESS_TOKEN',
      'secret',
      'clientSecret',
      'password',
      'Authorization',
      'x-auth-token',
      'X-Auth-Token',
      'x-bcsync-secret',
      'X-Bcsync-Erp-Token',
      'webhook-signature',
      'Signature',
      'apiKey',
      'api_secret',
      'privateKey',
      'cookie',
      'Set-Cookie',
      'erpAccessToken',
      'OMS_API_SECRET',
      'payloadKeys',
      'TEMPORAL_PAYLOAD_KEYS',
      'CODEC_TOKENS',
    ])
      expect(isSecretKey(key), key).toBe(true);
    for (const key of ['storeHash', 'orderId', 'sku', 'hash', 'scope', 'tokenCount', 'signatureMode', 'by']) expect(isSecretKey(key), key).toBe(false);
  });

  it('reaches secrets 6 levels deep, in arrays and in headers objects, and leaves the rest as it is', () => {
    const { logger, lines, last } = capture();
    logger.info(
      {
        storeHash: 'abc123',
        a: { b: { c: { d: { e: { f: { apiKey: SECRETS[4], kept: 'visible' } } } } } },
        requests: [{ headers: { 'X-Auth-Token': SECRETS[0], 'content-type': 'application/json' } }, [{ Authorization: SECRETS[1] }]],
        delivery: { headers: { 'webhook-signature': SECRETS[2], 'webhook-id': 'msg_1' } },
        user: { password: SECRETS[3] },
        response: { headers: { 'set-cookie': [SECRETS[5]] } },
      },
      'a line',
    );
    const line = last();
    for (const secret of SECRETS) expect(lines.at(-1)).not.toContain(secret);
    expect(line).toMatchObject({
      storeHash: 'abc123',
      a: { b: { c: { d: { e: { f: { apiKey: REDACTED, kept: 'visible' } } } } } },
      requests: [{ headers: { 'X-Auth-Token': REDACTED, 'content-type': 'application/json' } }, [{ Authorization: REDACTED }]],
      delivery: { headers: { 'webhook-signature': REDACTED, 'webhook-id': 'msg_1' } },
      user: { password: REDACTED },
      response: { headers: { 'set-cookie': REDACTED } },
      msg: 'a line',
    });
  });

  it("censors an error's own fields and a child logger's bindings; the error keeps its type and message", () => {
    const { logger, lines, last } = capture();
    const err = Object.assign(new TypeError('request failed'), { config: { headers: { authorization: SECRETS[1] } } });
    logger
      .child({ store: 'abc123' })
      .child({ headers: { 'x-bcsync-erp-token': SECRETS[0] } })
      .error({ err }, 'failed');
    expect(lines.at(-1)).not.toContain(SECRETS[0]);
    expect(lines.at(-1)).not.toContain(SECRETS[1]);
    expect(last()).toMatchObject({
      store: 'abc123',
      headers: { 'x-bcsync-erp-token': REDACTED },
      err: { type: 'TypeError', message: 'request failed', config: { headers: { authorization: REDACTED } } },
    });
  });

  it('does not copy an object without secrets, survives cycles and stops at its depth limit', () => {
    const plain = { a: [1, { b: 'c' }], when: new Date(0) };
    expect(redactSecrets(plain)).toBe(plain);
    const cyclic: Record<string, unknown> = { token: SECRETS[0] };
    cyclic.self = cyclic;
    expect(redactSecrets(cyclic)).toEqual({ token: REDACTED, self: '[circular]' });
    let deep: Record<string, unknown> = { secret: SECRETS[3] };
    for (let i = 0; i < REDACT_MAX_DEPTH + 5; i++) deep = { next: deep };
    expect(JSON.stringify(redactSecrets(deep))).not.toContain(SECRETS[3]);
  });
});
