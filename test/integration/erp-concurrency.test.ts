import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { orderStateQuery, orderWorkflowId } from '../../workflows/orders/order-sync.contract';
import { ForkedWorker } from '../../bench/support/forked-worker';
import { eventually, startStack, type Stack } from '../support/stack';

/**
 * NetSuite's concurrency limit is one per account: two worker processes sharing ERP_CONCURRENCY=2
 * (ERP_WORKER_PROCESSES=2, one slot each) never have more than 2 requests in flight together, as the
 * ERP sandbox measures it with its own account limit of 2, and every order still reaches the ERP.
 * The second process is a forked worker (the workers `bcsync worker` runs) polling the same queues.
 */
const ORDERS = 24;
const LIMIT = 2;

let stack: Stack;
let second: ForkedWorker | undefined;

beforeAll(async () => {
  stack = await startStack({ ERP_CONCURRENCY: String(LIMIT), ERP_WORKER_PROCESSES: '2', INVENTORY_SYNC: 'off' });
  // The API's own ERP reads (ERP_API_CONCURRENCY) come on top of the share: no pushes, so none here.
  stack.sandboxes.erp.events.settings.url = undefined;
  // Each request takes 100 ms, so the two processes' requests overlap.
  Object.assign(stack.sandboxes.erp.governance.settings, { concurrencyLimit: LIMIT, processingMs: 100 });
  second = new ForkedWorker({ ...stack.env, BENCH_BUNDLE: inject('workflowBundlePath'), LOG_LEVEL: 'warn' });
  await second.start();
}, 90_000);
afterAll(async () => {
  await second?.stop();
  await stack?.close();
});

describe('an account concurrency limit of 2 shared by 2 worker processes', () => {
  it(`syncs ${ORDERS} orders with never more than 2 ERP requests in flight, none refused for concurrency`, async () => {
    expect(stack.config.erpGovernance.slotsPerWorkerProcess).toBe(1);
    const governance = stack.sandboxes.erp.governance;
    const requestsBefore = governance.stats.requests;
    const orders = await Promise.all(Array.from({ length: ORDERS }, (_, i) => stack.createOrder(demoOrderBody(i % 3))));

    const synced = await eventually(
      async () => {
        const states = await Promise.all(orders.map((o) => stack.client.workflow.getHandle(orderWorkflowId(stack.storeHash, o.id)).query(orderStateQuery)));
        return states.every((s) => s.status === 'Synced') ? states : undefined;
      },
      `all ${ORDERS} orders Synced`,
      50_000,
    );
    expect(synced.filter((s) => s.problem !== null)).toEqual([]);
    const inErp = Object.values(stack.sandboxes.erp.data.salesOrders).filter((o) => o.externalId.startsWith(`bc-${stack.storeHash}-`));
    expect(inErp.map((o) => o.externalId).sort()).toEqual(orders.map((o) => `bc-${stack.storeHash}-${o.id}`).sort());
    for (const s of synced) expect(inErp.some((o) => o.id === s.erp.id)).toBe(true);

    // Measured by the sandbox: both processes' slots were in use at once, never more.
    expect(governance.stats.requests - requestsBefore).toBeGreaterThanOrEqual(ORDERS * 2);
    expect(governance.stats.peakInFlight).toBe(LIMIT);
    // Counting requests it refused too (peakInFlight cannot pass the limit): nobody sent a third.
    expect(governance.stats.peakDemand).toBe(LIMIT);
    expect(governance.stats.concurrencyRejected).toBe(0);
  }, 60_000);
});
