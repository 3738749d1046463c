/**
 * The inventory bench's judge: what BigCommerce showed, level by level and moment by moment,
 * against the ERP's truth, from the two sandboxes' own records only (never inventorySync's state).
 *
 * The truth for one level (SKU at a location): the units BigCommerce should show are the ERP's on
 * hand minus every unit BigCommerce itself sold there (booked in the ERP or not), minus the safety
 * buffer, never below 0. It does not depend on when the ERP books an order (a booking moves ERP
 * `committed`, not on hand), so only the ERP's on-hand changes (receipts, counts, sales through
 * another channel) are changes BigCommerce must be told about; BigCommerce's own sales move what it
 * shows and what it should show alike.
 *
 * Inputs, all from the sandboxes' records:
 * - the ERP's stock history (`GET /__sandbox/stock/history`): every on-hand change with its ERP time;
 * - the store's stock record (`GET /__sandbox/inventory/record`): every level change it applied,
 *   with the level before and after, and whether an adjustment or an order made it;
 * - each level's starting point (ERP on hand, store level) when recording began.
 */

export interface ErpChange {
  atMs: number;
  key: string;
  onHand: number;
  cause: 'count' | 'channel-sale' | 'commit';
}

export interface StoreChange {
  atMs: number;
  key: string;
  cause: 'adjustment' | 'order';
  method: 'absolute' | 'relative';
  before: number;
  after: number;
}

export interface LevelStart {
  key: string;
  /** ERP on hand when recording began. */
  onHand: number;
  /** What the store showed when recording began. */
  shown: number;
  /** Orders take stock here (BigCommerce's sales count against this level). */
  ordersHere: boolean;
}

export interface OversoldSale {
  key: string;
  atMs: number;
  units: number;
  oversold: number;
  /**
   * `lag`: no adjustment reached the level since the ERP's latest on-hand change before the sale
   * (BigCommerce still sold from an older level). `write`: an adjustment applied after that change
   * had set the level above the truth: computed before the change reached us (then `sinceMs -
   * erpChangeMs` is short: still lag), or handing back units the store had sold (a defect; then
   * the ERP change is old or absent).
   */
  cause: 'lag' | 'write';
  /** The ERP's latest on-hand change before the sale (lag), or the adjustment's time (write). */
  sinceMs: number;
  /** The ERP's latest on-hand change before the sale (-Infinity: none while recording). */
  erpChangeMs: number;
  /** For `lag`: when the next adjustment reached the level after that change (undefined: none came). */
  toldAtMs?: number;
  /** For `write`: the level written and the truth at that moment. */
  written?: number;
  truthAtWrite?: number;
}

export interface LevelVerdict {
  key: string;
  /** Per ERP on-hand change: ms until the store first showed the truth (or a later one). */
  lagsMs: number[];
  /** ERP on-hand changes the store never showed (nor any later level). */
  lost: Array<{ atMs: number; onHand: number }>;
  /** Absolute adjustments that set the level it already had. */
  echoWrites: number;
  /** Of those, the ones where the level had come there by the store's own sale since the last change before it (a race, not a repeat). */
  echoAfterSale: number;
  adjustments: number;
  /** The store's level when recording began, and its level and the truth once everything was in. */
  startShown: number;
  finalShown: number;
  finalTruth: number;
  /** Units BigCommerce sold here (net of units given back). */
  soldInStore: number;
  oversold: OversoldSale[];
  /** Units the other channel sold that BigCommerce had already sold (the ERP had not booked them yet). */
  otherChannelOversold: number;
}

/**
 * Walks one level's changes in time order (on a tie the ERP's change first: the store is judged
 * against the newest truth). Deterministic and pure.
 */
export function judgeLevel(start: LevelStart, erp: readonly ErpChange[], store: readonly StoreChange[], buffer: number): LevelVerdict {
  type Ev = { atMs: number; order: number; erp?: ErpChange; store?: StoreChange };
  const events: Ev[] = [
    ...erp.filter((e) => e.cause !== 'commit').map((e, i) => ({ atMs: e.atMs, order: i, erp: e })),
    ...store.map((s, i) => ({ atMs: s.atMs, order: erp.length + i, store: s })),
  ].sort((a, b) => a.atMs - b.atMs || a.order - b.order);

  let onHand = start.onHand;
  let shown = start.shown;
  let sold = 0;
  let lastErpMs = -Infinity;
  let lastWrite: { atMs: number; value: number; truth: number } | undefined;
  let lastStoreCause: StoreChange['cause'] | undefined;
  const truth = () => Math.max(0, onHand - sold - buffer);
  const pending: Array<{ atMs: number; onHand: number }> = [];
  const lagsMs: number[] = [];
  const lagSales: OversoldSale[] = [];
  const verdict: LevelVerdict = {
    key: start.key,
    lagsMs,
    lost: [],
    echoWrites: 0,
    echoAfterSale: 0,
    adjustments: 0,
    startShown: start.shown,
    finalShown: 0,
    finalTruth: 0,
    soldInStore: 0,
    oversold: [],
    otherChannelOversold: 0,
  };

  for (const ev of events) {
    if (ev.erp) {
      const e = ev.erp;
      if (e.cause === 'channel-sale') {
        // The other channel sold `onHand - e.onHand` units; what was left for it: on hand minus BigCommerce's sales.
        const units = onHand - e.onHand;
        verdict.otherChannelOversold += Math.max(0, units - Math.max(0, onHand - sold));
      }
      if (e.onHand === onHand) continue;
      onHand = e.onHand;
      lastErpMs = e.atMs;
      pending.push({ atMs: e.atMs, onHand: e.onHand });
    } else if (ev.store) {
      const s = ev.store;
      if (s.cause === 'order') {
        const units = s.before - s.after;
        if (units > 0 && start.ordersHere) {
          const left = Math.max(0, onHand - sold);
          const over = Math.max(0, units - left);
          if (over > 0) {
            // Our last write came after the ERP's last change and set the level above the truth then.
            const w = lastWrite !== undefined && lastWrite.atMs >= lastErpMs && lastWrite.value > lastWrite.truth ? lastWrite : undefined;
            const byWrite = w !== undefined;
            const sale: OversoldSale = w
              ? { key: start.key, atMs: s.atMs, units, oversold: over, cause: 'write', sinceMs: w.atMs, erpChangeMs: lastErpMs, written: w.value, truthAtWrite: w.truth }
              : { key: start.key, atMs: s.atMs, units, oversold: over, cause: 'lag', sinceMs: lastErpMs, erpChangeMs: lastErpMs };
            verdict.oversold.push(sale);
            if (!byWrite) lagSales.push(sale);
          }
        }
        if (start.ordersHere) sold += units;
      } else {
        verdict.adjustments++;
        if (s.method === 'absolute' && s.before === s.after) {
          verdict.echoWrites++;
          if (lastStoreCause === 'order') verdict.echoAfterSale++;
        }
      }
      shown = s.after;
      lastStoreCause = s.cause;
      if (s.cause === 'adjustment') {
        lastWrite = { atMs: s.atMs, value: s.after, truth: truth() };
        for (const sale of lagSales.splice(0)) sale.toldAtMs = s.atMs;
      }
    }
    if (shown === truth() && pending.length) {
      for (const p of pending) lagsMs.push(ev.atMs - p.atMs);
      pending.length = 0;
    }
  }
  verdict.lost = pending.slice();
  verdict.finalShown = shown;
  verdict.finalTruth = truth();
  verdict.soldInStore = sold;
  return verdict;
}

/** Nearest-rank percentile of `values` (0 with none). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
