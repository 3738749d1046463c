import { postDelivery } from '../support/bigcommerce-delivery';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BcErpId, BcOrderId, BcStoreHash, BcSyncStatus } from '../../domain/shared/search-attributes';
import { demoOrderBody } from '../../sandbox/demo-orders';
import type { DeliveryRecord } from '../../sandbox/bigcommerce/webhook-dispatcher';
import { orderStateQuery } from '../../workflows/orders/order-sync.contract';
import { recordHistory, replayOptions } from '../support/histories';
import { eventually, startStack, type Stack } from '../support/stack';
import type { Json } from '../support/json';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const erpRecord = async (externalId: string) => {
  const res = await fetch(`${stack.sandboxes.erpUrl}/services/rest/record/v1/salesOrder/eid:${externalId}?expandSubResources=true`, {
    headers: { authorization: 'Bearer sandbox-erp-token' },
  });
  return res.status === 200 ? ((await res.json()) as Record<string, Json>) : undefined;
};

const deliveriesFor = async (orderId: number): Promise<DeliveryRecord[]> => {
  const res = await fetch(`${stack.sandboxes.bcUrl}/__sandbox/deliveries`);
  const body = (await res.json()) as { deliveries: DeliveryRecord[] };
  return body.deliveries.filter((d) => (d.payload.data as { id?: number }).id === orderId);
};

describe('a BigCommerce order reaches the ERP through orderSync', () => {
  it('creates the ERP sales order with the right externalId, lines and total, findable by search attributes', async () => {
    const body = demoOrderBody(2); // three lines, a variant, shipping and a discount
    const order = await stack.createOrder(body);
    const externalId = `bc-${stack.storeHash}-${order.id}`;

    const record = await eventually(() => erpRecord(externalId), `ERP sales order ${externalId}`);
    expect(record.externalId).toBe(externalId);
    expect(record.otherRefNum).toBe(String(order.id));
    expect(record.entity.externalId).toBe(`bc-${stack.storeHash}-customer-${body.customer_id}`);

    // Product lines: same SKUs, quantities and unit prices as BigCommerce's order products.
    const bcOrder = (await (
      await fetch(`${stack.sandboxes.bcUrl}/stores/${stack.storeHash}/v2/orders/${order.id}?include=consignments.line_items&consignment_structure=object`, {
        headers: { 'x-auth-token': 'test-token' },
      })
    ).json()) as Json;
    const bcLines = bcOrder.consignments.shipping[0].line_items as Json[];
    const productLines = record.item.items.filter((l: Json) => l.custcol_bcsync_line_id !== 'tax');
    expect(productLines.map((l: Json) => [l.item.externalId, l.quantity, l.rate])).toEqual(bcLines.map((l) => [l.sku, l.quantity, Number(l.price_ex_tax)]));
    expect(productLines.map((l: Json) => l.item.externalId)).toEqual(['POLE-CF', 'MUG-TI', 'JKT-RDG-L']);
    // The ERP computes its own total; it must equal what the customer paid in BigCommerce.
    expect(record.total).toBeCloseTo(Number(bcOrder.total_inc_tax), 2);
    expect(Number(bcOrder.total_inc_tax)).toBeGreaterThan(0);
    expect(record.discountTotal).toBe(-10);

    // The workflow, by id and by its search attributes.
    const workflowId = `order:${stack.storeHash}:${order.id}`;
    const handle = stack.client.workflow.getHandle(workflowId);
    const description = await eventually(async () => {
      const d = await handle.describe();
      return d.typedSearchAttributes.get(BcSyncStatus) === 'Synced' ? d : undefined;
    }, 'BcSyncStatus=Synced');
    expect(description.type).toBe('orderSync');
    expect(description.typedSearchAttributes.get(BcStoreHash)).toBe(stack.storeHash);
    expect(description.typedSearchAttributes.get(BcOrderId)).toBe(order.id);
    expect(description.typedSearchAttributes.get(BcErpId)).toBe(record.id);

    const listed = await eventually(async () => {
      const found = [];
      for await (const wf of stack.client.workflow.list({ query: `BcStoreHash = "${stack.storeHash}" AND BcOrderId = ${order.id} AND BcSyncStatus = "Synced"` }))
        found.push(wf.workflowId);
      return found.length > 0 ? found : undefined;
    }, 'the workflow in a visibility query');
    expect(listed).toEqual([workflowId]);
  });

  it('writes no second sales order when BigCommerce delivers the same webhook again, or a new event changes nothing', async () => {
    const order = await stack.createOrder(demoOrderBody(0));
    const externalId = `bc-${stack.storeHash}-${order.id}`;
    const workflowId = `order:${stack.storeHash}:${order.id}`;
    await eventually(() => erpRecord(externalId), `ERP sales order ${externalId}`);
    const handle = stack.client.workflow.getHandle(workflowId);
    await eventually(async () => ((await handle.query(orderStateQuery)).status === 'Synced' ? true : undefined), 'first pass');

    const [delivery] = await deliveriesFor(order.id);
    expect(delivery?.status).toBe(200);
    const post = (payload: unknown) => postDelivery(`${stack.apiUrl}/webhooks/bigcommerce`, payload);

    // 1. The exact same delivery again (BigCommerce retries after a lost 200).
    const again = await post(delivery!.payload);
    expect(again.status).toBe(200);
    await eventually(async () => ((await handle.query(orderStateQuery)).duplicatesIgnored === 1 ? true : undefined), 'the duplicate to be seen');

    // 2. A different event for an unchanged order: one more read, no ERP write.
    const before = (await handle.query(orderStateQuery)).passes;
    const updated = await post({ ...delivery!.payload, scope: 'store/order/updated', hash: 'f'.repeat(40), created_at: Number(delivery!.payload.created_at) + 5 });
    expect(updated.status).toBe(200);
    const afterUpdate = await eventually(async () => {
      const s = await handle.query(orderStateQuery);
      return s.passes > before && s.status === 'Synced' ? s : undefined;
    }, 'the pass for the new event');
    expect(afterUpdate.duplicatesIgnored).toBe(1);

    // 3. The same event again, long after our last read: nothing to read, nothing to write.
    const saved = afterUpdate.fetchesSaved;
    await post({ ...delivery!.payload, hash: 'e'.repeat(40), created_at: Number(delivery!.payload.created_at) - 60 });
    await eventually(async () => ((await handle.query(orderStateQuery)).fetchesSaved === saved + 1 ? true : undefined), 'an old event settled without a read');

    const summary = (await (await fetch(`${stack.sandboxes.erpUrl}/__sandbox/summary`)).json()) as { salesOrderWrites: Record<string, number> };
    expect(summary.salesOrderWrites[externalId]).toBe(1);

    // The history this produced replays against the current workflow code.
    const history = await handle.fetchHistory();
    await Worker.runReplayHistory(replayOptions(), history, workflowId);
    await recordHistory(handle, 'order-sync-v2-created-duplicate-updated');
  });
});
