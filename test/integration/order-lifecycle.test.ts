import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BcErrorType, BcErpId, BcSyncStatus } from '../../domain/shared/search-attributes';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { orderStateQuery } from '../../workflows/orders/order-sync.contract';
import { recordHistory } from '../support/histories';
import { eventually, startStack, TEST_OPS_TOKEN, type Stack } from '../support/stack';
import type { Json } from '../support/json';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../../dist/cli/bcsync.js');

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ ORDER_QUIET_PERIOD: '3s', ORDER_RETRY_WINDOW: '3s', ORDER_PARK_RETRY: '2s' });
});
afterAll(async () => {
  await stack?.close();
});

const bc = async (method: string, p: string, body?: unknown): Promise<Json> => {
  const res = await fetch(`${stack.sandboxes.bcUrl}/stores/${stack.storeHash}${p}`, {
    method,
    headers: { 'x-auth-token': 'test-token', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.status === 204 ? [] : res.json();
};
const bcControl = (p: string, body: unknown) =>
  fetch(`${stack.sandboxes.bcUrl}/__sandbox${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const omsControl = (method: string, p: string, body?: unknown) =>
  fetch(`${stack.sandboxes.omsUrl}/__sandbox${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const omsOrders = async (): Promise<Json[]> =>
  (
    (await (
      await fetch(`${stack.sandboxes.omsUrl}/orders?pageSize=500`, { headers: { authorization: `Basic ${Buffer.from('sandbox-oms-key:sandbox-oms-secret').toString('base64')}` } })
    ).json()) as Json
  ).orders;
const erpOrder = async (externalId: string): Promise<Json | undefined> => {
  const res = await fetch(`${stack.sandboxes.erpUrl}/services/rest/record/v1/salesOrder/eid:${externalId}?expandSubResources=true`, {
    headers: { authorization: 'Bearer sandbox-erp-token' },
  });
  return res.status === 200 ? res.json() : undefined;
};
const erpControl = (p: string, body: unknown) =>
  fetch(`${stack.sandboxes.erpUrl}/__sandbox${p}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const ids = (orderId: number) => ({ externalId: `bc-${stack.storeHash}-${orderId}`, workflowId: `order:${stack.storeHash}:${orderId}` });
const state = (workflowId: string) => stack.client.workflow.getHandle(workflowId).query(orderStateQuery);
const attributes = async (workflowId: string) => (await stack.client.workflow.getHandle(workflowId).describe()).typedSearchAttributes;

describe('the order lifecycle: created, paid, shipped', () => {
  it('goes to the ERP when placed, to the OMS when paid, gets its shipment back from the OMS, and ends when shipped and quiet', async () => {
    const order = await stack.createOrder({ ...demoOrderBody(0), status_id: 7 }); // awaiting payment
    const { externalId, workflowId } = ids(order.id);
    const so = await eventually(() => erpOrder(externalId), 'the ERP sales order');
    // The ERP's id is written back on the order as a metafield.
    const metafields = await eventually(async () => {
      const m = (await bc('GET', `/v3/orders/${order.id}/metafields`)).data;
      return m.length ? m : undefined;
    }, 'the ERP id on the order');
    expect(metafields).toEqual([expect.objectContaining({ namespace: 'bcsync', key: 'erp_sales_order_id', value: so.id })]);
    await eventually(async () => ((await attributes(workflowId)).get(BcErpId) === so.id ? true : undefined), 'BcErpId');
    expect((await omsOrders()).filter((o: Json) => o.orderKey === externalId)).toEqual([]); // not paid: nothing to ship yet

    expect((await bcControl(`/orders/${order.id}/status`, { status_id: 11 })).status).toBe(200); // paid
    const inOms = await eventually(async () => (await omsOrders()).find((o: Json) => o.orderKey === externalId), 'the OMS order after payment');
    expect(inOms.orderStatus).toBe('awaiting_shipment');
    expect(inOms.items.map((i: Json) => i.sku)).toEqual(['PACK-22', 'SOCK-MER']);
    expect(stack.sandboxes.erp.data.salesOrderWrites[externalId]).toBe(1); // a status change is no ERP change

    const shipped = await omsControl('POST', `/orders/${externalId}/ship`, { trackingNumber: '1Z999AA10123456784', carrierCode: 'ups' });
    expect(shipped.status).toBe(201);
    const shipments = await eventually(async () => {
      const s = await bc('GET', `/v2/orders/${order.id}/shipments`);
      return s.length ? s : undefined;
    }, 'the shipment in BigCommerce');
    expect(shipments).toEqual([expect.objectContaining({ tracking_number: '1Z999AA10123456784', shipping_provider: 'ups' })]);
    expect((await bc('GET', `/v2/orders/${order.id}`)).status_id).toBe(2); // Shipped

    // Our own shipment makes BigCommerce send order/updated back: the workflow knows it already.
    const s = await eventually(async () => {
      const st = await state(workflowId);
      return st.fetchesSaved >= 1 ? st : undefined;
    }, 'the echo of our own shipment recognised without a read');
    expect(s.status).toBe('Synced');
    expect(Object.keys(s.shipmentsCopied)).toHaveLength(1);
    // Terminal and quiet (3 s here): the run ends.
    await eventually(async () => ((await stack.client.workflow.getHandle(workflowId).describe()).status.name === 'COMPLETED' ? true : undefined), 'the run to complete', 20_000);
    expect(stack.sandboxes.erp.data.salesOrderWrites[externalId]).toBe(1);
    await recordHistory(stack.client.workflow.getHandle(workflowId), 'order-sync-v2-created-paid-shipped');
    // The same flow once orders also tell inventory their unbooked units (patch inventory-pending-units).
    await recordHistory(stack.client.workflow.getHandle(workflowId), 'order-sync-v2-created-paid-shipped-tells-inventory');
    // Under the version gate (order-v3): one marker for every earlier patch, notes by signal.
    await recordHistory(stack.client.workflow.getHandle(workflowId), 'order-sync-v3-created-paid-shipped');
  });

  it('on cancellation closes the ERP order and cancels the OMS order', async () => {
    const order = await stack.createOrder(demoOrderBody(1)); // paid (11)
    const { externalId, workflowId } = ids(order.id);
    await eventually(async () => (await omsOrders()).find((o: Json) => o.orderKey === externalId), 'the OMS order');
    expect((await bcControl(`/orders/${order.id}/status`, { status_id: 5 })).status).toBe(200);
    await eventually(async () => ((await erpOrder(externalId))?.status?.id === 'H' ? true : undefined), 'the ERP order closed');
    await eventually(async () => ((await omsOrders()).find((o: Json) => o.orderKey === externalId)?.orderStatus === 'cancelled' ? true : undefined), 'the OMS order cancelled');
    expect((await state(workflowId)).status).toBe('Synced');
  });
});

describe('abandoned checkouts', () => {
  it('an Incomplete order syncs nothing and its run ends when quiet; a completed checkout starts a new run that syncs', async () => {
    const order = await stack.createOrder({ ...demoOrderBody(2), status_id: 0 });
    const { externalId, workflowId } = ids(order.id);
    const handle = stack.client.workflow.getHandle(workflowId);
    await eventually(async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined), 'the run of the abandoned checkout to end', 20_000);
    expect(await erpOrder(externalId)).toBeUndefined();
    const firstRun = (await handle.describe()).runId;
    await recordHistory(stack.client.workflow.getHandle(workflowId, firstRun), 'order-sync-v2-abandoned-checkout-ends');

    expect((await bcControl(`/orders/${order.id}/status`, { status_id: 11 })).status).toBe(200);
    await eventually(() => erpOrder(externalId), 'the ERP sales order once the checkout completed');
    expect((await handle.describe()).runId).not.toBe(firstRun);
  });
});

describe('compensation and ops decisions', () => {
  beforeAll(async () => {
    // The 3PL does not know the titanium mug by the store's SKU.
    const rules = (await (await omsControl('GET', '/rules')).json()) as { knownSkus: string[] };
    await omsControl('PUT', '/rules', { knownSkus: rules.knownSkus.filter((s) => s !== 'MUG-TI') });
  });

  const mugOrder = () => stack.createOrder({ ...demoOrderBody(0), products: [{ product_id: 114, quantity: 2 }] });

  async function parked(orderId: number) {
    const { workflowId } = ids(orderId);
    return eventually(async () => {
      const sa = await attributes(workflowId);
      return sa.get(BcSyncStatus) === 'NeedsAttention' ? sa : undefined;
    }, `order ${orderId} to park`);
  }

  it('undoes the ERP order and holds the order in BigCommerce when the OMS refuses it, then a retry with a SKU map gets it through', async () => {
    const order = await mugOrder();
    const { externalId, workflowId } = ids(order.id);
    const sa = await parked(order.id);
    expect(sa.get(BcErrorType)).toBe('OmsValidation');
    // Compensated in all three systems.
    expect((await erpOrder(externalId))?.status?.id).toBe('H');
    const held = await bc('GET', `/v2/orders/${order.id}`);
    expect(held.status_id).toBe(12); // Manual Verification Required
    expect(held.staff_notes).toMatch(/OmsValidation/);
    expect((await omsOrders()).find((o: Json) => o.orderKey === externalId)).toBeUndefined();
    const st = await state(workflowId);
    expect(st.problem).toMatchObject({ step: 'oms', transient: false });
    expect(st.hold).toEqual({ previousStatusId: 11 });

    // Ops see it in the ops API...
    const auth = { authorization: `Bearer ${TEST_OPS_TOKEN}`, 'content-type': 'application/json' };
    const listed = await eventually(async () => {
      const l = (await (await fetch(`${stack.apiUrl}/ops/attention?store=${stack.storeHash}&details=1`, { headers: auth })).json()) as { items: Json[] };
      return l.items.find((i) => i.workflowId === workflowId);
    }, 'the order in /ops/attention');
    // With details: what parked it, as the workflow holds it, and the order it is.
    expect(listed).toMatchObject({ workflowType: 'orderSync', storeHash: stack.storeHash, orderId: order.id, errorType: 'OmsValidation' });
    expect(listed.problem).toMatchObject({ type: 'OmsValidation', step: 'oms', transient: false });
    expect((await fetch(`${stack.apiUrl}/ops/attention`)).status).toBe(401);

    // ...and retry with the 3PL's SKU.
    await omsControl('PUT', '/rules', { addSkus: ['MUG-TI-3PL'] });
    const res = await fetch(`${stack.apiUrl}/ops/orders/${stack.storeHash}/${order.id}/retry`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ skuMap: { 'MUG-TI': 'MUG-TI-3PL' }, note: 'the 3PL lists it as MUG-TI-3PL' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'Synced', problem: null });
    const inOms = (await omsOrders()).find((o: Json) => o.orderKey === externalId);
    expect(inOms.items.map((i: Json) => i.sku)).toEqual(['MUG-TI-3PL']);
    expect((await erpOrder(externalId))?.status?.id).toBe('B'); // reopened
    expect((await bc('GET', `/v2/orders/${order.id}`)).status_id).toBe(11); // the hold is lifted
    await eventually(async () => ((await attributes(workflowId)).get(BcSyncStatus) === 'Synced' ? true : undefined), 'BcSyncStatus back to Synced');
    await recordHistory(stack.client.workflow.getHandle(workflowId), 'order-sync-v2-compensated-then-retried');
    await recordHistory(stack.client.workflow.getHandle(workflowId), 'order-sync-v3-compensated-then-retried');

    // A decision the workflow refuses: nothing to resolve.
    const refused = await fetch(`${stack.apiUrl}/ops/orders/${stack.storeHash}/${order.id}/resolve`, { method: 'POST', headers: auth, body: '{}' });
    expect(refused.status).toBe(409);
    expect((await fetch(`${stack.apiUrl}/ops/orders/${stack.storeHash}/999999/retry`, { method: 'POST', headers: auth, body: '{}' })).status).toBe(404);
  });

  it('resolve and skip from the CLI; attention list shows parked orders', async () => {
    const env = { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS };
    const a = await mugOrder();
    const b = await mugOrder();
    await parked(a.id);
    await parked(b.id);
    const listed = await eventually(async () => {
      const { stdout } = await run(process.execPath, [CLI, 'attention', 'list', '--store', stack.storeHash, '--json'], { env });
      const items = JSON.parse(stdout) as Json[];
      return items.length >= 2 ? items : undefined;
    }, 'bcsync attention list to show both');
    expect(listed.map((i: Json) => i.workflowId)).toEqual(expect.arrayContaining([ids(a.id).workflowId, ids(b.id).workflowId]));
    expect(listed.find((i: Json) => i.workflowId === ids(a.id).workflowId).problem.type).toBe('OmsValidation');

    const resolved = await run(process.execPath, [CLI, 'resolve', ids(a.id).workflowId, '--note', 'fixed by hand in the 3PL'], { env });
    expect(resolved.stdout).toMatch(/resolve -> Resolved/);
    expect((await state(ids(a.id).workflowId)).lastDecision).toMatchObject({ action: 'resolve', note: 'fixed by hand in the 3PL' });

    const skipped = await run(process.execPath, [CLI, 'skip', ids(b.id).workflowId], { env });
    expect(skipped.stdout).toMatch(/skip -> Skipped/);
    await eventually(
      async () => ((await stack.client.workflow.getHandle(ids(b.id).workflowId).describe()).status.name === 'COMPLETED' ? true : undefined),
      'the skipped run to end',
    );
    await expect(run(process.execPath, [CLI, 'retry', 'order:nosuch:1', '--sku-map', 'bad'], { env })).rejects.toThrow(/OLD=NEW/);
  });

  const erpIdMetafield = async (orderId: number): Promise<string | undefined> => {
    const res = await fetch(`${stack.sandboxes.bcUrl}/stores/${stack.storeHash}/v3/orders/${orderId}/metafields`, { headers: { 'x-auth-token': 'test-token' } });
    const metafields = (await res.json()) as { data: Array<{ key: string; value: string }> };
    return metafields.data.find((m) => m.key === 'erp_sales_order_id')?.value;
  };

  it('a cancellation undoes writes whose answers were lost: the ERP and the OMS may have the order though we never heard', async () => {
    const fault = (url: string, body: unknown) => fetch(`${url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const clearFaults = (url: string) => fetch(`${url}/__sandbox/faults`, { method: 'DELETE' });

    // The ERP commits the sales order but the answer never comes back (a 503 after the commit), and
    // its reads fail too, so no retry can find out that the write landed.
    expect((await fault(stack.sandboxes.erpUrl, { method: 'PUT', path: '^/salesOrder/', status: 503, lostAnswer: true })).status).toBe(201);
    expect((await fault(stack.sandboxes.erpUrl, { method: 'GET', path: '^/salesOrder/', status: 503 })).status).toBe(201);
    const a = await stack.createOrder(demoOrderBody(0));
    await parked(a.id);
    expect((await erpOrder(ids(a.id).externalId))?.status?.id).not.toBe('H'); // there, open, unknown to the workflow
    expect((await state(ids(a.id).workflowId)).erp.id).toBeNull();
    // Cancelled while the ERP still does not answer; once it does, the unconfirmed order is closed.
    expect((await bcControl(`/orders/${a.id}/status`, { status_id: 5 })).status).toBe(200);
    await clearFaults(stack.sandboxes.erpUrl);
    await eventually(async () => ((await erpOrder(ids(a.id).externalId))?.status?.id === 'H' ? true : undefined), 'the unconfirmed ERP order closed');
    await eventually(async () => ((await state(ids(a.id).workflowId)).status === 'Synced' ? true : undefined), 'the cancelled order synced');
    // The closed order is in the ERP, so its id belongs on the BigCommerce order (the close told us it).
    const erpId = (await erpOrder(ids(a.id).externalId))?.id;
    expect(erpId).toBeTruthy();
    expect((await state(ids(a.id).workflowId)).erp.id).toBe(erpId);
    expect(await erpIdMetafield(a.id)).toBe(erpId);
    await recordHistory(stack.client.workflow.getHandle(ids(a.id).workflowId), 'order-sync-v2-cancel-closes-unconfirmed-erp-order');
    await recordHistory(stack.client.workflow.getHandle(ids(a.id).workflowId), 'order-sync-v3-cancel-closes-unconfirmed-erp-order');

    // The same with the OMS: the order lands, the answer is lost, and the lookup fails.
    expect((await fault(stack.sandboxes.omsUrl, { method: 'POST', path: '^/orders/createorder$', status: 503, lostAnswer: true })).status).toBe(201);
    expect((await fault(stack.sandboxes.omsUrl, { method: 'GET', path: '^/orders$', status: 503 })).status).toBe(201);
    const b = await stack.createOrder(demoOrderBody(1));
    await parked(b.id);
    // Read from the sandbox's own records: its API's order listing is the lookup that is failing.
    const omsRecord = () => Object.values(stack.sandboxes.oms.ctx.data.orders as Record<string, Json>).find((o) => o.orderKey === ids(b.id).externalId);
    expect(omsRecord()?.orderStatus).toBe('awaiting_shipment');
    expect((await state(ids(b.id).workflowId)).oms.order).toBeNull();
    expect((await bcControl(`/orders/${b.id}/status`, { status_id: 5 })).status).toBe(200);
    await clearFaults(stack.sandboxes.omsUrl);
    await eventually(() => (omsRecord()?.orderStatus === 'cancelled' ? true : undefined), 'the unconfirmed OMS order cancelled');
    await eventually(async () => ((await state(ids(b.id).workflowId)).status === 'Synced' ? true : undefined), 'the cancelled order synced');
  });

  it('a retry after a lost answer finds its own write and does not write again (ERP and OMS)', async () => {
    const fault = (url: string, body: unknown) => fetch(`${url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // The first write of each lands, its answer is lost; the retry looks before it writes.
    expect((await fault(stack.sandboxes.erpUrl, { method: 'PUT', path: '^/salesOrder/', status: 503, lostAnswer: true, times: 1 })).status).toBe(201);
    expect((await fault(stack.sandboxes.omsUrl, { method: 'POST', path: '^/orders/createorder$', status: 503, lostAnswer: true, times: 1 })).status).toBe(201);
    const order = await stack.createOrder(demoOrderBody(0));
    const { externalId, workflowId } = ids(order.id);
    await eventually(
      async () => ((await state(workflowId)).status === 'Synced' && (await state(workflowId)).oms.status ? true : undefined),
      'the order synced after the retries',
      30_000,
    );
    const erpWrites = ((await (await fetch(`${stack.sandboxes.erpUrl}/__sandbox/summary`)).json()) as { salesOrderWrites: Record<string, number> }).salesOrderWrites[externalId];
    expect(erpWrites).toBe(1);
    expect((stack.sandboxes.oms.ctx.data.writes as Record<string, number>)[externalId]).toBe(1);
    const s = await state(workflowId);
    expect(s.erp.id).not.toBeNull();
    expect(s.oms.status).toBe('awaiting_shipment');
  });

  it('a cancellation that comes before the ERP id was written back still writes it back', async () => {
    const fault = (body: unknown) =>
      fetch(`${stack.sandboxes.bcUrl}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await fault({ method: 'POST', path: '^/v3/orders/\\d+/metafields$', status: 503 })).status).toBe(201);
    const order = await stack.createOrder(demoOrderBody(0));
    const { externalId, workflowId } = ids(order.id);
    await parked(order.id);
    expect((await state(workflowId)).problem?.step).toBe('writeBack');
    expect((await bcControl(`/orders/${order.id}/status`, { status_id: 5 })).status).toBe(200);
    await fetch(`${stack.sandboxes.bcUrl}/__sandbox/faults`, { method: 'DELETE' });
    const done = await eventually(
      async () => {
        const s = await state(workflowId);
        return s.status === 'Synced' && s.erpIdWrittenBack ? s : undefined;
      },
      'the cancelled order synced with its ERP id written back',
      30_000,
    );
    expect((await erpOrder(externalId))?.status?.id).toBe('H');
    expect(await erpIdMetafield(order.id)).toBe(done.erp.id);
  });

  it('parks through an ERP outage longer than the retry window and resolves by itself after recovery', async () => {
    await erpControl('/outage', { down: true });
    const order = await stack.createOrder(demoOrderBody(1));
    const { externalId, workflowId } = ids(order.id);
    const sa = await parked(order.id);
    expect(sa.get(BcErrorType)).toMatch(/^Erp/);
    expect((await state(workflowId)).problem).toMatchObject({ step: 'erp', transient: true });
    await erpControl('/outage', { down: false });
    await eventually(() => erpOrder(externalId), 'the ERP order after recovery', 30_000);
    await eventually(async () => ((await attributes(workflowId)).get(BcSyncStatus) === 'Synced' ? true : undefined), 'the order to un-park by itself', 30_000);
    await recordHistory(stack.client.workflow.getHandle(workflowId), 'order-sync-v2-erp-outage-parked-then-recovered');
  });
});
