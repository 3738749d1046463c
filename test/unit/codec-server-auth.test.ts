import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLocalJWKSet, exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecApp } from '../../api/codec/codec-app';
import { codecSettings } from '../../config/codec';
import { createLogger } from '../../lib/logger';
import { staticKeyring } from '../../lib/temporal/keyring';
import { EncryptionCodec } from '../../lib/temporal/payload-codec';

const ISSUER = 'https://login.example.com/';
const AUDIENCE = 'temporal-ui';
const TOKEN = 'oncall-token-0123456789abcdef';

let server: Server;
let url: string;
let signingKey: KeyLike;
let otherKey: KeyLike;

const codec = new EncryptionCodec(staticKeyring([{ id: 'k1', key: Buffer.alloc(32, 7) }]));

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'ui-1', alg: 'ES256' };
  const app = createCodecApp({
    codec,
    namespace: 'default',
    tokens: [{ name: 'oncall', token: TOKEN }],
    corsOrigins: ['https://temporal.example.com'],
    oidc: { issuer: ISSUER, audience: AUDIENCE, keys: createLocalJWKSet({ keys: [jwk] }) },
    logger: createLogger('silent', 'test'),
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sealed = async () => {
  const [p] = await codec.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"email":"a@b.example"}') }]);
  return { metadata: Object.fromEntries(Object.entries(p!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(p!.data!).toString('base64') };
};

const decode = async (authorization: string | undefined, path = '/decode') =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ payloads: [await sealed()] }),
  });

const jwt = (key: KeyLike, claims: { iss?: string; aud?: string; exp?: string } = {}) =>
  new SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg: 'ES256', kid: 'ui-1' })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? '5m')
    .sign(key);

describe('the codec server lets in only who may read customer data', () => {
  it('decodes for a named token and for the Web UI user forwarded by the OIDC issuer', async () => {
    for (const auth of [`Bearer ${TOKEN}`, `Bearer ${await jwt(signingKey)}`]) {
      const res = await decode(auth);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { payloads: Array<{ data: string }> };
      expect(Buffer.from(body.payloads[0]!.data, 'base64').toString()).toBe('{"email":"a@b.example"}');
    }
  });

  it('refuses a token signed by another key, for another audience or issuer, expired, or absent', async () => {
    const refused = [
      await jwt(otherKey),
      await jwt(signingKey, { aud: 'someone-else' }),
      await jwt(signingKey, { iss: 'https://evil.example.com/' }),
      await jwt(signingKey, { exp: '-1m' }),
      'not-a-token-at-all-0123456789',
    ];
    for (const token of refused) expect((await decode(`Bearer ${token}`)).status).toBe(401);
    expect((await decode(undefined)).status).toBe(401);
  });

  it('takes a named token in the path (a Web UI that cannot send a header) but never a JWT there', async () => {
    expect((await decode(undefined, `/t/${TOKEN}/decode`)).status).toBe(200);
    expect((await decode(undefined, `/t/${await jwt(signingKey)}/decode`)).status).toBe(401);
  });

  it("refuses another namespace's payloads and a body that is not JSON", async () => {
    const other = await fetch(`${url}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-namespace': 'other' },
      body: '{"payloads":[]}',
    });
    expect(other.status).toBe(403);
    const text = await fetch(`${url}/decode`, { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${TOKEN}` }, body: 'x' });
    expect(text.status).toBe(415);
  });
});

describe('CODEC_* settings', () => {
  it('reads name=token pairs and refuses short, duplicate or nameless tokens', () => {
    const ok = codecSettings.parse({ CODEC_TOKENS: `ui=${TOKEN},cli=${TOKEN}x` });
    expect(ok.ok && ok.value.tokens?.map((t) => t.name)).toEqual(['ui', 'cli']);
    for (const bad of ['ui=short', `${TOKEN}`, `ui=${TOKEN},ui=${TOKEN}y`, `a=${TOKEN},b=${TOKEN}`]) {
      const parsed = codecSettings.parse({ CODEC_TOKENS: bad });
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.issues.join(' ')).not.toContain(TOKEN);
    }
  });

  it('wants the three OIDC settings together and origins without paths', () => {
    expect(codecSettings.parse({ CODEC_OIDC_ISSUER: ISSUER }).ok).toBe(false);
    expect(codecSettings.parse({ CODEC_OIDC_ISSUER: ISSUER, CODEC_OIDC_AUDIENCE: AUDIENCE, CODEC_OIDC_JWKS_URL: `${ISSUER}jwks` }).ok).toBe(true);
    expect(codecSettings.parse({ CODEC_CORS_ORIGINS: 'https://temporal.example.com/ui' }).ok).toBe(false);
  });
});
