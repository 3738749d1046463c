import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { ASSERTION_LIFETIME_S, buildAssertion, M2mAuth, type M2mOptions, parsePrivateKey } from '../../connectors/erp/netsuite/auth/m2m';
import { NetSuiteClient } from '../../connectors/erp/netsuite/client';
import { ErpError } from '../../connectors/erp/netsuite/errors';

const TOKEN_URL = 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const options = (over: Partial<M2mOptions> = {}): M2mOptions => ({ tokenUrl: TOKEN_URL, clientId: 'client-1', certificateId: 'cert-1', privateKey: rsa.privateKey, ...over });

/** A fake NetSuite: the token endpoint issues `token-<n>`; record calls answer by `records(authorization)`. */
function fakeNetSuite(
  opts: { expiresIn?: number; tokenDelayMs?: number; token?: (n: number, body: URLSearchParams) => Response; records?: (authorization: string) => Response } = {},
) {
  const exchanges: URLSearchParams[] = [];
  const recordCalls: string[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = String(input);
    if (url === TOKEN_URL) {
      const body = new URLSearchParams(String(init?.body));
      exchanges.push(body);
      if (opts.tokenDelayMs) await new Promise((r) => setTimeout(r, opts.tokenDelayMs));
      if (opts.token) return opts.token(exchanges.length, body);
      return Response.json({ access_token: `token-${exchanges.length}`, token_type: 'Bearer', expires_in: opts.expiresIn ?? 3600 });
    }
    const authorization = new Headers(init?.headers).get('authorization') ?? '';
    recordCalls.push(authorization);
    return opts.records ? opts.records(authorization) : Response.json({ id: '1' });
  };
  return { fetch: fetchImpl, exchanges, recordCalls };
}

describe('the M2M client assertion (JWT)', () => {
  it.each([
    ['RSA', 'PS256', rsa],
    ['EC P-256', 'ES256', ec],
  ] as const)('%s key: kid = certificate id, alg %s; iss, scope, aud, iat, exp within the hour; the signature verifies with the public key', async (_name, alg, pair) => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    const jwt = await buildAssertion(options({ privateKey: pair.privateKey, scopes: ['rest_webservices', 'restlets'] }), now);
    expect(decodeProtectedHeader(jwt)).toEqual({ alg, kid: 'cert-1', typ: 'JWT' });
    const claims = decodeJwt(jwt);
    expect(claims).toMatchObject({ iss: 'client-1', scope: 'rest_webservices,restlets', aud: TOKEN_URL, iat: now / 1000 });
    expect(claims.exp! - claims.iat!).toBe(ASSERTION_LIFETIME_S);
    expect(claims.exp! - claims.iat!).toBeLessThan(3600);
    const verified = await jwtVerify(jwt, pair.publicKey, { audience: TOKEN_URL, issuer: 'client-1', currentDate: new Date(now), algorithms: [alg] });
    expect(verified.payload.iss).toBe('client-1');
    // Another key does not verify it.
    await expect(jwtVerify(jwt, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, { currentDate: new Date(now) })).rejects.toThrow();
  });

  it('defaults the scope to rest_webservices', async () => {
    expect(decodeJwt(await buildAssertion(options(), Date.now())).scope).toBe('rest_webservices');
  });

  it('reads RSA and EC PEM keys and refuses anything else without quoting it', () => {
    expect(parsePrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()).alg).toBe('PS256');
    expect(parsePrivateKey(rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()).alg).toBe('PS256');
    expect(parsePrivateKey(ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString()).alg).toBe('ES256');
    const garbage = '-----BEGIN PRIVATE KEY-----\nSECRETSECRETSECRET\n-----END PRIVATE KEY-----';
    expect(() => parsePrivateKey(garbage)).toThrow(/not a readable PEM private key/);
    try {
      parsePrivateKey(garbage);
    } catch (err) {
      expect((err as Error).message).not.toContain('SECRET');
    }
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => parsePrivateKey(ed)).toThrow(/unsupported key type ed25519/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => parsePrivateKey(p384)).toThrow(/secp384r1/);
  });
});

describe('the M2M token', () => {
  it('is exchanged with a form-encoded client-credentials grant', async () => {
    const ns = fakeNetSuite();
    await new M2mAuth(options({ fetch: ns.fetch })).authorization();
    expect(ns.exchanges).toHaveLength(1);
    const form = ns.exchanges[0]!;
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(decodeJwt(form.get('client_assertion')!).iss).toBe('client-1');
  });

  it('is obtained once for 20 concurrent requests', async () => {
    const ns = fakeNetSuite({ tokenDelayMs: 20 });
    const client = new NetSuiteClient({ apiUrl: 'https://x', auth: new M2mAuth(options({ fetch: ns.fetch })), fetch: ns.fetch });
    await Promise.all(Array.from({ length: 20 }, (_, i) => client.request('GET', `/salesOrder/${i}`)));
    expect(ns.exchanges).toHaveLength(1);
    expect(ns.recordCalls).toEqual(Array.from({ length: 20 }, () => 'Bearer token-1'));
  });

  it('is refreshed before it expires (5 minutes early), by one exchange for concurrent callers', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const ns = fakeNetSuite({ tokenDelayMs: 5 });
    const auth = new M2mAuth(options({ fetch: ns.fetch, now: () => now }));
    expect(await auth.authorization()).toBe('Bearer token-1');
    now += 54 * 60_000;
    expect(await auth.authorization()).toBe('Bearer token-1');
    now += 2 * 60_000; // 56 minutes in: inside the last 5
    expect(await Promise.all([auth.authorization(), auth.authorization(), auth.authorization()])).toEqual(['Bearer token-2', 'Bearer token-2', 'Bearer token-2']);
    expect(ns.exchanges).toHaveLength(2);
  });

  it('with a short lifetime, is refreshed at 90 % of it', async () => {
    let now = 1_000_000;
    const ns = fakeNetSuite({ expiresIn: 60 });
    const auth = new M2mAuth(options({ fetch: ns.fetch, now: () => now }));
    await auth.authorization();
    now += 53_000;
    expect(await auth.authorization()).toBe('Bearer token-1');
    now += 2_000;
    expect(await auth.authorization()).toBe('Bearer token-2');
  });

  it('is refreshed once on a 401 and the request retried once', async () => {
    const ns = fakeNetSuite({ records: (a) => (a === 'Bearer token-1' ? Response.json({ status: 401, title: 'Unauthorized' }, { status: 401 }) : Response.json({ id: '7' })) });
    const client = new NetSuiteClient({ apiUrl: 'https://x', auth: new M2mAuth(options({ fetch: ns.fetch })), fetch: ns.fetch });
    expect((await client.request('GET', '/salesOrder/7')).body).toEqual({ id: '7' });
    expect(ns.exchanges).toHaveLength(2);
    expect(ns.recordCalls).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('a second 401 surfaces as the ErpError (no loop): under load NetSuite answers 401 to a good token too', async () => {
    const body = { status: 401, title: 'Unauthorized', 'o:errorDetails': [{ detail: 'Invalid login attempt.', 'o:errorCode': 'INVALID_LOGIN' }] };
    const ns = fakeNetSuite({ records: () => Response.json(body, { status: 401 }) });
    const client = new NetSuiteClient({ apiUrl: 'https://x', auth: new M2mAuth(options({ fetch: ns.fetch })), fetch: ns.fetch });
    const err = await client.request('GET', '/salesOrder/7').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpError);
    expect((err as ErpError).details.status).toBe(401);
    expect(ns.recordCalls).toHaveLength(2);
    expect(ns.exchanges).toHaveLength(2);
    expect((err as Error).message).not.toMatch(/token-\d/);
  });

  it('20 requests refused with one token cost one new exchange', async () => {
    const ns = fakeNetSuite({ tokenDelayMs: 5, records: (a) => (a === 'Bearer token-1' ? new Response(null, { status: 401 }) : Response.json({})) });
    const auth = new M2mAuth(options({ fetch: ns.fetch }));
    const client = new NetSuiteClient({ apiUrl: 'https://x', auth, fetch: ns.fetch });
    await Promise.all(Array.from({ length: 20 }, () => client.request('GET', '/x')));
    expect(ns.exchanges).toHaveLength(2);
  });

  it('never appears in an error: a refused exchange names only its status and error code', async () => {
    const ns = fakeNetSuite({
      token: (_n, form) => Response.json({ error: 'invalid_grant', error_description: `bad assertion ${form.get('client_assertion')}` }, { status: 400 }),
    });
    const err = await new M2mAuth(options({ fetch: ns.fetch })).authorization().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpError);
    expect((err as ErpError).kind).toBe('auth');
    expect((err as Error).message).toMatch(/answered 400 invalid_grant/);
    const assertion = ns.exchanges[0]!.get('client_assertion')!;
    expect((err as Error).message).not.toContain(assertion.slice(0, 20));
    expect(JSON.stringify(err)).not.toContain(assertion.slice(0, 20));
  });

  it('never appears in an error: a token response without a token, or a failing network', async () => {
    const odd = fakeNetSuite({ token: () => new Response('access_token=token-secret-1', { status: 200 }) });
    const e1 = await new M2mAuth(options({ fetch: odd.fetch })).authorization().catch((e: unknown) => e);
    expect((e1 as ErpError).kind).toBe('bad_response');
    expect((e1 as Error).message).not.toContain('token-secret-1');
    const failing: typeof fetch = async (_i, init) => {
      throw new TypeError(`fetch failed: ${String(init?.body)}`, { cause: { code: 'ECONNRESET' } });
    };
    const e2 = await new M2mAuth(options({ fetch: failing })).authorization().catch((e: unknown) => e);
    expect((e2 as ErpError).kind).toBe('network');
    expect((e2 as Error).message).toBe('NetSuite token exchange: ECONNRESET');
    expect(String((e2 as Error).cause)).not.toContain('client_assertion');
  });

  it('a failed exchange is not cached: the next call tries again', async () => {
    const ns = fakeNetSuite({ token: (n) => (n === 1 ? new Response('busy', { status: 503 }) : Response.json({ access_token: 'token-2', expires_in: 3600 })) });
    const auth = new M2mAuth(options({ fetch: ns.fetch }));
    await expect(auth.authorization()).rejects.toMatchObject({ kind: 'server' });
    expect(await auth.authorization()).toBe('Bearer token-2');
  });
});
