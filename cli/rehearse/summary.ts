import { arrivalMinutes, peakRate, type CurvePoint } from './curve';
import { STORE_WINDOW_S, usablePerWindow } from './scenario';

/**
 * The rehearsal's figures, computed from what the witnesses recorded (pure; run.ts gathers the
 * records): the BigCommerce sandbox's request log and rate limiter's log, the ERP sandbox's sales
 * order records, and the Temporal server's own `action` metric. Times are wall-clock ms as the
 * sandboxes stamped them; every figure is turned into the store's time (x the compression factor).
 */

export interface OrderRecord {
  id: number;
  /** When BigCommerce created the order (the sandbox's record). */
  createdMs: number;
  /** When the ERP created its sales order (the ERP sandbox's record); null when it has none. */
  syncedMs: number | null;
  paid: boolean;
  /** BigCommerce's total_inc_tax and the ERP's total, as each answers them; null when absent. */
  bcTotal: string | null;
  erpTotal: string | null;
}

/** One call of the product's API client, from the store's request log. */
export interface CallRecord {
  atMs: number;
  method: string;
  route: string;
  status: number;
}

/** One window of the store's rate limiter (its windows, from its own log). */
export interface WindowRecord {
  startMs: number;
  /** Calls of the product's client the store allowed, and refused (429). */
  ours: number;
  oursRefused: number;
  /** Every other client's allowed calls. */
  others: number;
}

export interface RunRecord {
  curve: CurvePoint[];
  quota: number;
  headroom: number;
  /** Store seconds per wall second. */
  factor: number;
  lagThresholdS: number;
  windowMs: number;
  orders: OrderRecord[];
  calls: CallRecord[];
  windows: WindowRecord[];
  /** Billable actions between the run's start and its end, by type (Temporal server's metric). */
  actions: { total: number; byType: Record<string, number> };
  /** describeOrderPath lines of the last orders synced and the slowest (may be empty). */
  slowest?: string[];
  /** ERP stock changes made by the rehearsal, and when the run started and ended (wall ms). */
  inventoryChanges: number;
  startMs: number;
  endMs: number;
}

/** The file the Must-show names, rounded for reading; every figure in store time. */
export interface Summary {
  orders: number;
  lost: number;
  drain_s: number;
  theoretical_s: number;
  p95_lag_s: number;
  calls_per_order: number;
  actions_per_order: number;
  sustained_orders_per_hour: number;
}

export interface Details {
  quota: number;
  headroom: number;
  usable_per_window: number;
  time_scale: number;
  lag_threshold_s: number;
  /** Orders with no ERP sales order, and with one whose total differs from BigCommerce's. */
  missing: number;
  total_mismatch: number;
  calls: number;
  calls_429: number;
  /** Calls on the orders APIs (/v2/orders..., /v3/orders...), per order; the rest (inventory, catalog...) in total. */
  order_calls_per_order: number;
  other_calls: number;
  /** Other calls per store hour over the run (inventory writes mostly). */
  other_calls_per_hour: number;
  calls_by_route: Record<string, number>;
  actions: number;
  actions_by_type: Record<string, number>;
  drain_over_theoretical: number;
  /** Calls between the first order and the last synced, and their share of the usable quota in that time. */
  calls_in_drain: number;
  drain_use: number;
  p50_lag_s: number;
  p99_lag_s: number;
  max_lag_s: number;
  /** Orders whose lag passed the threshold. */
  over_threshold: number;
  /** Median lag of orders placed with less than one window's capacity waiting: the lag with no backlog (the fastest order's lag when every order found a backlog). */
  base_lag_s: number | null;
  peak_orders_per_hour: number;
  /** What the quota carries (the sustained rate before the no-backlog lag is compared with the threshold). */
  capacity_orders_per_hour: number;
  /** Orders synced per store hour while the backlog exceeded one window's capacity: the run's own drain rate. */
  measured_drain_orders_per_hour: number | null;
  /** How far the placement of orders fell behind the curve, store seconds (the rehearsal's own pacing). */
  placement_behind_s: number;
  /** Complete windows of the limiter with a backlog waiting: our allowed calls over the usable calls. */
  backlog_window_use: number | null;
  /** When the backlog was largest, store seconds from the first order, and its size. */
  peak_backlog: number;
  peak_backlog_at_s: number;
  /** Where the last orders to reach the ERP and the slowest ones spent their time (their Temporal histories). */
  slowest_orders: string[];
}

export interface Series {
  windows: Array<{ t_s: number; ours: number; refused: number; others: number; usable: number; quota: number }>;
  backlog: Array<{ t_s: number; placed: number; synced: number; backlog: number }>;
  lag: Array<{ t_s: number; lag_s: number }>;
  percentiles: Array<{ p: number; lag_s: number }>;
  callsPerOrder: Array<{ route: string; per_order: number }>;
  actionsPerOrder: Array<{ type: string; per_order: number }>;
}

export interface Computed {
  summary: Summary;
  details: Details;
  series: Series;
}

const ORDER_ROUTE = /^\/v[23]\/orders(\/|$)/;

/** How many of the sorted `xs` are <= t. */
function countAtOrBefore(xs: readonly number[], t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Nearest-rank percentile of `xs` (0 < p <= 100); NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Cents of a decimal string, for comparing totals as the product does (to the cent). */
export function cents(amount: string): number {
  return Math.round(Number(amount) * 100);
}

/** An order is lost when the ERP has no sales order for it, or one whose total is not BigCommerce's. */
export function isLost(o: OrderRecord): 'missing' | 'mismatch' | null {
  if (o.syncedMs === null || o.erpTotal === null) return 'missing';
  if (o.bcTotal === null || cents(o.bcTotal) !== cents(o.erpTotal)) return 'mismatch';
  return null;
}

const round = (x: number, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/**
 * Orders per hour the plan carries with the backlog not growing: the usable calls per hour less
 * the other work's calls per hour, over each order's calls. Above it the backlog, and so the lag,
 * grows without bound; below it the lag stays at its no-backlog level.
 */
export function sustainedOrdersPerHour(quota: number, headroom: number, orderCallsPerOrder: number, otherCallsPerHour: number): number {
  if (!(orderCallsPerOrder > 0)) return 0;
  const usablePerHour = usablePerWindow(quota, headroom) * (3600 / STORE_WINDOW_S);
  return Math.max(0, (usablePerHour - otherCallsPerHour) / orderCallsPerOrder);
}

export function computeSummary(run: RunRecord): Computed {
  const k = run.factor;
  const orders = run.orders;
  const n = orders.length;
  if (n === 0) throw new Error('the rehearsal placed no order');
  const t0 = orders.reduce((m, o) => Math.min(m, o.createdMs), Number.POSITIVE_INFINITY);
  const storeS = (ms: number) => ((ms - t0) / 1000) * k;
  const usable = usablePerWindow(run.quota, run.headroom);
  const usablePerS = usable / STORE_WINDOW_S;

  const verdicts = orders.map(isLost);
  const missing = verdicts.filter((v) => v === 'missing').length;
  const mismatch = verdicts.filter((v) => v === 'mismatch').length;
  const synced = orders.filter((o): o is OrderRecord & { syncedMs: number } => o.syncedMs !== null);
  const lastSynced = synced.reduce((m, o) => Math.max(m, o.syncedMs), t0);
  const drainS = storeS(lastSynced);

  const calls = run.calls.length;
  const theoreticalS = calls / usablePerS;
  const refused = run.calls.filter((c) => c.status === 429).length;
  const orderCalls = run.calls.filter((c) => ORDER_ROUTE.test(c.route)).length;
  const otherCalls = calls - orderCalls;
  const runHours = (((run.endMs - run.startMs) / 1000) * k) / 3600;
  const otherPerHour = runHours > 0 ? otherCalls / runHours : 0;
  const byRoute: Record<string, number> = {};
  for (const c of run.calls) byRoute[`${c.method} ${c.route}`] = (byRoute[`${c.method} ${c.route}`] ?? 0) + 1;
  const callsInDrain = run.calls.filter((c) => c.atMs >= t0 && c.atMs <= lastSynced).length;

  const lags = synced.map((o) => ((o.syncedMs - o.createdMs) / 1000) * k);

  // Backlog over time, from both records: orders created by t less orders synced by t.
  const events = [...orders.map((o) => ({ at: o.createdMs, d: 1, placed: 1 })), ...synced.map((o) => ({ at: o.syncedMs, d: -1, placed: 0 }))].sort(
    (a, b) => a.at - b.at || b.d - a.d,
  );
  const backlog: Series['backlog'] = [];
  let waiting = 0;
  let placed = 0;
  let peak = 0;
  let peakAt = 0;
  const stepMs = Math.max(1, run.windowMs / 6);
  let nextSample = t0;
  for (const e of events) {
    while (e.at >= nextSample) {
      backlog.push({ t_s: round(storeS(nextSample), 1), placed, synced: placed - waiting, backlog: waiting });
      nextSample += stepMs;
    }
    waiting += e.d;
    placed += e.placed;
    if (waiting > peak) {
      peak = waiting;
      peakAt = storeS(e.at);
    }
  }
  backlog.push({ t_s: round(storeS(Math.max(nextSample, lastSynced)), 1), placed, synced: placed - waiting, backlog: waiting });

  // "A backlog": more orders waiting than one window's usable calls can take.
  const perWindowOrders = orderCalls > 0 ? usable / (orderCalls / n) : usable;
  const created = orders.map((o) => o.createdMs).sort((a, b) => a - b);
  const done = synced.map((o) => o.syncedMs).sort((a, b) => a - b);
  const waitingAt = (t: number) => countAtOrBefore(created, t) - countAtOrBefore(done, t);
  const backlogged = (t: number) => waitingAt(t) > perWindowOrders;
  // Base lag: orders that found less than one window's capacity waiting when they were placed.
  const calm = synced.filter((o) => waitingAt(o.createdMs) <= perWindowOrders).map((o) => ((o.syncedMs - o.createdMs) / 1000) * k);
  // With no such order (all placed at once), the fastest order bounds it from below.
  const baseLag = calm.length ? percentile(calm, 50) : lags.length ? Math.min(...lags) : null;
  // Above the quota's rate the lag grows without bound; below it the lag is the no-backlog lag, so
  // the plan carries that rate unless even the no-backlog lag passes the threshold.
  const capacity = sustainedOrdersPerHour(run.quota, run.headroom, orderCalls / n, otherPerHour);
  const sustained = baseLag !== null && baseLag > run.lagThresholdS ? 0 : capacity;

  // The run's own drain rate: syncs per store hour over the span the backlog stayed above a window's worth.
  const backlogSyncs = synced
    .filter((o) => backlogged(o.syncedMs - 1))
    .map((o) => o.syncedMs)
    .sort((a, b) => a - b);
  const measuredDrain = backlogSyncs.length >= 10 ? (backlogSyncs.length - 1) / ((((backlogSyncs[backlogSyncs.length - 1]! - backlogSyncs[0]!) / 1000) * k) / 3600) : null;

  // Quota per window (the limiter's windows), and its use in complete windows with a backlog waiting.
  const windows: Series['windows'] = run.windows.map((w) => ({
    t_s: round(storeS(w.startMs), 1),
    ours: w.ours,
    refused: w.oursRefused,
    others: w.others,
    usable,
    quota: run.quota,
  }));
  const full = run.windows.filter((w) => w.startMs >= t0 && w.startMs + run.windowMs <= lastSynced && backlogged(w.startMs) && backlogged(w.startMs + run.windowMs - 1));
  const backlogUse = full.length ? full.reduce((s, w) => s + w.ours, 0) / (full.length * usable) : null;

  // How late the rehearsal placed orders against the curve (order i was due at arrivalMinutes[i]).
  const dueMinutes = arrivalMinutes(run.curve);
  let behind = 0;
  created.forEach((ms, i) => {
    const due = dueMinutes[Math.min(i, dueMinutes.length - 1)] ?? 0;
    behind = Math.max(behind, storeS(ms) - due * 60);
  });

  const summary: Summary = {
    orders: n,
    lost: missing + mismatch,
    drain_s: round(drainS, 1),
    theoretical_s: round(theoreticalS, 1),
    p95_lag_s: round(percentile(lags, 95), 1),
    calls_per_order: round(calls / n, 3),
    actions_per_order: round(run.actions.total / n, 2),
    sustained_orders_per_hour: Math.round(sustained),
  };
  const details: Details = {
    quota: run.quota,
    headroom: run.headroom,
    usable_per_window: usable,
    time_scale: round(k, 3),
    lag_threshold_s: run.lagThresholdS,
    missing,
    total_mismatch: mismatch,
    calls,
    calls_429: refused,
    order_calls_per_order: round(orderCalls / n, 3),
    other_calls: otherCalls,
    other_calls_per_hour: Math.round(otherPerHour),
    calls_by_route: byRoute,
    actions: run.actions.total,
    actions_by_type: run.actions.byType,
    drain_over_theoretical: round(drainS / theoreticalS, 3),
    calls_in_drain: callsInDrain,
    drain_use: round(drainS > 0 ? callsInDrain / (drainS * usablePerS) : 0, 3),
    p50_lag_s: round(percentile(lags, 50), 1),
    p99_lag_s: round(percentile(lags, 99), 1),
    max_lag_s: round(lags.length ? Math.max(...lags) : Number.NaN, 1),
    over_threshold: lags.filter((l) => l > run.lagThresholdS).length,
    base_lag_s: baseLag === null ? null : round(baseLag, 1),
    peak_orders_per_hour: Math.round(peakRate(run.curve) * 60),
    capacity_orders_per_hour: Math.round(capacity),
    measured_drain_orders_per_hour: measuredDrain === null ? null : Math.round(measuredDrain),
    placement_behind_s: round(Math.max(0, behind), 1),
    backlog_window_use: backlogUse === null ? null : round(backlogUse, 3),
    peak_backlog: peak,
    peak_backlog_at_s: round(peakAt, 1),
    slowest_orders: run.slowest ?? [],
  };
  const series: Series = {
    windows,
    backlog,
    lag: synced.map((o) => ({ t_s: round(storeS(o.createdMs), 1), lag_s: round(((o.syncedMs - o.createdMs) / 1000) * k, 1) })),
    percentiles: [50, 75, 90, 95, 99, 100].map((p) => ({ p, lag_s: round(percentile(lags, p), 1) })),
    callsPerOrder: Object.entries(byRoute)
      .sort((a, b) => b[1] - a[1])
      .map(([route, count]) => ({ route, per_order: round(count / n, 3) })),
    actionsPerOrder: Object.entries(run.actions.byType)
      .sort((a, b) => b[1] - a[1])
      .map(([type, count]) => ({ type, per_order: round(count / n, 3) })),
  };
  return { summary, details, series };
}

/** One step of an order's workflow, from its Temporal history (the server's record), wall ms. */
export interface HistoryStep {
  /** `webhook` (the workflow started or was signalled), or an activity type. */
  what: string;
  atMs: number;
  /** For activities: when it was scheduled, started and closed (completed, failed or timed out). */
  scheduledMs?: number;
  startedMs?: number;
  closedMs?: number;
  outcome?: string;
}

/**
 * An order's path in words, store seconds from its creation in BigCommerce: when each event came
 * in, how long each activity waited on its queue and how long it ran. E.g.
 * `order 1207 (lag 418 s): webhook +0.6 s; fetchOrder queued 301.4 s, ran 0.2 s; upsertSalesOrder ...`
 */
export function describeOrderPath(orderId: number, createdMs: number, lagS: number, steps: readonly HistoryStep[], factor: number): string {
  const s = (ms: number) => `${((ms * factor) / 1000).toFixed(1)} s`;
  const parts = steps.map((st) =>
    st.what === 'webhook'
      ? `event +${s(st.atMs - createdMs)}`
      : `${st.what} at +${s((st.scheduledMs ?? st.atMs) - createdMs)} queued ${st.startedMs !== undefined && st.scheduledMs !== undefined ? s(st.startedMs - st.scheduledMs) : '?'}, ran ${st.closedMs !== undefined && st.startedMs !== undefined ? s(st.closedMs - st.startedMs) : '?'}${st.outcome && st.outcome !== 'completed' ? ` (${st.outcome})` : ''}`,
  );
  return `order ${orderId} (lag ${lagS.toFixed(0)} s): ${parts.join('; ')}`;
}
