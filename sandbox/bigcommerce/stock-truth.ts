import express, { type Router } from 'express';
import { z } from 'zod';
import { findVariant } from './catalog';
import type { SandboxContext } from './context';
import type { StockChange } from './inventory';

/**
 * Oversell referee (a sandbox-only control, for `npm run bench -- inventory`): the ERP's physical
 * stock truth per SKU at the location orders take stock from, so the sandbox can count units it
 * sold that did not exist. Told the ERP's on-hand quantity (`PUT /__sandbox/stock-truth`), it
 * counts every unit it sells from then on; a sale beyond on hand - units sold since is oversold.
 * The truth is the warehouse's, not what the store shows: the store may show more (a stale level),
 * and that is exactly what is counted.
 */
export class StockTruth {
  private readonly onHand = new Map<string, number>();
  private readonly sold = new Map<string, number>();
  oversoldUnits = 0;
  oversoldLines = 0;
  checkedUnits = 0;

  set(sku: string, onHand: number): void {
    this.onHand.set(sku.toLowerCase(), onHand);
  }

  /** An order took `units` of `sku`: counts what went beyond the truth. */
  sell(sku: string, units: number): void {
    const key = sku.toLowerCase();
    const onHand = this.onHand.get(key);
    if (onHand === undefined) return;
    const sold = this.sold.get(key) ?? 0;
    const left = Math.max(0, onHand - sold);
    this.checkedUnits += units;
    if (units > left) {
      this.oversoldUnits += units - left;
      this.oversoldLines++;
    }
    this.sold.set(key, sold + units);
  }

  summary() {
    return { skus: this.onHand.size, checkedUnits: this.checkedUnits, oversoldUnits: this.oversoldUnits, oversoldLines: this.oversoldLines };
  }
}

const truths = new WeakMap<SandboxContext, StockTruth>();

/** Called by order placement with the stock it takes (negative values at the order location). */
export function refereeSale(ctx: SandboxContext, changes: StockChange[]): void {
  const truth = truths.get(ctx);
  if (!truth) return;
  for (const c of changes) {
    if (c.value >= 0) continue;
    const variant = findVariant(ctx.data, c.variantId);
    if (variant) truth.sell(variant.sku, -c.value);
  }
}

export function stockTruthControls(ctx: SandboxContext): Router {
  const router = express.Router();
  router.use(express.json({ limit: '10mb' }));
  router.put('/stock-truth', (req, res) => {
    const parsed = z.object({ levels: z.array(z.object({ sku: z.string().min(1), onHand: z.number().int() })).max(100_000) }).safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'invalid control request', reason: parsed.error.issues[0]?.message });
    let truth = truths.get(ctx);
    if (!truth) {
      truth = new StockTruth();
      truths.set(ctx, truth);
    }
    for (const l of parsed.data.levels) truth.set(l.sku, l.onHand);
    res.json(truth.summary());
  });
  router.get('/stock-truth', (_req, res) => void res.json(truths.get(ctx)?.summary() ?? { skus: 0, checkedUnits: 0, oversoldUnits: 0, oversoldLines: 0 }));
  return router;
}
