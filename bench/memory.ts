import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { z } from 'zod';
import { startApiServer } from '../api/server';
import { startDevServer } from '../cli/dev-server';
import { registerOmsWebhook } from '../cli/register-hooks';
import { signalOrder } from '../clients/orders';
import { loadConfig, type Config } from '../config/env';
import type { OrderEvent } from '../domain/orders/order-event';
import { createLogger } from '../lib/logger';
import { seededRandom } from '../sandbox/random';
import { startSandboxes, type RunningSandboxes } from '../sandbox/start-sandboxes';
import { installTemporalRuntime } from '../workers/runtime';
import { bundleWorkflows } from '../workers/start-workers';
import { connectClient } from '../workers/temporal-connection';
import { orderEventSignal, orderWorkflowId } from '../workflows/orders/order-sync.contract';
import { control, must, writeResult } from './support/result';
import { seedStock } from './support/stock';
import { BENCH_PAYLOAD_KEYS } from './support/temporal';
import { freePort } from './support/witness';

/**
 * `npm run bench -- memory`: a worker process holding 10,000 open order workflows (created and
 * paid, in the ERP and the OMS, waiting for shipment) with the product's worker settings
 * (config/worker.ts defaults and the Node heap docs/deployment.md#worker-memory sets), beside a
 * worker with the SDK's defaults holding 10,000 of its own, in the same run at the same time, so
 * whatever else loads the machine loads both alike.
 *
 * Each worker has its own store (its own sandboxes, task queues and API). Its orders are generated
 * in its BigCommerce sandbox (paid, one address, physical lines) and their workflows started as the
 * webhook API starts them (clients/orders.ts), at most MEMORY_IN_FLIGHT orders not yet in the OMS at
 * a time, until every order is in its OMS awaiting shipment (the OMS sandbox's records) and every
 * run is open and synced (the Temporal server's visibility). Then, with every run waiting:
 * - RSS: VmRSS of each worker process from /proc/<pid>/status every 500 ms, while they hold their
 *   workflows and through the shipments (the highest reading).
 * - Latency: a sample of orders is shipped by each warehouse (OMS sandbox), in blocks that
 *   alternate between the two stores; SHIP_NOTIFY, the API signals the workflow, the workflow
 *   copies the shipment to BigCommerce. From the signal's time in the workflow's history (the
 *   Temporal server's clock) to the shipment's creation time in the BigCommerce sandbox's records.
 * - Cost of cache misses: per block, the Temporal server's own counters (history fetches, history
 *   branch reads) and CPU time (/proc), and the worker's CPU time, per shipment.
 */
const env = z
  .object({
    MEMORY_ORDERS: z.coerce.number().int().min(100).default(10_000),
    MEMORY_SHIP_SAMPLE: z.coerce.number().int().min(20).default(200),
    /** Shipments per second within a block. */
    MEMORY_SHIP_RATE: z.coerce.number().positive().default(10),
    MEMORY_SHIP_BLOCK: z.coerce.number().int().min(1).default(20),
    /** Orders per store started and not yet in the OMS, at most: arrivals as fast as the worker takes them. */
    MEMORY_IN_FLIGHT: z.coerce.number().int().min(1).default(100),
  })
  .refine((e) => e.MEMORY_SHIP_SAMPLE <= e.MEMORY_ORDERS, 'MEMORY_SHIP_SAMPLE must fit in MEMORY_ORDERS')
  .parse(process.env);

const PAID = 11; // Awaiting Fulfillment
/** After a block's last shipment: its trailing workflow tasks done, the server's metrics page caught up. */
const BLOCK_SETTLE_MS = 3_000;
const RSS_GOAL_MB = 400;
const GOAL_ORDERS = 10_000;
/**
 * The Node heap docs/deployment.md#worker-memory gives the worker process (NODE_OPTIONS). The
 * worker settings themselves are the product's defaults: the bench sets none of them.
 */
export const WORKER_NODE_OPTIONS = '--max-old-space-size=256 --max-semi-space-size=2';
/** The SDK's defaults, as settings: its own cache size (`auto`), 40 workflow tasks at once, 10 s sticky timeout; Node's own heap. */
const SDK_DEFAULTS = { WORKER_MAX_CACHED_WORKFLOWS: 'auto', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '40', WORKER_STICKY_QUEUE_TIMEOUT: '10s', NODE_OPTIONS: '' };

const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'memory');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// ---- witnesses outside the product: /proc and the Temporal server's own metrics ---------------------

function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  must(m, `no ${field} for process ${pid}`);
  return Number(m[1]) / 1024;
}

/** User + system CPU time of a process so far, in ms (/proc/<pid>/stat, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The Temporal dev server this process started: its child whose command line names the port. */
function devServerPid(port: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (ppid === process.pid && cmd.includes('start-dev') && cmd.includes(String(port))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`bench scenario could not run: no Temporal dev server on port ${port} among this process's children`);
}

/** Frontend requests and persistence requests by operation, as the server counts them. */
interface ServerCounters {
  requests: Record<string, number>;
  persistence: Record<string, number>;
}

async function serverCounters(metricsPort: number): Promise<ServerCounters> {
  const res = await control(fetch(`http://127.0.0.1:${metricsPort}/metrics`), "the Temporal server's metrics");
  const out: ServerCounters = { requests: {}, persistence: {} };
  for (const line of (await res.text()).split('\n')) {
    const m = /^(service_requests|persistence_requests)\{(.*)\}\s+(\S+)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'service_requests' && !/service_name="frontend"/.test(m[2]!)) continue;
    const op = /(?:^|,)operation="([^"]*)"/.exec(m[2]!)?.[1] ?? '?';
    const into = m[1] === 'service_requests' ? out.requests : out.persistence;
    into[op] = (into[op] ?? 0) + Number(m[3]);
  }
  return out;
}

const delta = (a: Record<string, number>, b: Record<string, number>, key: string) => (b[key] ?? 0) - (a[key] ?? 0);

// ---- a worker process and its store -----------------------------------------------------------------

interface WorkerRun {
  pid: number;
  maxCachedWorkflows: number;
  heapLimitMb: number;
  stop(): Promise<void>;
}

const readyMessage = z.object({ ready: z.literal(true), maxCachedWorkflows: z.number().int(), heapLimitMb: z.number() });

/** bench/support/worker-process.ts: the workers `bcsync worker` runs, in a process of their own, configured by `workerEnv`. */
async function startWorker(workerEnv: NodeJS.ProcessEnv): Promise<WorkerRun> {
  const child = fork(path.join(__dirname, 'support', 'worker-process.ts'), [], {
    env: { ...process.env, ...workerEnv, METRICS_PORT: '0' },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await new Promise<z.infer<typeof readyMessage>>((resolve, reject) => {
    child.once('message', (m) => resolve(readyMessage.parse(m)));
    child.once('exit', (code) => reject(new Error(`bench scenario could not run: a worker exited with ${code} before it was ready`)));
  });
  must(child.pid, 'the worker process has no pid');
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`memory bench: the worker ${child.pid} exited by itself (${code ?? signal})`);
  });
  return {
    pid: child.pid,
    ...ready,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ stop: true });
      await Promise.race([exited, sleep(30_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

interface Side {
  label: string;
  store: string;
  /** The worker settings, as set. */
  settings: string;
  sandboxes: RunningSandboxes;
  workerEnv: NodeJS.ProcessEnv;
  config: Config;
  api?: { close(): Promise<void> };
  worker?: WorkerRun;
  ids: number[];
  /** VmRSS readings (MB) while holding and through the shipments. */
  rss: number[];
  latencies: number[];
  ships: number;
  historyFetches: number;
  historyReads: number;
  serverCpuMs: number;
  workerCpuMs: number;
  createdS?: number;
  createCpuS?: number;
  createHwmMb?: number;
}

async function setUpSide(label: string, store: string, settings: Record<string, string>, temporalAddress: string, bundlePath: string): Promise<Side> {
  const clients = { [`${store}-token`]: { clientId: store, clientSecret: `${store}-client-secret` }, 'witness-token': { clientId: 'witness', clientSecret: 'witness-secret' } };
  const sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { storeHash: store, quota: 1_000_000, rateLimit: false, clients }, oms: { quota: 1_000_000 } });
  await seedStock({ erpUrl: sandboxes.erpUrl, bcUrl: sandboxes.bcUrl, storeHash: store, token: 'witness-token', quantity: 10_000_000, reason: 'memory bench stock' });
  // The store's levels at once (its adjustments apply later): stock for every order generated now.
  for (const level of Object.values(sandboxes.bigcommerce.ctx.data.inventory)) level.onHand = 10_000_000;
  const productEnv: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_PAYLOAD_KEYS: BENCH_PAYLOAD_KEYS,
    TEMPORAL_WORKFLOW_TASK_QUEUE: `${store}.workflows`,
    BC_API_URL: sandboxes.bcUrl,
    BC_STORE_HASH: store,
    BC_ACCESS_TOKEN: `${store}-token`,
    BC_CLIENT_SECRET: `${store}-client-secret`,
    BC_PLAN: 'enterprise',
    BC_QUOTA: '1000000',
    ERP_API_URL: sandboxes.erpUrl,
    ERP_ACCESS_TOKEN: 'sandbox-erp-token',
    ERP_CONCURRENCY: '8',
    ERP_TASK_QUEUE: `erp.${store}`,
    OMS_API_URL: sandboxes.omsUrl,
    OMS_API_KEY: 'sandbox-oms-key',
    OMS_API_SECRET: 'sandbox-oms-secret',
    OMS_RATE_PER_MINUTE: '1000000',
    OMS_TASK_QUEUE: `oms.${store}`,
    OMS_WEBHOOK_TOKEN: `${store}-oms-token-0123456789`,
    WEBHOOK_SECRET: `${store}-webhook-secret-0123`,
    // A shipped order's run stays open (its quiet period) until the bench ends.
    ORDER_QUIET_PERIOD: '2h',
    // Order workflows only: the store's one inventory run keeps every sale until the ERP's levels
    // count it (its events, its sweep schedule), neither of which runs here, so with it on the
    // figures would grow with that one run's state, not with the cached order runs.
    INVENTORY_SYNC: 'off',
  };
  const workerEnv = { ...productEnv, ...settings, BENCH_BUNDLE: bundlePath };
  const settingsText = Object.entries(settings)
    .map(([k, v]) => `${k}=${v || '(unset)'}`)
    .join(' ');
  return {
    label,
    store,
    settings: settingsText,
    sandboxes,
    workerEnv,
    config: loadConfig(workerEnv),
    ids: [],
    rss: [],
    latencies: [],
    ships: 0,
    historyFetches: 0,
    historyReads: 0,
    serverCpuMs: 0,
    workerCpuMs: 0,
  };
}

// ---- the scenario -----------------------------------------------------------------------------------

async function until(fn: () => boolean | Promise<boolean>, timeoutMs: number, what: string, progress?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let nextLog = Date.now() + 60_000;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`bench scenario could not run: timed out waiting for ${what}${progress ? ` (${progress()})` : ''}`);
    if (progress && Date.now() > nextLog) {
      console.log(`  ... ${what}: ${progress()}`);
      nextLog = Date.now() + 60_000;
    }
    await sleep(500);
  }
}

/** `fn` for every item, `concurrency` at a time. */
async function eachLimited<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

/** Orders of the side's store awaiting shipment in its OMS (the OMS sandbox's records). */
const awaitingShipment = (side: Side): number => Object.values(side.sandboxes.oms.ctx.data.orders).filter((o) => o.orderStatus === 'awaiting_shipment').length;

const runsOpen = async (client: Client, side: Side, synced = false): Promise<number> =>
  (await client.workflow.count(`WorkflowType = "orderSync" AND ExecutionStatus = "Running" AND BcStoreHash = "${side.store}"${synced ? ' AND BcSyncStatus = "Synced"' : ''}`))
    .count;

/** The side's orders, generated paid, and their workflows started, at most MEMORY_IN_FLIGHT not yet in the OMS. */
async function createOrders(client: Client, side: Side): Promise<void> {
  while (side.ids.length < env.MEMORY_ORDERS) {
    const count = Math.min(200, env.MEMORY_ORDERS - side.ids.length);
    const res = await control(
      fetch(
        `${side.sandboxes.bcUrl}/__sandbox/orders/generate`,
        post({ count, status_id: PAID, multi_address: false, digital: false, gift_certificate: false, seed: side.ids.length + 1 }),
      ),
      `${side.store}: POST /__sandbox/orders/generate`,
    );
    side.ids.push(...z.object({ ids: z.array(z.number().int()) }).parse(await res.json()).ids);
  }
  must(side.ids.length === env.MEMORY_ORDERS, `${side.store}: the sandbox generated ${side.ids.length} of ${env.MEMORY_ORDERS} orders`);
  const worker = side.worker!;
  const cpu0 = cpuMs(worker.pid);
  const t0 = Date.now();
  const createdAt = Math.floor(Date.now() / 1000);
  let sent = 0;
  let progressAt = Date.now();
  let lastDone = 0;
  while (sent < side.ids.length) {
    const done = awaitingShipment(side);
    if (done > lastDone) [lastDone, progressAt] = [done, Date.now()];
    must(Date.now() - progressAt < 10 * 60_000, `${side.store}: no order reached the OMS in 10 minutes (${done} of ${sent} started)`);
    const room = env.MEMORY_IN_FLIGHT - (sent - done);
    if (room <= 0) {
      await sleep(200);
      continue;
    }
    const batch = side.ids.slice(sent, sent + room);
    sent += batch.length;
    await eachLimited(batch, 10, (id) => {
      const event: OrderEvent = { scope: 'store/order/created', hash: `memory-${id}`, createdAt };
      return signalOrder(client, side.config, side.store, id, orderEventSignal, [event]);
    });
  }
  await until(() => awaitingShipment(side) === side.ids.length, 30 * 60_000, `${side.store}: every order in the OMS awaiting shipment`);
  // The OMS write is the last call of the pass: the workflow task after it records it and the run waits.
  await until(async () => (await runsOpen(client, side, true)) === side.ids.length, 10 * 60_000, `${side.store}: every run synced and waiting`);
  side.createdS = (Date.now() - t0) / 1000;
  side.createCpuS = (cpuMs(worker.pid) - cpu0) / 1000;
  side.createHwmMb = procStatusMb(worker.pid, 'VmHWM');
}

/** Ships `ids` from the side's warehouse at MEMORY_SHIP_RATE, waits for every shipment in BigCommerce, and books the block's costs to the side. */
async function shipBlock(side: Side, ids: number[], metricsPort: number, serverPid: number): Promise<void> {
  const c0 = await serverCounters(metricsPort);
  const server0 = cpuMs(serverPid);
  const worker0 = cpuMs(side.worker!.pid);
  const t0 = Date.now();
  for (const [i, id] of ids.entries()) {
    await sleep(Math.max(0, t0 + (i / env.MEMORY_SHIP_RATE) * 1000 - Date.now()));
    await control(fetch(`${side.sandboxes.omsUrl}/__sandbox/orders/bc-${side.store}-${id}/ship`, post({})), `${side.store}: ship order ${id}`);
  }
  const bcOrders = side.sandboxes.bigcommerce.ctx.data.orders;
  const shipped = () => ids.filter((id) => (bcOrders[String(id)]?.shipments.length ?? 0) > 0).length;
  await until(
    () => shipped() === ids.length,
    5 * 60_000,
    `${side.store}: every shipment in BigCommerce`,
    () => `${shipped()} of ${ids.length}`,
  );
  // The workflow tasks after the copy (its result recorded, the quiet period started) belong to the
  // block too, and the server's counters reach its metrics page a moment after each request.
  await sleep(BLOCK_SETTLE_MS);
  const c1 = await serverCounters(metricsPort);
  side.serverCpuMs += cpuMs(serverPid) - server0;
  side.workerCpuMs += cpuMs(side.worker!.pid) - worker0;
  side.historyFetches += delta(c0.requests, c1.requests, 'GetWorkflowExecutionHistory');
  side.historyReads += delta(c0.persistence, c1.persistence, 'ReadHistoryBranch');
  side.ships += ids.length;
}

/**
 * Signal to shipment for every shipped order: the signal's time in its history, the shipment's in
 * BigCommerce's records. Read after every block, so these history reads are in no block's count.
 */
async function latencies(client: Client, side: Side, ids: number[]): Promise<void> {
  const bcOrders = side.sandboxes.bigcommerce.ctx.data.orders;
  for (const id of ids) {
    const history = await client.workflow.getHandle(orderWorkflowId(side.store, id)).fetchHistory();
    const signalled = (history.events ?? []).find((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'omsShipments');
    must(signalled, `${side.store}: order ${id} has no omsShipments signal in its history`);
    const shipments = bcOrders[String(id)]?.shipments ?? [];
    must(shipments.length === 1, `${side.store}: order ${id} has ${shipments.length} shipments in BigCommerce`);
    side.latencies.push(shipments[0]!.createdMs - tsToMs(signalled.eventTime));
  }
}

export async function main(): Promise<void> {
  installTemporalRuntime(logger);
  const startedAt = new Date();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memory-'));
  const port = await freePort();
  const metricsPort = await freePort();
  const temporal = await startDevServer({ dbFile: path.join(dir, 'temporal.db'), port, metricsPort, logLevel: 'never' });
  const serverPid = devServerPid(port);
  const bundlePath = path.join(dir, 'bundle.js');
  writeFileSync(bundlePath, (await bundleWorkflows()).code);
  const address = `127.0.0.1:${port}`;
  const product = await setUpSide('product settings', 'memprod', { NODE_OPTIONS: WORKER_NODE_OPTIONS }, address, bundlePath);
  const sdk = await setUpSide('SDK defaults', 'memsdk', SDK_DEFAULTS, address, bundlePath);
  const sides = [product, sdk];
  let connection: Connection | undefined;
  const loads: number[] = [];
  const loadTimer = setInterval(() => loads.push(os.loadavg()[0]!), 10_000);
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const details: string[] = [`load average at the start (1, 5, 15 min): ${load()}`];
  try {
    const connected = await connectClient(product.config.temporal);
    connection = connected.connection;
    const client = connected.client;
    for (const side of sides) {
      const api = await startApiServer(side.config, { client, connection, logger: createLogger('fatal', `${side.store}-api`), host: '127.0.0.1', port: await freePort() });
      side.api = api;
      await registerOmsWebhook(side.config, `${api.url}/webhooks/oms`);
      side.worker = await startWorker(side.workerEnv);
    }
    console.log(
      `memory bench: ${env.MEMORY_ORDERS} orders per worker, at most ${env.MEMORY_IN_FLIGHT} in flight each; ${sides.map((s) => `${s.label}: ${s.settings} (cache ${s.worker!.maxCachedWorkflows}, heap limit ${s.worker!.heapLimitMb} MB)`).join('; ')}; load ${load()}`,
    );

    // ---- 1. 10,000 open orders per worker, waiting for shipment ----------------------------------
    let progress = true;
    const reporter = (async () => {
      while (progress) {
        await sleep(60_000);
        if (progress)
          console.log(
            `  ... ${sides.map((s) => `${s.store} ${awaitingShipment(s)} in the OMS, RSS ${procStatusMb(s.worker!.pid, 'VmRSS').toFixed(0)} MB`).join('; ')}; load ${load()}`,
          );
      }
    })();
    await Promise.all(sides.map((s) => createOrders(client, s)));
    progress = false;
    await reporter.catch(() => undefined);
    for (const side of sides) {
      const open = await runsOpen(client, side);
      must(open >= env.MEMORY_ORDERS, `${side.store}: only ${open} orderSync runs are open, not ${env.MEMORY_ORDERS}`);
      details.push(
        `${side.label}: ${side.ids.length} orders in the ERP and the OMS awaiting shipment ${side.createdS!.toFixed(0)} s after the first start (both stores at once), worker CPU ${side.createCpuS!.toFixed(0)} s, worker peak RSS (VmHWM) while creating ${side.createHwmMb!.toFixed(0)} MB`,
      );
      console.log(`  ${details.at(-1)}`);
    }

    // ---- 2. holding them: RSS, then shipments in alternating blocks --------------------------------
    await sleep(10_000);
    const sampler = setInterval(() => {
      for (const s of sides) s.rss.push(procStatusMb(s.worker!.pid, 'VmRSS'));
    }, 500);
    await sleep(30_000);
    const holding = sides.map((s) => percentile(s.rss, 50));
    const random = seededRandom(19);
    const samples = sides.map((s) => {
      const ids = [...s.ids];
      for (let i = ids.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [ids[i], ids[j]] = [ids[j]!, ids[i]!];
      }
      return ids.slice(0, env.MEMORY_SHIP_SAMPLE);
    });
    for (let at = 0; at < env.MEMORY_SHIP_SAMPLE; at += env.MEMORY_SHIP_BLOCK) {
      // Which store goes first alternates block by block.
      const order = (at / env.MEMORY_SHIP_BLOCK) % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) await shipBlock(sides[i]!, samples[i]!.slice(at, at + env.MEMORY_SHIP_BLOCK), metricsPort, serverPid);
    }
    clearInterval(sampler);
    for (const s of sides) s.rss.push(procStatusMb(s.worker!.pid, 'VmRSS'));
    for (const [i, s] of sides.entries()) await latencies(client, s, samples[i]!);
    for (const side of sides) {
      const open = await runsOpen(client, side);
      must(open >= env.MEMORY_ORDERS, `${side.store}: only ${open} orderSync runs are open after the shipments`);
    }
    const open = await runsOpen(client, product);

    const figures = sides.map((s, i) => ({
      rssMb: Math.round(Math.max(...s.rss)),
      holdingMb: Math.round(holding[i]!),
      hwmMb: Math.round(procStatusMb(s.worker!.pid, 'VmHWM')),
      cache: s.worker!.maxCachedWorkflows,
      p50: Math.round(percentile(s.latencies, 50)),
      p95: Math.round(percentile(s.latencies, 95)),
      max: Math.round(Math.max(...s.latencies)),
      fetches: s.historyFetches / s.ships,
      reads: s.historyReads / s.ships,
      serverCpu: s.serverCpuMs / s.ships,
      workerCpu: s.workerCpuMs / s.ships,
    }));
    const [ours, theirs] = figures as [(typeof figures)[0], (typeof figures)[0]];
    for (const [i, s] of sides.entries()) {
      const f = figures[i]!;
      details.push(
        `${s.label} (${s.settings}; cache ${f.cache} runs, heap limit ${s.worker!.heapLimitMb} MB): RSS holding ${env.MEMORY_ORDERS} open ${f.holdingMb} MB (median over 30 s), highest through the shipments ${f.rssMb} MB, process peak (VmHWM, creation included) ${f.hwmMb} MB; signal to shipment in BigCommerce p50 ${f.p50} ms, p95 ${f.p95} ms, max ${f.max} ms over ${s.ships} shipments; per shipment ${f.fetches.toFixed(2)} history fetches (GetWorkflowExecutionHistory), ${f.reads.toFixed(2)} history branch reads, ${f.serverCpu.toFixed(0)} ms Temporal server CPU, ${f.workerCpu.toFixed(0)} ms worker CPU`,
      );
      console.log(`  ${details.at(-1)}`);
    }
    details.push(
      `1-minute load average every 10 s over the run: min ${Math.min(...loads).toFixed(1)}, median ${percentile(loads, 50).toFixed(1)}, max ${Math.max(...loads).toFixed(1)} on ${os.cpus().length} cores; both workers ran side by side, so other work on the machine loaded both`,
    );
    const line = `memory: open_workflows=${open} worker_rss_mb=${ours.rssMb} cache_size=${ours.cache} p95_signal_to_done_ms=${ours.p95} sdk_default_rss_mb=${theirs.rssMb} sdk_default_p95_ms=${theirs.p95} sdk_default_cache_size=${theirs.cache}`;
    const baseline = `SDK defaults: open_workflows=${await runsOpen(client, sdk)} worker_rss_mb=${theirs.rssMb} cache_size=${theirs.cache} p95_signal_to_done_ms=${theirs.p95} heap_limit_mb=${sdk.worker!.heapLimitMb}`;
    console.log(line);
    console.log(`  baseline: ${baseline}`);
    const rssWitness = 'VmRSS of the worker process (/proc/<pid>/status) every 500 ms while it held its open workflows and through the shipments, highest';
    const latencyWitness = `signal event time in the workflow history (Temporal server) to the shipment's creation time in the BigCommerce sandbox's records, ${env.MEMORY_SHIP_SAMPLE} shipments in blocks of ${env.MEMORY_SHIP_BLOCK} at ${env.MEMORY_SHIP_RATE}/s alternating with the other worker's`;
    writeResult({
      name: 'memory',
      line,
      command: 'npm run bench -- memory',
      baseline,
      figures: {
        open_workflows: {
          value: open,
          witness: "Temporal server visibility (the worker's store's orderSync runs Running and Synced); every order in its OMS sandbox awaiting shipment",
          goal: `>= ${GOAL_ORDERS}`,
          met: open >= GOAL_ORDERS,
        },
        worker_rss_mb: { value: ours.rssMb, witness: `${rssWitness}; product settings`, goal: `<= ${RSS_GOAL_MB}`, met: ours.rssMb <= RSS_GOAL_MB },
        cache_size: { value: ours.cache, witness: "the workflow worker's compiled options (WORKER_MAX_CACHED_WORKFLOWS default)" },
        p95_signal_to_done_ms: {
          value: ours.p95,
          witness: `${latencyWitness}; product settings`,
          goal: `<= 2 x the SDK defaults' p95 (${2 * theirs.p95})`,
          met: ours.p95 <= 2 * theirs.p95,
        },
        sdk_default_rss_mb: { value: theirs.rssMb, witness: `${rssWitness}; SDK defaults, Node's default heap` },
        sdk_default_p95_ms: { value: theirs.p95, witness: `${latencyWitness}; SDK defaults` },
        sdk_default_cache_size: { value: theirs.cache, witness: "the workflow worker's compiled options (the SDK's choice from the heap limit)" },
        history_fetches_per_shipment: {
          value: Number(ours.fetches.toFixed(2)),
          witness: `Temporal server service_requests{operation="GetWorkflowExecutionHistory"} during the product worker's blocks, per shipment (SDK defaults: ${theirs.fetches.toFixed(2)})`,
        },
        server_cpu_ms_per_shipment: {
          value: Math.round(ours.serverCpu),
          witness: `Temporal server process CPU time (/proc/<pid>/stat) during the product worker's blocks, per shipment (SDK defaults: ${Math.round(theirs.serverCpu)})`,
        },
        worker_cpu_ms_per_shipment: {
          value: Math.round(ours.workerCpu),
          witness: `worker process CPU time (/proc/<pid>/stat) during its blocks, per shipment (SDK defaults: ${Math.round(theirs.workerCpu)})`,
        },
      },
      details,
      startedAt: startedAt.toISOString(),
      durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
    });
  } finally {
    clearInterval(loadTimer);
    for (const side of sides) {
      await side.worker?.stop();
      await side.api?.close();
      await side.sandboxes.close();
    }
    await connection?.close();
    await temporal.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}
