import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor, type DoctorReport } from '../../cli/doctor';
import { type Config, DEV_DEFAULTS, loadConfig } from '../../config/env';
import { DEFAULT_TBA } from '../../sandbox/erp/auth';
import { generateM2mCredentials } from '../../sandbox/erp/m2m-keys';
import { type RunningSandboxes, startSandboxes } from '../../sandbox/start-sandboxes';
import { freePort, startStack, TEST_CLIENT_SECRET, TEST_ERP_SIGNING_SECRET, TEST_ERP_TOKEN, TEST_OMS_TOKEN, TEST_OPS_TOKEN, TEST_SECRET, type Stack } from '../support/stack';

/**
 * `bcsync doctor` against the whole product on the dev server: every check passes on the healthy
 * stack; each deliberately wrong setting fails its own check, naming what to change, and no report
 * ever carries a secret.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const byId = (report: DoctorReport, id: string) => {
  const check = report.checks.find((c) => c.id === id);
  if (!check) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return check;
};
const failures = (report: DoctorReport) => report.checks.filter((c) => c.status === 'fail');

const control = async (method: string, pathname: string, body?: unknown) => {
  const res = await fetch(`${stack.sandboxes.bcUrl}/__sandbox${pathname}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} /__sandbox${pathname}: ${res.status} ${await res.text()}`);
};
const storeApi = async (method: string, pathname: string, body?: unknown) => {
  const res = await fetch(`${stack.sandboxes.bcUrl}/stores/${stack.storeHash}${pathname}`, {
    method,
    headers: { 'x-auth-token': 'test-token', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { data: Array<{ id: number; scope: string; destination: string; is_active: boolean }> };
};

describe('bcsync doctor', () => {
  it('passes every check against the healthy stack, and prints no secret', async () => {
    const report = await runDoctor(stack.config);
    expect(failures(report)).toEqual([]);
    expect(report.ok).toBe(true);
    const h = stack.storeHash;
    for (const id of [
      'temporal.reachable',
      'temporal.namespace',
      'temporal.search-attributes',
      `bigcommerce.${h}.token`,
      `bigcommerce.${h}.quota`,
      `bigcommerce.${h}.scope.orders`,
      `bigcommerce.${h}.scope.products`,
      `bigcommerce.${h}.scope.inventory`,
      `bigcommerce.${h}.scope.customers`,
      `bigcommerce.${h}.hooks`,
      'oms.credentials',
      'oms.webhook',
      'secrets.WEBHOOK_SECRET',
      'secrets.OMS_WEBHOOK_TOKEN',
      'secrets.BC_CLIENT_SECRET',
    ])
      expect(byId(report, id).status, id).toBe('ok');
    // Skipped only where the configuration turns the feature off (or the feature is not built).
    for (const id of ['netsuite.auth', 'netsuite.salesorders', 'netsuite.items', 'netsuite.suiteql', 'netsuite.governance']) expect(byId(report, id).status, id).toBe('ok');
    // The ERP sandbox answers governanceLimits as NetSuite does to an administrator role (no limit set: one no share reaches).
    expect(byId(report, 'netsuite.governance').detail).toContain('account limit 1000, unallocated 1000, this integration: accountLimit');
    expect(report.checks.filter((c) => c.status === 'skip').map((c) => c.id)).toEqual(['secrets.METRICS_TOKEN']);
    const text = JSON.stringify(report);
    for (const secret of [
      'test-token',
      TEST_SECRET,
      TEST_CLIENT_SECRET,
      TEST_OMS_TOKEN,
      TEST_OPS_TOKEN,
      TEST_ERP_TOKEN,
      TEST_ERP_SIGNING_SECRET,
      'sandbox-oms-secret',
      'sandbox-erp-token',
    ])
      expect(text).not.toContain(secret);
  });

  // The BigCommerce sandbox has no per-token scopes (every client may read everything): the 403
  // BigCommerce answers a token without the Customers scope is injected as a route fault.
  it('a token missing a scope fails that scope, naming it', async () => {
    await control('POST', '/faults', {
      method: 'GET',
      path: '^/v3/customers',
      status: 403,
      body: { status: 403, title: "You don't have a required scope to access the endpoint", type: 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes' },
    });
    try {
      const report = await runDoctor(stack.config);
      expect(report.ok).toBe(false);
      expect(failures(report).map((c) => c.id)).toEqual([`bigcommerce.${stack.storeHash}.scope.customers`]);
      const check = byId(report, `bigcommerce.${stack.storeHash}.scope.customers`);
      expect(check.detail).toContain('store_v2_customers');
      expect(check.fix).toContain('store_v2_customers');
      expect(check.fix).toContain('BC_ACCESS_TOKEN');
    } finally {
      await control('DELETE', '/faults');
    }
  });

  it('an inactive hook fails the hooks check, naming the scope and the command that repairs it', async () => {
    const hooks = (await storeApi('GET', '/v3/hooks')).data;
    const created = hooks.find((h) => h.scope === 'store/order/created' && h.destination === stack.config.health.destination);
    expect(created?.is_active).toBe(true);
    await control('POST', `/hooks/${created!.id}/deactivate`);
    try {
      const report = await runDoctor(stack.config);
      expect(report.ok).toBe(false);
      expect(failures(report).map((c) => c.id)).toEqual([`bigcommerce.${stack.storeHash}.hooks`]);
      const check = byId(report, `bigcommerce.${stack.storeHash}.hooks`);
      expect(check.detail).toContain(`store/order/created -> ${stack.config.health.destination}: inactive`);
      expect(check.fix).toContain('bcsync hooks register');
    } finally {
      await storeApi('PUT', `/v3/hooks/${created!.id}`, { is_active: true });
    }
    // Read-only: the doctor repaired nothing.
    expect((await runDoctor(stack.config)).ok).toBe(true);
  });

  it('a plan that does not match the rate headers fails the quota check, naming BC_PLAN', async () => {
    const report = await runDoctor({ ...stack.config, stores: stack.config.stores.map((s) => ({ ...s, plan: 'pro' as const, quotaPerWindow: 450 })) });
    const check = byId(report, `bigcommerce.${stack.storeHash}.quota`);
    expect(check.status).toBe('fail');
    expect(check.fix).toContain('BC_PLAN=standard');
  });

  it('an OMS webhook registered with another token fails, naming OMS_WEBHOOK_TOKEN', async () => {
    const report = await runDoctor({ ...stack.config, oms: { ...stack.config.oms, webhookToken: 'another-oms-token-0123456789' } });
    expect(failures(report).map((c) => c.id)).toEqual(['oms.webhook']);
    expect(byId(report, 'oms.webhook').detail).toContain('OMS_WEBHOOK_TOKEN');
  });

  describe('NetSuite, against ERP sandboxes that enforce m2m and tba', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bcsync-doctor-'));
    const m2m = generateM2mCredentials(path.join(dir, 'm2m'));
    const otherPair = generateM2mCredentials(path.join(dir, 'other'));
    let m2mErp: RunningSandboxes;
    let tbaErp: RunningSandboxes;
    beforeAll(async () => {
      m2mErp = await startSandboxes({ bcPort: 0, erpPort: 0, omsPort: 0, erp: { auth: { mode: 'm2m', certificates: [m2m.certificate] } } });
      tbaErp = await startSandboxes({ bcPort: 0, erpPort: 0, omsPort: 0, erp: { auth: { mode: 'tba' } } });
    });
    afterAll(async () => {
      await m2mErp?.close();
      await tbaErp?.close();
    });

    /** The stack's configuration with the ERP settings of `env` (NETSUITE_*, ERP_API_URL). */
    const withErp = (env: Record<string, string>): Config => {
      const { ERP_ACCESS_TOKEN: _bearer, NETSUITE_AUTH: _mode, ...rest } = DEV_DEFAULTS;
      return { ...stack.config, erp: loadConfig({ ...rest, ERP_CONCURRENCY: String(stack.config.erp.concurrency), ...env }).erp };
    };
    const m2mEnv = (over: Record<string, string> = {}) =>
      withErp({
        NETSUITE_AUTH: 'm2m',
        NETSUITE_ACCOUNT_ID: '1234567_SB1',
        ERP_API_URL: m2mErp.erpUrl,
        NETSUITE_CLIENT_ID: m2m.certificate.clientId,
        NETSUITE_CERTIFICATE_ID: m2m.certificate.certificateId,
        NETSUITE_PRIVATE_KEY_FILE: m2m.privateKeyFile,
        ...over,
      });
    const tbaEnv = (over: Record<string, string> = {}) =>
      withErp({
        NETSUITE_AUTH: 'tba',
        NETSUITE_ACCOUNT_ID: '1234567_SB1',
        ERP_API_URL: tbaErp.erpUrl,
        NETSUITE_CONSUMER_KEY: DEFAULT_TBA.consumerKey,
        NETSUITE_CONSUMER_SECRET: DEFAULT_TBA.consumerSecret,
        NETSUITE_TOKEN_ID: DEFAULT_TBA.tokenId,
        NETSUITE_TOKEN_SECRET: DEFAULT_TBA.tokenSecret,
        ...over,
      });
    const netsuite = (report: DoctorReport) => report.checks.filter((c) => c.group === 'netsuite');
    /** Only netsuite.auth failed (the checks after it skipped), and its fix names `variable`. */
    const failsAuthNaming = (report: DoctorReport, variable: string) => {
      expect(report.ok).toBe(false);
      expect(failures(report).map((c) => c.id)).toEqual(['netsuite.auth']);
      expect(byId(report, 'netsuite.auth').fix).toContain(variable);
      expect(JSON.stringify(report)).not.toContain(DEFAULT_TBA.consumerSecret);
    };

    it('m2m and tba set up right: every NetSuite check passes, the governance limits read too', async () => {
      for (const config of [m2mEnv(), tbaEnv()]) {
        const report = await runDoctor(config);
        expect(failures(report)).toEqual([]);
        expect(netsuite(report).map((c) => `${c.id}:${c.status}`)).toEqual([
          'netsuite.auth:ok',
          'netsuite.salesorders:ok',
          'netsuite.items:ok',
          'netsuite.suiteql:ok',
          'netsuite.governance:ok',
        ]);
        expect(byId(report, 'netsuite.auth').detail).toContain(config.erp.authMode);
      }
    });

    it('a private key file that is not a key fails authentication, naming NETSUITE_PRIVATE_KEY_FILE', async () => {
      const garbage = path.join(dir, 'not-a-key.pem');
      writeFileSync(garbage, '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n');
      const report = await runDoctor(m2mEnv({ NETSUITE_PRIVATE_KEY_FILE: garbage }));
      failsAuthNaming(report, 'NETSUITE_PRIVATE_KEY_FILE');
      expect(byId(report, 'netsuite.auth').detail).not.toContain('not a key\n');
    });

    it("the key of another pair is refused by the token endpoint: the fix names NETSUITE_PRIVATE_KEY_FILE and shows the key's public fingerprint", async () => {
      const report = await runDoctor(m2mEnv({ NETSUITE_PRIVATE_KEY_FILE: otherPair.privateKeyFile }));
      failsAuthNaming(report, 'NETSUITE_PRIVATE_KEY_FILE');
      expect(byId(report, 'netsuite.auth').detail).toMatch(/invalid_grant.*sha256:[0-9a-f]{16}/);
    });

    it('a wrong certificate id fails authentication, naming NETSUITE_CERTIFICATE_ID', async () => {
      failsAuthNaming(await runDoctor(m2mEnv({ NETSUITE_CERTIFICATE_ID: 'not-the-mapped-certificate' })), 'NETSUITE_CERTIFICATE_ID');
    });

    it('a wrong realm fails authentication, naming NETSUITE_ACCOUNT_ID first', async () => {
      const report = await runDoctor(tbaEnv({ NETSUITE_ACCOUNT_ID: '7654321_SB1' }));
      failsAuthNaming(report, 'NETSUITE_ACCOUNT_ID');
      expect(byId(report, 'netsuite.auth').fix).toMatch(/^Check NETSUITE_ACCOUNT_ID first: it is the realm \(7654321_SB1\)/);
    });

    it("a share above the account's concurrency limit fails the governance check, naming ERP_CONCURRENCY", async () => {
      m2mErp.erp.governance.settings.concurrencyLimit = 2;
      try {
        const config = m2mEnv({ ERP_CONCURRENCY: '3' });
        const report = await runDoctor(config);
        expect(failures(report).map((c) => c.id)).toEqual(['netsuite.governance']);
        expect(byId(report, 'netsuite.governance').detail).toContain('ERP_CONCURRENCY=3 is more than');
        expect(byId(report, 'netsuite.governance').fix).toContain('ERP_CONCURRENCY');
      } finally {
        m2mErp.erp.governance.settings.concurrencyLimit = 0;
      }
    });

    it('a role without a permission fails that check, naming the permission', async () => {
      const res = await fetch(`${m2mErp.erpUrl}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          method: 'GET',
          path: '^/salesOrder/',
          status: 403,
          body: {
            type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.4',
            title: 'Forbidden',
            status: 403,
            'o:errorDetails': [{ detail: 'Permission Violation: You need the Sales Order permission.', 'o:errorCode': 'INSUFFICIENT_PERMISSION' }],
          },
        }),
      });
      expect(res.ok, await res.text()).toBe(true);
      try {
        const report = await runDoctor(m2mEnv());
        expect(failures(report).map((c) => c.id)).toEqual(['netsuite.salesorders']);
        expect(byId(report, 'netsuite.salesorders').fix).toContain('Sales Order');
      } finally {
        await fetch(`${m2mErp.erpUrl}/__sandbox/faults`, { method: 'DELETE' });
      }
    });
  });

  it('`bcsync doctor --json` exits non-zero with valid JSON when Temporal is unreachable', async () => {
    const closed = await freePort();
    const root = path.resolve(__dirname, '../..');
    const env = {
      PATH: process.env.PATH,
      ...DEV_DEFAULTS,
      TEMPORAL_ADDRESS: `127.0.0.1:${closed}`,
      BC_API_URL: stack.sandboxes.bcUrl,
      BC_STORE_HASH: stack.storeHash,
      BC_ACCESS_TOKEN: 'test-token',
      BC_CLIENT_SECRET: TEST_CLIENT_SECRET,
      ERP_API_URL: stack.sandboxes.erpUrl,
      OMS_API_URL: stack.sandboxes.omsUrl,
      HOOKS_DESTINATION: stack.config.health.destination,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'cli/bcsync.ts'), 'doctor', '--json'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(1);
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    const reachable = byId(report, 'temporal.reachable');
    expect(reachable.status).toBe('fail');
    expect(reachable.fix).toContain('TEMPORAL_ADDRESS');
    expect(byId(report, 'temporal.namespace').status).toBe('skip');
    for (const c of report.checks) expect(Object.keys(c).every((k) => ['id', 'group', 'status', 'detail', 'fix'].includes(k))).toBe(true);
  }, 60_000);
});
