import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { eventually, startStack, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({}, { extraStores: 1 });
});
afterAll(async () => {
  await stack?.close();
});

describe('several stores in one process', () => {
  it("runs one rate-limited queue per store, syncs each store's orders, and reports each store in /metrics", async () => {
    const [second] = stack.extraStores;
    expect(stack.config.stores.map((s) => [s.storeHash, s.quotaPerWindow])).toEqual([
      [stack.storeHash, 150],
      [second!.hash, 450],
    ]);
    const queues = stack.workers.workers.map((w) => w.options.taskQueue);
    expect(queues).toContain(`bigcommerce.${stack.storeHash}`);
    expect(queues).toContain(`bigcommerce.${second!.hash}`);

    const first = await stack.createOrder(demoOrderBody(0));
    const res = await fetch(`${second!.sandboxes.bcUrl}/stores/${second!.hash}/v2/orders`, {
      method: 'POST',
      headers: { 'x-auth-token': 'test-token', 'content-type': 'application/json' },
      body: JSON.stringify(demoOrderBody(1)),
    });
    const other = (await res.json()) as { id: number };
    const writes = () => stack.sandboxes.erp.data.salesOrderWrites;
    await eventually(() => (writes()[`bc-${stack.storeHash}-${first.id}`] && writes()[`bc-${second!.hash}-${other.id}`] ? true : undefined), "both stores' orders in the ERP");

    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    for (const hash of [stack.storeHash, second!.hash]) {
      expect(metrics).toMatch(new RegExp(`bcsync_bigcommerce_calls_total\\{store="${hash}",method="GET",route="/v2/orders/\\{id\\}",status="200"\\} [1-9]`));
      expect(metrics).toMatch(new RegExp(`bcsync_bigcommerce_quota_left\\{store="${hash}"\\} \\d+`));
    }
    expect(metrics).toMatch(/bcsync_activity_schedule_to_start_seconds_count\{task_queue="bigcommerce\.[^"]+",activity="fetchOrderSnapshot"\} [1-9]/);
    expect(metrics).toMatch(/bcsync_webhooks_total\{outcome="accepted"\} [1-9]/);
  });
});
