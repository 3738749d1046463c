import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allSettings, ConfigError, loadConfig } from '../../config/env';
import { holdsPlaceholder, knownPlaceholders, PUBLISHED_SANDBOX_VALUES } from '../../config/placeholder-secrets';

/**
 * docker-compose.yml asks the environment for every secret (`${VAR:?...}`), ships no well-known
 * value, and publishes nothing but the API on every interface; docker-compose.sandbox.env (with the
 * override file it names) runs the same stack against the sandboxes with no secret in the
 * environment. Checked with `docker-compose config`, which needs no Docker engine; .ci/run installs it.
 */
const ROOT = path.resolve(__dirname, '../..');
const BASE = 'docker-compose.yml';
const OVERRIDE = 'docker-compose.sandbox.yml';
const SANDBOX_ENV = 'docker-compose.sandbox.env';

const hasCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
if (!hasCompose) {
  const message = 'docker-compose is not installed: the compose tests are SKIPPED (.ci/run installs it: apt-get install docker-compose)';
  // In CI the tool is installed by .ci/run: its absence there is a failure, not a skip.
  if (process.env.CI) throw new Error(message);
  console.warn(`\n*** ${message} ***\n`);
}

/** The secrets docker-compose.yml must require (a test below also checks it against the settings). */
const REQUIRED = [
  'TEMPORAL_PAYLOAD_KEYS',
  'TEMPORAL_DB_PASSWORD',
  'CODEC_UI_TOKEN',
  'BC_STORE_HASH',
  'BC_ACCESS_TOKEN',
  'BC_CLIENT_SECRET',
  'OMS_API_KEY',
  'OMS_API_SECRET',
  'OMS_WEBHOOK_TOKEN',
  'ERP_WEBHOOK_TOKEN',
  'ERP_WEBHOOK_SIGNING_SECRET',
  'WEBHOOK_SECRET',
  'OPS_TOKEN',
  'METRICS_TOKEN',
  'PUBLIC_WEBHOOK_URL',
  'PUBLIC_OMS_WEBHOOK_URL',
];

/** A deployment's own values for every required variable: none of them a known placeholder. */
const OWN_VALUES: Record<string, string> = Object.fromEntries(
  REQUIRED.map((name) => [name, `own-${name.toLowerCase().replace(/_/g, '-')}-7f3a9c1e5b`]).concat([
    ['TEMPORAL_PAYLOAD_KEYS', `k1:${Buffer.alloc(32, 7).toString('base64')}`],
    ['BC_STORE_HASH', 'abc123'],
    ['PUBLIC_WEBHOOK_URL', 'https://sync.example.com/webhooks/bigcommerce'],
    ['PUBLIC_OMS_WEBHOOK_URL', 'https://sync.example.com/webhooks/oms'],
  ]),
);

/** `docker-compose <args>` in the repository with exactly `env` (and PATH): nothing inherited from this shell. */
function compose(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync('docker-compose', args, { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

interface ComposeService {
  image?: string;
  build?: { args?: Record<string, string> };
  ports?: (string | { published?: number | string; target?: number | string; host_ip?: string })[];
  environment?: Record<string, string | null>;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  tmpfs?: string[] | string;
}

function resolved(args: string[], env: Record<string, string>): Record<string, ComposeService> {
  const run = compose([...args, 'config'], env);
  expect(run.status, run.err).toBe(0);
  return (parse(run.out) as { services: Record<string, ComposeService> }).services;
}

/** Each published port as `service host_ip:published`, host_ip 0.0.0.0 when none is given (every interface). */
function published(services: Record<string, ComposeService>): string[] {
  return Object.entries(services).flatMap(([name, s]) =>
    (s.ports ?? []).map((p) => {
      if (typeof p === 'object') return `${name} ${p.host_ip ?? '0.0.0.0'}:${p.published}`;
      const parts = p.replace(/\/(tcp|udp)$/, '').split(':');
      return `${name} ${parts.length === 3 ? parts[0] : '0.0.0.0'}:${parts.length === 1 ? parts[0] : parts[parts.length - 2]}`;
    }),
  );
}

describe.skipIf(!hasCompose)('docker-compose', () => {
  it('without the required secrets, config fails and names the missing variable; with them, it passes', () => {
    const none = compose(['-f', BASE, 'config', '-q']);
    expect(none.status).not.toBe(0);
    expect(none.err).toMatch(/set [A-Z_]+ \(/);
    // Each required variable, alone missing, is named.
    for (const name of REQUIRED) {
      const { [name]: _missing, ...rest } = OWN_VALUES;
      const run = compose(['-f', BASE, 'config', '-q'], rest);
      expect(run.status, `${name} missing`).not.toBe(0);
      expect(run.err, `${name} missing`).toContain(`set ${name} (`);
    }
    const all = compose(['-f', BASE, 'config', '-q'], OWN_VALUES);
    expect(all.status, all.err).toBe(0);
  }, 120_000);

  it('the sandbox env file and override run it with no secret in the environment, both ways of naming the files', () => {
    const viaEnvFile = compose(['--env-file', SANDBOX_ENV, 'config', '-q']);
    expect(viaEnvFile.status, viaEnvFile.err).toBe(0);
    const explicit = compose(['--env-file', SANDBOX_ENV, '-f', BASE, '-f', OVERRIDE, 'config', '-q']);
    expect(explicit.status, explicit.err).toBe(0);
    const services = resolved(['--env-file', SANDBOX_ENV], {});
    expect(Object.keys(services)).toContain('sandbox');
    expect(services.worker?.environment?.BC_API_URL).toBe('http://sandbox:4010');
    // The image runs with NODE_ENV=production: the sandbox names its profile, or it refuses to start.
    expect(services.sandbox?.environment?.BCSYNC_PROFILE).toBe('sandbox');
  });

  it('docker-compose.yml has no sandbox service and no well-known value', () => {
    const services = resolved(['-f', BASE], OWN_VALUES);
    expect(Object.keys(services)).not.toContain('sandbox');
    const text = readFileSync(path.join(ROOT, BASE), 'utf8');
    const published = [...allSettings.flatMap((s) => (s.secret && s.sandbox !== undefined ? [s.sandbox] : [])), ...PUBLISHED_SANDBOX_VALUES];
    expect(published.length).toBeGreaterThan(5);
    for (const value of published) expect(text, value).not.toContain(value);
    expect(text).not.toMatch(/change[-_]?me/i);
    // No secret has a default: each is required (${VAR:?...}) or passed through only when set (no value).
    const raw = parse(text, { merge: true }) as { 'x-bcsync-env': Record<string, string | null> };
    for (const s of allSettings.filter((s) => s.secret)) {
      const value = raw['x-bcsync-env'][s.env];
      if (value === undefined || value === null) continue;
      expect(value, s.env).toMatch(new RegExp(`^\\$\\{${s.env}:\\?`));
    }
    for (const name of REQUIRED) expect(text, name).toContain(`\${${name}:?`);
  });

  it('publishes nothing on every interface but the API, in production and in the sandbox run', () => {
    for (const services of [resolved(['-f', BASE], OWN_VALUES), resolved(['--env-file', SANDBOX_ENV], {})]) {
      const ports = published(services);
      expect(ports).toContain('api 0.0.0.0:3000');
      expect(ports).toEqual(expect.arrayContaining(['temporal 127.0.0.1:7233', 'temporal-ui 127.0.0.1:8233', 'codec-server 127.0.0.1:8089']));
      expect(ports.filter((p) => !p.includes(' 127.0.0.1:'))).toEqual(['api 0.0.0.0:3000']);
    }
  });

  it('runs every container of this image read-only, without capabilities or privilege gain, with a tmpfs /tmp', () => {
    const services = resolved(['--env-file', SANDBOX_ENV], {});
    const ours = Object.entries(services).filter(([, s]) => s.image === 'bigcommerce-sync:local');
    expect(ours.map(([name]) => name).sort()).toEqual(['api', 'codec-server', 'register-hooks', 'sandbox', 'worker']);
    for (const [name, s] of ours) {
      expect(s.read_only, name).toBe(true);
      expect(s.cap_drop, name).toEqual(['ALL']);
      expect(s.security_opt, name).toContain('no-new-privileges:true');
      expect(JSON.stringify(s.tmpfs), name).toContain('/tmp');
    }
  });

  it("the compose Temporal connection and the codec server's settings are carried", () => {
    const services = resolved(['-f', BASE], OWN_VALUES);
    for (const name of ['worker', 'api', 'register-hooks']) {
      expect(services[name]?.environment?.TEMPORAL_PAYLOAD_KEYS, name).toBe(OWN_VALUES.TEMPORAL_PAYLOAD_KEYS);
      expect(services[name]?.environment?.TEMPORAL_ALLOW_PLAINTEXT, name).toBe('true');
    }
    expect(services['codec-server']?.environment).toMatchObject({
      TEMPORAL_PAYLOAD_KEYS: OWN_VALUES.TEMPORAL_PAYLOAD_KEYS,
      CODEC_TOKENS: `ui=${OWN_VALUES.CODEC_UI_TOKEN}`,
      CODEC_PORT: '8089',
    });
    expect(services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:8089/t/${OWN_VALUES.CODEC_UI_TOKEN}`);
  });

  it("every image keeps the official default and is overridable (deploy/local-images); the NODE_IMAGE default is the Dockerfile's", () => {
    const images = (services: Record<string, ComposeService>) => Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.image]));
    const defaults = {
      postgresql: 'postgres:16',
      'temporal-schema': 'temporalio/admin-tools:1.31.2',
      temporal: 'temporalio/server:1.31.2',
      'temporal-create-namespace': 'temporalio/admin-tools:1.31.2',
      'temporal-ui': 'temporalio/ui:2.49.1',
      'codec-server': 'bigcommerce-sync:local',
      worker: 'bigcommerce-sync:local',
      api: 'bigcommerce-sync:local',
      'register-hooks': 'bigcommerce-sync:local',
    };
    expect(images(resolved(['-f', BASE], OWN_VALUES))).toEqual(defaults);
    expect(images(resolved(['--env-file', SANDBOX_ENV], {}))).toEqual({ ...defaults, sandbox: 'bigcommerce-sync:local' });

    const dockerfileDefault = /^ARG NODE_IMAGE=(\S+)$/m.exec(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
    expect(dockerfileDefault).toMatch(/^node:\S+@sha256:[0-9a-f]{64}$/);
    const sandboxRun = resolved(['--env-file', SANDBOX_ENV], {});
    for (const name of ['worker', 'api', 'codec-server', 'register-hooks', 'sandbox']) expect(sandboxRun[name]?.build?.args?.NODE_IMAGE, name).toBe(dockerfileDefault);

    const local = {
      POSTGRES_IMAGE: 'local/postgres:15',
      TEMPORAL_SERVER_IMAGE: 'local/temporal-server',
      TEMPORAL_ADMIN_TOOLS_IMAGE: 'local/temporal-admin-tools',
      TEMPORAL_VERSION: '1.29.1',
      TEMPORAL_UI_IMAGE: 'local/temporal-ui',
      TEMPORAL_UI_VERSION: '2.41.0',
      NODE_IMAGE: 'local/node:20',
      BCSYNC_IMAGE: 'local/bigcommerce-sync:local',
    };
    const overridden = resolved(['--env-file', SANDBOX_ENV], local);
    expect(images(overridden)).toEqual({
      postgresql: 'local/postgres:15',
      'temporal-schema': 'local/temporal-admin-tools:1.29.1',
      temporal: 'local/temporal-server:1.29.1',
      'temporal-create-namespace': 'local/temporal-admin-tools:1.29.1',
      'temporal-ui': 'local/temporal-ui:2.41.0',
      'codec-server': 'local/bigcommerce-sync:local',
      worker: 'local/bigcommerce-sync:local',
      api: 'local/bigcommerce-sync:local',
      'register-hooks': 'local/bigcommerce-sync:local',
      sandbox: 'local/bigcommerce-sync:local',
    });
    for (const name of ['worker', 'api', 'codec-server', 'register-hooks', 'sandbox']) {
      expect(overridden[name]?.build?.args?.NODE_IMAGE, name).toBe('local/node:20');
      // The hardening follows the image, whatever its name.
      expect(overridden[name]?.read_only, name).toBe(true);
      expect(overridden[name]?.cap_drop, name).toEqual(['ALL']);
    }
  });

  it('the Dockerfile copies every folder the sandbox package compiles (sandbox/tsconfig.json include)', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const include = (JSON.parse(readFileSync(path.join(ROOT, 'sandbox/tsconfig.json'), 'utf8')) as { include: string[] }).include;
    expect(include.length).toBeGreaterThan(3);
    for (const entry of include.filter((e) => !e.includes('*'))) expect(dockerfile, entry).toMatch(new RegExp(`^COPY sandbox/${entry} \\./sandbox/${entry}$`, 'm'));
  });

  it('moved host ports stay on loopback (all but the API), and the Web UI follows the codec server to its port', () => {
    const moved = {
      API_PUBLISHED_PORT: '23000',
      TEMPORAL_PUBLISHED_PORT: '27233',
      TEMPORAL_UI_PUBLISHED_PORT: '28233',
      CODEC_PUBLISHED_PORT: '28089',
      SANDBOX_BC_PUBLISHED_PORT: '24010',
      SANDBOX_ERP_PUBLISHED_PORT: '24020',
      SANDBOX_OMS_PUBLISHED_PORT: '24030',
    };
    const services = resolved(['--env-file', SANDBOX_ENV], moved);
    expect(published(services).sort()).toEqual(
      [
        'api 0.0.0.0:23000',
        'codec-server 127.0.0.1:28089',
        'sandbox 127.0.0.1:24010',
        'sandbox 127.0.0.1:24020',
        'sandbox 127.0.0.1:24030',
        'temporal 127.0.0.1:27233',
        'temporal-ui 127.0.0.1:28233',
      ].sort(),
    );
    expect(services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT).toMatch(/^http:\/\/localhost:28089\/t\//);
  });

  it("the sandbox run's secrets are all known placeholders: the worker's environment loads against the sandbox and is refused against a real store", () => {
    const env = resolved(['--env-file', SANDBOX_ENV], {}).worker?.environment ?? {};
    const source = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const known = knownPlaceholders(allSettings);
    for (const s of allSettings.filter((s) => s.secret && source[s.env] !== undefined)) expect(holdsPlaceholder(source[s.env]!, known), s.env).toBe(true);
    expect(() => loadConfig(source)).not.toThrow();
    let refused: unknown;
    try {
      loadConfig({ ...source, BC_API_URL: 'https://api.bigcommerce.com' });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ConfigError);
    const message = (refused as Error).message;
    for (const name of ['BC_ACCESS_TOKEN', 'WEBHOOK_SECRET', 'OPS_TOKEN', 'METRICS_TOKEN', 'TEMPORAL_PAYLOAD_KEYS'])
      expect(message).toContain(`${name}: holds a known placeholder`);
    for (const value of Object.values(source)) if (value.length >= 8 && !value.startsWith('http') && /token|secret|key/i.test(value)) expect(message).not.toContain(value);
  });
});
