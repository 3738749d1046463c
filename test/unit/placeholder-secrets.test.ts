import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ERP_TOKEN, DEFAULT_OMS_API_KEY, DEFAULT_OMS_API_SECRET, DEFAULT_TBA, DEFAULT_TOKEN } from '@bigcommerce-sync/sandbox';
import { describe, expect, it } from 'vitest';
import { allSettings, ConfigError, DEV_DEFAULTS, loadConfig } from '../../config/env';
import { holdsPlaceholder, isSandboxUrl, knownPlaceholders, PUBLISHED_SANDBOX_VALUES } from '../../config/placeholder-secrets';

const REAL_STORE = 'https://api.bigcommerce.com';
const secrets = allSettings.filter((s) => s.secret);
const known = knownPlaceholders(allSettings);

/** The sandbox profile with every secret it sets replaced by a fresh random value of the same shape. */
function ownSecrets(): Record<string, string> {
  const env: Record<string, string> = { ...DEV_DEFAULTS };
  for (const s of secrets) {
    if (env[s.env] === undefined) continue;
    env[s.env] = s.env === 'TEMPORAL_PAYLOAD_KEYS' ? `k1:${randomBytes(32).toString('base64')}` : randomBytes(18).toString('base64url');
  }
  return env;
}

/** The ConfigError loadConfig throws for `env`, or undefined when it loads. */
function refusal(env: Record<string, string | undefined>, readFile?: (path: string) => string): ConfigError | undefined {
  try {
    loadConfig(env, readFile);
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

describe('placeholder secrets', () => {
  it('the sandbox profile loads against the sandboxes (loopback)', () => {
    expect(refusal({ ...DEV_DEFAULTS })).toBeUndefined();
    expect(refusal({ ...DEV_DEFAULTS, BC_API_URL: 'http://localhost:4010' })).toBeUndefined();
  });

  it('the sandbox profile is refused against a real store, naming every secret it sets and no value', () => {
    const err = refusal({ ...DEV_DEFAULTS, BC_API_URL: REAL_STORE });
    expect(err).toBeInstanceOf(ConfigError);
    const named = secrets.filter((s) => DEV_DEFAULTS[s.env] !== undefined).map((s) => s.env);
    expect(named).toEqual(expect.arrayContaining(['BC_ACCESS_TOKEN', 'WEBHOOK_SECRET', 'OPS_TOKEN', 'OMS_WEBHOOK_TOKEN', 'ERP_WEBHOOK_SIGNING_SECRET']));
    for (const env of named)
      expect(
        err!.issues.some((i) => i.startsWith(`${env}: holds a known placeholder`)),
        env,
      ).toBe(true);
    expect(err!.issues).toHaveLength(named.length);
    for (const env of named) expect(err!.message, env).not.toContain(DEV_DEFAULTS[env]!);
    expect(err!.message).toContain(REAL_STORE);
  });

  it('own secrets load against a real store; one placeholder among them is named alone', () => {
    const own = ownSecrets();
    expect(refusal({ ...own, BC_API_URL: REAL_STORE })).toBeUndefined();
    const one = refusal({ ...own, BC_API_URL: REAL_STORE, OPS_TOKEN: DEV_DEFAULTS.OPS_TOKEN });
    expect(one?.issues.map((i) => i.split(':')[0])).toEqual(['OPS_TOKEN']);
  });

  it('an obvious placeholder is refused whatever its spelling, and a value containing none is not', () => {
    const own = { ...ownSecrets(), BC_API_URL: REAL_STORE };
    for (const value of ['please-change-me-now-000', 'CHANGEME-0123456789abc', 'replace_me_0123456789', '<your-webhook-secret>'])
      expect(
        refusal({ ...own, WEBHOOK_SECRET: value })?.issues.map((i) => i.split(':')[0]),
        value,
      ).toEqual(['WEBHOOK_SECRET']);
    expect(holdsPlaceholder('x7Yq-exchange-meter-9f2k', known)).toBe(false);
  });

  it('finds a placeholder inside a list or JSON secret: a payload key entry, an OPS_TOKENS token, a BC_STORES entry', () => {
    const own = { ...ownSecrets(), BC_API_URL: REAL_STORE };
    const sandboxKey = DEV_DEFAULTS.TEMPORAL_PAYLOAD_KEYS;
    if (sandboxKey !== undefined) {
      // Keeping the public sandbox key for decryption is refused too: what it sealed is readable by anyone.
      const err = refusal({ ...own, TEMPORAL_PAYLOAD_KEYS: `${sandboxKey},k2:${randomBytes(32).toString('base64')}` });
      expect(err?.issues.map((i) => i.split(':')[0])).toEqual(['TEMPORAL_PAYLOAD_KEYS']);
    }
    const opsTokens = JSON.stringify([
      { name: 'sandbox', token: randomBytes(18).toString('hex'), stores: ['sandbox'] },
      { name: 'oncall', token: 'oncall-token-change-me', stores: '*' },
    ]);
    expect(refusal({ ...own, OPS_TOKENS: opsTokens })?.issues.map((i) => i.split(':')[0])).toEqual(['OPS_TOKENS']);
    // A name or store hash that happens to read "sandbox" is not a credential.
    const fine = JSON.stringify([{ name: 'sandbox', token: randomBytes(18).toString('hex'), stores: ['sandbox'] }]);
    expect(refusal({ ...own, OPS_TOKENS: fine })).toBeUndefined();
    const stores = JSON.stringify([{ storeHash: 'abc123', accessToken: 'sandbox-token' }]);
    expect(refusal({ ...own, BC_STORES: stores })?.issues.map((i) => i.split(':')[0])).toEqual(['BC_STORES']);
  });

  it('checks the stores of BC_STORES_FILE, and each store by its own URL', () => {
    const { BC_ACCESS_TOKEN: _t, BC_STORE_HASH: _h, ...own } = ownSecrets();
    const file = (entries: object[]) => () => JSON.stringify(entries);
    const bad = refusal({ ...own, BC_API_URL: REAL_STORE, BC_STORES_FILE: '/run/secrets/stores.json' }, file([{ storeHash: 'abc123', accessToken: DEFAULT_TOKEN }]));
    expect(bad?.issues.map((i) => i.split(':')[0])).toEqual(['BC_STORES_FILE (store abc123)']);
    // A sandbox store beside a real one: the real one makes the deployment real.
    const mixed = refusal(
      { ...own, BC_STORES_FILE: '/run/secrets/stores.json', WEBHOOK_SECRET: DEV_DEFAULTS.WEBHOOK_SECRET },
      file([
        { storeHash: 'sandbox', accessToken: randomBytes(9).toString('hex') },
        { storeHash: 'abc123', accessToken: randomBytes(9).toString('hex'), apiUrl: REAL_STORE },
      ]),
    );
    expect(mixed?.message).toMatch(/WEBHOOK_SECRET: holds a known placeholder .*store abc123/);
  });

  it('a sandbox URL is loopback or the compose sandbox service, nothing else', () => {
    for (const url of ['http://127.0.0.1:4010', 'http://127.8.0.1', 'http://localhost:4010', 'http://api.localhost', 'http://[::1]:4010', 'http://sandbox:4010'])
      expect(isSandboxUrl(url), url).toBe(true);
    for (const url of [REAL_STORE, 'https://sandbox.example.com', 'http://10.0.0.5:4010', 'http://128.0.0.1', 'http://localhost.example.com', 'not a url'])
      expect(isSandboxUrl(url), url).toBe(false);
  });

  it("knows every setting's sandbox value and the sandbox package's default credentials", () => {
    for (const s of allSettings) if (s.sandbox !== undefined) expect(known.has(s.sandbox), s.env).toBe(true);
    const packageDefaults = [DEFAULT_TOKEN, DEFAULT_ERP_TOKEN, DEFAULT_OMS_API_KEY, DEFAULT_OMS_API_SECRET, ...Object.values(DEFAULT_TBA)];
    for (const value of packageDefaults) expect(holdsPlaceholder(value, known), value).toBe(true);
  });

  it('knows every secret docker-compose.sandbox.env publishes', () => {
    const text = readFileSync(path.resolve(__dirname, '../../docker-compose.sandbox.env'), 'utf8');
    const entries = text
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const);
    const secretNames = entries.filter(([name]) => secrets.some((s) => s.env === name) || /TOKEN|SECRET|PASSWORD|KEYS?$/.test(name));
    expect(secretNames.map(([name]) => name)).toEqual(
      expect.arrayContaining(['WEBHOOK_SECRET', 'METRICS_TOKEN', 'CODEC_UI_TOKEN', 'TEMPORAL_DB_PASSWORD', 'TEMPORAL_PAYLOAD_KEYS']),
    );
    for (const [name, value] of secretNames) expect(holdsPlaceholder(value, known), name).toBe(true);
    // Listed by value, not only caught by the "change-me" pattern: the list is what documents them.
    for (const [name, value] of secretNames) expect(known.has(value) || PUBLISHED_SANDBOX_VALUES.includes(value), name).toBe(true);
  });
});
