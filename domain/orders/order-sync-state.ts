import { fromUnits, toUnits } from '../shared/money';
import { mapOrderToOmsOrder } from './map-order-to-oms-order';
import { totalMismatchMessage, type TotalMismatch } from './lifecycle';
import type { OmsOrder } from './oms-order';
import type { OmsShipment } from './oms-shipment';
import type { BcOrder } from './order';
import type { OrderEvent } from './order-event';

/**
 * The decisions of an order's sync (orderSync), pure: what a pass must do given the order and what
 * was synced so far. The workflow holds the state (its contract names it) and carries these out.
 * Each function takes only the part of the state it decides on.
 */

/** Event hashes remembered to count duplicate deliveries. */
export const HASHES_KEPT = 200;

/** What the sync wrote so far to the ERP and the OMS. */
export interface SyncedSoFar {
  erp: { id: string | null; fingerprint: string | null; closed: boolean; unconfirmed?: boolean; totalMismatch?: TotalMismatch };
  oms: { fingerprint: string | null; status: string | null; order: OmsOrder | null; unconfirmed?: OmsOrder | null };
}

/**
 * An event's hash against the ones remembered: a repeated one is a duplicate delivery (counted, yet
 * still taken in: two changes in the same second can share a hash). A new one is remembered, the
 * oldest forgotten past `kept`.
 */
export function rememberHash(recent: readonly string[], hash: string, kept = HASHES_KEPT): { duplicate: boolean; recent: string[] } {
  if (recent.includes(hash)) return { duplicate: true, recent: [...recent] };
  const next = [...recent, hash];
  return { duplicate: false, recent: next.length > kept ? next.slice(next.length - kept) : next };
}

/** The OMS's shipments waiting to be copied to BigCommerce, with the ones just reported: the latest of each, voided and copied ones left out. */
export function mergeShipments(pending: readonly OmsShipment[], copied: Readonly<Record<string, number>>, reported: readonly OmsShipment[]): OmsShipment[] {
  const next = [...pending];
  for (const s of reported) {
    if (s.voided || copied[String(s.shipmentId)] !== undefined) continue;
    const i = next.findIndex((p) => p.shipmentId === s.shipmentId);
    if (i >= 0) next[i] = s;
    else next.push(s);
  }
  return next;
}

/** What a pass takes from the events that woke it. */
export interface TakenEvents {
  /** The order as last read: a fresher read made by reconciliation's listing replaces ours. */
  order: BcOrder | null;
  lastReadAtS: number;
  /** The newest event, without its snapshot (kept in the state); undefined when there was none. */
  lastEvent: OrderEvent | undefined;
  /** Reconciliation handed us the order: it changed while we may have missed events. */
  fromReconciliation: boolean;
  /** The order must be read: asked for, never read, or an event not older than our last read. */
  needRead: boolean;
  /** Events came, and all are in what we read already: a read saved. */
  readSaved: boolean;
  /** The repair of ERP totals asks for the sales order to be written again. */
  repairAsked: boolean;
}

/**
 * Whether reconciliation's copy of the order may replace ours. Both read times are whole seconds
 * (BigCommerce's Date header), so a listing made in the same second as our read may be the older
 * of the two: the order's own `date_modified` decides first (an older one is stale, a newer one
 * fresher); with the same `date_modified`, the later read wins; with the same second too, a copy
 * that differs from ours cannot be placed: neither is taken and the order is read again.
 * (The rule before: any copy read in our read's second or later replaced ours; the cluster bench
 * caught a listing made just before a payment overwrite the paid order we had just read, and the
 * OMS got the order back as awaiting payment for a reconciliation interval.)
 */
export function snapshotVerdict(ours: { order: BcOrder | null; lastReadAtS: number }, snapshot: { order: BcOrder; readAtS: number }): 'take' | 'stale' | 'unsure' {
  if (!ours.order) return 'take';
  const theirs = Date.parse(snapshot.order.dateModified);
  const mine = Date.parse(ours.order.dateModified);
  if (Number.isFinite(theirs) && Number.isFinite(mine) && theirs !== mine) return theirs > mine ? 'take' : 'stale';
  if (snapshot.readAtS !== ours.lastReadAtS) return snapshot.readAtS > ours.lastReadAtS ? 'take' : 'stale';
  return JSON.stringify(snapshot.order) === JSON.stringify(ours.order) ? 'take' : 'unsure';
}

/**
 * `staleGuard`: whether a copy the rule before this one would have taken may be judged by
 * `snapshotVerdict` (the workflow asks its patch, and only then: histories recorded before it replay
 * as they ran, and a run where the two rules agree records no marker).
 */
export function takeEvents(
  events: readonly OrderEvent[],
  read: { order: BcOrder | null; lastReadAtS: number },
  forceRead: boolean,
  staleGuard: () => boolean = () => true,
): TakenEvents {
  let { order, lastReadAtS } = read;
  let unsure = false;
  for (const e of events) {
    if (!e.snapshot) continue;
    const before = e.snapshot.readAtS >= lastReadAtS;
    const verdict = snapshotVerdict({ order, lastReadAtS }, e.snapshot);
    const now = verdict === 'take';
    const judged = before !== now && staleGuard();
    if (judged ? now : before) {
      order = e.snapshot.order;
      lastReadAtS = e.snapshot.readAtS;
    } else if (judged && verdict === 'unsure') unsure = true;
  }
  const last = events[events.length - 1];
  // Events from seconds before our last read are already in what we read: no call needed.
  const needRead = forceRead || unsure || !order || events.some((e) => e.createdAt >= lastReadAtS);
  return {
    order,
    lastReadAtS,
    lastEvent: last ? { ...last, snapshot: undefined } : undefined,
    fromReconciliation: events.some((e) => e.snapshot !== undefined),
    needRead,
    readSaved: !needRead && events.length > 0,
    repairAsked: events.some((e) => e.repair === 'erp-total'),
  };
}

/** What to undo for a cancelled order. */
export interface CancellationPlan {
  /** Close the ERP sales order (idempotent, harmless when it is not there). */
  closeErp: boolean;
  /** Cancel this OMS order (none: nothing to cancel there). */
  omsTarget: OmsOrder | null;
  /** The OMS order may not exist (we never knew it): cancel only if it is there. */
  omsOnlyIfPresent: boolean;
}

/**
 * What a cancellation undoes. A write whose answer we never got may still have landed: it is undone
 * too when `undoUnconfirmed` says so (behind a patch: runs that already went past such a
 * cancellation replay as they ran). Under the version gate (`current`), a run that has written
 * nothing (started by the cancellation's webhook or by reconciliation after an earlier run ended)
 * cannot know what earlier runs wrote: it closes the ERP order and cancels the OMS order if they are
 * there (both look first).
 */
export function cancellationPlan(
  storeHash: string,
  order: BcOrder,
  synced: SyncedSoFar & { skuMap: Record<string, string> },
  rules: { current: boolean; undoUnconfirmed: { erp: boolean; oms: boolean } },
): CancellationPlan {
  const { erp, oms } = synced;
  const wroteNothing = rules.current && erp.id === null && !erp.unconfirmed;
  const erpMayHaveIt = erp.id !== null || rules.undoUnconfirmed.erp || wroteNothing;
  const omsUnknown = rules.current && !oms.order && !oms.unconfirmed;
  const omsKnown = oms.order ?? (rules.undoUnconfirmed.oms ? (oms.unconfirmed ?? null) : null);
  const omsTarget = omsKnown ?? (omsUnknown ? mapOrderToOmsOrder(storeHash, order, { skuMap: synced.skuMap }) : null);
  return {
    closeErp: erpMayHaveIt && !erp.closed,
    omsTarget: omsTarget && omsTarget.items.length > 0 && oms.status !== 'cancelled' ? omsTarget : null,
    omsOnlyIfPresent: omsKnown === null,
  };
}

/**
 * The sales order is written again when its content changed, when it was closed, when ops retry a
 * total mismatch (`decided`), or when the repair of ERP totals asks.
 */
export function erpWriteDue(erp: SyncedSoFar['erp'], erpPrint: string, ask: { decided: boolean; repairAsked: boolean }): boolean {
  return erpPrint !== erp.fingerprint || erp.closed || (ask.decided && erp.totalMismatch !== undefined) || ask.repairAsked;
}

/**
 * A write must look before it writes: an earlier write whose answer never came may have landed, and
 * a run that reconciliation started knows nothing of what earlier runs wrote.
 */
export const erpLookFirst = (erp: SyncedSoFar['erp'], fromReconciliation: boolean): boolean => erp.unconfirmed === true || (erp.fingerprint === null && fromReconciliation);

export const omsLookFirst = (oms: SyncedSoFar['oms'], fromReconciliation: boolean): boolean => oms.unconfirmed != null || (oms.fingerprint === null && fromReconciliation);

/** The OMS order is sent when it changed, has items, and the OMS has not shipped or cancelled it (then it is final there). */
export function omsWriteDue(oms: SyncedSoFar['oms'], omsPrint: string, omsOrder: OmsOrder): boolean {
  const locked = oms.status === 'shipped' || oms.status === 'cancelled';
  return omsPrint !== oms.fingerprint && !locked && omsOrder.items.length > 0;
}

/** A problem of the order's sync, as ops see it. */
export interface OrderProblem<S extends string = string> {
  type: string;
  message: string;
  step: S;
  transient: boolean;
}

export const totalMismatchProblem = (m: TotalMismatch): OrderProblem<'erp'> => ({ type: 'ErpTotalMismatch', message: totalMismatchMessage(m), step: 'erp', transient: false });

/** Cancelled in the OMS but not in BigCommerce: goods will not ship. A person decides. */
export const omsCancelledProblem = (bigCommerceStatus: string): OrderProblem<'oms'> => ({
  type: 'OmsLocked',
  message: `the OMS order is cancelled while BigCommerce's is ${bigCommerceStatus}`,
  step: 'oms',
  transient: false,
});

/** The staff note of an order we hold in BigCommerce instead of sending it to fulfilment. */
export const holdNote = (problem: OrderProblem): string => `bcsync: not sent to fulfilment: ${problem.type}: ${problem.message}`.slice(0, 1000);

/** The decisions ops can take on an order; throws the refusal. Resolve needs something parked. */
export function validateOrderDecision(d: { action: string }, parked: boolean): void {
  if (!['retry', 'skip', 'resolve'].includes(d.action)) throw new Error(`unknown decision ${String(d.action)}: retry, skip or resolve`);
  if (d.action === 'resolve' && !parked) throw new Error('nothing to resolve: the order is not parked');
}

/** What ops filter on: published as search attributes when it changes. Waiting shows as nothing. */
export function orderSearchAttributes(s: { status: string; problem: { type: string } | null; erp: { id: string | null } }): { status: string; errorType: string; erpId: string } {
  return { status: s.status === 'Waiting' ? '' : s.status, errorType: s.problem?.type ?? '', erpId: s.erp.id ?? '' };
}

/** The parts of the state the details in the Web UI show. */
export interface OrderDetailsView extends SyncedSoFar {
  status: string;
  order: BcOrder | null;
  passes: number;
  duplicatesIgnored: number;
  fetchesSaved: number;
  shipmentsCopied: Record<string, number>;
  refunds?: Record<string, { refundId: number; amount: string; status: string; creditMemoId: string | null }>;
  lastEvent: OrderEvent | null;
  hold: { previousStatusId: number } | null;
  problem: OrderProblem | null;
  lastDecision: { action: string; at: string; note?: string } | null;
}

/** The run's details (Markdown) for the Web UI: the order, where its sync stands, and what ops can do. */
export function orderDetails(state: OrderDetailsView, run: { storeHash: string; orderId: number; parkRetryMs: number }): string {
  const o = state.order;
  const lines = [
    `**BigCommerce order ${run.orderId}** (store \`${run.storeHash}\`)${o ? ` · ${o.billingAddress.firstName} ${o.billingAddress.lastName} · ${o.currency} ${fromUnits(toUnits(o.totalIncTax)).slice(0, -2)} · ${o.status}` : ''}`,
    `- Sync: **${state.status}**${state.erp.id ? ` · ERP sales order ${state.erp.id}${state.erp.closed ? ' (closed)' : ''}` : ''}${state.oms.status ? ` · OMS ${state.oms.status}` : ''}`,
    `- Passes ${state.passes} · duplicates ignored ${state.duplicatesIgnored} · reads saved ${state.fetchesSaved} · shipments copied ${Object.keys(state.shipmentsCopied).length}`,
  ];
  for (const r of Object.values(state.refunds ?? {}))
    lines.push(`- Refund ${r.refundId}: ${r.amount.slice(0, -2)} · ${r.status}${r.creditMemoId ? ` · ERP credit memo ${r.creditMemoId}` : ''}`);
  if (state.lastEvent) lines.push(`- Last event: \`${state.lastEvent.scope}\` at ${new Date(state.lastEvent.createdAt * 1000).toISOString()}`);
  if (state.hold) lines.push(`- On hold in BigCommerce (Manual Verification Required); was status ${state.hold.previousStatusId}`);
  if (state.problem) {
    lines.push(
      `- **Needs attention** (${state.problem.step}): \`${state.problem.type}\`: ${state.problem.message}`,
      state.problem.transient
        ? `- Tries again by itself in ${Math.round(run.parkRetryMs / 1000)} s; or decide now: signal \`decide\` with \`{"action":"retry"}\`, \`{"action":"skip"}\` or \`{"action":"resolve"}\``
        : `- Decide: signal \`decide\` with \`{"action":"retry"}\` (with corrections: \`{"action":"retry","skuMap":{"OLD-SKU":"NEW-SKU"}}\`), \`{"action":"skip"}\` or \`{"action":"resolve"}\``,
    );
  }
  if (state.lastDecision) lines.push(`- Last decision: ${state.lastDecision.action} at ${state.lastDecision.at}${state.lastDecision.note ? ` (${state.lastDecision.note})` : ''}`);
  return lines.join('\n');
}
