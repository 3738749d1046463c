import { Context } from '@temporalio/activity';
import type { BigCommerceClient } from '../../connectors/bigcommerce/client';
import { getOrder, getOrderSnapshot, type OrderSnapshot } from '../../connectors/bigcommerce/orders/get-order';
import { ensureOrderMetafield } from '../../connectors/bigcommerce/orders/metafields';
import { ensureShipment, listShipments } from '../../connectors/bigcommerce/orders/shipments';
import { updateOrderStatus } from '../../connectors/bigcommerce/orders/update-order';
import type { OmsShipment } from '../../domain/orders/oms-shipment';
import type { BcOrder } from '../../domain/orders/order';
import { shipmentForBigCommerce } from '../../domain/orders/shipment-for-bigcommerce';
import { checkAndRepairHooks, type HookCheck } from '../../connectors/bigcommerce/hooks-repair';
import { listOrdersPage } from '../../connectors/bigcommerce/orders/list-orders';
import { listOrderTotalsPage } from '../../connectors/bigcommerce/orders/list-order-totals';
import type { OrderTotal } from '../../domain/orders/erp-total-repair';
import type { RequiredHook } from '../../domain/monitoring/required-hooks';
import { hookRepairs, reconcileOrdersSignalled } from '../../lib/metrics';
import { getRefund, listOrderRefunds } from '../../connectors/bigcommerce/refunds/get-refund';
import type { BcRefund } from '../../domain/refunds/refund';
import { bigCommerceFailure } from '../shared/failures';

/** The namespace and key under which the ERP's id is kept on each order. */
export const ERP_ID_METAFIELD = { namespace: 'bcsync', key: 'erp_sales_order_id' };

/**
 * Activities that call BigCommerce. A worker registers one set per store, bound to that store's
 * client, on the store's task queue (`bigcommerce.<storeHash>`), whose dispatch rate is the quota.
 */
export interface BigCommerceActivityDeps {
  client: BigCommerceClient;
  /** Hands listed orders to their workflows (reconciliation); absent where no Temporal client is wired. */
  signalOrders?: (storeHash: string, orders: OrderSnapshot[]) => Promise<void>;
  /** The required hooks and our secret header, for the health check. */
  hooks?: { required: RequiredHook[]; headers: Record<string, string> };
}

export function createBigCommerceActivities(deps: BigCommerceActivityDeps) {
  const call = () => {
    const { cancellationSignal, info } = Context.current();
    return { signal: cancellationSignal, priority: info.priority?.priorityKey, attempt: info.attempt };
  };
  /**
   * Every call here is a read or an idempotent write (looks before it creates, or sets a value), so a
   * server or network error is retried like any transient failure.
   */
  const guard = async <T>(fn: (opts: { signal: AbortSignal; priority?: number }) => Promise<T>): Promise<T> => {
    const opts = call();
    try {
      return await fn(opts);
    } catch (err) {
      throw bigCommerceFailure(err, { idempotent: true, attempt: opts.attempt });
    }
  };

  return {
    /** The first orderSync's read (kept for histories that still replay it). */
    async fetchOrder(orderId: number): Promise<BcOrder> {
      return guard((opts) => getOrder(deps.client, orderId, opts));
    },

    /** The order and BigCommerce's clock at the read: one call, lines included. */
    async fetchOrderSnapshot(orderId: number): Promise<OrderSnapshot> {
      return guard((opts) => getOrderSnapshot(deps.client, orderId, opts));
    },

    /** A refund and, with `withOrder`, its order (lines and customer, for the ERP): one call each. */
    async fetchRefund(refundId: number, orderId: number, withOrder: boolean): Promise<{ refund: BcRefund; order: BcOrder | null }> {
      return guard(async (opts) => {
        const refund = await getRefund(deps.client, refundId, opts);
        if (refund.orderId !== orderId) throw new Error(`refund ${refundId} belongs to order ${refund.orderId}, not ${orderId}`);
        return { refund, order: withOrder ? (await getOrderSnapshot(deps.client, orderId, opts)).order : null };
      });
    },

    /** The ids of an order's refunds (one call). */
    async listRefundIds(orderId: number): Promise<number[]> {
      return guard(async (opts) => (await listOrderRefunds(deps.client, orderId, opts)).map((r) => r.id));
    },

    /** The ERP's id on the order, as a metafield (no order change, no webhook back to us). */
    async writeBackErpId(orderId: number, erpId: string): Promise<{ outcome: string }> {
      // POST is safe to repeat here: a second create of the same key is a 409 the connector settles.
      return guard((opts) =>
        ensureOrderMetafield(deps.client, orderId, { ...ERP_ID_METAFIELD, value: erpId, description: 'ERP sales order internal id, written by bigcommerce-sync' }, opts),
      );
    },

    /** Sets the order's status with a staff note (compensation holds, and lifting them). */
    async setOrderStatus(orderId: number, statusId: number, staffNote: string): Promise<OrderSnapshot> {
      return guard(async (opts) => {
        await updateOrderStatus(deps.client, orderId, { statusId, staffNotes: staffNote }, opts);
        // Re-read in the next second, so the echo of our own change is recognised as already seen.
        return readInNextSecond(deps.client, orderId, opts);
      });
    },

    /**
     * One page of reconciliation: the orders changed in the window (oldest change first, lines
     * included), each handed to its workflow as read. One BigCommerce call for up to 250 orders.
     */
    async reconcilePage(window: { fromS: number; untilS: number; page: number }): Promise<{ listed: number; full: boolean; lastModifiedS: number }> {
      const limit = 250;
      const { orders, readAtS } = await guard((opts) => listOrdersPage(deps.client, window, { ...opts, page: window.page, limit }));
      if (!deps.signalOrders) throw new Error('reconcilePage needs a Temporal client to hand orders to their workflows');
      await deps.signalOrders(
        deps.client.storeHash,
        orders.map((order) => ({ order, readAtS })),
      );
      reconcileOrdersSignalled.inc({ store: deps.client.storeHash }, orders.length);
      const last = orders[orders.length - 1];
      return { listed: orders.length, full: orders.length === limit, lastModifiedS: last ? Math.floor(Date.parse(last.dateModified) / 1000) : window.fromS };
    },

    /** One page of order totals created in a window, lowest id first, after `afterId` (repair of ERP totals). */
    async listOrderTotals(window: { fromS: number; untilS: number; afterId: number }): Promise<OrderTotal[]> {
      return guard((opts) => listOrderTotalsPage(deps.client, window, opts));
    },

    /** Compares the store's hooks with the required set and repairs what is wrong (webhook health). */
    async checkHooks(): Promise<{ checks: HookCheck[]; removed: number[] }> {
      if (!deps.hooks) throw new Error('checkHooks needs the required hooks (HOOKS_DESTINATION)');
      const result = await guard(() => checkAndRepairHooks(deps.client, deps.hooks!.required, deps.hooks!.headers));
      for (const c of result.checks) if (c.repaired) hookRepairs.inc({ store: deps.client.storeHash, was: c.was });
      return result;
    },

    /**
     * Creates in BigCommerce every OMS shipment it does not have yet, then reads the order back. The
     * read happens in the next second of BigCommerce's clock, so the order events our own shipments
     * cause are older than the read, and the workflow need not read again when they arrive.
     */
    async copyShipments(orderId: number, order: BcOrder, shipments: OmsShipment[]): Promise<{ copied: Record<string, number>; order: BcOrder; readAtS: number }> {
      return guard(async (opts) => {
        const existing = await listShipments(deps.client, orderId, opts);
        const copied: Record<string, number> = {};
        for (const s of shipments) {
          const planned = shipmentForBigCommerce(order, s);
          if (!planned) continue;
          // ensureShipment looks for its marker first, so a retry after a lost answer creates nothing twice.
          const { shipment } = await ensureShipment(deps.client, orderId, planned, { ...opts, existing });
          existing.push(shipment);
          copied[String(s.shipmentId)] = shipment.id;
        }
        const snapshot = await readInNextSecond(deps.client, orderId, opts);
        return { copied, order: snapshot.order, readAtS: snapshot.readAtS };
      });
    },
  };
}

async function readInNextSecond(client: BigCommerceClient, orderId: number, opts: { signal: AbortSignal; priority?: number }): Promise<OrderSnapshot> {
  const wait = 1_000 - (Date.now() % 1_000) + 20;
  await new Promise((resolve) => setTimeout(resolve, wait));
  return getOrderSnapshot(client, orderId, opts);
}

export type BigCommerceActivities = ReturnType<typeof createBigCommerceActivities>;
