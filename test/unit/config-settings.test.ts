import { describe, expect, it } from 'vitest';
import { allSettings, ConfigError, DEV_DEFAULTS, loadConfig } from '../../config/env';
import { defineSettings, duration, setting, text } from '../../config/setting';

describe('settings', () => {
  it('are each declared once, in upper snake case, with a type and a description', () => {
    const names = allSettings.map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
    for (const s of allSettings) {
      expect(s.env).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(s.type.trim(), s.env).not.toBe('');
      expect(s.description.trim(), s.env).not.toBe('');
    }
  });

  it('give no secret a value outside the sandbox profile', () => {
    const secrets = allSettings.filter((s) => s.secret);
    expect(secrets.map((s) => s.env)).toEqual(
      expect.arrayContaining(['BC_ACCESS_TOKEN', 'ERP_ACCESS_TOKEN', 'OMS_API_KEY', 'OMS_API_SECRET', 'OMS_WEBHOOK_TOKEN', 'WEBHOOK_SECRET']),
    );
    for (const s of secrets) {
      expect(s.default, s.env).toBeUndefined();
      // Unset, a secret is missing or an error, never a value from anywhere else.
      const unset = s.schema.safeParse(undefined);
      expect(unset.success ? unset.data : undefined, s.env).toBeUndefined();
    }
    // Without the sandbox profile, every required secret is named as missing.
    const noSecrets = Object.fromEntries(Object.entries(DEV_DEFAULTS).filter(([name]) => !secrets.some((s) => s.env === name)));
    let message = '';
    try {
      loadConfig(noSecrets);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    for (const s of secrets.filter((s) => s.required)) expect(message).toContain(`${s.env}:`);
    // The sandbox profile fills in every required variable.
    expect(() => loadConfig({ ...DEV_DEFAULTS })).not.toThrow();
    for (const s of allSettings.filter((s) => s.required)) expect(DEV_DEFAULTS[s.env], s.env).toBeDefined();
  });

  it('refuse a secret with a default', () => {
    // @ts-expect-error: the overloads refuse it; the runtime check is for a caller past the types.
    expect(() => setting('SOME_TOKEN', text, { secret: true, default: 'not-a-secret', description: 'x' })).toThrow(/SOME_TOKEN: a secret has no default/);
  });

  it('parse a group into its values, name every bad variable, and drop a rule broken by a variable that already failed', () => {
    const group = defineSettings({
      flow: 'Test',
      title: 'Test',
      module: 'test/unit/config-settings.test.ts',
      settings: {
        shortMs: setting('TEST_SHORT', duration, { default: '1m', description: 'x' }),
        longMs: setting('TEST_LONG', duration, { default: '1h', description: 'x' }),
        label: setting('TEST_LABEL', text, { description: 'x' }),
      },
      check: (v) => (v.longMs !== undefined && v.shortMs !== undefined && v.longMs <= v.shortMs ? [{ setting: 'longMs', message: 'must be longer than TEST_SHORT' }] : []),
    });
    expect(group.parse({})).toEqual({ ok: true, value: { shortMs: 60_000, longMs: 3_600_000, label: undefined } });
    expect(group.parse({ TEST_SHORT: '2h', TEST_LABEL: 'a' })).toEqual({ ok: false, issues: ['TEST_LONG: must be longer than TEST_SHORT'] });
    const bad = group.parse({ TEST_SHORT: '2h', TEST_LONG: '1 hour', TEST_LABEL: '' });
    expect(bad.ok).toBe(false);
    const issues = bad.ok ? [] : bad.issues;
    expect(issues.map((i) => i.split(':')[0])).toEqual(['TEST_LONG', 'TEST_LABEL']);
  });
});
