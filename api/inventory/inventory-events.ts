import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../../config/env';
import type { InventoryChangedEvent } from '../../domain/shared/erp-event';
import type { ErpLevel } from '../../domain/inventory/levels';
import { INVENTORY_SCOPES } from '../../domain/monitoring/required-hooks';
import { inventoryBcEventsSignal, inventoryChangesSignal, inventorySweepSignal, type BcInventoryEvent } from '../../workflows/inventory/inventory-sync.contract';
import { createErpClient } from '../../config/connections';
import { erpGovernedFetch } from '../../config/erp-governed-fetch';
import { levelsOfSkus } from '../../connectors/erp/netsuite/inventory-sweep';
import type { ErpEventDeps } from '../erp/event-deps';
import { signalInventory } from '../../clients/inventory';
import { describeIssues } from '../shared/responses';

/** A pushed event as a level, trusted as it is (ERP_TRUST_PUSHED_LEVELS=true only). */
export const toErpLevel = (e: InventoryChangedEvent): ErpLevel => ({
  sku: e.sku,
  location: e.location,
  quantityAvailable: e.quantityAvailable,
  quantityOnHand: e.quantityOnHand,
  changedAtMs: Date.parse(e.changedAt),
});

const levelKey = (sku: string, location: string) => `${sku}\u0001${location}`;

/**
 * `inventory.changed` events of one `POST /webhooks/erp`: one signal per store for the whole batch
 * (the ERP is one, its levels go to every store we sync). The route answers 202 only after this
 * resolved, so every accepted change is durable in Temporal first.
 *
 * An event is a hint (unless ERP_TRUST_PUSHED_LEVELS=true): the levels signalled are the ERP's own,
 * with the ERP's own change times, read for the batch's SKUs in one SuiteQL read (the sweep's
 * columns, connectors/erp/netsuite/inventory-sweep.ts), and only at the (SKU, location) pairs the
 * events named. A forged level or a `changedAt` in 2099 therefore changes nothing. When the ERP
 * cannot be read here, each store's workflow is asked to sweep the ERP itself (durable, retried):
 * the hint is not lost and the ERP is not made to retry for our read.
 */
export async function handleInventoryEvents(deps: ErpEventDeps, events: InventoryChangedEvent[]): Promise<void> {
  const signalLevels = (levels: ErpLevel[]) =>
    Promise.all(deps.config.stores.map((s) => signalInventory(deps.client, deps.config, s.storeHash, inventoryChangesSignal, [{ levels }])));
  if (deps.config.erp.trustPushedLevels) {
    await signalLevels(events.map(toErpLevel));
    return;
  }
  let read: ErpLevel[];
  try {
    const netsuite = createErpClient(deps.config, { timeoutMs: 5_000, fetch: erpGovernedFetch(deps.config, 'api') });
    read = await levelsOfSkus(
      netsuite,
      events.map((e) => e.sku),
    );
  } catch (err) {
    deps.logger.warn(
      { err: err instanceof Error ? err.message : String(err), events: events.length },
      "ERP levels not read for inventory.changed events; each store's inventory sync sweeps the ERP instead",
    );
    await Promise.all(
      deps.config.stores.map((s) => signalInventory(deps.client, deps.config, s.storeHash, inventorySweepSignal, [{ reason: 'ERP events (levels not read by the API)' }])),
    );
    return;
  }
  const named = new Set(events.map((e) => levelKey(e.sku, e.location)));
  const levels = read.filter((l) => named.has(levelKey(l.sku, l.location)));
  if (levels.length) await signalLevels(levels);
}

/** The BigCommerce inventory scopes we consume: only to tell our own writes' echoes from changes made elsewhere. */
export const isInventoryScope = (scope: string): boolean => INVENTORY_SCOPES.includes(scope);

/**
 * BigCommerce's inventory webhooks, gathered for a moment and handed over as one signal per store:
 * each write of ours comes back as one webhook per item (2000 for a full adjustment), and a signal
 * each would cost more Temporal capacity than the write itself. A webhook's answer waits for its
 * batch's signal, so BigCommerce still gets 200 only once the event is durable.
 */
export class InventoryWebhookBatcher {
  private readonly pending = new Map<string, { events: BcInventoryEvent[]; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>; timer: NodeJS.Timeout }>();

  constructor(
    private readonly deps: { client: Client; config: Config },
    private readonly windowMs = 200,
    private readonly maxEvents = 1000,
  ) {}

  add(storeHash: string, event: BcInventoryEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      let batch = this.pending.get(storeHash);
      if (!batch) {
        batch = { events: [], waiters: [], timer: setTimeout(() => void this.flush(storeHash), this.windowMs) };
        this.pending.set(storeHash, batch);
      }
      batch.events.push(event);
      batch.waiters.push({ resolve, reject });
      if (batch.events.length >= this.maxEvents) void this.flush(storeHash);
    });
  }

  private async flush(storeHash: string): Promise<void> {
    const batch = this.pending.get(storeHash);
    if (!batch) return;
    this.pending.delete(storeHash);
    clearTimeout(batch.timer);
    try {
      await signalInventory(this.deps.client, this.deps.config, storeHash, inventoryBcEventsSignal, [{ events: batch.events }]);
      for (const w of batch.waiters) w.resolve();
    } catch (err) {
      for (const w of batch.waiters) w.reject(err);
    }
  }
}

// --- BigCommerce's inventory webhook data (FACTS.md section 11): ids and the change, never a location ---
const inventoryWebhookData = z.object({
  inventory: z.object({
    product_id: z.number().int(),
    variant_id: z.number().int().optional(),
    method: z.enum(['absolute', 'relative']),
    value: z.number().int(),
  }),
});

/**
 * BigCommerce's inventory webhooks at `POST /webhooks/bigcommerce`: 200 once the event is in the
 * store's inventorySync (batched), 400 for data that can never be read. `.../inventory/updated`:
 * the workflow tells our own writes' echoes (ignored) from changes made elsewhere (the ERP's level
 * is written again). `.../inventory/order/updated`: an order took units, known at once (the order's
 * own workflow reports it only after reading the order, which waits for the API quota).
 */
export async function acceptInventoryWebhook(
  batcher: InventoryWebhookBatcher,
  storeHash: string,
  payload: { scope: string; data: unknown; created_at: number; hash: string },
): Promise<{ status: 200; body: { accepted: true } } | { status: 400; body: { error: string; reason: string } }> {
  const parsed = inventoryWebhookData.safeParse(payload.data);
  if (!parsed.success)
    return {
      status: 400,
      body: {
        error: 'invalid payload',
        reason: describeIssues(parsed.error.issues, 'data'),
      },
    };
  const inv = parsed.data.inventory;
  const byOrder = payload.scope.endsWith('/inventory/order/updated');
  await batcher.add(storeHash, {
    productId: inv.product_id,
    variantId: inv.variant_id,
    method: inv.method,
    value: inv.value,
    ...(byOrder ? { byOrder, createdS: payload.created_at, hash: payload.hash } : {}),
  });
  return { status: 200, body: { accepted: true } };
}
