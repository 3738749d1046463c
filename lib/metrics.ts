import { Counter, Gauge, Histogram, register } from 'prom-client';

/**
 * Prometheus metrics of this process (the default prom-client registry). The API serves them on
 * GET /metrics; `bcsync worker` on its own metrics port. Label values are store hashes, routes and
 * kinds: never tokens, never customer data.
 */
export const metricsRegistry = register;

export const bcQuotaLeft = new Gauge({
  name: 'bcsync_bigcommerce_quota_left',
  help: 'Requests left in the current rate-limit window, from the last X-Rate-Limit-Requests-Left seen',
  labelNames: ['store'] as const,
});

export const bcQuotaResetMs = new Gauge({
  name: 'bcsync_bigcommerce_quota_reset_ms',
  help: 'Milliseconds until the rate-limit window resets, from the last X-Rate-Limit-Time-Reset-Ms seen',
  labelNames: ['store'] as const,
});

export const bcCalls = new Counter({
  name: 'bcsync_bigcommerce_calls_total',
  help: 'BigCommerce API calls by endpoint and status',
  labelNames: ['store', 'method', 'route', 'status'] as const,
});

export const bcRateLimited = new Counter({
  name: 'bcsync_bigcommerce_429_total',
  help: 'BigCommerce 429 answers by kind: rate_limited (with rate headers) or platform_load (without)',
  labelNames: ['store', 'kind'] as const,
});

export const bcPacerWait = new Histogram({
  name: 'bcsync_bigcommerce_pacer_wait_seconds',
  help: 'Time a call waited for the quota pacer before it was sent',
  labelNames: ['store'] as const,
  buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

export const activityScheduleToStart = new Histogram({
  name: 'bcsync_activity_schedule_to_start_seconds',
  help: 'Time from an activity attempt being scheduled to a worker starting it, by task queue and activity',
  labelNames: ['task_queue', 'activity'] as const,
  buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
});

export const webhooksReceived = new Counter({
  name: 'bcsync_webhooks_total',
  help: 'BigCommerce webhooks received, by outcome',
  labelNames: ['outcome'] as const,
});

export const webhookSignatureChecks = new Counter({
  name: 'bcsync_webhook_signature_checks_total',
  help: 'Signature checks of signed deliveries (BigCommerce, ERP), by sender, outcome (valid, or why not) and whether it was refused',
  labelNames: ['sender', 'outcome', 'refused'] as const,
});

export const bodiesParsed = new Counter({
  name: 'bcsync_request_bodies_parsed_total',
  help: 'Request bodies the API parsed, by whether the caller was authenticated first (unauthenticated must stay 0)',
  labelNames: ['route', 'authenticated'] as const,
});

export const hookRepairs = new Counter({
  name: 'bcsync_webhook_repairs_total',
  help: 'Store hooks found missing, inactive or with wrong headers, and repaired',
  labelNames: ['store', 'was'] as const,
});

export const reconcileOrdersSignalled = new Counter({
  name: 'bcsync_reconcile_orders_total',
  help: 'Orders handed to their workflows by reconciliation',
  labelNames: ['store'] as const,
});

export const alertsSent = new Counter({
  name: 'bcsync_alerts_sent_total',
  help: 'Alerts delivered (after de-duplication and cool-down)',
  labelNames: ['severity'] as const,
});

export const erpInFlight = new Gauge({
  name: 'bcsync_erp_requests_in_flight',
  help: "ERP requests of this process holding one of its slots of NetSuite's account concurrency limit, by process role (worker, api)",
  labelNames: ['process'] as const,
});

export const erpWaiting = new Gauge({
  name: 'bcsync_erp_requests_waiting',
  help: 'ERP requests of this process waiting for a slot (all its slots in flight), by process role',
  labelNames: ['process'] as const,
});

export const erpRejected = new Counter({
  name: 'bcsync_erp_rejected_total',
  help: "ERP requests refused by NetSuite's account governance: concurrency_429 (CONCURRENCY_LIMIT_EXCEEDED) or invalid_login_401 (the 401 NetSuite also answers under load)",
  labelNames: ['process', 'reason'] as const,
});
