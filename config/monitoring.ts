import { z } from 'zod';
import { defineSettings, duration, kind, positiveInt, setting, url } from './setting';

/**
 * Monitoring: webhook health, reconciliation and alerts (each flow's stall limit is with the flow's
 * settings).
 */

/** HOOKS_EXCEPTION_DESTINATION unset: `<HOOKS_DESTINATION>/exceptions`. */
function withExceptionDestination<T extends { destination?: string; exceptionDestination?: string }>(v: T): T {
  return { ...v, exceptionDestination: v.exceptionDestination ?? (v.destination ? `${v.destination.replace(/\/+$/, '')}/exceptions` : undefined) };
}

export const healthSettings = defineSettings({
  flow: 'Monitoring',
  title: 'Webhook health',
  module: 'config/monitoring.ts',
  settings: {
    destination: setting('HOOKS_DESTINATION', url, {
      unset: 'unset: no health checks',
      description: "Where BigCommerce must deliver our webhooks: the public URL of `POST /webhooks/bigcommerce`. The webhook-health schedule checks the store's hooks against it.",
    }),
    exceptionDestination: setting('HOOKS_EXCEPTION_DESTINATION', url, {
      unset: '`<HOOKS_DESTINATION>/exceptions`',
      description: 'Where `store/hook/deliveryException` goes: BigCommerce wants it on a destination no other hook uses.',
    }),
    intervalMs: setting('HEALTH_INTERVAL', duration, { default: '5m', description: 'How often the webhook-health schedule runs.' }),
  },
  derive: withExceptionDestination,
});

export const reconcileSettings = defineSettings({
  flow: 'Monitoring',
  title: 'Reconciliation',
  module: 'config/monitoring.ts',
  settings: {
    intervalMs: setting('RECONCILE_INTERVAL', duration, { default: '15m', description: 'How often the reconciliation schedule runs.' }),
    overlapMs: setting('RECONCILE_OVERLAP', duration, {
      default: '5m',
      description: 'Each reconciliation re-reads this much before its watermark: changes land late, clocks differ.',
    }),
    initialLookbackMs: setting('RECONCILE_INITIAL_LOOKBACK', duration, { default: '1h', description: "Where a store's very first reconciliation starts." }),
    stallAfterMs: setting('RECONCILE_STALL_AFTER', duration, {
      default: '1h',
      description:
        'No reconciliation run finished for this long (or a reconciliation that does not answer) raises `reconcile-stalled:<store>`; must be longer than `RECONCILE_INTERVAL`.',
    }),
  },
  // Shorter than the schedule's interval, every check between two healthy runs would alert.
  check: (v) =>
    v.stallAfterMs !== undefined && v.intervalMs !== undefined && v.stallAfterMs <= v.intervalMs
      ? [{ setting: 'stallAfterMs', message: `must be longer than RECONCILE_INTERVAL (${v.intervalMs} ms)` }]
      : [],
});

export const alertSettings = defineSettings({
  flow: 'Monitoring',
  title: 'Alerts',
  module: 'config/monitoring.ts',
  settings: {
    intervalMs: setting('ALERT_INTERVAL', duration, { default: '1m', description: 'How often the alert monitor schedule runs.' }),
    webhookUrl: setting('ALERT_WEBHOOK_URL', url, {
      unset: 'unset: alerts go to the log only',
      description: 'Slack-compatible incoming webhook (`{text}` JSON); alerts also go to the log.',
    }),
    cooldownMs: setting('ALERT_COOLDOWN', duration, { default: '1h', description: 'The same alert is not sent again within this time.' }),
    parkedThreshold: setting('ALERT_PARKED_THRESHOLD', positiveInt, {
      default: '1',
      description: 'Alert `orders-parked` when at least this many orders are parked (NeedsAttention).',
    }),
    failedThreshold: setting('ALERT_FAILED_THRESHOLD', positiveInt, {
      default: '1',
      description: 'Alert `workflows-failed` when at least this many workflows failed since the last check.',
    }),
    rateLimitedPerMinute: setting('ALERT_429_PER_MINUTE', kind('number > 0', z.coerce.number().positive()), {
      default: '5',
      description: 'Alert `bigcommerce-429` when BigCommerce answered at least this many 429s per minute since the last check.',
    }),
    scrapeUrls: setting(
      'METRICS_SCRAPE_URLS',
      kind(
        'URLs, comma-separated',
        z.string().transform((v) =>
          v
            .split(',')
            .map((u) => u.trim())
            .filter(Boolean),
        ),
      ),
      { default: '', description: "Other worker processes' `/metrics` to add up for the 429 rate." },
    ),
  },
});
