import { createHmac, createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_M2M_CERTIFICATE_ID, DEFAULT_M2M_CLIENT_ID, DEFAULT_TBA, type ErpAuthOptions } from '../../erp/auth';
import { baseStringUri, signatureBaseString } from '../../erp/auth-tba';
import { generateM2mCredentials } from '../../erp/m2m-keys';
import { startSandboxes, type RunningSandboxes } from '../../start-sandboxes';

/**
 * The ERP sandbox's authentication modes (erp/auth.ts; FACTS.md section 2): OAuth 2.0 M2M (JWT
 * assertion -> 60-minute token), TBA (OAuth 1.0a HMAC-SHA256 on every request) and the fixed
 * bearer token, each refusing as NetSuite does, and the account concurrency limit in every mode.
 * Signatures and assertions are made here with node:crypto and jose, not with the sandbox's code.
 */

const INVALID_LOGIN = {
  type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2',
  title: 'Unauthorized',
  status: 401,
  'o:errorDetails': [
    {
      detail: 'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.',
      'o:errorCode': 'INVALID_LOGIN',
    },
  ],
};
const CONCURRENCY_429 = {
  type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
  title: 'Bad Request',
  status: 429,
  'o:errorDetails': [{ detail: 'Concurrent request limit exceeded. Request blocked.', 'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED' }],
};
const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
const NETSUITE_AUD = 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token';
const TOTALS_QUERY = "SELECT t.externalid, t.id, t.foreigntotal FROM transaction t WHERE t.type = 'SalesOrd' AND t.externalid IN ('none') ORDER BY t.id";

const sandboxes: RunningSandboxes[] = [];
async function start(auth: ErpAuthOptions): Promise<RunningSandboxes> {
  const s = await startSandboxes({ bcPort: 0, erpPort: 0, erp: { auth } });
  sandboxes.push(s);
  return s;
}
afterAll(async () => {
  for (const s of sandboxes) await s.close();
});

async function json(res: Response): Promise<unknown> {
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

/** Two requests at once against a limit of 1, each taking 300 ms: one gets NetSuite's 429. */
async function expectConcurrencyLimit(s: RunningSandboxes, send: () => Promise<Response>): Promise<void> {
  Object.assign(s.erp.governance.settings, { concurrencyLimit: 1, processingMs: 300 });
  s.erp.governance.stats.peakInFlight = 0;
  try {
    const answers = await Promise.all([send(), send()]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([404, 429]);
    expect(await json(answers.find((r) => r.status === 429)!)).toEqual(CONCURRENCY_429);
    expect(s.erp.governance.stats.peakInFlight).toBe(1);
  } finally {
    Object.assign(s.erp.governance.settings, { concurrencyLimit: 0, processingMs: 0 });
  }
}

describe('bearer mode (the default)', () => {
  let s: RunningSandboxes;
  beforeAll(async () => {
    s = await start({});
  });
  const get = (token?: string) => fetch(`${s.erpUrl}/services/rest/record/v1/customer/eid:nobody`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('accepts the configured token and refuses others with INVALID_LOGIN', async () => {
    expect((await get('sandbox-erp-token')).status).toBe(404);
    const wrong = await get('another-token');
    expect(wrong.status).toBe(401);
    expect(await json(wrong)).toEqual(INVALID_LOGIN);
    expect((await get()).status).toBe(401);
    expect(s.erp.auth.stats.refused).toEqual({ unknown_token: 1, missing_credentials: 1 });
  });

  it('has no token endpoint for client credentials', async () => {
    const res = await fetch(`${s.erpUrl}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({ error: 'unauthorized_client' });
  });

  it('answers 429 CONCURRENCY_LIMIT_EXCEEDED beyond the account limit', async () => {
    await expectConcurrencyLimit(s, () => get('sandbox-erp-token'));
  });
});

describe('m2m mode', () => {
  let s: RunningSandboxes;
  let ecKey: KeyObject;
  let rsaKey: KeyObject;
  const otherEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const dir = mkdtempSync(path.join(tmpdir(), 'erp-m2m-'));

  beforeAll(async () => {
    const generated = generateM2mCredentials(dir);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    s = await start({
      mode: 'm2m',
      certificates: [generated.certificate, { clientId: 'rsa-client', certificateId: 'rsa-cert', publicKey: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    });
    ecKey = createPrivateKey(readFileSync(generated.privateKeyFile, 'utf8'));
    rsaKey = rsa.privateKey;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ownAud = () => `${s.erpUrl}${TOKEN_PATH}`;
  interface Assertion {
    key?: KeyObject;
    alg?: string;
    kid?: string;
    iss?: string;
    aud?: string;
    scope?: string | string[];
    iat?: number;
    exp?: number;
  }
  async function assertion(a: Assertion = {}): Promise<string> {
    const iat = a.iat ?? Math.floor(Date.now() / 1000);
    return new SignJWT({ scope: a.scope ?? ['rest_webservices'] })
      .setProtectedHeader({ alg: a.alg ?? 'ES256', typ: 'JWT', kid: a.kid ?? DEFAULT_M2M_CERTIFICATE_ID })
      .setIssuer(a.iss ?? DEFAULT_M2M_CLIENT_ID)
      .setAudience(a.aud ?? ownAud())
      .setIssuedAt(iat)
      .setExpirationTime(a.exp ?? iat + 3600)
      .sign(a.key ?? ecKey);
  }
  function tokenRequest(jwt: string, extra: Record<string, string> = {}): Promise<Response> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: jwt,
      ...extra,
    });
    return fetch(`${s.erpUrl}${TOKEN_PATH}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  }
  async function token(a: Assertion = {}): Promise<string> {
    const res = await tokenRequest(await assertion(a));
    expect(res.status).toBe(200);
    const body = (await json(res)) as { access_token: string; token_type: string; expires_in: string };
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: '3600' });
    return body.access_token;
  }
  const get = (accessToken: string) => fetch(`${s.erpUrl}/services/rest/record/v1/customer/eid:nobody`, { headers: { authorization: `Bearer ${accessToken}` } });
  async function refused(a: Assertion, status: number, error: string, reason: string): Promise<void> {
    const before = s.erp.auth.stats.tokenRefused[reason] ?? 0;
    const res = await tokenRequest(await assertion(a));
    expect(res.status).toBe(status);
    expect(await json(res)).toEqual({ error });
    expect(s.erp.auth.stats.tokenRefused[reason]).toBe(before + 1);
  }

  it('writes the generated private key readable by its owner only', () => {
    expect(statSync(path.join(dir, 'erp-m2m-private-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('exchanges a valid ES256 assertion for a token that opens records and SuiteQL', async () => {
    const issued = s.erp.auth.stats.tokensIssued;
    const accessToken = await token();
    expect(s.erp.auth.stats.tokensIssued).toBe(issued + 1);
    expect((await get(accessToken)).status).toBe(404);
    const q = await fetch(`${s.erpUrl}/services/rest/query/v1/suiteql?limit=10`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', prefer: 'transient' },
      body: JSON.stringify({ q: TOTALS_QUERY }),
    });
    expect(q.status).toBe(200);
  });

  it("accepts the account's NetSuite token URL as aud, PS256 with an RSA key, and scope as a comma-separated string", async () => {
    await token({ aud: NETSUITE_AUD });
    await token({ key: rsaKey, alg: 'PS256', kid: 'rsa-cert', iss: 'rsa-client', scope: 'restlets,rest_webservices' });
  });

  it('refuses assertions as NetSuite does, each reason counted', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused({ kid: 'no-such-certificate' }, 400, 'invalid_grant', 'unknown_kid');
    await refused({ aud: 'https://example.com/services/rest/auth/oauth2/v1/token' }, 400, 'invalid_grant', 'wrong_aud');
    await refused({ aud: 'https://1234567_SB1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token' }, 400, 'invalid_grant', 'wrong_aud');
    await refused({ iat: now - 7200, exp: now - 3600 }, 400, 'invalid_grant', 'expired_assertion');
    await refused({ exp: now + 7200 }, 400, 'invalid_grant', 'exp_too_far');
    await refused({ key: otherEc.privateKey }, 400, 'invalid_grant', 'bad_signature');
    await refused({ key: rsaKey, alg: 'RS256', kid: 'rsa-cert', iss: 'rsa-client' }, 400, 'invalid_grant', 'unsupported_alg');
    await refused({ iss: 'someone-else' }, 401, 'invalid_client', 'unknown_iss');
    // The RSA client's certificate does not open the EC client's integration.
    await refused({ key: rsaKey, alg: 'PS256', kid: 'rsa-cert', iss: DEFAULT_M2M_CLIENT_ID }, 401, 'invalid_client', 'unknown_iss');
    await refused({ scope: ['restlets'] }, 400, 'invalid_scope', 'missing_scope');
    const wrongGrant = await tokenRequest(await assertion(), { grant_type: 'password' });
    expect(wrongGrant.status).toBe(400);
    expect(await json(wrongGrant)).toEqual({ error: 'unsupported_grant_type' });
    const notAJwt = await tokenRequest('not-a-jwt');
    expect(await json(notAJwt)).toEqual({ error: 'invalid_request' });
    const audit = (await json(await fetch(`${s.erpUrl}/__sandbox/auth`))) as { loginAuditTrail: Array<{ reason: string }> };
    expect(audit.loginAuditTrail.map((e) => e.reason)).toContain('bad_signature');
  });

  it('refuses the fixed bearer token and unknown tokens with INVALID_LOGIN', async () => {
    for (const t of ['sandbox-erp-token', 'made-up']) {
      const res = await get(t);
      expect(res.status).toBe(401);
      expect(await json(res)).toEqual(INVALID_LOGIN);
    }
  });

  it('refuses an expired access token with INVALID_LOGIN (expired by the control, and by a compressed lifetime)', async () => {
    const first = await token();
    expect((await get(first)).status).toBe(404);
    const expired = (await json(await fetch(`${s.erpUrl}/__sandbox/auth/expire-tokens`, { method: 'POST' }))) as { expired: number };
    expect(expired.expired).toBeGreaterThanOrEqual(1);
    const res = await get(first);
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual(INVALID_LOGIN);
    expect(s.erp.auth.stats.refused.expired_token).toBe(1);

    expect((await fetch(`${s.erpUrl}/__sandbox/auth`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"tokenTtlS":1}' })).status).toBe(200);
    try {
      const res2 = await tokenRequest(await assertion());
      expect(((await json(res2)) as { expires_in: string }).expires_in).toBe('1');
      const short = ((await json(await tokenRequest(await assertion()))) as { access_token: string }).access_token;
      expect((await get(short)).status).toBe(404);
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await get(short)).status).toBe(401);
      expect(s.erp.auth.stats.refused.expired_token).toBe(2);
    } finally {
      s.erp.auth.m2m.tokenTtlS = 3600;
    }
  });

  it('answers 429 CONCURRENCY_LIMIT_EXCEEDED beyond the account limit', async () => {
    const accessToken = await token();
    await expectConcurrencyLimit(s, () => get(accessToken));
  });
});

describe('tba mode', () => {
  let s: RunningSandboxes;
  beforeAll(async () => {
    s = await start({ mode: 'tba' });
  });

  // The test's own OAuth 1.0a signer (RFC 5849 sections 3.4 to 3.6), independent of erp/auth-tba.ts.
  const pct = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  interface Signing {
    realm?: string;
    consumerKey?: string;
    consumerSecret?: string;
    tokenId?: string;
    tokenSecret?: string;
    timestamp?: number;
    nonce?: string;
    method?: string;
    signedUrl?: string;
  }
  function authorization(method: string, url: string, o: Signing = {}): string {
    const u = new URL(o.signedUrl ?? url);
    const oauth: Record<string, string> = {
      oauth_consumer_key: o.consumerKey ?? DEFAULT_TBA.consumerKey,
      oauth_token: o.tokenId ?? DEFAULT_TBA.tokenId,
      oauth_signature_method: o.method ?? 'HMAC-SHA256',
      oauth_timestamp: String(o.timestamp ?? Math.floor(Date.now() / 1000)),
      oauth_nonce: o.nonce ?? randomUUID().replace(/-/g, ''),
      oauth_version: '1.0',
    };
    const params = [...[...u.searchParams].map(([k, v]) => [pct(k), pct(v)]), ...Object.entries(oauth).map(([k, v]) => [pct(k), pct(v)])]
      .sort((a, b) => (a[0]! === b[0]! ? (a[1]! < b[1]! ? -1 : 1) : a[0]! < b[0]! ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const base = `${method}&${pct(`${u.protocol}//${u.host}${u.pathname}`)}&${pct(params)}`;
    const key = `${pct(o.consumerSecret ?? DEFAULT_TBA.consumerSecret)}&${pct(o.tokenSecret ?? DEFAULT_TBA.tokenSecret)}`;
    const signature = createHmac('sha256', key).update(base).digest('base64');
    const fields = { realm: o.realm ?? '1234567_SB1', ...oauth, oauth_signature: signature };
    return `OAuth ${Object.entries(fields)
      .map(([k, v]) => `${k}="${pct(v)}"`)
      .join(', ')}`;
  }
  const recordUrl = () => `${s.erpUrl}/services/rest/record/v1/customer/eid:nobody?expandSubResources=true&fields=a%20b,c`;
  const get = (o: Signing = {}, url = recordUrl()) => fetch(url, { headers: { authorization: authorization('GET', url, o) } });
  async function refused(o: Signing, reason: string, url?: string): Promise<void> {
    const before = s.erp.auth.stats.refused[reason] ?? 0;
    const res = await get(o, url);
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual(INVALID_LOGIN);
    expect(s.erp.auth.stats.refused[reason]).toBe(before + 1);
  }

  it('accepts a correctly signed request, query parameters included', async () => {
    expect((await get()).status).toBe(404);
    const url = `${s.erpUrl}/services/rest/query/v1/suiteql?limit=10&offset=0`;
    const q = await fetch(url, {
      method: 'POST',
      headers: { authorization: authorization('POST', url), 'content-type': 'application/json', prefer: 'transient' },
      body: JSON.stringify({ q: TOTALS_QUERY }),
    });
    expect(q.status).toBe(200);
  });

  it('refuses a realm not in NetSuite form (hyphenated, lower case), with INVALID_LOGIN', async () => {
    await refused({ realm: '1234567-SB1' }, 'wrong_realm');
    await refused({ realm: '1234567_sb1' }, 'wrong_realm');
    await refused({ realm: '1234567-sb1' }, 'wrong_realm');
  });

  it('refuses a reused nonce', async () => {
    const nonce = randomUUID();
    expect((await get({ nonce })).status).toBe(404);
    await refused({ nonce }, 'nonce_reused');
  });

  it('refuses a timestamp more than 5 minutes off', async () => {
    await refused({ timestamp: Math.floor(Date.now() / 1000) - 301 }, 'timestamp_skew');
    await refused({ timestamp: Math.floor(Date.now() / 1000) + 301 }, 'timestamp_skew');
    expect((await get({ timestamp: Math.floor(Date.now() / 1000) - 240 })).status).toBe(404);
  });

  it('refuses bad signatures: wrong secrets, query left out of the base string, HMAC-SHA1, unknown credentials', async () => {
    await refused({ tokenSecret: 'wrong' }, 'bad_signature');
    await refused({ consumerSecret: 'wrong' }, 'bad_signature');
    await refused({ signedUrl: `${s.erpUrl}/services/rest/record/v1/customer/eid:nobody` }, 'bad_signature');
    await refused({ method: 'HMAC-SHA1' }, 'unsupported_signature_method');
    await refused({ consumerKey: 'unknown' }, 'unknown_consumer');
    await refused({ tokenId: 'unknown' }, 'unknown_token');
    const bearer = await fetch(recordUrl(), { headers: { authorization: 'Bearer sandbox-erp-token' } });
    expect(bearer.status).toBe(401);
  });

  it('answers 429 CONCURRENCY_LIMIT_EXCEEDED beyond the account limit', async () => {
    await expectConcurrencyLimit(s, () => get());
  });
});

describe("the TBA verifier's base string", () => {
  it("matches RFC 5849 section 3.4.1.1's example", () => {
    // POST /request?b5=%3D%253D&a3=a&c%40=&a2=r%20b with the body c2&a3=2+q (form parameters join the query's).
    const params = new URLSearchParams('b5=%3D%253D&a3=a&c%40=&a2=r%20b&c2&a3=2+q');
    const oauth = new Map([
      ['realm', 'Example'],
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
      ['oauth_signature', 'bYT5CMsGcbgUdFHObYMEfcx6bsw='],
    ]);
    expect(signatureBaseString('POST', baseStringUri('http', 'example.com', '/request'), params, oauth)).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
    expect(baseStringUri('HTTP', 'EXAMPLE.com:80', '/r')).toBe('http://example.com/r');
    expect(baseStringUri('https', 'www.example.net:8080', '/r')).toBe('https://www.example.net:8080/r');
  });
});
