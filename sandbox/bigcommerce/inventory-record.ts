import express, { type Router } from 'express';
import { z } from 'zod';
import { findVariant } from './catalog';
import type { SandboxContext } from './context';

/** How a stock change was written: an absolute level or a relative delta. */
export type Method = 'absolute' | 'relative';

/**
 * The store's own record of every stock change it applied, while the request log records
 * (`PUT /__sandbox/requests {record: true}`): when (the moment the level changed, after an
 * adjustment's delay), which level, the level before and after, and why (an adjustment, absolute
 * or relative, or an order taking or giving back stock). It is what benches judge inventory with:
 * what the store showed and when, and which writes set a level it already had.
 * `GET /__sandbox/inventory/record[?since_ms=T]`.
 */
export interface StockRecordEntry {
  atMs: number;
  locationId: number;
  variantId: number;
  productId: number;
  sku: string;
  method: Method;
  cause: 'adjustment' | 'order';
  /** The new level (absolute) or the delta (relative). */
  value: number;
  before: number;
  after: number;
}

const MAX_ENTRIES = 2_000_000;
const records = new WeakMap<SandboxContext, StockRecordEntry[]>();

/** Called for every applied change; keeps it only while the request log records. */
export function recordStockChange(ctx: SandboxContext, entry: Omit<StockRecordEntry, 'atMs' | 'sku' | 'productId'>): void {
  if (!ctx.requests.recording) return;
  let list = records.get(ctx);
  if (!list) {
    list = [];
    records.set(ctx, list);
  }
  if (list.length >= MAX_ENTRIES) return;
  const variant = findVariant(ctx.data, entry.variantId);
  list.push({ atMs: ctx.now(), sku: variant?.sku ?? '', productId: variant?.product_id ?? 0, ...entry });
}

export function inventoryRecordControls(ctx: SandboxContext): Router {
  const router = express.Router();
  router.get('/inventory/record', (req, res) => {
    const parsed = z.object({ since_ms: z.coerce.number().int().min(0).default(0) }).safeParse(req.query);
    if (!parsed.success) return void res.status(400).json({ error: 'invalid control request', reason: parsed.error.issues[0]?.message });
    const sinceMs = parsed.data.since_ms;
    res.json({ recording: ctx.requests.recording, entries: (records.get(ctx) ?? []).filter((e) => e.atMs >= sinceMs) });
  });
  router.delete('/inventory/record', (_req, res) => {
    records.delete(ctx);
    res.status(204).end();
  });
  return router;
}
