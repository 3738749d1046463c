import { z } from 'zod';
import type { SandboxContext } from './context';
import { resolveItem } from './inventory-items';
import { applyStockChanges, getLevel, hasLevel, levelKey, MAX_STOCK, type StockChange } from './inventory';
import type { Method } from './inventory-record';
import { nextId, type BcSandboxData } from './state';
import { invalidJson, tooManyItems, V3Failure } from './v3-errors';

/**
 * PUT /v3/inventory/adjustments/absolute and POST .../relative (inventory.v3.yml, FACTS.md section 9).
 * A request is checked as a whole and either refused (422, nothing applied) or accepted: 200 with a
 * `transaction_id` at once, and the stock changes `inventoryDelayMs` later, because "the Inventory API
 * is an asynchronous API ... there may be a short delay before data is updated". Accepted requests
 * are applied strictly in order; a relative request is checked against the stock as it will be once
 * the requests accepted before it are applied ("concurrent requests are handled one-by-one and have
 * a strict order, to avoid overselling").
 */

export const ADJUSTMENT_MAX_ITEMS = 2000;

const item = z
  .object({
    location_id: z.number().int(),
    sku: z.string().min(1).optional(),
    variant_id: z.number().int().optional(),
    product_id: z.number().int().optional(),
    quantity: z.number().int(),
  })
  .refine((i) => [i.sku, i.variant_id, i.product_id].filter((x) => x !== undefined).length === 1, {
    message: 'exactly one of sku, variant_id or product_id identifies the item',
  });

const request = z.object({ reason: z.string().max(255).optional(), items: z.array(z.unknown()) });

interface Job {
  data: BcSandboxData;
  dueMs: number;
  changes: StockChange[];
  method: Method;
}

/** The accepted adjustments not yet applied, in the order they were accepted. */
export class AdjustmentQueue {
  private readonly jobs: Job[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: SandboxContext) {}

  /** On-hand stock once everything accepted so far is applied; `exists` once any absolute write made the level. */
  projected(locationId: number, variantId: number): { onHand: number; exists: boolean } {
    let onHand = getLevel(this.ctx.data, locationId, variantId).onHand;
    let exists = hasLevel(this.ctx.data, locationId, variantId);
    for (const job of this.jobs) {
      if (job.data !== this.ctx.data) continue;
      for (const c of job.changes) {
        if (c.locationId !== locationId || c.variantId !== variantId) continue;
        onHand = job.method === 'absolute' ? c.value : onHand + c.value;
        if (job.method === 'absolute') exists = true;
      }
    }
    return { onHand, exists };
  }

  enqueue(changes: StockChange[], method: Method): void {
    const delay = this.ctx.settings.inventoryDelayMs;
    if (delay <= 0 && this.jobs.length === 0) {
      applyStockChanges(this.ctx, changes, method);
      return;
    }
    const last = this.jobs[this.jobs.length - 1]?.dueMs ?? 0;
    this.jobs.push({ data: this.ctx.data, dueMs: Math.max(Date.now() + delay, last), changes, method });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || !this.jobs.length) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, this.jobs[0]!.dueMs - Date.now()));
    this.timer.unref();
  }

  private flush(): void {
    this.timer = undefined;
    while (this.jobs.length && this.jobs[0]!.dueMs <= Date.now()) {
      const job = this.jobs.shift()!;
      // A reset replaced the store's data: what was queued for the old data is dropped with it.
      if (job.data === this.ctx.data) applyStockChanges(this.ctx, job.changes, job.method);
    }
    this.schedule();
  }
}

const problem = (title: string, errors: Record<string, string> = {}) => new V3Failure(422, title, errors, true);

/** Checks a whole adjustment request; returns its changes, or throws the 422 that refuses all of it. */
export function checkAdjustment(ctx: SandboxContext, queue: AdjustmentQueue, body: unknown, method: Method): StockChange[] {
  const parsed = request.safeParse(body);
  if (!parsed.success) throw invalidJson(parsed.error, body, { problem: true });
  if (parsed.data.items.length > ADJUSTMENT_MAX_ITEMS) throw tooManyItems(ADJUSTMENT_MAX_ITEMS);
  if (parsed.data.items.length === 0) throw problem('Payload contains invalid fields', { items: 'at least one item is required' });
  const items = z.array(item).safeParse(parsed.data.items);
  if (!items.success) throw invalidJson(items.error, parsed.data.items, { prefix: 'items', problem: true });

  const problems: string[] = [];
  const needsAbsolute: string[] = [];
  const changes: StockChange[] = [];
  // Stock as this request moves it, item after item, on top of what is already queued.
  const running = new Map<string, { onHand: number; exists: boolean }>();
  for (const it of items.data) {
    const label = it.product_id !== undefined ? `product_id ${it.product_id}` : it.variant_id !== undefined ? `variant_id ${it.variant_id}` : `sku ${it.sku}`;
    if (!ctx.data.locations[String(it.location_id)]) {
      problems.push(`Location with id ${it.location_id} does not exist`);
      continue;
    }
    const resolved = resolveItem(ctx.data, it);
    if (!resolved.ok) {
      problems.push(resolved.problem);
      continue;
    }
    const key = levelKey(it.location_id, resolved.variantId);
    const state = running.get(key) ?? queue.projected(it.location_id, resolved.variantId);
    if (method === 'absolute') {
      if (it.quantity < 0 || it.quantity > MAX_STOCK) {
        problems.push(`Item with ${label}: quantity must be between 0 and ${MAX_STOCK}`);
        continue;
      }
      running.set(key, { onHand: it.quantity, exists: true });
    } else {
      const safety = getLevel(ctx.data, it.location_id, resolved.variantId).safetyStock;
      if (!state.exists) {
        needsAbsolute.push(label);
        continue;
      }
      if (state.onHand + it.quantity < safety) {
        // "A relative adjustment that would bring the item's stock below the safety buffer ... would error; stock would be unchanged."
        problems.push(`Item with ${label} at location ${it.location_id} has not enough stock: ${state.onHand} on hand, safety stock ${safety}, adjustment ${it.quantity}`);
        continue;
      }
      if (state.onHand + it.quantity > MAX_STOCK) {
        problems.push(`Item with ${label} at location ${it.location_id} would exceed the maximum stock of ${MAX_STOCK}`);
        continue;
      }
      running.set(key, { onHand: state.onHand + it.quantity, exists: true });
    }
    changes.push({ locationId: it.location_id, variantId: resolved.variantId, value: it.quantity });
  }
  // Titles as the spec's examples write them: "[Item with variant_id 106 is tracked by product, ...]",
  // "Items with identity: [product_id 113] requires absolute adjustment before relative".
  if (needsAbsolute.length) throw problem(`Items with identity: [${needsAbsolute.join(', ')}] requires absolute adjustment before relative`);
  if (problems.length) throw problem(`[${problems.join(', ')}]`);
  return changes;
}

export const newTransactionId = (data: BcSandboxData): string => `sandbox-transaction-${nextId(data, 'transaction')}`;
