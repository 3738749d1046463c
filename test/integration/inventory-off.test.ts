import { postDelivery } from '../support/bigcommerce-delivery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY_SCOPES } from '../../domain/monitoring/required-hooks';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { orderStateQuery } from '../../workflows/orders/order-sync.contract';
import { eventually, startStack, type Stack } from '../support/stack';
import { postErp } from '../support/erp-push';
import type { Json } from '../support/json';

/** A store that keeps its stock in BigCommerce: INVENTORY_SYNC=off turns every part of the inventory sync off. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ INVENTORY_SYNC: 'off' });
});
afterAll(async () => {
  await stack?.close();
});

describe('INVENTORY_SYNC=off', () => {
  it('registers no inventory hooks, ignores ERP stock events, and orders send no inventory notes', async () => {
    const hooks: Json[] = ((await (await fetch(`${stack.sandboxes.bcUrl}/stores/${stack.storeHash}/v3/hooks`, { headers: { 'x-auth-token': 'test-token' } })).json()) as Json).data;
    const scopes = hooks.map((h) => h.scope);
    expect(scopes).toContain('store/order/created');
    for (const s of INVENTORY_SCOPES) expect(scopes).not.toContain(s);

    const erp = await postErp(`${stack.apiUrl}/webhooks/erp`, {
      events: [{ type: 'inventory.changed', eventId: 'e1', sku: 'PACK-22', location: '1', quantityOnHand: 5, quantityAvailable: 5, changedAt: '2026-11-27T10:00:00Z' }],
    });
    expect(erp.status).toBe(202);
    expect(await erp.json()).toEqual({ accepted: 0, ignored: 1, rejected: [] });

    // An inventory webhook left from when it was on: 200 (the hook stays healthy), nothing started.
    const bc = await postDelivery(`${stack.apiUrl}/webhooks/bigcommerce`, {
      scope: 'store/product/inventory/updated',
      store_id: '1',
      data: { type: 'product', id: 111, inventory: { product_id: 111, method: 'absolute', value: 3 } },
      hash: 'a'.repeat(40),
      created_at: 1_795_000_000,
      producer: `stores/${stack.storeHash}`,
    });
    expect(bc.status).toBe(200);

    const order = await stack.createOrder(demoOrderBody(0));
    const handle = stack.client.workflow.getHandle(`order:${stack.storeHash}:${order.id}`);
    await eventually(async () => ((await handle.query(orderStateQuery)).erp.id ? true : undefined), 'the order in the ERP');
    const history = await handle.fetchHistory();
    const activities = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
    // Control: the run did schedule activities, so an empty inventory list below means something.
    expect(activities).toContain('upsertSalesOrder');
    expect(activities.filter((a) => /Inventory|salesOrderBookedAt/.test(a!))).toEqual([]);

    let started = 0;
    for await (const _ of stack.client.workflow.list({ query: `WorkflowType = "inventorySync" AND WorkflowId = "inventory:${stack.storeHash}"` })) started++;
    expect(started).toBe(0);
  });
});
