import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { signalInventory } from '../../clients/inventory';
import type { Config } from '../../config/env';
import type { BigCommerceClient } from '../../connectors/bigcommerce/client';
import { writeAbsoluteLevels } from '../../connectors/bigcommerce/inventory/absolute-adjustment';
import { lookupTracking, RequestTargetBudget, type SkuTracking } from '../../connectors/bigcommerce/inventory/tracking';
import type { NetSuiteClient } from '../../connectors/erp/netsuite/client';
import { sweepLevels, type SweepPage } from '../../connectors/erp/netsuite/inventory-sweep';
import { salesOrderBookedAt } from '../../connectors/erp/netsuite/sales-order-booked-at';
import type { AbsoluteItem } from '../../domain/inventory/batches';
import { inventoryBookedSignal, inventorySaleSignal, inventorySweepSignal, type InventorySale } from '../../workflows/inventory/inventory-sync.contract';
import { bigCommerceFailure, idempotentErpCall } from '../shared/failures';

/**
 * Inventory activities, one factory per queue they run on: BigCommerce calls on the store's queue
 * (rate-limited to its quota), ERP calls on the ERP's queue (its concurrency cap), and the signals
 * to the store's inventorySync on the workflow queue (they talk to Temporal only).
 */

export function createInventoryBigCommerceActivities(deps: { client: BigCommerceClient }) {
  // How long a read's URL the store takes: learnt once per process (a refusal halves it), not per flush.
  const budget = new RequestTargetBudget();
  const guard = async <T>(fn: (opts: { signal: AbortSignal; priority?: number }) => Promise<T>): Promise<T> => {
    const { cancellationSignal, info } = Context.current();
    try {
      return await fn({ signal: cancellationSignal, priority: info.priority?.priorityKey });
    } catch (err) {
      // Absolute adjustments and reads are idempotent: safe to repeat after a server or network error.
      throw bigCommerceFailure(err, { idempotent: true, attempt: info.attempt });
    }
  };
  return {
    /**
     * One absolute adjustment (<= 2000 items, one location); the workflow sends them one at a time.
     * `answeredAtMs`: when BigCommerce's 200 came back (this worker's clock), a bound on when it
     * took the write that does not wait for the workflow to pick the answer up.
     */
    async writeInventoryLevels(items: AbsoluteItem[], reason: string): Promise<{ transactionId: string; answeredAtMs: number }> {
      const res = await guard((opts) => writeAbsoluteLevels(deps.client, items, reason, opts));
      return { ...res, answeredAtMs: Date.now() };
    },

    /**
     * How each SKU's stock is kept (by product or by variant), what the store shows at each location,
     * and how many calls finding out took. `readAtMs`: when the last inventory item read came back
     * (this worker's clock): every level shown was read by then.
     */
    async lookupInventoryTracking(skus: string[]): Promise<{ items: SkuTracking[]; calls: number; readAtMs?: number }> {
      return guard((opts) => lookupTracking(deps.client, skus, { ...opts, budget }));
    },
  };
}

export function createInventoryErpActivities(deps: { netsuite: NetSuiteClient }) {
  const guard = idempotentErpCall;
  return {
    /** One page (<= 1000 rows) of ERP levels changed since the cursor: the sweep. */
    async sweepInventoryLevels(cursor: { sinceMs: number; offset: number }): Promise<SweepPage> {
      return guard(() => sweepLevels(deps.netsuite, cursor));
    },

    /** The sales order's last-modified time in the ERP (ERP clock, epoch ms): when it was booked. */
    async salesOrderBookedAt(externalId: string): Promise<number> {
      return guard(() => salesOrderBookedAt(deps.netsuite, externalId));
    },
  };
}

export function createInventoryControlActivities(deps: { client: Client; config: Config }) {
  return {
    /** Units of an order BigCommerce took from its stock (empty: it gave them back). */
    async reportInventorySale(storeHash: string, sale: InventorySale): Promise<void> {
      await signalInventory(deps.client, deps.config, storeHash, inventorySaleSignal, [sale]);
    },
    /** The order's sales order is in the ERP as of `bookedAtMs` (ERP clock). */
    async reportInventoryBooked(storeHash: string, booked: { orderId: number; bookedAtMs: number }): Promise<void> {
      await signalInventory(deps.client, deps.config, storeHash, inventoryBookedSignal, [booked]);
    },
    /** Wakes the store's inventorySync to sweep the ERP (the schedule, ops). */
    async requestInventorySweep(storeHash: string, reason: string): Promise<void> {
      await signalInventory(deps.client, deps.config, storeHash, inventorySweepSignal, [{ reason }]);
    },
  };
}

export type InventoryBigCommerceActivities = ReturnType<typeof createInventoryBigCommerceActivities>;
export type InventoryErpActivities = ReturnType<typeof createInventoryErpActivities>;
export type InventoryControlActivities = ReturnType<typeof createInventoryControlActivities>;
