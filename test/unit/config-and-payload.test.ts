import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_DEFAULTS, loadConfig, parseDurationMs } from '../../config/env';
import { isOrderScope, webhookPayloadSchema } from '../../connectors/bigcommerce/webhook-payload';
import { storeActivitiesPerSecond } from '../../workers/start-workers';

describe('configuration', () => {
  it('loads the dev defaults and derives the store quota from the plan', () => {
    const config = loadConfig({ ...DEV_DEFAULTS });
    expect(config.stores[0]).toMatchObject({ storeHash: 'sandbox', plan: 'standard', quotaPerWindow: 150, windowMs: 30_000, headroom: 0.1 });
    // 150 per 30 s minus 10% headroom = 4.5 a second on average; the queue dispatches at 4 times that
    // (BC_DISPATCH_BURST) and the pacer keeps each window within the quota.
    expect(storeActivitiesPerSecond(config.stores[0]!)).toBeCloseTo(18, 5);
    expect(storeActivitiesPerSecond(loadConfig({ ...DEV_DEFAULTS, BC_DISPATCH_BURST: '1' }).stores[0]!)).toBeCloseTo(4.5, 5);
    expect(loadConfig({ ...DEV_DEFAULTS, BC_PLAN: 'pro', BC_QUOTA_HEADROOM: '0' }).stores[0]!.quotaPerWindow).toBe(450);
    expect(() => loadConfig({ ...DEV_DEFAULTS, BC_DISPATCH_BURST: '0.5' })).toThrow(/BC_DISPATCH_BURST/);
    // A stall limit within the schedule's interval would alert between two healthy runs.
    expect(() => loadConfig({ ...DEV_DEFAULTS, RECONCILE_INTERVAL: '2h' })).toThrow(/RECONCILE_STALL_AFTER: must be longer than RECONCILE_INTERVAL/);
    expect(loadConfig({ ...DEV_DEFAULTS, RECONCILE_INTERVAL: '2h', RECONCILE_STALL_AFTER: '6h' }).reconcile.stallAfterMs).toBe(6 * 3_600_000);
  });

  it('names every bad variable', () => {
    const attempt = () => loadConfig({ BC_STORE_HASH: 'Bad Hash', ERP_API_URL: 'not a url', WEBHOOK_SECRET: 'short', BC_PLAN: 'enterprise' });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    // NETSUITE_AUTH unset and no ERP_ACCESS_TOKEN: m2m, whose every missing variable is named.
    for (const name of [
      'BC_STORE_HASH',
      'BC_ACCESS_TOKEN',
      'ERP_API_URL',
      'NETSUITE_ACCOUNT_ID',
      'NETSUITE_CLIENT_ID',
      'NETSUITE_CERTIFICATE_ID',
      'NETSUITE_PRIVATE_KEY_FILE',
      'WEBHOOK_SECRET',
    ])
      expect(message).toContain(name);
  });

  it('requires BC_QUOTA on the enterprise plan', () => {
    expect(() => loadConfig({ ...DEV_DEFAULTS, BC_PLAN: 'enterprise' })).toThrow(/BC_QUOTA/);
    expect(loadConfig({ ...DEV_DEFAULTS, BC_PLAN: 'enterprise', BC_QUOTA: '900' }).stores[0]!.quotaPerWindow).toBe(900);
  });

  it('parses durations', () => {
    expect(parseDurationMs('90s')).toBe(90_000);
    expect(parseDurationMs('1h')).toBe(3_600_000);
    expect(() => parseDurationMs('1 hour')).toThrow();
  });
});

describe('webhook payload', () => {
  const valid = {
    scope: 'store/order/created',
    store_id: '1025646',
    data: { type: 'order', id: 250 },
    hash: 'dd70c0976e06b67aaf671e73f49dcb79230ebf9d',
    created_at: 1561479335,
    producer: 'stores/abc123',
  };

  it('accepts the documented callback', () => {
    expect(webhookPayloadSchema.parse(valid)).toEqual(valid);
  });

  it('rejects a numeric store_id, a producer that is not a store and a missing created_at', () => {
    expect(webhookPayloadSchema.safeParse({ ...valid, store_id: 1025646 }).success).toBe(false);
    expect(webhookPayloadSchema.safeParse({ ...valid, producer: 'apps/1' }).success).toBe(false);
    expect(webhookPayloadSchema.safeParse({ ...valid, created_at: undefined }).success).toBe(false);
  });

  it('knows order scopes, including channel-level ones', () => {
    expect(isOrderScope('store/order/statusUpdated')).toBe(true);
    expect(isOrderScope('store/channel/2/order/created')).toBe(true);
    expect(isOrderScope('store/cart/created')).toBe(false);
    expect(isOrderScope('store/product/updated')).toBe(false);
  });
});

describe('several stores', () => {
  const base = { ...DEV_DEFAULTS, BC_STORE_HASH: undefined, BC_ACCESS_TOKEN: undefined };

  it('reads BC_STORES, with per-store plan, quota and headroom falling back to the BC_* values', () => {
    const config = loadConfig({
      ...base,
      BC_QUOTA_HEADROOM: '0.2',
      BC_STORES: JSON.stringify([
        { storeHash: 'abc123', accessToken: 't1', plan: 'pro' },
        { storeHash: 'def456', accessToken: 't2', plan: 'enterprise', quota: 900, headroom: 0 },
      ]),
    });
    expect(config.stores.map((s) => [s.storeHash, s.plan, s.quotaPerWindow, s.headroom])).toEqual([
      ['abc123', 'pro', 450, 0.2],
      ['def456', 'enterprise', 900, 0],
    ]);
  });

  it('reads BC_STORES_FILE, and refuses duplicates, an enterprise store without quota, and bad JSON without echoing tokens', () => {
    const files: Record<string, string> = { '/secrets/stores.json': JSON.stringify([{ storeHash: 'abc123', accessToken: 'secret-token' }]) };
    expect(loadConfig({ ...base, BC_STORES_FILE: '/secrets/stores.json' }, (p) => files[p]!).stores[0]!.storeHash).toBe('abc123');
    expect(() =>
      loadConfig({
        ...base,
        BC_STORES: JSON.stringify([
          { storeHash: 'a', accessToken: 'x' },
          { storeHash: 'a', accessToken: 'y' },
        ]),
      }),
    ).toThrow(/listed twice/);
    expect(() => loadConfig({ ...base, BC_STORES: JSON.stringify([{ storeHash: 'a', accessToken: 'x', plan: 'enterprise' }]) })).toThrow(/needs a quota/);
    expect(() => loadConfig({ ...base, BC_STORES: '[{' })).toThrow(/not valid JSON/);
    const err = (() => {
      try {
        loadConfig({ ...base, BC_STORES: JSON.stringify([{ storeHash: 'Not Valid', accessToken: 'secret-token' }]) });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(err).toMatch(/BC_STORES\[0\.storeHash\]/);
    expect(err).not.toContain('secret-token');
  });
});
