import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toUnits } from '../../domain/shared/money';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { orderStateQuery } from '../../workflows/orders/order-sync.contract';
import { refundStateQuery } from '../../workflows/refunds/refund-sync.contract';
import { recordHistory } from '../support/histories';
import { registerHooks } from '../../cli/register-hooks';
import { requestReconcile } from '../../clients/monitoring';
import { eventually, startStack, TEST_SECRET, type Stack } from '../support/stack';
import { storeApi } from '../support/store-calls';
import type { Json } from '../support/json';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ ORDER_RETRY_WINDOW: '3s', ORDER_PARK_RETRY: '2s', REFUND_DECLINE_CHECKS: '1s,2s,30s' });
});
afterAll(async () => {
  await stack?.close();
});

const bc = (method: string, p: string, body?: unknown): Promise<Json> => storeApi(stack)(method, p, body);
const control = (base: string, method: string, p: string, body?: unknown) =>
  fetch(`${base}/__sandbox${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const erpData = () => stack.sandboxes.erp.data;
const creditMemo = (refundId: number) => Object.values(erpData().creditMemos).find((c) => c.externalId === `bc-${stack.storeHash}-refund-${refundId}`);
const refundWorkflow = (refundId: number) => stack.client.workflow.getHandle(`refund:${stack.storeHash}:${refundId}`);

/** As a merchant's refund screen does it: quote, then refund exactly the quoted amount. */
async function refund(orderId: number, items: Array<{ item_type: string; item_id: number; quantity?: number; amount?: number }>): Promise<Json> {
  const quote = (await bc('POST', `/v3/orders/${orderId}/payment_actions/refund_quotes`, { items })).data;
  const method = quote.refund_methods[0][0];
  // One refund at a time per order: BigCommerce refuses a second while the first is processing.
  for (let attempt = 0; ; attempt++) {
    try {
      return (
        await bc('POST', `/v3/orders/${orderId}/payment_actions/refunds`, {
          items,
          payments: [{ provider_id: method.provider_id, amount: method.amount, offline: method.offline }],
        })
      ).data;
    } catch (err) {
      if (attempt > 20 || !/processing|in progress|409|422/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('refunds made in BigCommerce are booked in the ERP exactly once', () => {
  it("a partial then a full refund, every webhook three times and shuffled with the order's own, gives one credit memo each", async () => {
    await control(stack.sandboxes.bcUrl, 'PUT', '/webhook-faults', { copies: 3, delayMs: [0, 800] });
    try {
      const order = await stack.createOrder(demoOrderBody(0)); // 1 x product 111, 3 x product 112, shipping
      const lines: Json[] = await bc('GET', `/v2/orders/${order.id}/products`);
      const [first, second] = lines;
      // Refunded at once: the refund's webhook races the order's own.
      const partial = await refund(order.id, [{ item_type: 'PRODUCT', item_id: second.id, quantity: 1 }]);
      const rest = await refund(order.id, [
        { item_type: 'PRODUCT', item_id: first.id, quantity: 1 },
        { item_type: 'PRODUCT', item_id: second.id, quantity: 2 },
        { item_type: 'SHIPPING', item_id: (await bc('GET', `/v2/orders/${order.id}/shipping_addresses`))[0].id, amount: 10.26 },
      ]);

      for (const r of [partial, rest]) {
        const memo = await eventually(() => creditMemo(r.id), `the credit memo of refund ${r.id}`);
        // The ERP's total is BigCommerce's refund total, to the cent.
        expect(Math.round(memo.lines.reduce((s, l) => s + l.amount, 0) * 100)).toBe(Math.round(r.total_amount * 100));
        expect(memo.createdFrom.externalId).toBe(`bc-${stack.storeHash}-${order.id}`);
        await eventually(async () => ((await refundWorkflow(r.id).query(refundStateQuery)).status === 'Booked' ? true : undefined), `refund ${r.id} booked`);
      }
      const partialMemo = creditMemo(partial.id)!;
      expect(partialMemo.lines.filter((l) => l.custcol_bcsync_line_id === String(second.id)).map((l) => [l.item.externalId, l.quantity])).toEqual([[second.sku, 1]]);
      const restMemo = creditMemo(rest.id)!;
      expect(
        restMemo.lines
          .filter((l) => /^\d+$/.test(l.custcol_bcsync_line_id ?? ''))
          .map((l) => [l.item.externalId, l.quantity])
          .sort(),
      ).toEqual(
        [
          [first.sku, 1],
          [second.sku, 2],
        ].sort(),
      );
      expect(restMemo.lines.some((l) => l.custcol_bcsync_line_id === 'adjustment' && l.amount > 0)).toBe(true); // the shipping

      // Three deliveries of each refund event, one booking each: a second write would count here.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(erpData().creditMemoWrites[`bc-${stack.storeHash}-refund-${partial.id}`]).toBe(1);
      expect(erpData().creditMemoWrites[`bc-${stack.storeHash}-refund-${rest.id}`]).toBe(1);

      // The order's own workflow shows both refunds and follows the status to Refunded.
      const orderState = await eventually(async () => {
        const s = await stack.client.workflow.getHandle(`order:${stack.storeHash}:${order.id}`).query(orderStateQuery);
        return Object.keys(s.refunds ?? {}).length === 2 && s.order?.statusId === 4 ? s : undefined;
      }, 'the order workflow to show two refunds and status Refunded');
      expect(Object.values(orderState.refunds!).map((n) => n.status)).toEqual(['Booked', 'Booked']);
      await recordHistory(refundWorkflow(partial.id), 'refund-sync-v1-booked');
    } finally {
      await control(stack.sandboxes.bcUrl, 'PUT', '/webhook-faults', { copies: 1, delayMs: [0, 0] });
    }
  });

  it('waits for its order to reach the ERP, then books', async () => {
    // The ERP refuses the sales order for now: the refund must not be booked against nothing.
    await control(stack.sandboxes.erpUrl, 'POST', '/faults', { method: 'PUT', path: '^/salesOrder/', status: 503 });
    const order = await stack.createOrder(demoOrderBody(1));
    const lines: Json[] = await bc('GET', `/v2/orders/${order.id}/products`);
    const r = await refund(order.id, [{ item_type: 'PRODUCT', item_id: lines[0].id, quantity: 1 }]);
    await new Promise((res) => setTimeout(res, 3_000));
    expect(creditMemo(r.id)).toBeUndefined();
    const waiting = await refundWorkflow(r.id).describe();
    expect(waiting.raw.pendingActivities?.map((a) => a.activityType?.name)).toEqual(['awaitSalesOrder']);

    await control(stack.sandboxes.erpUrl, 'DELETE', '/faults');
    const memo = await eventually(() => creditMemo(r.id), 'the credit memo once the order is in the ERP', 30_000);
    expect(Math.round(memo.lines.reduce((s, l) => s + l.amount, 0) * 100)).toBe(Math.round(r.total_amount * 100));
  });

  it('a refund whose webhook never came is found by reconciliation and booked', async () => {
    const order = await stack.createOrder(demoOrderBody(0));
    await eventually(() => Object.values(erpData().salesOrders).find((o) => o.externalId === `bc-${stack.storeHash}-${order.id}`), 'the order in the ERP');
    const hooks: Json[] = ((await (await fetch(`${stack.sandboxes.bcUrl}/__sandbox/summary`)).json()) as Json).hooks;
    const refundHook = hooks.find((h) => h.scope === 'store/order/refund/created');
    await bc('DELETE', `/v3/hooks/${refundHook.id}`);
    try {
      const lines: Json[] = await bc('GET', `/v2/orders/${order.id}/products`);
      const r = await refund(order.id, [{ item_type: 'PRODUCT', item_id: lines[0].id, quantity: 1 }]);
      await new Promise((res) => setTimeout(res, 2_000));
      expect(creditMemo(r.id)).toBeUndefined(); // the order's update arrived; the refund's did not
      await requestReconcile(stack.client, stack.config, stack.storeHash, { reason: 'test: missed refund' });
      const memo = await eventually(() => creditMemo(r.id), 'the credit memo of the refund found by reconciliation');
      expect(Math.round(memo.lines.reduce((s, l) => s + l.amount, 0) * 100)).toBe(Math.round(r.total_amount * 100));
      const started = await stack.client.workflow.getHandle(`order:${stack.storeHash}:${order.id}`).query(orderStateQuery);
      expect(started.refundsStarted).toEqual([r.id]);
      await recordHistory(stack.client.workflow.getHandle(`order:${stack.storeHash}:${order.id}`), 'order-sync-v2-discovers-missed-refund');
    } finally {
      await registerHooks(stack.config.stores[0]!, stack.config.health.destination!, TEST_SECRET, stack.config.health.exceptionDestination, {
        inventory: stack.config.inventory.enabled,
      });
    }
  });

  it('a payment BigCommerce declines after the refund was booked is taken back in the ERP', async () => {
    const order = await stack.createOrder(demoOrderBody(2));
    const lines: Json[] = await bc('GET', `/v2/orders/${order.id}/products`);
    const r = await refund(order.id, [{ item_type: 'PRODUCT', item_id: lines[0].id, quantity: 1 }]);
    await eventually(() => creditMemo(r.id), 'the credit memo');
    expect((await control(stack.sandboxes.bcUrl, 'POST', `/refunds/${r.id}/decline`, { message: 'Card expired' })).status).toBe(200);
    const state = await eventually(async () => {
      const s = await refundWorkflow(r.id).query(refundStateQuery);
      return s.status === 'Reversed' ? s : undefined;
    }, 'the refund reversed');
    expect(state.refund?.payments[0]?.declinedMessage).toBe('Card expired');
    expect(creditMemo(r.id)).toBeUndefined();
    expect(erpData().creditMemoWrites[`bc-${stack.storeHash}-refund-${r.id}`]).toBe(2); // booked once, deleted once
    const orderState = await stack.client.workflow.getHandle(`order:${stack.storeHash}:${order.id}`).query(orderStateQuery);
    expect(orderState.refunds?.[String(r.id)]?.status).toBe('Reversed');
    expect(toUnits(String(r.total_amount))).toBeGreaterThan(0);
  });
});
