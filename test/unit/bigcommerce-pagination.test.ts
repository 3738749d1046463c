import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BigCommerceClient } from '../../connectors/bigcommerce/client';
import { listOrders } from '../../connectors/bigcommerce/orders/list-orders';
import { paginateV3 } from '../../connectors/bigcommerce/pagination';
import { startSandboxes, type RunningSandboxes } from '../../sandbox/start-sandboxes';

let sandboxes: RunningSandboxes;
let calls: string[];
let client: BigCommerceClient;

beforeAll(async () => {
  sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { rateLimit: false } });
  const res = await fetch(`${sandboxes.bcUrl}/__sandbox/orders/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: 7, seed: 3 }),
  });
  expect(res.status).toBe(201);
  calls = [];
  client = new BigCommerceClient({ apiUrl: sandboxes.bcUrl, storeHash: 'sandbox', accessToken: 'sandbox-token', onCall: (c) => calls.push(`${c.status}`) });
});
afterAll(async () => {
  await sandboxes.close();
});

describe('pagination', () => {
  it('V2: walks pages of orders with their lines until the 204 past the last page', async () => {
    calls.length = 0;
    const pages: number[][] = [];
    for await (const page of listOrders(client, {}, { limit: 3 })) pages.push(page.map((o) => o.id));
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toHaveLength(7);
    expect(new Set(pages.flat()).size).toBe(7);
    // Three pages and the 204 that ends the list: one call per page, nothing per order.
    expect(calls).toEqual(['200', '200', '200', '204']);
  });

  it('V2: filters by modification time (the reconciliation query)', async () => {
    const all: number[] = [];
    for await (const page of listOrders(client, { minDateModified: new Date(Date.now() + 60_000).toISOString() })) all.push(...page.map((o) => o.id));
    expect(all).toEqual([]);
  });

  it('V3: follows meta.pagination, and cursors where the endpoint has them', async () => {
    const item = z.object({ id: z.number() });
    const byPage: number[] = [];
    for await (const page of paginateV3(client, { path: '/v3/customers' }, item, { limit: 2 })) byPage.push(...page.map((c) => c.id));
    const byCursor: number[] = [];
    for await (const page of paginateV3(client, { path: '/v3/customers' }, item, { limit: 2, cursor: true })) byCursor.push(...page.map((c) => c.id));
    expect(byPage).toEqual([11, 27, 31]);
    expect(byCursor).toEqual(byPage);
  });
});
