import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { z } from 'zod';
import { startDevServer } from '../cli/dev-server';
import { loadConfig, type Config } from '../config/env';
import { orderWorkflowInput } from '../clients/orders';
import { orderWorkflowId, orderEventSignal } from '../workflows/orders/order-sync.contract';
import { createLogger } from '../lib/logger';
import type { BcSandbox } from '../sandbox/bigcommerce/app';
import { generateOrders } from '../sandbox/bigcommerce/order-generate';
import { startSandboxes, type RunningSandboxes } from '../sandbox/start-sandboxes';
import { installTemporalRuntime } from '../workers/runtime';
import { startWorkers } from '../workers/start-workers';
import { connectClient, connectWorkerConnection, FAILURE_CONVERTER_PATH } from '../workers/temporal-connection';
import { control, must, writeResult, type Figure } from './support/result';
import { BENCH_PAYLOAD_KEYS } from './support/temporal';
import { bcRequestCounts, sumRequests, type BcRequestCount } from './support/witness';

/**
 * `npm run bench -- quota`: the quota governor against the BigCommerce sandbox with a compressed
 * window (150 requests per 6 s, the Standard plan's rate at 1/5 of the window), a real Temporal dev
 * server and the product's DEFAULT headroom (BC_QUOTA_HEADROOM is never set here). Every figure is
 * counted from the sandbox's own records: the rate limiter's log (each call with its client, window
 * and outcome) and the request log (GET /__sandbox/requests: method, route, status, client).
 * See bench/README.md for what each figure means.
 */
const benchEnv = z
  .object({
    // Not 3 s: 2,000 order workflows at 50 calls a second saturate these 2 cores (bench/README.md).
    BENCH_WINDOW_MS: z.coerce.number().int().positive().default(6_000),
    BENCH_ORDERS: z.coerce.number().int().positive().default(2_000),
    /** The other app's steady rate, calls per second (within the 10% the default headroom leaves it). */
    BENCH_NEIGHBOUR_RPS: z.coerce.number().positive().default(2),
    /** The naive client's overall deadline; default twice the time the backlog takes at the full quota. */
    BENCH_NAIVE_DEADLINE_S: z.coerce.number().positive().optional(),
    BENCH_ONLY: z.enum(['alone', 'shared', 'naive', 'four', 'priority']).optional(),
    BENCH_DEBUG: z.string().optional(),
  })
  .parse(process.env);

const QUOTA = 150;
const WINDOW_MS = benchEnv.BENCH_WINDOW_MS;
const ORDERS = benchEnv.BENCH_ORDERS;
const NEIGHBOUR_RPS = benchEnv.BENCH_NEIGHBOUR_RPS;
const NAIVE_DEADLINE_MS = (benchEnv.BENCH_NAIVE_DEADLINE_S ?? (2 * ORDERS * WINDOW_MS) / QUOTA / 1000) * 1000;
const OUR_CLIENT = 'bcsync';
const NEIGHBOUR_CLIENT = 'neighbour';
const NAIVE_CLIENT = 'naive';
const CLIENTS = {
  'bench-token': { clientId: OUR_CLIENT, clientSecret: 's1' },
  'naive-token': { clientId: NAIVE_CLIENT, clientSecret: 's2' },
  'neighbour-token': { clientId: NEIGHBOUR_CLIENT, clientSecret: 's3' },
};
const ORDER_ROUTE = '/v2/orders/{id}';
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'bench');
const LIMITER_WITNESS = 'BigCommerce sandbox rate-limiter log (each call with its client, window and outcome)';
const REQUESTS_WITNESS = 'BigCommerce sandbox request log (GET /__sandbox/requests, by client and status)';

interface Store {
  storeHash: string;
  sandboxes: RunningSandboxes;
  bc: BcSandbox;
  orderIds: number[];
  config: Config;
}

/**
 * A store with `orders` generated orders (directly, no API calls), the limiter's log and the
 * request log recording from an empty start, and the product's config for it. The headroom is
 * the product's default: this function never sets BC_QUOTA_HEADROOM.
 */
async function setupStore(storeHash: string, temporalAddress: string, orders: number): Promise<Store> {
  const sandboxes = await startSandboxes({
    bcPort: 0,
    erpPort: 0,
    oms: { quota: 100_000 },
    bigcommerce: { storeHash, quota: QUOTA, windowMs: WINDOW_MS, clients: CLIENTS },
  });
  const bc = sandboxes.bigcommerce;
  // Stock for every generated order, set directly: no API calls before the measurement.
  for (const level of Object.values(bc.ctx.data.inventory)) level.onHand = 10_000_000;
  const orderIds: number[] = [];
  while (orderIds.length < orders) orderIds.push(...generateOrders(bc.ctx, { count: Math.min(200, orders - orderIds.length), seed: orderIds.length + 1 }));
  must(orderIds.length === orders, `generate ${orders} orders (got ${orderIds.length})`);
  bc.ctx.limiter.log = [];
  await control(fetch(`${sandboxes.bcUrl}/__sandbox/requests`, { method: 'DELETE' }), 'DELETE /__sandbox/requests');
  await control(
    fetch(`${sandboxes.bcUrl}/__sandbox/requests`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ record: true }) }),
    'PUT /__sandbox/requests',
  );
  const config = loadConfig(productEnv(temporalAddress, sandboxes, storeHash));
  return { storeHash, sandboxes, bc, orderIds, config };
}

/** What `bcsync worker` reads for this store: everything but the headroom, which stays the product's default. */
function productEnv(temporalAddress: string, sandboxes: { bcUrl: string; erpUrl: string; omsUrl: string }, storeHash: string): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_PAYLOAD_KEYS: BENCH_PAYLOAD_KEYS,
    TEMPORAL_WORKFLOW_TASK_QUEUE: `bench.${storeHash}`,
    BC_API_URL: sandboxes.bcUrl,
    BC_STORE_HASH: storeHash,
    BC_ACCESS_TOKEN: 'bench-token',
    BC_PLAN: 'enterprise',
    BC_QUOTA: String(QUOTA),
    BC_RATE_WINDOW_MS: String(WINDOW_MS),
    ...(process.env.BC_DISPATCH_BURST ? { BC_DISPATCH_BURST: process.env.BC_DISPATCH_BURST } : {}),
    ERP_API_URL: sandboxes.erpUrl,
    ERP_ACCESS_TOKEN: 'sandbox-erp-token',
    ERP_CONCURRENCY: '50',
    ERP_TASK_QUEUE: `erp.${storeHash}`,
    OMS_API_URL: sandboxes.omsUrl,
    OMS_API_KEY: 'sandbox-oms-key',
    OMS_API_SECRET: 'sandbox-oms-secret',
    OMS_TASK_QUEUE: `oms.${storeHash}`,
    OMS_RATE_PER_MINUTE: '100000',
    OMS_WEBHOOK_TOKEN: 'bench-oms-token-0123456789',
    WEBHOOK_SECRET: 'bench-secret-0123456789',
    ORDER_QUIET_PERIOD: '10m',
  };
}

/**
 * The highest share of the quota our calls can take at this headroom: the pacer leaves
 * max(1, ceil(quota x headroom)) calls of every window to the store's other apps.
 */
function ceilingOf(headroom: number): number {
  return (QUOTA - Math.max(1, Math.ceil(QUOTA * headroom))) / QUOTA;
}

/** Signal-with-start every order's workflow, as the webhook API does, with bounded concurrency. */
async function startOrders(client: Client, store: Store, ids: number[] = store.orderIds): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < ids.length) {
        const orderId = ids[next++]!;
        await client.workflow.signalWithStart('orderSync', {
          workflowId: orderWorkflowId(store.storeHash, orderId),
          taskQueue: store.config.temporal.workflowTaskQueue,
          args: [orderWorkflowInput(store.config, store.storeHash, orderId)],
          signal: orderEventSignal,
          signalArgs: [{ scope: 'store/order/created', hash: `bench-${orderId}`, createdAt: Math.floor(Date.now() / 1000) }],
        });
      }
    }),
  );
}

async function waitForErp(store: Store, count: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const synced = Object.keys(store.sandboxes.erp.data.salesOrderWrites).length;
    if (synced >= count || Date.now() > deadline) return synced;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Another app on the store: its own API client, polling the latest orders at a steady rate (one
 * call every 1/rps s, not waiting for the previous answer), as an ERP connector or a marketing app
 * would. It does not retry: a refused poll is a poll lost. The sandbox refuses it like any client
 * when the store is over quota; its 429s are counted from the sandbox's request log.
 */
function startNeighbour(store: Store, rps: number) {
  const periodMs = 1_000 / rps;
  const startedAt = Date.now();
  const url = `${store.sandboxes.bcUrl}/stores/${store.storeHash}/v2/orders?limit=10&sort=date_modified:desc`;
  const inFlight = new Set<Promise<void>>();
  const unexpected: string[] = [];
  let sent = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (stopped) return;
    const call = fetch(url, { headers: { 'x-auth-token': 'neighbour-token', accept: 'application/json' } })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200 && res.status !== 429) unexpected.push(`status ${res.status}`);
      })
      .catch((err: unknown) => void unexpected.push(String(err)));
    inFlight.add(call);
    void call.finally(() => inFlight.delete(call));
    sent++;
    timer = setTimeout(tick, Math.max(0, startedAt + sent * periodMs - Date.now()));
  };
  tick();
  return {
    async stop(): Promise<number> {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(inFlight);
      must(unexpected.length === 0, `the neighbour's calls answered other than 200 or 429: ${unexpected.slice(0, 3).join(', ')}`);
      return sent;
    },
  };
}

interface WindowReading {
  /** Complete windows of the sandbox's limiter inside [fromMs, toMs]. */
  windows: number;
  /** The client's accepted calls in those windows, over windows x quota. */
  use: number;
  /** Everybody's accepted calls in those windows, over windows x quota. */
  storeUse: number;
  /** The client's accepted calls per complete window. */
  perWindow: number[];
  /** The client's calls (accepted and refused) in its busiest window, any window, over the quota. */
  peak: number;
}

/**
 * Use of the quota over complete windows only: the sandbox limiter's windows (fixed, aligned to
 * its first request) that lie wholly inside [fromMs, toMs], the period the client had a backlog.
 * Counted from the limiter's own log, never from a span between calls (which can read above 1).
 */
function windowUse(store: Store, clientIds: string[], fromMs: number, toMs: number): WindowReading {
  const log = store.bc.ctx.limiter.log ?? [];
  must(log.length > 0, 'the sandbox limiter logged no call');
  const w0 = log[0]!.windowStart;
  const ours = (e: { clientId: string }) => clientIds.includes(e.clientId);
  const accepted = new Map<number, number>();
  const everybody = new Map<number, number>();
  const attempted = new Map<number, number>();
  for (const e of log) {
    must((e.windowStart - w0) % WINDOW_MS === 0, `limiter window ${e.windowStart} off the grid of ${w0} + k x ${WINDOW_MS}`);
    if (e.outcome === 'allowed') everybody.set(e.windowStart, (everybody.get(e.windowStart) ?? 0) + 1);
    if (!ours(e)) continue;
    attempted.set(e.windowStart, (attempted.get(e.windowStart) ?? 0) + 1);
    if (e.outcome === 'allowed') accepted.set(e.windowStart, (accepted.get(e.windowStart) ?? 0) + 1);
  }
  const perWindow: number[] = [];
  let all = 0;
  for (let k = Math.max(0, Math.ceil((fromMs - w0) / WINDOW_MS)); w0 + (k + 1) * WINDOW_MS <= toMs; k++) {
    perWindow.push(accepted.get(w0 + k * WINDOW_MS) ?? 0);
    all += everybody.get(w0 + k * WINDOW_MS) ?? 0;
  }
  const sum = perWindow.reduce((s, n) => s + n, 0);
  return {
    windows: perWindow.length,
    use: perWindow.length > 0 ? sum / (perWindow.length * QUOTA) : 0,
    storeUse: perWindow.length > 0 ? all / (perWindow.length * QUOTA) : 0,
    perWindow,
    peak: Math.max(0, ...attempted.values()) / QUOTA,
  };
}

/** The client's first call (limiter log) and its last order read (request log): the backlog's period. */
async function backlogPeriod(store: Store, clientId: string): Promise<{ fromMs: number; toMs: number }> {
  const first = (store.bc.ctx.limiter.log ?? []).find((e) => e.clientId === clientId);
  must(first, `${clientId} made no call`);
  const res = await control(fetch(`${store.sandboxes.bcUrl}/__sandbox/requests?entries=1`), 'GET /__sandbox/requests?entries=1');
  const body = z
    .object({ recording: z.boolean(), entries: z.array(z.object({ atMs: z.number(), method: z.string(), route: z.string(), status: z.number(), clientId: z.string() })) })
    .parse(await res.json());
  must(body.recording, 'the sandbox request log was recording');
  const reads = body.entries.filter((e) => e.clientId === clientId && e.method === 'GET' && e.route === ORDER_ROUTE && e.status === 200);
  must(reads.length > 0, `${clientId} read no order`);
  return { fromMs: first.atMs, toMs: reads[reads.length - 1]!.atMs };
}

/**
 * Calls by client and outcome from the request log, checked against the limiter's log: two of the
 * sandbox's records that must agree, or the bench stops.
 */
async function requestCounts(store: Store): Promise<{ counts: BcRequestCount[]; calls: (clientId: string) => number; refused: (clientId: string) => number }> {
  const counts = await bcRequestCounts(store.sandboxes.bcUrl);
  const calls = (clientId: string) => sumRequests(counts, (c) => c.clientId === clientId);
  const refused = (clientId: string) => sumRequests(counts, (c) => c.clientId === clientId && c.status === 429);
  const log = store.bc.ctx.limiter.log ?? [];
  for (const clientId of new Set(log.map((e) => e.clientId))) {
    const logged = log.filter((e) => e.clientId === clientId);
    must(calls(clientId) === logged.length, `request log (${calls(clientId)}) and limiter log (${logged.length}) agree on ${clientId}'s calls`);
    must(refused(clientId) === logged.filter((e) => e.outcome !== 'allowed').length, `request log and limiter log agree on ${clientId}'s 429s`);
  }
  return { counts, calls, refused };
}

async function countFailed(client: Client, store: Store): Promise<number> {
  let failed = 0;
  for await (const wf of client.workflow.list({
    query: `TaskQueue = "${store.config.temporal.workflowTaskQueue}" AND ExecutionStatus != "Running" AND ExecutionStatus != "Completed"`,
  })) {
    // A run that continued as new handed its work on; anything else (failed, terminated, timed out) is named.
    if (wf.status.name === 'CONTINUED_AS_NEW') continue;
    console.log(`  not completed: ${wf.type} ${wf.workflowId} ${wf.status.name}`);
    failed++;
  }
  return failed;
}

interface GovernedResult {
  reading: WindowReading;
  self429: number;
  neighbourCalls: number;
  neighbour429: number;
  synced: number;
  failed: number;
  headroom: number;
}

/**
 * The product's workers with the whole backlog waiting before they start; with `neighbour`, the
 * other app is already polling the store one window before our first call, and until our last.
 */
async function governed(label: string, temporalAddress: string, client: Client, bundlePath: string, neighbour: boolean): Promise<GovernedResult> {
  const store = await setupStore(`bench${label}`, temporalAddress, ORDERS);
  const headroom = store.config.stores[0]!.headroom;
  const other = neighbour ? startNeighbour(store, NEIGHBOUR_RPS) : undefined;
  const otherStarted = Date.now();
  await startOrders(client, store); // the whole backlog is waiting before any worker runs
  if (other) await sleep(Math.max(0, otherStarted + WINDOW_MS - Date.now()));
  const connection = await connectWorkerConnection(store.config.temporal);
  const workers = await startWorkers(store.config, { connection, logger, client, workflowBundle: { codePath: bundlePath } });
  const synced = await waitForErp(store, ORDERS, 600_000);
  await workers.shutdown();
  await connection.close();
  const neighbourSent = other ? await other.stop() : 0;
  const { fromMs, toMs } = await backlogPeriod(store, OUR_CLIENT);
  const reading = windowUse(store, [OUR_CLIENT], fromMs, toMs);
  must(reading.windows >= 2, `${label}: at least 2 complete windows inside the backlog (got ${reading.windows}); raise BENCH_ORDERS`);
  const counts = await requestCounts(store);
  if (neighbour) must(counts.calls(NEIGHBOUR_CLIENT) === neighbourSent, `the sandbox answered every neighbour call (${counts.calls(NEIGHBOUR_CLIENT)} of ${neighbourSent})`);
  const failed = await countFailed(client, store);
  await store.sandboxes.close();
  const result: GovernedResult = {
    reading,
    self429: counts.refused(OUR_CLIENT),
    neighbourCalls: counts.calls(NEIGHBOUR_CLIENT),
    neighbour429: counts.refused(NEIGHBOUR_CLIENT),
    synced,
    failed: failed + (ORDERS - synced),
    headroom,
  };
  console.log(
    `  ${label}: ${counts.calls(OUR_CLIENT)} calls (${result.self429} got 429) for ${synced}/${ORDERS} orders synced, failed workflows ${failed}; ` +
      `use ${reading.use.toFixed(3)} of the quota over ${reading.windows} complete windows (ceiling ${ceilingOf(headroom).toFixed(2)} at headroom ${headroom}), store ${reading.storeUse.toFixed(3)}` +
      (neighbour ? `; neighbour ${result.neighbourCalls} calls at ${NEIGHBOUR_RPS}/s, ${result.neighbour429} refused` : ''),
  );
  if (benchEnv.BENCH_DEBUG) console.log(`    our calls per complete window: ${reading.perWindow.join(' ')}`);
  return result;
}

interface NaiveResult {
  calls: number;
  got429: number;
  lost: number;
  neighbour429: number;
  neighbourCalls: number;
  reading: WindowReading | undefined;
  seconds: number;
}

/**
 * The baseline, what a careful engineer writes by hand: 10 concurrent fetches; each answer's
 * X-Rate-Limit-Requests-Left and X-Rate-Limit-Time-Reset-Ms read, and every fetch paused until the
 * reset when nothing is left; on a 429, wait for the reset it names, then retry with exponential
 * backoff and full jitter (100 ms doubling, capped at 5 s), until success or an overall deadline.
 * Same store size, same real neighbour, same run.
 */
async function naive(): Promise<NaiveResult> {
  const store = await setupStore('benchnaive', 'unused:7233', ORDERS);
  const other = startNeighbour(store, NEIGHBOUR_RPS);
  await sleep(WINDOW_MS); // the neighbour is there before us, as in the governed run
  const started = Date.now();
  const deadline = started + NAIVE_DEADLINE_MS;
  let next = 0;
  let got429 = 0;
  let lost = 0;
  let resumeAt = 0;
  const fetchOrder = async (id: number): Promise<boolean> => {
    for (let attempt = 0; ; attempt++) {
      if (resumeAt > Date.now()) await sleep(resumeAt - Date.now());
      if (Date.now() >= deadline) return false;
      const res = await fetch(`${store.sandboxes.bcUrl}/stores/${store.storeHash}/v2/orders/${id}?include=consignments.line_items&consignment_structure=object`, {
        headers: { 'x-auth-token': 'naive-token', accept: 'application/json' },
      });
      await res.arrayBuffer();
      const left = Number(res.headers.get('x-rate-limit-requests-left'));
      const resetMs = Number(res.headers.get('x-rate-limit-time-reset-ms'));
      must(Number.isFinite(left) && Number.isFinite(resetMs), `the naive client's answer ${res.status} carried the rate headers`);
      if (res.status === 200) {
        if (left <= 0) resumeAt = Math.max(resumeAt, Date.now() + resetMs);
        return true;
      }
      must(res.status === 429, `the naive client's order read answered 200 or 429 (got ${res.status})`);
      got429++;
      resumeAt = Math.max(resumeAt, Date.now() + resetMs);
      await sleep(resetMs + Math.random() * Math.min(5_000, 100 * 2 ** attempt));
    }
  };
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < store.orderIds.length) {
        const id = store.orderIds[next++]!;
        if (!(await fetchOrder(id))) lost++;
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const neighbourSent = await other.stop();
  const counts = await requestCounts(store);
  must(counts.calls(NEIGHBOUR_CLIENT) === neighbourSent, `the sandbox answered every neighbour call (${counts.calls(NEIGHBOUR_CLIENT)} of ${neighbourSent})`);
  must(counts.refused(NAIVE_CLIENT) === got429, `the naive client's own count of 429s (${got429}) is the sandbox's (${counts.refused(NAIVE_CLIENT)})`);
  const fetched = sumRequests(counts.counts, (c) => c.clientId === NAIVE_CLIENT && c.status === 200);
  must(fetched + lost === ORDERS, `every order fetched or counted lost (${fetched} + ${lost} of ${ORDERS})`);
  let reading: WindowReading | undefined;
  if (fetched > 0) {
    const { fromMs, toMs } = await backlogPeriod(store, NAIVE_CLIENT);
    reading = windowUse(store, [NAIVE_CLIENT], fromMs, toMs);
  }
  await store.sandboxes.close();
  const result: NaiveResult = {
    calls: counts.calls(NAIVE_CLIENT),
    got429: counts.refused(NAIVE_CLIENT),
    lost: ORDERS - fetched,
    neighbour429: counts.refused(NEIGHBOUR_CLIENT),
    neighbourCalls: counts.calls(NEIGHBOUR_CLIENT),
    reading,
    seconds,
  };
  console.log(
    `  naive (10 concurrent, waits for the reset, backoff with jitter, deadline ${(NAIVE_DEADLINE_MS / 1000).toFixed(0)} s): ${result.calls} calls, ${result.got429} got 429, ${result.lost} orders lost, ${seconds.toFixed(1)} s; ` +
      `use ${reading ? reading.use.toFixed(3) : 'n/a'} over ${reading?.windows ?? 0} complete windows; neighbour ${result.neighbourCalls} calls at ${NEIGHBOUR_RPS}/s, ${result.neighbour429} refused`,
  );
  if (benchEnv.BENCH_DEBUG && reading) console.log(`    naive calls per complete window: ${reading.perWindow.join(' ')}`);
  return result;
}

interface FourResult {
  reading: WindowReading;
  calls: number;
  self429: number;
  neighbour429: number;
  synced: number;
  n: number;
}

/** Four worker processes (the same code as `bcsync worker`) on one store, beside the same neighbour. */
async function fourWorkers(temporalAddress: string, client: Client, bundlePath: string): Promise<FourResult> {
  const n = Math.min(ORDERS, 1_000);
  const store = await setupStore('benchfour', temporalAddress, n);
  const other = startNeighbour(store, NEIGHBOUR_RPS);
  const otherStarted = Date.now();
  await startOrders(client, store);
  await sleep(Math.max(0, otherStarted + WINDOW_MS - Date.now()));
  // The children inherit this environment: the headroom must stay the product's default there too.
  const inherited = { ...process.env };
  delete inherited.BC_QUOTA_HEADROOM;
  const env = { ...inherited, ...productEnv(temporalAddress, store.sandboxes, store.storeHash), BENCH_BUNDLE: bundlePath, METRICS_PORT: '0' };
  const children = await Promise.all(
    Array.from({ length: 4 }, () => {
      const child = fork(path.join(__dirname, 'support/worker-process.ts'), [], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      return new Promise<typeof child>((resolve, reject) => {
        child.once('message', () => resolve(child));
        child.once('exit', (code) => reject(new Error(`worker process exited with ${code}`)));
      });
    }),
  );
  const synced = await waitForErp(store, n, 600_000);
  await Promise.all(
    children.map(
      (c) =>
        new Promise((r) => {
          c.once('exit', r);
          c.send({ stop: true });
        }),
    ),
  );
  await other.stop();
  const { fromMs, toMs } = await backlogPeriod(store, OUR_CLIENT);
  const reading = windowUse(store, [OUR_CLIENT], fromMs, toMs);
  const counts = await requestCounts(store);
  await store.sandboxes.close();
  const result: FourResult = { reading, calls: counts.calls(OUR_CLIENT), self429: counts.refused(OUR_CLIENT), neighbour429: counts.refused(NEIGHBOUR_CLIENT), synced, n };
  console.log(
    `  4 worker processes: ${result.calls} calls (${result.self429} got 429) for ${synced}/${n} orders; busiest window ${reading.peak.toFixed(3)} of the quota (refused calls included); ` +
      `use ${reading.use.toFixed(3)} over ${reading.windows} complete windows; neighbour ${counts.calls(NEIGHBOUR_CLIENT)} calls, ${result.neighbour429} refused`,
  );
  if (benchEnv.BENCH_DEBUG) console.log(`    our calls per complete window: ${reading.perWindow.join(' ')}`);
  return result;
}

/** Orders arriving while 600 batch fetches fill the store's queue: how long until each order is in the ERP. */
async function priority(temporalAddress: string, client: Client, bundlePath: string, mode: 'batch' | 'fifo') {
  const store = await setupStore(`benchprio${mode}`, temporalAddress, 630);
  const batchIds = store.orderIds.slice(0, 600);
  const orderIds = store.orderIds.slice(600);
  const connection = await connectWorkerConnection(store.config.temporal);
  const workers = await startWorkers(store.config, { connection, logger, client, workflowBundle: { codePath: bundlePath } });
  const batches = Array.from({ length: 20 }, (_, i) =>
    client.workflow.execute('batchFetch', {
      workflowId: `batch-${store.storeHash}-${i}`,
      taskQueue: store.config.temporal.workflowTaskQueue,
      args: [store.storeHash, batchIds.slice(i * 30, i * 30 + 30), mode],
    }),
  );
  await sleep(3_000); // the batch backlog is queued
  const sentAt = new Map<number, number>();
  for (const id of orderIds) {
    sentAt.set(id, Date.now());
    await startOrders(client, store, [id]);
    await sleep(100);
  }
  await waitForErp(store, orderIds.length, 120_000);
  const latencies = orderIds.map((id) => {
    const record = Object.values(store.sandboxes.erp.data.salesOrders).find((so) => so.externalId === `bc-${store.storeHash}-${id}`);
    return record ? record.createdMs - sentAt.get(id)! : Number.POSITIVE_INFINITY;
  });
  await Promise.all(batches);
  await workers.shutdown();
  await connection.close();
  await store.sandboxes.close();
  latencies.sort((a, b) => a - b);
  const p50 = latencies[Math.floor(latencies.length / 2)]!;
  const max = latencies[latencies.length - 1]!;
  console.log(
    `  orders behind 600 batch fetches, ${mode === 'batch' ? 'batch at priority 4, orders at 1' : 'all at one priority (first in, first out)'}: order in ERP after p50 ${p50} ms, max ${max} ms`,
  );
  return { p50, max };
}

export async function main(): Promise<void> {
  installTemporalRuntime(logger);
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const env = await startDevServer({ logLevel: 'error' });
  const bundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'support/bench-workflows.ts'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  const bundlePath = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'bundle.js');
  writeFileSync(bundlePath, bundle.code);
  const probe = loadConfig(productEnv(env.address, { bcUrl: 'http://127.0.0.1:1', erpUrl: 'http://127.0.0.1:1', omsUrl: 'http://127.0.0.1:1' }, 'probe'));
  const { client, close: closeClient } = await connectClient(probe.temporal);
  const headroom = probe.stores[0]!.headroom;
  const ceiling = ceilingOf(headroom);
  try {
    console.log(
      `quota bench: ${QUOTA} requests per ${WINDOW_MS} ms window, ${ORDERS} orders, product default headroom ${headroom} (ceiling ${ceiling.toFixed(2)} of the quota), neighbour at ${NEIGHBOUR_RPS} calls/s, Temporal dev server ${env.address}`,
    );
    switch (benchEnv.BENCH_ONLY) {
      case 'alone':
        await governed('alone', env.address, client, bundlePath, false);
        return;
      case 'shared':
        await governed('shared', env.address, client, bundlePath, true);
        return;
      case 'naive':
        await naive();
        return;
      case 'four':
        await fourWorkers(env.address, client, bundlePath);
        return;
      case 'priority':
        await priority(env.address, client, bundlePath, 'batch');
        await priority(env.address, client, bundlePath, 'fifo');
        return;
      case undefined:
        break;
    }
    const alone = await governed('alone', env.address, client, bundlePath, false);
    const shared = await governed('shared', env.address, client, bundlePath, true);
    const baseline = await naive();
    const four = await fourWorkers(env.address, client, bundlePath);
    const withPriority = await priority(env.address, client, bundlePath, 'batch');
    const without = await priority(env.address, client, bundlePath, 'fifo');
    const durationS = (Date.now() - started) / 1000;
    const sharedCeiling = ceiling - (NEIGHBOUR_RPS * WINDOW_MS) / 1000 / QUOTA;
    const priorityLine = `priority: order_p50_ms=${withPriority.p50} order_max_ms=${withPriority.max} fifo_order_p50_ms=${without.p50} fifo_order_max_ms=${without.max}`;
    const baselineLine = `naive: naive_429=${baseline.got429} naive_lost=${baseline.lost} naive_neighbour_429=${baseline.neighbour429} naive_use=${baseline.reading ? baseline.reading.use.toFixed(3) : 'n/a'} naive_s=${baseline.seconds.toFixed(1)}`;
    const line =
      `quota: use=${alone.reading.use.toFixed(3)} ceiling=${ceiling.toFixed(3)} neighbour_429=${shared.neighbour429} self_429=${alone.self429} shared_self_429=${shared.self429} ` +
      `shared_use=${shared.reading.use.toFixed(3)} shared_failed=${shared.failed} naive_429=${baseline.got429} naive_lost=${baseline.lost} naive_neighbour_429=${baseline.neighbour429} ` +
      `workers4_peak=${four.reading.peak.toFixed(3)} workers4_429=${four.self429} workers4_neighbour_429=${four.neighbour429}`;
    console.log(priorityLine);
    console.log(`(bench took ${durationS.toFixed(0)} s)`);
    console.log(line);
    const windowsNote = (r: WindowReading) => `${r.windows} complete windows inside the backlog`;
    const figures: Record<string, Figure> = {
      use: {
        value: Number(alone.reading.use.toFixed(3)),
        witness: `${LIMITER_WITNESS}: client ${OUR_CLIENT}'s accepted calls per complete window over ${QUOTA}, ${windowsNote(alone.reading)}`,
        goal: `>= 0.95 x ceiling (${(0.95 * ceiling).toFixed(3)}) and <= ceiling (${ceiling.toFixed(3)})`,
        met: alone.reading.use >= 0.95 * ceiling && alone.reading.use <= ceiling,
      },
      ceiling: {
        value: Number(ceiling.toFixed(3)),
        witness: `product default BC_QUOTA_HEADROOM=${headroom}: the pacer leaves ${Math.max(1, Math.ceil(QUOTA * headroom))} of every ${QUOTA} calls to other apps`,
      },
      self_429: { value: alone.self429, witness: `${REQUESTS_WITNESS}, client ${OUR_CLIENT}, alone on the store`, goal: '0', met: alone.self429 === 0 },
      neighbour_429: {
        value: shared.neighbour429,
        witness: `${REQUESTS_WITNESS}, client ${NEIGHBOUR_CLIENT} (${shared.neighbourCalls} calls at ${NEIGHBOUR_RPS}/s) during the governed shared run`,
        goal: '0',
        met: shared.neighbour429 === 0,
      },
      shared_self_429: { value: shared.self429, witness: `${REQUESTS_WITNESS}, client ${OUR_CLIENT}, beside the neighbour`, goal: '0', met: shared.self429 === 0 },
      shared_use: { value: Number(shared.reading.use.toFixed(3)), witness: `${LIMITER_WITNESS}: client ${OUR_CLIENT} beside the neighbour, ${windowsNote(shared.reading)}` },
      shared_ceiling: {
        value: Number(sharedCeiling.toFixed(3)),
        witness: `the ceiling less the neighbour's steady share (${NEIGHBOUR_RPS}/s x ${WINDOW_MS / 1000} s of ${QUOTA}): the pacer leaves the headroom and the others' measured pace`,
      },
      shared_store_use: { value: Number(shared.reading.storeUse.toFixed(3)), witness: `${LIMITER_WITNESS}: every client's accepted calls in the same windows` },
      shared_failed: {
        value: shared.failed,
        witness: 'Temporal server visibility (workflows not Running or Completed) plus orders missing from the ERP sandbox records',
        goal: '0',
        met: shared.failed === 0,
      },
      alone_failed: { value: alone.failed, witness: 'Temporal server visibility plus orders missing from the ERP sandbox records', goal: '0', met: alone.failed === 0 },
      naive_429: { value: baseline.got429, witness: `${REQUESTS_WITNESS}, client ${NAIVE_CLIENT}` },
      naive_lost: {
        value: baseline.lost,
        witness: `${REQUESTS_WITNESS}: ${ORDERS} orders minus client ${NAIVE_CLIENT}'s 200 order reads by the ${(NAIVE_DEADLINE_MS / 1000).toFixed(0)} s deadline`,
      },
      naive_neighbour_429: { value: baseline.neighbour429, witness: `${REQUESTS_WITNESS}, client ${NEIGHBOUR_CLIENT} (${baseline.neighbourCalls} calls) during the naive run` },
      naive_use: {
        value: baseline.reading ? Number(baseline.reading.use.toFixed(3)) : 'n/a',
        witness: `${LIMITER_WITNESS}: client ${NAIVE_CLIENT}, ${baseline.reading ? windowsNote(baseline.reading) : 'no order read'}`,
      },
      workers4_peak: {
        value: Number(four.reading.peak.toFixed(3)),
        witness: `${LIMITER_WITNESS}: 4 processes' calls (refused included) in the busiest window, over ${QUOTA}`,
        goal: `<= ceiling (${ceiling.toFixed(3)})`,
        met: four.reading.peak <= ceiling,
      },
      workers4_429: { value: four.self429, witness: `${REQUESTS_WITNESS}, client ${OUR_CLIENT}, 4 worker processes`, goal: '0', met: four.self429 === 0 },
      workers4_neighbour_429: {
        value: four.neighbour429,
        witness: `${REQUESTS_WITNESS}, client ${NEIGHBOUR_CLIENT} beside the 4 worker processes`,
        goal: '0',
        met: four.neighbour429 === 0,
      },
      workers4_use: { value: Number(four.reading.use.toFixed(3)), witness: `${LIMITER_WITNESS}: 4 processes, ${windowsNote(four.reading)}` },
      order_p50_ms: { value: withPriority.p50, witness: 'ERP sandbox record creation time minus the signal time, orders at priority 1 behind batch work at 4' },
      order_max_ms: { value: withPriority.max, witness: 'ERP sandbox record creation time minus the signal time' },
      fifo_order_p50_ms: { value: without.p50, witness: 'ERP sandbox record creation time minus the signal time, everything at one priority' },
      fifo_order_max_ms: { value: without.max, witness: 'ERP sandbox record creation time minus the signal time' },
    };
    writeResult({
      name: 'quota',
      line,
      command: 'npm run bench -- quota',
      figures,
      baseline: baselineLine,
      details: [
        `alone: our calls per complete window ${alone.reading.perWindow.join(' ')}`,
        `shared: our calls per complete window ${shared.reading.perWindow.join(' ')}; neighbour ${shared.neighbourCalls} calls at ${NEIGHBOUR_RPS}/s`,
        `naive: ${baseline.calls} calls in ${baseline.seconds.toFixed(1)} s; calls per complete window ${baseline.reading?.perWindow.join(' ') ?? 'n/a'}`,
        `4 processes: ${four.calls} calls for ${four.synced}/${four.n} orders; calls per complete window ${four.reading.perWindow.join(' ')}`,
        priorityLine,
        `sizes: ${ORDERS} orders (1,000 for 4 processes), ${QUOTA} per ${WINDOW_MS} ms, headroom ${headroom} (product default), neighbour ${NEIGHBOUR_RPS}/s, naive deadline ${(NAIVE_DEADLINE_MS / 1000).toFixed(0)} s`,
      ],
      startedAt,
      durationS: Number(durationS.toFixed(0)),
    });
  } finally {
    await closeClient();
    await env.teardown();
  }
}
