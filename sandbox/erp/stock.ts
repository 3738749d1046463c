import { z } from 'zod';
import type { ErpSandboxContext, ErpSandboxExtension } from './extensions';
import { SEED_STOCK } from '../bigcommerce/seed';
import { CHARGE_ITEMS, type ErpSalesOrder, type ErpSandboxData, type ErpStockData, type ErpStockLevel } from './state';
import { formatTimestamp, parseToTimestamp, type SuiteQlRow } from './suiteql';
import { invalidControlRequest } from '../control-errors';

/**
 * Stock in the ERP sandbox: per item and location, as NetSuite's `inventoryitemlocations` shows it.
 * On hand is set by the sandbox controls (receipts, counts); committed follows the open sales-order
 * lines (an order booked by orderSync commits its units at the order location, a closed order
 * releases them); available = on hand - committed. Every change is stamped with the ERP's clock and
 * pushed as an `inventory.changed` event (ctx.events), and shows in the sweep's SuiteQL.
 */

/** Where sales orders commit their stock (NetSuite: the order's location; the sandbox keeps one). */
export const ORDER_LOCATION = '1';

const key = (sku: string, location: string) => `${sku}|${location}`;

/**
 * The ERP's stock, started (on first use, so older saved data gets it too) from the same on-hand
 * figures the BigCommerce sandbox seeds: the store and the ERP agree before anything changes.
 */
export function stockOf(data: ErpSandboxData): ErpStockData {
  if (!data.stock) {
    const levels: Record<string, ErpStockLevel> = {};
    for (const s of SEED_STOCK) levels[key(s.sku, s.location)] = { onHand: s.onHand, committed: 0, modifiedMs: 0 };
    data.stock = { levels, committedByOrder: {} };
  }
  return data.stock;
}

export const available = (level: ErpStockLevel): number => level.onHand - level.committed;

/**
 * One stock change as the ERP made it, kept while recording (`PUT /__sandbox/stock/history`): what
 * benches judge the store against. `cause`: a receipt or count (`count`, the stock control), a sale
 * through another channel (`channel-sale`: a shop till, a marketplace, goods leaving the warehouse
 * outside BigCommerce) or a sales order committing or releasing units (`commit`).
 */
export interface ErpStockChange {
  /** The ERP's change time (epoch ms), as its events and the sweep carry it. */
  atMs: number;
  sku: string;
  location: string;
  cause: 'count' | 'channel-sale' | 'commit';
  onHand: number;
  committed: number;
  available: number;
}

const HISTORY_MAX = 2_000_000;

const stockBody = z.object({
  levels: z
    .array(z.object({ sku: z.string().min(1), location: z.string().min(1).default(ORDER_LOCATION), onHand: z.number().int().min(0) }))
    .min(1)
    .max(100_000),
});

const sellBody = z.object({
  sales: z
    .array(z.object({ sku: z.string().min(1), location: z.string().min(1).default(ORDER_LOCATION), units: z.number().int().positive() }))
    .min(1)
    .max(10_000),
});

/**
 * The sweep's query (connectors/erp/netsuite/inventory-sweep.ts), recognised by shape. Column
 * names follow public SuiteQL code (connectors FACTS.md section 2); `iil.lastmodifieddate` on
 * `inventoryitemlocations` and `quantitycommitted` are UNCONFIRMED against a real account's
 * Records Catalog: check them there before going live.
 */
const SWEEP_PATTERN =
  /^SELECT i\.itemid AS sku, iil\.location AS location, iil\.quantityonhand AS quantityonhand, iil\.quantitycommitted AS quantitycommitted, iil\.quantityavailable AS quantityavailable, TO_CHAR\(iil\.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS\.FF3'\) AS lastmodified FROM inventoryitemlocations iil JOIN item i ON i\.id = iil\.item WHERE iil\.lastmodifieddate >= TO_TIMESTAMP\('([^']+)', 'YYYY-MM-DD HH24:MI:SS\.FF3'\) ORDER BY iil\.lastmodifieddate ASC, i\.itemid ASC, iil\.location ASC$/;

/** The levels of some SKUs (connectors/erp/netsuite/inventory-sweep.ts `levelsQuery`): what an `inventory.changed` event is checked against. */
const LEVELS_PATTERN =
  /^SELECT i\.itemid AS sku, iil\.location AS location, iil\.quantityonhand AS quantityonhand, iil\.quantitycommitted AS quantitycommitted, iil\.quantityavailable AS quantityavailable, TO_CHAR\(iil\.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS\.FF3'\) AS lastmodified FROM inventoryitemlocations iil JOIN item i ON i\.id = iil\.item WHERE i\.itemid IN \(((?:'(?:[^']|'')*'(?:, )?)+)\) ORDER BY i\.itemid ASC, iil\.location ASC$/;

export const erpStockExtension: ErpSandboxExtension = (ctx: ErpSandboxContext) => {
  const stock = () => stockOf(ctx.data);
  // Memory only (never persisted), while a bench records.
  const history = { recording: false, changes: [] as ErpStockChange[] };

  /** Applies one change and emits its event. The ERP clock never goes back for an item and location. */
  function change(sku: string, location: string, apply: (level: ErpStockLevel) => void, atMs = ctx.now(), cause: ErpStockChange['cause'] = 'count'): void {
    const levels = stock().levels;
    const level = levels[key(sku, location)] ?? { onHand: 0, committed: 0, modifiedMs: 0 };
    apply(level);
    level.modifiedMs = Math.max(atMs, level.modifiedMs + 1);
    levels[key(sku, location)] = level;
    if (history.recording && history.changes.length < HISTORY_MAX) {
      history.changes.push({ atMs: level.modifiedMs, sku, location, cause, onHand: level.onHand, committed: level.committed, available: available(level) });
    }
    ctx.events.emit({
      type: 'inventory.changed',
      sku,
      location,
      quantityOnHand: level.onHand,
      quantityAvailable: available(level),
      changedAt: new Date(level.modifiedMs).toISOString(),
    });
  }

  /** Commits the order's open lines, replacing what it committed before (a rewrite, a reopen, a close). */
  function recommit(order: ErpSalesOrder, open: boolean): void {
    const before = stock().committedByOrder[order.id] ?? {};
    const after: Record<string, number> = {};
    if (open) {
      for (const line of order.lines) {
        if (line.isClosed || CHARGE_ITEMS.includes(line.item.externalId)) continue;
        after[line.item.refName] = (after[line.item.refName] ?? 0) + line.quantity;
      }
    }
    for (const sku of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const delta = (after[sku] ?? 0) - (before[sku] ?? 0);
      // Stamped no earlier than the order's own last-modified time: a level changed at or after the
      // booking is how inventorySync knows the ERP counts the order.
      if (delta !== 0)
        change(
          sku,
          ORDER_LOCATION,
          (l) => {
            l.committed += delta;
          },
          order.modifiedMs,
          'commit',
        );
    }
    if (Object.keys(after).length) stock().committedByOrder[order.id] = after;
    else delete stock().committedByOrder[order.id];
  }

  ctx.onSalesOrderWritten.push((order) => {
    recommit(order, true);
    ctx.changed();
  });
  ctx.onSalesOrderClosed.push((order) => {
    recommit(order, false);
    ctx.changed();
  });

  // POST /__sandbox/stock {levels:[{sku, location?, onHand}]}: receipts and counts, many at once.
  ctx.controls.post('/stock', (req, res) => {
    const parsed = stockBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    const changes = parsed.data.levels.map((l) => {
      ctx.ensureItem(l.sku);
      change(l.sku, l.location, (level) => {
        level.onHand = l.onHand;
      });
      const level = stock().levels[key(l.sku, l.location)]!;
      return { sku: l.sku, location: l.location, onHand: level.onHand, available: available(level), changedAt: new Date(level.modifiedMs).toISOString() };
    });
    ctx.changed();
    res.json({ changes });
  });

  // POST /__sandbox/stock/sell {sales:[{sku, location?, units}]}: another channel sells from the
  // ERP's stock (on hand goes down), as far as the ERP shows units available; answers what it sold.
  ctx.controls.post('/stock/sell', (req, res) => {
    const parsed = sellBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    const sold = parsed.data.sales.map((s) => {
      const level = stock().levels[key(s.sku, s.location)];
      const units = level ? Math.min(s.units, Math.max(0, available(level))) : 0;
      if (units > 0)
        change(
          s.sku,
          s.location,
          (l) => {
            l.onHand -= units;
          },
          ctx.now(),
          'channel-sale',
        );
      const after = stock().levels[key(s.sku, s.location)];
      return {
        sku: s.sku,
        location: s.location,
        asked: s.units,
        sold: units,
        onHand: after?.onHand ?? 0,
        available: after ? available(after) : 0,
        changedAt: after ? new Date(after.modifiedMs).toISOString() : null,
      };
    });
    if (sold.some((s) => s.sold > 0)) ctx.changed();
    res.json({ sales: sold });
  });

  // GET /__sandbox/stock/history[?since_ms=T]: every stock change while recording; PUT {record} turns it on or off, DELETE clears it.
  ctx.controls.get('/stock/history', (req, res) => {
    const sinceMs = Number(req.query.since_ms ?? 0);
    if (!Number.isFinite(sinceMs)) return void res.status(400).json({ error: 'invalid control request', reason: 'since_ms: expected a number' });
    res.json({ recording: history.recording, changes: history.changes.filter((c) => c.atMs >= sinceMs) });
  });
  ctx.controls.put('/stock/history', (req, res) => {
    const parsed = z.object({ record: z.boolean() }).safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'invalid control request', reason: parsed.error.issues[0]?.message });
    history.recording = parsed.data.record;
    res.json({ recording: history.recording });
  });
  ctx.controls.delete('/stock/history', (_req, res) => {
    history.changes = [];
    res.status(204).end();
  });

  // GET /__sandbox/stock: every level (the bench's and tests' ground truth).
  ctx.controls.get('/stock', (_req, res) => {
    const levels = Object.entries(stock().levels).map(([k, l]) => {
      const [sku, location] = k.split('|') as [string, string];
      return { sku, location, onHand: l.onHand, committed: l.committed, available: available(l), modifiedAt: new Date(l.modifiedMs).toISOString() };
    });
    res.json({ levels });
  });

  ctx.suiteql.register({
    name: 'inventory levels of SKUs (inventoryitemlocations JOIN item, by itemid)',
    pattern: LEVELS_PATTERN,
    rows(match): SuiteQlRow[] {
      const wanted = new Set([...match[1]!.matchAll(/'((?:[^']|'')*)'/g)].map((x) => x[1]!.replace(/''/g, "'")));
      return Object.entries(stock().levels)
        .map(([k, l]) => {
          const [sku, location] = k.split('|') as [string, string];
          return { sku, location, l };
        })
        .filter(({ sku }) => wanted.has(sku))
        .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0) || (a.location < b.location ? -1 : a.location > b.location ? 1 : 0))
        .map(({ sku, location, l }) => ({
          sku,
          location,
          quantityonhand: l.onHand,
          quantitycommitted: l.committed,
          quantityavailable: available(l),
          lastmodified: formatTimestamp(l.modifiedMs),
        }));
    },
  });

  ctx.suiteql.register({
    name: 'inventory sweep (inventoryitemlocations JOIN item, by lastmodifieddate)',
    pattern: SWEEP_PATTERN,
    rows(match): SuiteQlRow[] {
      const sinceMs = parseToTimestamp(match[1]!);
      return (
        Object.entries(stock().levels)
          .filter(([, l]) => l.modifiedMs >= sinceMs)
          .map(([k, l]) => {
            const [sku, location] = k.split('|') as [string, string];
            return { sku, location, l };
          })
          .sort((a, b) => a.l.modifiedMs - b.l.modifiedMs || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0) || (a.location < b.location ? -1 : a.location > b.location ? 1 : 0))
          // SuiteQL returns numbers as strings in places; the connector's schema accepts both.
          .map(({ sku, location, l }) => ({
            sku,
            location,
            quantityonhand: l.onHand,
            quantitycommitted: l.committed,
            quantityavailable: available(l),
            lastmodified: formatTimestamp(l.modifiedMs),
          }))
      );
    },
  });
};
