import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxes, type RunningSandboxes } from '../../start-sandboxes';
import { demoOrderBody } from '../../demo-orders';
import { ConformanceClient, recordConformance } from './harness';

let sandboxes: RunningSandboxes;
let client: ConformanceClient;
recordConformance('order-metafields', () => client);

beforeAll(async () => {
  sandboxes = await startSandboxes({
    bcPort: 0,
    erpPort: 0,
    bigcommerce: { rateLimit: false, clients: { 'sandbox-token': { clientId: 'a', clientSecret: 'x' }, 'other-token': { clientId: 'b', clientSecret: 'y' } } },
  });
  client = new ConformanceClient(sandboxes.bcUrl, 'sandbox', 'sandbox-token');
});
afterAll(async () => {
  await sandboxes.close();
});

describe('order metafields (orders.v3.yml)', () => {
  it('creates one per client + namespace + key + order, 409 on a second create, lists, reads and updates it', async () => {
    const order = (await client.call('POST', '/v2/orders', demoOrderBody(0))).body;
    const before = (await client.call('GET', `/v2/orders/${order.id}`)).body.date_modified;
    const body = { permission_set: 'read', namespace: 'bcsync', key: 'erp_sales_order_id', value: '1001' };
    const created = await client.call('POST', `/v3/orders/${order.id}/metafields`, body);
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({ ...body, resource_type: 'order', resource_id: order.id, owner_client_id: 'a' });
    expect((await client.call('POST', `/v3/orders/${order.id}/metafields`, body)).status).toBe(409);
    expect((await client.call('POST', `/v3/orders/${order.id}/metafields`, { namespace: 'x' })).status).toBe(422);
    expect((await client.call('POST', `/v3/orders/999999/metafields`, body)).status).toBe(404);

    const list = await client.call('GET', `/v3/orders/${order.id}/metafields?namespace=bcsync&key=erp_sales_order_id`);
    expect(list.body.data.map((m: { id: number }) => m.id)).toEqual([created.body.data.id]);
    // Another API client does not see it, and may create its own with the same key.
    const other = new ConformanceClient(sandboxes.bcUrl, 'sandbox', 'other-token');
    expect((await other.call('GET', `/v3/orders/${order.id}/metafields`)).body.data).toEqual([]);
    expect((await other.call('POST', `/v3/orders/${order.id}/metafields`, body)).status).toBe(200);
    client.results.push(...other.results);

    const updated = await client.call('PUT', `/v3/orders/${order.id}/metafields/${created.body.data.id}`, { value: '1002' });
    expect(updated.body.data.value).toBe('1002');
    expect((await client.call('GET', `/v3/orders/${order.id}/metafields/${created.body.data.id}`)).body.data.value).toBe('1002');
    // A metafield is not an order change.
    expect((await client.call('GET', `/v2/orders/${order.id}`)).body.date_modified).toBe(before);
  });
});
