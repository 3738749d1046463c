import { PLAN_QUOTAS } from '../../config/env';
import { totalOrders, arrivalMinutes } from './curve';
import { reserveOf, STORE_WINDOW_S, usablePerWindow, type Scenario } from './scenario';
import { sustainedOrdersPerHour, type Details, type Summary } from './summary';

/**
 * The verdict in words, from the figures only (pure): what the plan carries, how this sale went,
 * and what would change it. Every number it states is one of the figures or follows from them by
 * the arithmetic it names.
 */

export interface Verdict {
  headline: string;
  /** Paragraphs: capacity, this sale, what would change it (a list), and caveats. */
  capacity: string;
  sale: string;
  changes: string[];
  caveats: string[];
}

const PLAN_LABEL: Record<Scenario['plan'], string> = { standard: 'Standard', plus: 'Plus', pro: 'Pro', enterprise: 'Enterprise' };

/** 45 s, 3 min 05 s, 1 h 02 min. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** 8,100 */
export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

const perMinute = (perHour: number) => count(perHour / 60);

/**
 * How long a sale of `calls` calls, whose last order arrives at `lastArrivalS`, takes to drain at
 * `usablePerWindow` calls per 30 s: the quota's time, but never before the last order arrives
 * (plus the no-backlog lag).
 */
export function drainEstimateS(calls: number, usable: number, lastArrivalS: number, baseLagS: number): number {
  return Math.max(calls / (usable / STORE_WINDOW_S), lastArrivalS + baseLagS);
}

export function verdictOf(s: Scenario, quota: number, summary: Summary, d: Details): Verdict {
  const plan = s.quota !== undefined && s.plan !== 'enterprise' ? `${PLAN_LABEL[s.plan]} plan with a quota of ${quota}` : `${PLAN_LABEL[s.plan]} plan`;
  const reserve = reserveOf(quota, s.headroom);
  const usable = usablePerWindow(quota, s.headroom);
  const threshold = duration(s.lagThresholdS);
  const baseLag = d.base_lag_s;
  const capacity = d.capacity_orders_per_hour;
  const arrivals = arrivalMinutes(s.curve);
  const lastArrivalS = (arrivals[arrivals.length - 1] ?? 0) * 60;
  const otherPart = d.other_calls > 0 ? `, plus ${count(d.other_calls_per_hour)} calls an hour of other work (stock writes, lookups)` : '';

  const capacityText =
    `On the ${plan} (${quota} calls per 30 s; bcsync uses ${usable} and leaves ${reserve} to your other apps at headroom ${s.headroom}), ` +
    `each order cost ${d.order_calls_per_order} BigCommerce calls${otherPart}. ` +
    `So the plan carries about ${count(capacity)} orders an hour (${perMinute(capacity)} a minute): ` +
    `(${usable} x 120 windows an hour${d.other_calls > 0 ? ` - ${count(d.other_calls_per_hour)}` : ''}) / ${d.order_calls_per_order}. ` +
    (summary.sustained_orders_per_hour === 0 && capacity > 0
      ? `But even with no backlog an order took ${duration(baseLag ?? Number.NaN)} to reach the ERP, above your threshold of ${threshold}: at that threshold the plan carries no steady rate (sustained_orders_per_hour = 0).`
      : `Below that rate orders reach the ERP in about ${duration(baseLag ?? d.p50_lag_s)} (the no-backlog lag), within your threshold of ${threshold}; above it the backlog and the lag grow for as long as the rate stays above it.`) +
    (d.measured_drain_orders_per_hour !== null
      ? ` Checked against the run: while a backlog waited, orders reached the ERP at ${count(d.measured_drain_orders_per_hour)} an hour (${((d.measured_drain_orders_per_hour / Math.max(1, capacity)) * 100).toFixed(0)}% of the computed rate).`
      : ' The run never built a backlog, so it cannot check that rate by itself.');

  const peakRatio = capacity > 0 ? d.peak_orders_per_hour / capacity : Number.POSITIVE_INFINITY;
  const lostText =
    summary.lost === 0
      ? "Nothing was lost: every order is in the ERP with BigCommerce's total."
      : `${summary.lost} orders were LOST: ${d.missing} never reached the ERP and ${d.total_mismatch} reached it with a total other than BigCommerce's.`;
  const over = d.over_threshold;
  const overText =
    over === 0
      ? `no order waited longer than your threshold of ${threshold}`
      : `${count(over)} orders (${((over / summary.orders) * 100).toFixed(0)}%) waited longer than your threshold of ${threshold}`;
  const spike =
    peakRatio > 1
      ? `This sale peaked at ${count(d.peak_orders_per_hour)} orders an hour, ${peakRatio.toFixed(1)}x what the plan carries, so a backlog built: ${count(d.peak_backlog)} orders waiting at its peak (${duration(d.peak_backlog_at_s)} in), cleared ${duration(summary.drain_s - d.peak_backlog_at_s)} later.`
      : `This sale peaked at ${count(d.peak_orders_per_hour)} orders an hour, within what the plan carries (${(peakRatio * 100).toFixed(0)}% of it), so no lasting backlog built (at most ${count(d.peak_backlog)} orders waiting).`;
  const ratio = summary.drain_s / summary.theoretical_s;
  const drainText =
    `The ${count(summary.orders)} orders took ${duration(summary.drain_s)} from the first placed to the last in the ERP; ` +
    `the ${count(d.calls)} calls they and the rest of the run made need ${duration(summary.theoretical_s)} at the usable quota (${usable} per 30 s): ${ratio.toFixed(2)}x that` +
    (ratio <= 1.05
      ? ' (the goal is at most 1.05x).'
      : lastArrivalS > summary.theoretical_s
        ? `, because the last order arrived only at ${duration(lastArrivalS)}: the curve, not the quota, set the end.`
        : ` (above the goal of 1.05x: the quota was not kept busy all along${d.backlog_window_use !== null ? `; in the complete windows with a backlog waiting bcsync used ${(d.backlog_window_use * 100).toFixed(0)}% of its usable calls` : ''}).`);
  const saleText = `${spike} ${drainText} Order lag: p50 ${duration(d.p50_lag_s)}, p95 ${duration(summary.p95_lag_s)}, max ${duration(d.max_lag_s)}; ${overText}. ${d.calls_429 === 0 ? 'BigCommerce refused none of our calls (no 429).' : `BigCommerce refused ${d.calls_429} of our calls (429).`} ${lostText}`;

  const changes: string[] = [];
  const lagBase = baseLag ?? d.p50_lag_s;
  const bigger: Array<{ label: string; quota: number }> = [];
  if (quota < PLAN_QUOTAS.pro) bigger.push({ label: `the Pro plan (${PLAN_QUOTAS.pro} calls per 30 s)`, quota: PLAN_QUOTAS.pro });
  bigger.push({ label: `an Enterprise quota of ${count(Math.max(quota * 2, 900))} calls per 30 s`, quota: Math.max(quota * 2, 900) });
  for (const b of bigger) {
    const cap = sustainedOrdersPerHour(b.quota, s.headroom, d.order_calls_per_order, d.other_calls_per_hour);
    const u = usablePerWindow(b.quota, s.headroom);
    changes.push(
      `Plan: ${b.label} carries about ${count(cap)} orders an hour and would clear this sale in about ${duration(drainEstimateS(d.calls, u, lastArrivalS, lagBase))} (the same calls at ${u} per 30 s${lastArrivalS > d.calls / (u / STORE_WINDOW_S) ? ", bounded by the last order's arrival" : ''}).`,
    );
  }
  if (s.headroom > 0) {
    const u0 = usablePerWindow(quota, 0);
    const cap0 = sustainedOrdersPerHour(quota, 0, d.order_calls_per_order, d.other_calls_per_hour);
    changes.push(
      `Headroom: at BC_QUOTA_HEADROOM=0 bcsync would use ${u0} of every ${quota} calls (+${(((u0 - usable) / usable) * 100).toFixed(0)}%), about ${count(cap0)} orders an hour and a drain of about ${duration(drainEstimateS(d.calls, u0, lastArrivalS, lagBase))}, but your other apps on the store would have 1 call per window left and get 429s.`,
    );
  } else {
    changes.push(
      `Headroom: it is 0 already; the other apps on your store have 1 call per window. Raising it to 0.1 (the default) gives them ${reserveOf(quota, 0.1)} and costs this sale ${(((usable - usablePerWindow(quota, 0.1)) / usable) * 100).toFixed(0)}% of its rate.`,
    );
  }
  const otherShare = d.calls > 0 ? d.other_calls / d.calls : 0;
  changes.push(
    `Priorities: order calls already go before stock and catalog work on the store's queue (task priority 1 against 4), so other work only slows orders by what it spends: here ${count(d.other_calls)} calls, ${(otherShare * 100).toFixed(0)}% of the run's. ` +
      (otherShare > 0.05
        ? 'Longer stock-write coalescing during the sale (INVENTORY_QUIET, INVENTORY_MAX_WAIT) batches more changes per call; a catalog run started during the sale would spend quota the same way.'
        : 'There is little to win there; the plan and the headroom are the levers.'),
  );
  const spread = capacity > 0 ? Math.ceil(totalOrders(s.curve) / (capacity / 60)) : Number.POSITIVE_INFINITY;
  if (peakRatio > 1 && Number.isFinite(spread))
    changes.push(
      `Spreading the sale: at most ${perMinute(capacity)} orders a minute keeps the lag at its no-backlog level; this sale's ${count(summary.orders)} orders would need about ${spread} minutes at that rate.`,
    );

  const caveats: string[] = [];
  if (d.placement_behind_s > STORE_WINDOW_S)
    caveats.push(
      `The rehearsal placed orders up to ${duration(d.placement_behind_s)} (store time) behind the curve: this machine could not keep up with the compressed pace, so the arrivals were later than described.`,
    );
  if (d.backlog_window_use !== null && d.backlog_window_use < 0.9)
    caveats.push(
      `While a backlog waited, bcsync used only ${(d.backlog_window_use * 100).toFixed(0)}% of its usable calls: something other than the quota held the drain back, this machine (everything runs on it, ${d.time_scale}x faster than the store) or the product. Rehearse with a lower --time-scale to tell them apart: if the share rises, it was the machine. "Where the last and the slowest orders waited" shows it per order: a long gap between one activity's end and the next one's start is the order's workflow waiting for a worker, not for the quota.`,
    );
  if (d.time_scale > 1)
    caveats.push(
      `Time ran ${d.time_scale}x faster than the store's: the fixed part of each order's processing (webhook, Temporal, ERP) is counted ${d.time_scale}x too, so lags near the no-backlog lag are pessimistic; rehearse with --time-scale 1 for the real figure.`,
    );

  const headline =
    `${PLAN_LABEL[s.plan]} store: carries about ${count(summary.sustained_orders_per_hour)} orders an hour with lag under ${threshold}. ` +
    `This sale (${count(summary.orders)} orders, peak ${perMinute(d.peak_orders_per_hour)}/min) drained in ${duration(summary.drain_s)} (quota alone: ${duration(summary.theoretical_s)}), p95 lag ${duration(summary.p95_lag_s)}. ` +
    (summary.lost === 0 ? 'Nothing lost.' : `${summary.lost} orders LOST.`);
  return { headline, capacity: capacityText, sale: saleText, changes, caveats };
}
