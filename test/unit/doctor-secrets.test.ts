import { describe, expect, it } from 'vitest';
import { omsDestination } from '../../cli/doctor/oms';
import { formatTable } from '../../cli/doctor/print';
import { checkSecrets } from '../../cli/doctor/secrets';
import { DEV_DEFAULTS, loadConfig } from '../../config/env';

const status = (checks: ReturnType<typeof checkSecrets>) => Object.fromEntries(checks.map((c) => [c.id, c.status]));

describe('bcsync doctor: secrets', () => {
  it('the sandbox profile passes against the sandboxes', () => {
    const checks = checkSecrets(loadConfig({ ...DEV_DEFAULTS }));
    expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(status(checks)['secrets.payload-keys']).toBe('ok');
  });

  it("the sandbox profile's published values fail once the store is the real BigCommerce, naming each variable and never its value", () => {
    // loadConfig itself refuses this (config/placeholder-secrets.ts); the doctor's own check is tested on a config pointed there afterwards.
    expect(() => loadConfig({ ...DEV_DEFAULTS, BC_API_URL: 'https://api.bigcommerce.com' })).toThrow(/WEBHOOK_SECRET: holds a known placeholder/);
    const sandbox = loadConfig({ ...DEV_DEFAULTS });
    const checks = checkSecrets({ ...sandbox, stores: sandbox.stores.map((s) => ({ ...s, apiUrl: 'https://api.bigcommerce.com' })) });
    const failed = checks.filter((c) => c.status === 'fail').map((c) => c.id);
    expect(failed).toEqual([
      'secrets.WEBHOOK_SECRET',
      'secrets.OPS_TOKEN',
      'secrets.ERP_WEBHOOK_TOKEN',
      'secrets.ERP_WEBHOOK_SIGNING_SECRET',
      'secrets.OMS_WEBHOOK_TOKEN',
      'secrets.BC_CLIENT_SECRET',
      'secrets.payload-keys',
    ]);
    const text = JSON.stringify(checks);
    for (const [env, value] of Object.entries(DEV_DEFAULTS)) if (/SECRET|TOKEN|KEYS/.test(env)) expect(text, env).not.toContain(value.slice(value.indexOf(':') + 1));
  });

  it('payload keys: clear payloads fail against real services, an unreadable key file fails, a fresh key passes', () => {
    const real = (config: ReturnType<typeof loadConfig>) => ({ ...config, stores: config.stores.map((s) => ({ ...s, apiUrl: 'https://api.bigcommerce.com' })) });
    const check = (config: ReturnType<typeof loadConfig>) => checkSecrets(config).find((c) => c.id === 'secrets.payload-keys');
    expect(check(real(loadConfig({ ...DEV_DEFAULTS, TEMPORAL_PAYLOAD_KEYS: undefined, TEMPORAL_PAYLOAD_ENCRYPTION: 'false' })))?.status).toBe('fail');
    expect(check(loadConfig({ ...DEV_DEFAULTS, TEMPORAL_PAYLOAD_KEYS: undefined, TEMPORAL_PAYLOAD_KEYS_FILE: '/nonexistent/payload-keys' }))?.status).toBe('fail');
    const fresh = check(real(loadConfig({ ...DEV_DEFAULTS, TEMPORAL_PAYLOAD_KEYS: `${DEV_DEFAULTS.TEMPORAL_PAYLOAD_KEYS},k2:${Buffer.alloc(32, 9).toString('base64')}` })));
    // A published key fails against real services wherever it is listed: what it decrypts, anyone can.
    expect(fresh?.status).toBe('fail');
    const only = check(real(loadConfig({ ...DEV_DEFAULTS, TEMPORAL_PAYLOAD_KEYS: `k2:${Buffer.alloc(32, 9).toString('base64')}` })));
    expect(only).toMatchObject({ status: 'ok', detail: '1 key(s) (k2); k2 encrypts' });
  });

  it('one value used for two doors fails the second, naming the first', () => {
    const checks = checkSecrets(loadConfig({ ...DEV_DEFAULTS, OPS_TOKEN: 'shared-value-0123456789', OMS_WEBHOOK_TOKEN: 'shared-value-0123456789' }));
    const twin = checks.find((c) => c.id === 'secrets.OMS_WEBHOOK_TOKEN');
    expect(twin?.status).toBe('fail');
    expect(twin?.detail).toContain('OPS_TOKEN');
  });

  it('an API open beyond loopback needs METRICS_TOKEN; unset optional secrets are skipped with the reason', () => {
    const { ERP_WEBHOOK_TOKEN: _t, ERP_WEBHOOK_SIGNING_SECRET: _s, OPS_TOKEN: _o, ...rest } = DEV_DEFAULTS;
    const checks = checkSecrets(loadConfig({ ...rest, API_HOST: '0.0.0.0' }));
    expect(status(checks)).toMatchObject({
      'secrets.METRICS_TOKEN': 'fail',
      'secrets.OPS_TOKEN': 'skip',
      'secrets.ERP_WEBHOOK_TOKEN': 'skip',
      'secrets.ERP_WEBHOOK_SIGNING_SECRET': 'skip',
    });
    expect(status(checkSecrets(loadConfig({ ...rest, API_HOST: '0.0.0.0', METRICS_TOKEN: 'metrics-token-0123456789' })))['secrets.METRICS_TOKEN']).toBe('ok');
  });
});

describe('bcsync doctor: helpers', () => {
  it("the OMS webhook goes to /webhooks/oms beside HOOKS_DESTINATION's route", () => {
    expect(omsDestination('https://sync.example.com/webhooks/bigcommerce')).toBe('https://sync.example.com/webhooks/oms');
    expect(omsDestination('https://sync.example.com/base/webhooks/bigcommerce/')).toBe('https://sync.example.com/base/webhooks/oms');
  });

  it('the table shows each failure with its fix and a verdict', () => {
    const text = formatTable({
      ok: false,
      checks: [
        { id: 'temporal.reachable', group: 'temporal', status: 'ok', detail: 'localhost:7233' },
        { id: 'oms.webhook', group: 'oms', status: 'fail', detail: 'no SHIP_NOTIFY webhook', fix: 'Run `bcsync hooks register`' },
      ],
    });
    expect(text).toMatch(/FAIL\s+oms\.webhook\s+no SHIP_NOTIFY webhook\n\s+fix: Run `bcsync hooks register`/);
    expect(text).toContain('1 of 2 checks failed');
  });
});
