import { createServer } from 'node:net';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';
import { clusterLayout } from '../cli/cluster/layout';
import { findPostgres, postgresPid, postgresRunAs, startPostgres, stopPostgres } from '../cli/cluster/postgres';
import { stopPid } from '../cli/cluster/processes';
import { serverPid } from '../cli/cluster/temporal-server';
import { registerHooks, registerOmsWebhook } from '../cli/register-hooks';
import { loadConfig, type Config } from '../config/env';
import { bigCommerceTaskQueue } from '../domain/shared/ids';
import { startSandboxes, type RunningSandboxes } from '../sandbox/start-sandboxes';
import { desiredSchedules } from '../workers/schedules';
import { connectClient } from '../workers/temporal-connection';
import type { Json } from '../test/support/json';
import { judgeOrder, type OrderVerdict } from './support/order-witness';
import { bcsync, ProductProcess } from './support/product-process';
import { control, must, writeResult } from './support/result';
import { roundRobin, type RoundRobin } from './support/round-robin';
import { seedStock } from './support/stock';
import { BENCH_PAYLOAD_KEYS, payloadValue } from './support/temporal';
import { bcRequestCounts, byRoute, clearBcRequests, freePort, sumRequests } from './support/witness';

/**
 * `npm run bench -- cluster`: the production topology on the real engine. `bcsync cluster up`
 * (PostgreSQL + Temporal's server, 4 history shards) on its own data directory and ports, 3
 * `bcsync worker` and 2 `bcsync api` processes on one store behind a round-robin load balancer,
 * the BigCommerce sandbox at a Pro store's quota (450 requests per 30 s) delivering every webhook
 * through that balancer (its retries compressed 10x), the ERP sandbox at an account concurrency
 * limit, the OMS sandbox as the 3PL. Orders are created unpaid, paid, then shipped by the 3PL.
 *
 * First a fault-free baseline on the same cluster and processes; then the measured run, during
 * which, in order: the whole Temporal server is stopped and started again (`bcsync cluster up`),
 * one worker is SIGKILLed twice (restarted after each), one API process restarts, and PostgreSQL
 * stops for 20 s. Judged by witnesses only: the sandboxes' records and write counters, the
 * BigCommerce sandbox's rate-limiter log, the ERP sandbox's peak concurrency, the load balancer's
 * record of the APIs' answers, the alert receiver, and the cluster's own schedule records and
 * visibility.
 */
const env = z
  .object({
    BENCH_ORDERS: z.coerce.number().int().min(20).default(2_000),
    /** Orders of the fault-free baseline; default a tenth of BENCH_ORDERS, at least 50. */
    BENCH_BASELINE_ORDERS: z.coerce.number().int().min(10).optional(),
    /** Orders placed per second. */
    BENCH_RATE: z.coerce.number().positive().max(50).default(1.5),
    BENCH_DB_OUTAGE_S: z.coerce.number().int().min(1).default(20),
    LOG_LEVEL: z.string().default('warn'),
  })
  .parse(process.env);

const ORDERS = env.BENCH_ORDERS;
const BASELINE_ORDERS = env.BENCH_BASELINE_ORDERS ?? Math.max(50, Math.round(ORDERS / 10));
const RATE = env.BENCH_RATE;
const DB_OUTAGE_S = env.BENCH_DB_OUTAGE_S;
const STORE = 'cluster';
const PRODUCT_TOKEN = 'cluster-token';
const PRODUCT_CLIENT = 'cluster';
const WITNESS_TOKEN = 'cluster-witness-token';
/** A Pro store: 450 requests per 30 s window (FACTS: Standard/Plus 150, Pro 450). */
const QUOTA = 450;
const WINDOW_MS = 30_000;
/** BigCommerce's webhook retry schedule (60 s, 180 s, ...) and blocklist timings, compressed. */
const WEBHOOK_TIME_SCALE = 10;
const WORKERS = 3;
const APIS = 2;
/** The ERP share for every worker process together, and each API's own ERP reads on top. */
const ERP_SHARE = 6;
const ERP_API_CONCURRENCY = 1;
const ERP_CONFIGURED = ERP_SHARE + ERP_API_CONCURRENCY * APIS;
const PAID = 11;
const UNPAID = 7;
/**
 * How long an order's run waits for another event before it completes: the product's default (1 h)
 * at the webhook time scale, so BigCommerce's retries after an outage keep the proportion they have
 * in production (a retry a minute later lands in the open run, not in a new one).
 */
const QUIET_PERIOD_S = Math.round(3600 / WEBHOOK_TIME_SCALE);
/** An order not synced end to end this long after it was placed is left to the witnesses. */
const GIVE_UP_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const externalId = (id: number) => `bc-${STORE}-${id}`;
const put = (body: unknown): RequestInit => ({ method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const post = (body: unknown): RequestInit => ({ ...put(body), method: 'POST' });
const stamp = (ms: number = Date.now()) => new Date(ms).toISOString().slice(11, 19);
const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

// ---- the cluster ------------------------------------------------------------------------------

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * Nine free ports in a row (the server's eight and its metrics) and one for PostgreSQL. Below 32768:
 * Temporal keeps each service's membership port in a PostgreSQL smallint (cluster_membership), and
 * a server on a higher port exits at start ("value out of range for type smallint").
 */
async function clusterPorts(): Promise<{ port: number; metricsPort: number; pgPort: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const all = [...Array.from({ length: 9 }, (_, i) => base + i), base + 100];
    if ((await Promise.all(all.map(portFree))).every(Boolean)) return { port: base, metricsPort: base + 8, pgPort: base + 100 };
  }
  throw new Error('bench scenario could not run: no free block of ports for the cluster');
}

interface Cluster {
  dataDir: string;
  args: string[];
  address: string;
  metricsPort: number;
  pgPort: number;
}

async function clusterUp(c: Cluster): Promise<string> {
  try {
    const { stdout, stderr } = await bcsync(['cluster', 'up', ...c.args], { ...process.env, LOG_LEVEL: 'warn' }, 15 * 60_000);
    return `${stderr}${stdout}`;
  } catch (err) {
    throw new Error(`bench scenario could not run: bcsync cluster up failed: ${(err as Error).message}`);
  }
}

// ---- the orders -------------------------------------------------------------------------------

interface Order {
  id: number;
  phase: 'baseline' | 'faults';
  createdMs: number;
  payAtMs: number;
  paidMs?: number;
  erpMs?: number;
  omsMs?: number;
  shippedMs?: number;
  bcShipmentMs?: number;
  /** When the ERP sandbox's write counter for the sales order went up (seen by the driver). */
  erpWritesAt: number[];
  /** The OMS order's statuses as the driver saw them change (its own record, every 250 ms). */
  omsStatuses: string[];
  done: boolean;
}

async function place(s: RunningSandboxes, count: number, seed: number): Promise<number[]> {
  const res = await control(
    fetch(`${s.bcUrl}/__sandbox/orders/generate`, post({ count, status_id: UNPAID, multi_address: false, digital: false, gift_certificate: false, seed })),
    'POST /__sandbox/orders/generate',
  );
  const body = (await res.json()) as { ids?: number[] };
  must(body.ids?.length === count, `the generator placed ${body.ids?.length} of ${count} orders`);
  return body.ids!;
}

/**
 * The store and the 3PL: each order is paid 5 to 15 s after it was placed, and shipped by the 3PL
 * 5 s after the OMS has it awaiting shipment. Every step's effect is watched in the systems' own
 * records (every 250 ms): placed -> sales order in the ERP, paid -> order in the OMS, shipped by the
 * 3PL -> shipment in BigCommerce.
 */
function driver(s: RunningSandboxes, orders: Map<number, Order>) {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const now = Date.now();
      const erpWrites = s.erp.data.salesOrderWrites;
      const oms = new Map(Object.values(s.oms.ctx.data.orders).map((o) => [o.orderKey, o]));
      const bcOrders = s.bigcommerce.ctx.data.orders;
      for (const o of orders.values()) {
        const key = externalId(o.id);
        while ((erpWrites[key] ?? 0) > o.erpWritesAt.length) o.erpWritesAt.push(now);
        const omsStatus = oms.get(key)?.orderStatus;
        if (omsStatus && o.omsStatuses[o.omsStatuses.length - 1] !== omsStatus) o.omsStatuses.push(omsStatus);
        if (o.done) continue;
        if (o.erpMs === undefined && o.erpWritesAt.length > 0) o.erpMs = now;
        if (o.paidMs === undefined && now >= o.payAtMs) {
          await control(fetch(`${s.bcUrl}/__sandbox/orders/${o.id}/status`, post({ status_id: PAID })), `pay order ${o.id}`);
          o.paidMs = Date.now();
        }
        const inOms = oms.get(key);
        if (o.paidMs !== undefined && o.omsMs === undefined && inOms) o.omsMs = now;
        if (o.omsMs !== undefined && o.shippedMs === undefined && now >= o.omsMs + 5_000 && inOms?.orderStatus === 'awaiting_shipment') {
          await control(fetch(`${s.omsUrl}/__sandbox/orders/${key}/ship`, post({})), `ship order ${o.id}`);
          o.shippedMs = Date.now();
        }
        if (o.shippedMs !== undefined && o.bcShipmentMs === undefined && (bcOrders[String(o.id)]?.shipments.length ?? 0) > 0) {
          o.bcShipmentMs = now;
          o.done = true;
        }
        if (now > o.createdMs + GIVE_UP_MS) o.done = true; // the witnesses will say what is missing
      }
      await sleep(250);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** Places `count` orders at RATE a second into `orders`; resolves when the last is placed. */
async function arrivals(s: RunningSandboxes, orders: Map<number, Order>, count: number, phase: Order['phase'], seed: number): Promise<void> {
  const t0 = Date.now();
  for (let placed = 0; placed < count; ) {
    const batch = Math.min(Math.max(1, Math.round(RATE)), count - placed);
    const ids = await place(s, batch, seed + placed);
    for (const id of ids) {
      const now = Date.now();
      orders.set(id, { id, phase, createdMs: now, payAtMs: now + 5_000 + Math.floor(Math.random() * 10_000), erpWritesAt: [], omsStatuses: [], done: false });
    }
    placed += batch;
    await sleep(Math.max(0, t0 + (placed / RATE) * 1000 - Date.now()));
  }
}

async function until(fn: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`bench scenario could not run: timed out waiting for ${what}`);
    await sleep(500);
  }
}

/** Sync latencies (s) of some orders by step: placed -> ERP, paid -> OMS, shipped -> BigCommerce shipment. */
function latencies(orders: Order[]): { erp: number[]; oms: number[]; shipment: number[] } {
  const out = { erp: [] as number[], oms: [] as number[], shipment: [] as number[] };
  for (const o of orders) {
    if (o.erpMs !== undefined) out.erp.push((o.erpMs - o.createdMs) / 1000);
    if (o.omsMs !== undefined && o.paidMs !== undefined) out.oms.push((o.omsMs - o.paidMs) / 1000);
    if (o.bcShipmentMs !== undefined && o.shippedMs !== undefined) out.shipment.push((o.bcShipmentMs - o.shippedMs) / 1000);
  }
  return out;
}

const spread = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(2)} p95 ${percentile(xs, 95).toFixed(2)} max ${percentile(xs, 100).toFixed(2)} s (${xs.length})`;

// ---- witnesses ----------------------------------------------------------------------------------

async function records(s: RunningSandboxes, id: number) {
  const h = { 'x-auth-token': WITNESS_TOKEN };
  const base = `${s.bcUrl}/stores/${STORE}`;
  const bc = await (await control(fetch(`${base}/v2/orders/${id}?include=consignments.line_items,fees&consignment_structure=object`, { headers: h }), `GET order ${id}`)).json();
  // Metafields are visible to the API account that wrote them only: read as the product's account.
  const metafields =
    ((await (await control(fetch(`${base}/v3/orders/${id}/metafields`, { headers: { 'x-auth-token': PRODUCT_TOKEN } }), `GET order ${id} metafields`)).json()) as { data: Json[] })
      .data ?? [];
  const shipRes = await control(fetch(`${base}/v2/orders/${id}/shipments`, { headers: h }), `GET order ${id} shipments`);
  const bcShipments = shipRes.status === 204 ? [] : ((await shipRes.json()) as Json[]);
  const erpRes = await fetch(`${s.erpUrl}/services/rest/record/v1/salesOrder/eid:${externalId(id)}?expandSubResources=true`, {
    headers: { authorization: 'Bearer sandbox-erp-token' },
  });
  must(erpRes.status === 200 || erpRes.status === 404, `the ERP answered ${erpRes.status} to the witness's read of ${externalId(id)}`);
  const erp = erpRes.status === 200 ? await erpRes.json() : undefined;
  const omsData = s.oms.ctx.data;
  return {
    bc,
    metafields,
    bcShipments,
    erp,
    erpWrites: s.erp.data.salesOrderWrites[externalId(id)] ?? 0,
    oms: Object.values(omsData.orders).find((o) => o.orderKey === externalId(id)) as Json | undefined,
    omsWrites: omsData.writes[externalId(id)] ?? 0,
    omsShipments: Object.values(omsData.shipments).filter((x) => x.orderKey === externalId(id)) as Json[],
  };
}

interface Judged {
  orders: number;
  lost: number;
  fieldMismatches: number;
  extraWrites: number;
  extraErp: number;
  extraOms: number;
  extraShipments: number;
  p95: number;
  /** p50, p95 and max of each step. */
  steps: string;
  flagged: string[];
}

async function judge(s: RunningSandboxes, orders: Order[]): Promise<Judged> {
  const verdicts: Array<[number, OrderVerdict]> = [];
  for (const o of orders) verdicts.push([o.id, judgeOrder(await records(s, o.id), { storeHash: STORE, wasPaid: o.paidMs !== undefined })]);
  const sum = (f: (v: OrderVerdict) => number) => verdicts.reduce((n, [, v]) => n + f(v), 0);
  const extraErp = sum((v) => v.extraErpWrites);
  const extraOms = sum((v) => v.extraOmsWrites);
  const extraShipments = sum((v) => v.extraShipments);
  const lat = latencies(orders);
  const omsStatuses = new Map(orders.map((o) => [o.id, o.omsStatuses]));
  const flagged = verdicts
    .filter(([, v]) => v.lost || v.mismatches.length || v.extraErpWrites || v.extraOmsWrites || v.extraShipments)
    .sort(([, a], [, b]) => Number(b.lost) - Number(a.lost) || b.mismatches.length - a.mismatches.length)
    .slice(0, 15)
    .map(
      ([id, v]) =>
        `order ${id}: ${v.lost ? 'LOST ' : ''}${v.mismatches.join('; ')}${v.extraErpWrites ? ` extra ERP writes ${v.extraErpWrites}` : ''}${v.extraOmsWrites ? ` extra OMS writes ${v.extraOmsWrites} (OMS statuses seen: ${omsStatuses.get(id)?.join(' > ')})` : ''}${v.extraShipments ? ` extra shipments ${v.extraShipments}` : ''}`,
    );
  return {
    orders: orders.length,
    lost: sum((v) => (v.lost ? 1 : 0)),
    fieldMismatches: sum((v) => v.mismatches.length),
    extraWrites: extraErp + extraOms + extraShipments,
    extraErp,
    extraOms,
    extraShipments,
    p95: percentile(Object.values(lat).flat(), 95),
    steps: `placed -> ERP ${spread(lat.erp)}; paid -> OMS ${spread(lat.oms)}; shipped -> BigCommerce ${spread(lat.shipment)}`,
    flagged,
  };
}

/**
 * Windows of the BigCommerce sandbox's own limiter (fixed, 30 s) in which the store was asked for
 * more than its quota: any call it refused for the quota, counted from its log of every call.
 */
function quotaWindows(s: RunningSandboxes, fromMs: number, toMs: number) {
  const log = (s.bigcommerce.ctx.limiter.log ?? []).filter((e) => e.atMs >= fromMs && e.atMs <= toMs);
  const windows = new Map<number, { asked: number; allowed: number; limited: number }>();
  for (const e of log) {
    const w = windows.get(e.windowStart) ?? { asked: 0, allowed: 0, limited: 0 };
    w.asked++;
    if (e.outcome === 'allowed') w.allowed++;
    else w.limited++;
    windows.set(e.windowStart, w);
  }
  const all = [...windows.values()];
  return {
    calls: log.length,
    windows: all.length,
    over: all.filter((w) => w.limited > 0 || w.asked > QUOTA).length,
    refused: all.reduce((n, w) => n + w.limited, 0),
    peak: Math.max(0, ...all.map((w) => w.allowed)),
  };
}

/** Every delivery the load balancer saw answered 503 at least once, and whether a later attempt of it was answered 2xx. */
function redeliveries(lb: RoundRobin, fromMs: number) {
  const byKey = new Map<string, Array<{ status: number; atMs: number }>>();
  for (const a of lb.answers) {
    if (a.atMs < fromMs) continue;
    const xs = byKey.get(a.key) ?? [];
    xs.push(a);
    byKey.set(a.key, xs);
  }
  let answered503 = 0;
  let deliveries503 = 0;
  let redelivered = 0;
  for (const xs of byKey.values()) {
    const n = xs.filter((x) => x.status === 503).length;
    if (n === 0) continue;
    answered503 += n;
    deliveries503++;
    const last503 = Math.max(...xs.filter((x) => x.status === 503).map((x) => x.atMs));
    if (xs.some((x) => x.atMs >= last503 && x.status >= 200 && x.status < 300)) redelivered++;
  }
  const non2xx: Record<string, number> = {};
  for (const a of lb.answers) if (a.atMs >= fromMs && (a.status < 200 || a.status > 299)) non2xx[a.status] = (non2xx[a.status] ?? 0) + 1;
  return { answered503, deliveries503, redelivered, non2xx };
}

/**
 * Every schedule-started workflow of each schedule, from the cluster's visibility, against the
 * schedule's own count of actions taken. The schedules are paused first (the run is over), so the
 * two readings cannot straddle a new action; visibility may lag a start by a moment: read again
 * for up to 15 s until the counts settle.
 */
async function scheduleRuns(client: Client, ids: string[]) {
  for (const id of ids) await client.schedule.getHandle(id).pause('cluster bench: counting runs');
  const out: Array<{ id: string; runs: number; distinct: number; taken: number }> = [];
  for (const id of ids) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const taken = (await client.schedule.getHandle(id).describe()).info.numActionsTaken;
      const workflowIds: string[] = [];
      for await (const wf of client.workflow.list({ query: `TemporalScheduledById = "${id}"` })) workflowIds.push(wf.workflowId);
      if (workflowIds.length === taken || Date.now() > deadline) {
        out.push({ id, runs: workflowIds.length, distinct: new Set(workflowIds).size, taken });
        break;
      }
      await sleep(1_000);
    }
  }
  return out;
}

/** The long-lived workflows (neither orders nor schedule ticks): each run's history length and size, from visibility. */
async function longLived(client: Client): Promise<string[]> {
  const out: string[] = [];
  const query = `WorkflowType != "orderSync" AND TemporalScheduledById IS NULL`;
  for await (const wf of client.workflow.list({ query })) {
    out.push(`${wf.type} ${wf.workflowId} ${wf.status.name} ${wf.historyLength} events ${wf.historySize ? `${(wf.historySize / 1e6).toFixed(2)} MB` : ''}`.trim());
    if (out.length >= 30) break;
  }
  return out;
}

/** What an order's runs did, from their histories: each activity with its last attempt and outcome. */
async function orderRuns(client: Client, id: number): Promise<string> {
  const runs: string[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId = "order:${STORE}:${id}"` })) {
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    const scheduled = new Map<string, string>();
    const attempts = new Map<string, number>();
    const steps: string[] = [];
    for (const e of history.events ?? []) {
      const t = e.eventTime?.seconds ? new Date(Number(e.eventTime.seconds) * 1000).toISOString().slice(11, 19) : '';
      const signal = e.workflowExecutionSignaledEventAttributes;
      if (signal) {
        // Signal inputs are encrypted: decoded with the client's data converter (the run's key).
        const input = await payloadValue<{ scope?: string; createdAt?: number }>(client, signal.input?.payloads?.[0]);
        const event = input && typeof input === 'object' ? input : undefined;
        steps.push(`${t} signal ${signal.signalName}${event?.scope ? `(${event.scope}${event.createdAt ? ` of ${stamp(event.createdAt * 1000)}` : ''})` : ''}`);
      }
      const sch = e.activityTaskScheduledEventAttributes;
      if (sch) scheduled.set(String(e.eventId), sch.activityType?.name ?? '?');
      const started = e.activityTaskStartedEventAttributes;
      if (started) attempts.set(String(started.scheduledEventId), started.attempt ?? 1);
      const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
      if (done) {
        const outcome = e.activityTaskCompletedEventAttributes ? 'ok' : e.activityTaskFailedEventAttributes ? 'failed' : 'timed-out';
        steps.push(`${t} ${scheduled.get(String(done.scheduledEventId)) ?? '?'}#${attempts.get(String(done.scheduledEventId)) ?? '?'}:${outcome}`);
      }
    }
    runs.push(`run ${wf.startTime.toISOString().slice(11, 19)}-${wf.closeTime?.toISOString().slice(11, 19) ?? 'open'} ${wf.status.name}: ${steps.join(', ')}`);
  }
  return runs.join(' | ');
}

async function pollerIdentities(client: Client, config: Config, queue: string, type: temporal.api.enums.v1.TaskQueueType): Promise<string[]> {
  const res = await client.workflowService.describeTaskQueue({ namespace: config.temporal.namespace, taskQueue: { name: queue, kind: 1 }, taskQueueType: type });
  return (res.pollers ?? []).map((p) => p.identity ?? '');
}

// ---- main ------------------------------------------------------------------------------------------

export async function main(): Promise<void> {
  const startedAt = new Date();
  const log: string[] = [];
  const say = (line: string) => {
    log.push(`${stamp()} ${line}`);
    console.log(`  ${stamp()} ${line}`);
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-cluster-'));
  // Not created here: `bcsync cluster up` makes it traversable for PostgreSQL's user.
  const dataDir = path.join(os.tmpdir(), `bench-cluster-data-${process.pid}-${Date.now()}`);
  const ports = await clusterPorts();
  const cluster: Cluster = {
    dataDir,
    args: ['--data-dir', dataDir, '--port', String(ports.port), '--pg-port', String(ports.pgPort), '--metrics-port', String(ports.metricsPort), '--no-ui', '--shards', '4'],
    address: `127.0.0.1:${ports.port}`,
    metricsPort: ports.metricsPort,
    pgPort: ports.pgPort,
  };
  const layout = clusterLayout(dataDir);
  console.log(
    `cluster bench: ${ORDERS} orders (baseline ${BASELINE_ORDERS}) at ${RATE}/s, webhook retries ${WEBHOOK_TIME_SCALE}x faster, quiet period ${QUIET_PERIOD_S} s; cluster in ${dataDir}; logs in ${dir}`,
  );

  let sandboxes: RunningSandboxes | undefined;
  let lb: RoundRobin | undefined;
  let alertSink: http.Server | undefined;
  let client: Client | undefined;
  let closeClient: (() => Promise<void>) | undefined;
  const processes: ProductProcess[] = [];
  try {
    let t = Date.now();
    await clusterUp(cluster);
    const pg = findPostgres();
    must(pg, 'PostgreSQL of the cluster not found after bcsync cluster up');
    const pgAs = postgresRunAs();
    must(serverPid(layout) !== undefined && (await postgresPid(layout, pg, pgAs)) !== undefined, 'bcsync cluster up left the server or PostgreSQL not running');
    say(`bcsync cluster up: PostgreSQL ${pg.version} on ${cluster.pgPort}, Temporal on ${cluster.address} (${((Date.now() - t) / 1000).toFixed(1)} s)`);

    sandboxes = await startSandboxes({
      bcPort: 0,
      erpPort: 0,
      bigcommerce: {
        storeHash: STORE,
        quota: QUOTA,
        windowMs: WINDOW_MS,
        rateLimit: true,
        webhookTimeScale: WEBHOOK_TIME_SCALE,
        clients: {
          [PRODUCT_TOKEN]: { clientId: PRODUCT_CLIENT, clientSecret: 'cluster-client-secret' },
          [WITNESS_TOKEN]: { clientId: 'cluster-witness', clientSecret: 'cluster-witness-secret' },
        },
      },
      oms: { quota: 1_000_000 },
    });
    const s = sandboxes;
    await seedStock({ erpUrl: s.erpUrl, bcUrl: s.bcUrl, storeHash: STORE, token: WITNESS_TOKEN, quantity: 10_000_000, reason: 'cluster bench stock' });
    // The account's concurrency limit is exactly the configured share: a process over its part shows as a 429 too.
    await control(fetch(`${s.erpUrl}/__sandbox/settings`, put({ concurrencyLimit: ERP_CONFIGURED, processingMs: 100 })), 'ERP settings');

    const apiPorts = await Promise.all(Array.from({ length: APIS }, () => freePort()));
    lb = await roundRobin(apiPorts);
    const alerts: Array<{ atMs: number; text: string }> = [];
    alertSink = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        try {
          alerts.push({ atMs: Date.now(), text: String((JSON.parse(body) as { text?: unknown }).text ?? body) });
        } catch {
          alerts.push({ atMs: Date.now(), text: body });
        }
        res.end();
      });
    });
    await new Promise<void>((r) => alertSink!.listen(0, '127.0.0.1', () => r()));
    const alertUrl = `http://127.0.0.1:${(alertSink.address() as { port: number }).port}/alerts`;

    const productEnv: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: env.LOG_LEVEL,
      METRICS_PORT: '0',
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_PAYLOAD_KEYS: BENCH_PAYLOAD_KEYS,
      TEMPORAL_WORKFLOW_TASK_QUEUE: 'cluster.workflows',
      BC_API_URL: s.bcUrl,
      BC_STORE_HASH: STORE,
      BC_ACCESS_TOKEN: PRODUCT_TOKEN,
      BC_CLIENT_SECRET: 'cluster-client-secret',
      BC_PLAN: 'pro',
      ERP_API_URL: s.erpUrl,
      ERP_ACCESS_TOKEN: 'sandbox-erp-token',
      ERP_CONCURRENCY: String(ERP_SHARE),
      ERP_WORKER_PROCESSES: String(WORKERS),
      ERP_API_CONCURRENCY: String(ERP_API_CONCURRENCY),
      ERP_WEBHOOK_TOKEN: 'cluster-erp-token-0123456789',
      ERP_WEBHOOK_SIGNING_SECRET: 'cluster-erp-signing-secret-0123456789',
      OMS_API_URL: s.omsUrl,
      OMS_API_KEY: 'sandbox-oms-key',
      OMS_API_SECRET: 'sandbox-oms-secret',
      OMS_RATE_PER_MINUTE: '100000',
      OMS_WEBHOOK_TOKEN: 'cluster-oms-token-0123456789',
      WEBHOOK_SECRET: 'cluster-webhook-secret-0123',
      HOOKS_DESTINATION: `${lb.url}/webhooks/bigcommerce`,
      HEALTH_INTERVAL: '30s',
      RECONCILE_INTERVAL: '30s',
      ALERT_INTERVAL: '10s',
      ALERT_WEBHOOK_URL: alertUrl,
      ALERT_COOLDOWN: '3h',
      ALERT_PARKED_THRESHOLD: '1',
      ORDER_QUIET_PERIOD: `${QUIET_PERIOD_S}s`,
    };
    const config = loadConfig(productEnv);
    ({ client, close: closeClient } = await connectClient(config.temporal));
    const c = client;
    await registerHooks(config.stores[0]!, config.health.destination!, config.api.webhookSecret, config.health.exceptionDestination);
    await registerOmsWebhook(config, `${lb.url}/webhooks/oms`);

    // The server-side dispatch limit of the store's queue, as the server reports it.
    const workflowQueue = config.temporal.workflowTaskQueue;
    const bcQueue = bigCommerceTaskQueue(STORE);
    const TQ = temporal.api.enums.v1.TaskQueueType;
    const workerReady = async (pid: number) => {
      const mine = (ids: string[]) => ids.some((i) => i.startsWith(`${pid}@`));
      return mine(await pollerIdentities(c, config, workflowQueue, TQ.TASK_QUEUE_TYPE_WORKFLOW)) && mine(await pollerIdentities(c, config, bcQueue, TQ.TASK_QUEUE_TYPE_ACTIVITY));
    };
    for (let i = 0; i < APIS; i++) {
      const port = apiPorts[i]!;
      processes.push(
        new ProductProcess(
          `api-${i + 1}`,
          'api',
          { ...productEnv, API_PORT: String(port), API_HOST: '127.0.0.1' },
          path.join(dir, `api-${i + 1}.log`),
          async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
          { readyTimeoutMs: 60_000 },
        ),
      );
    }
    for (let i = 0; i < WORKERS; i++)
      processes.push(new ProductProcess(`worker-${i + 1}`, 'worker', productEnv, path.join(dir, `worker-${i + 1}.log`), workerReady, { supervise: true, readyTimeoutMs: 180_000 }));
    t = Date.now();
    // All at once, as a deployment rolls them out: three workers ensure the same schedules together.
    await Promise.all(processes.map((p) => p.start()));
    const apis = processes.slice(0, APIS);
    const workers = processes.slice(APIS);
    say(`${APIS} bcsync api and ${WORKERS} bcsync worker processes ready (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    const described = await c.workflowService.describeTaskQueue({
      namespace: config.temporal.namespace,
      taskQueue: { name: bcQueue, kind: 1 },
      taskQueueType: TQ.TASK_QUEUE_TYPE_ACTIVITY,
      reportConfig: true,
    });
    const queueRps = described.effectiveRateLimit?.requestsPerSecond;
    const queueSource = described.effectiveRateLimit?.rateLimitSource;
    must(queueRps !== undefined && queueRps !== null && queueRps > 0, `the Temporal server reports no rate limit on ${bcQueue}`);
    const sourceName = queueSource !== undefined && queueSource !== null ? (temporal.api.enums.v1.RateLimitSource[queueSource] ?? String(queueSource)) : 'unknown';
    say(
      `server-side limit of ${bcQueue}: ${queueRps.toFixed(2)} activities/s (${sourceName}); the store's quota ${QUOTA}/${WINDOW_MS / 1000} s is ${(QUOTA / (WINDOW_MS / 1000)).toFixed(1)}/s`,
    );

    // Alerts: one order the ERP refuses (a validation error) parks; with 3 workers and the alert
    // monitor every 10 s, the receiver must get its alert once.
    await control(
      fetch(
        `${s.erpUrl}/__sandbox/faults`,
        post({
          method: '*',
          path: '^/salesOrder/',
          status: 400,
          body: {
            type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
            title: 'Bad Request',
            status: 400,
            'o:errorDetails': [{ detail: 'Invalid field value (bench canary).', 'o:errorCode': 'USER_ERROR' }],
          },
        }),
      ),
      'ERP POST /__sandbox/faults',
    );
    const [canary] = await place(s, 1, 1);
    await until(
      async () => (await c.workflow.count(`WorkflowId = "order:${STORE}:${canary}" AND BcSyncStatus = "NeedsAttention"`)).count === 1,
      180_000,
      `the canary order ${canary} to park`,
    );
    await control(fetch(`${s.erpUrl}/__sandbox/faults`, { method: 'DELETE' }), 'ERP DELETE /__sandbox/faults');
    await until(() => alerts.length > 0, 120_000, 'the parked-order alert');
    say(`canary order ${canary} parked (ERP validation error); alert received`);

    // From here every BigCommerce call is in the limiter's log; the ERP's peak counts from here.
    s.bigcommerce.ctx.limiter.log = [];
    await clearBcRequests(s.bcUrl);
    Object.assign(s.erp.governance.stats, { peakInFlight: 0, peakDemand: 0, concurrencyRejected: 0 });
    const orders = new Map<number, Order>();
    const drive = driver(s, orders);
    const phaseDone = (phase: Order['phase']) => () => [...orders.values()].filter((o) => o.phase === phase).every((o) => o.done);

    // ---- baseline: no fault ----
    const baselineFrom = Date.now();
    say(`baseline: ${BASELINE_ORDERS} orders, no fault`);
    await arrivals(s, orders, BASELINE_ORDERS, 'baseline', 1_000);
    await until(phaseDone('baseline'), GIVE_UP_MS + 60_000, 'the baseline orders');
    const baselineTo = Date.now();
    say(`baseline settled (${((baselineTo - baselineFrom) / 1000).toFixed(0)} s)`);

    // ---- the measured run, with the faults in order ----
    const runFrom = Date.now();
    const arrivalS = ORDERS / RATE;
    const at = (fraction: number) => sleep(Math.max(0, runFrom + fraction * arrivalS * 1000 - Date.now()));
    const windows: Record<string, { fromMs: number; toMs: number }> = {};
    const faultsDone = (async () => {
      // 1. The whole Temporal server: stopped (SIGTERM, as `bcsync cluster down` does), then `bcsync cluster up`.
      await at(0.12);
      const oldServer = serverPid(layout);
      must(oldServer, 'the Temporal server is not running before its restart');
      let from = Date.now();
      const how = await stopPid(oldServer, 30_000);
      await clusterUp(cluster);
      const newServer = serverPid(layout);
      must(newServer && newServer !== oldServer, 'bcsync cluster up did not start the Temporal server again');
      windows.server_restart = { fromMs: from, toMs: Date.now() };
      say(`Temporal server ${how} (pid ${oldServer}) and started again by bcsync cluster up (pid ${newServer}): ${((Date.now() - from) / 1000).toFixed(1)} s`);

      // 2 and 3. One worker SIGKILLed twice, started again after each (as a supervisor would).
      const victim = workers[0]!;
      for (const fraction of [0.3, 0.45]) {
        await at(fraction);
        from = Date.now();
        const pid = victim.pid;
        await victim.kill();
        await victim.start();
        windows[`worker_kill_${victim.kills}`] = { fromMs: from, toMs: Date.now() };
        say(`${victim.name} (pid ${pid}) SIGKILLed, started again as pid ${victim.pid} (${((Date.now() - from) / 1000).toFixed(1)} s)`);
      }

      // 4. One API process restarted (SIGTERM, then started on its port).
      await at(0.6);
      from = Date.now();
      const api = apis[0]!;
      const oldApi = api.pid;
      const stopped = await api.stop();
      must(stopped !== 'not running', `${api.name} was not running before its restart`);
      await api.start();
      windows.api_restart = { fromMs: from, toMs: Date.now() };
      say(`${api.name} (pid ${oldApi}) ${stopped} and started again as pid ${api.pid} (${((Date.now() - from) / 1000).toFixed(1)} s)`);

      // 5. PostgreSQL stopped for DB_OUTAGE_S.
      await at(0.75);
      const serverBefore = serverPid(layout);
      from = Date.now();
      must(await stopPostgres(layout, pg, pgAs), 'PostgreSQL was not running before its outage');
      must((await postgresPid(layout, pg, pgAs)) === undefined && (await portFree(cluster.pgPort)), 'PostgreSQL still answers after pg_ctl stop');
      const downAt = Date.now();
      say(`PostgreSQL stopped (pg_ctl -m fast) for ${DB_OUTAGE_S} s`);
      await sleep(DB_OUTAGE_S * 1000);
      const outageS = (Date.now() - downAt) / 1000;
      await startPostgres(layout, pg, pgAs, cluster.pgPort);
      windows.db_outage = { fromMs: from, toMs: Date.now() };
      const serverAfter = serverPid(layout);
      say(
        `PostgreSQL started again after ${outageS.toFixed(1)} s down; the Temporal server ${serverAfter === serverBefore ? `kept running (pid ${serverAfter})` : `is ${serverAfter ? `another process (${serverAfter})` : 'gone'}`}`,
      );
      if (serverAfter !== serverBefore) {
        // Reported as a finding; the run continues on a server started again.
        await clusterUp(cluster);
        say(`the Temporal server did not survive the database outage: bcsync cluster up started it again (pid ${serverPid(layout)})`);
      }
      return { outageS, serverSurvivedDb: serverAfter === serverBefore };
    })();
    say(`run: ${ORDERS} orders at ${RATE}/s (${arrivalS.toFixed(0)} s of arrivals) with the faults`);
    await arrivals(s, orders, ORDERS, 'faults', 100_000);
    const faultResult = await faultsDone;
    say(`all ${ORDERS} orders placed; faults done`);
    await until(phaseDone('faults'), GIVE_UP_MS + 120_000, 'the run orders');
    const runTo = Date.now();
    say(
      `run orders synced end to end (${((runTo - runFrom) / 1000).toFixed(0)} s after the first was placed); waiting for their runs to complete (quiet period ${QUIET_PERIOD_S} s)`,
    );
    // Every run ends after its quiet period; late writes (an activity retried after the fact) would show.
    const openOrders = async () => (await c.workflow.count(`WorkflowType = "orderSync" AND ExecutionStatus = "Running"`)).count;
    await until(async () => (await openOrders()) <= 1, QUIET_PERIOD_S * 1000 + 300_000, 'every order workflow but the canary to complete').catch((err: Error) => say(err.message));
    const stillOpen = await openOrders();
    await drive.stop();
    await sleep(5_000);

    // ---- the witnesses ----
    const judgedAt = Date.now();
    // Orders the ERP sandbox saw written more than once: when, and how many runs their workflow had.
    const writeTimes: string[] = [];
    let rewrittenByLaterRun = 0;
    const rewritten = [...orders.values()].filter((o) => o.erpWritesAt.length > 1);
    for (const o of rewritten) {
      const runs = (await c.workflow.count(`WorkflowId = "order:${STORE}:${o.id}"`)).count;
      if (runs > 1) rewrittenByLaterRun++;
      writeTimes.push(`${o.id}: ${o.erpWritesAt.map((x) => stamp(x)).join(',')} (${runs} runs)`);
    }
    const quotaBaseline = quotaWindows(s, baselineFrom, baselineTo);
    const quotaRun = quotaWindows(s, runFrom, judgedAt);
    const quotaAll = quotaWindows(s, baselineFrom, judgedAt);
    const requests = await bcRequestCounts(s.bcUrl);
    const ours = (x: { clientId: string }) => x.clientId === PRODUCT_CLIENT;
    const bc429 = sumRequests(requests, (x) => ours(x) && x.status === 429);
    const bcCalls = sumRequests(requests, ours);
    must(quotaAll.calls === bcCalls, `the limiter log (${quotaAll.calls} calls) and the request log (${bcCalls} product calls) disagree`);
    const erpStats = { ...s.erp.governance.stats };
    // The witnesses' own reads must not spend the store's quota.
    await control(fetch(`${s.bcUrl}/__sandbox/rate-limit`, put({ enabled: false })), 'PUT /__sandbox/rate-limit');
    const all = [...orders.values()];
    const base = await judge(
      s,
      all.filter((o) => o.phase === 'baseline'),
    );
    const run = await judge(
      s,
      all.filter((o) => o.phase === 'faults'),
    );
    const lbRun = redeliveries(lb, runFrom);
    const in503 = (w: { fromMs: number; toMs: number }) => lb!.answers.filter((a) => a.status === 503 && a.receivedMs >= w.fromMs && a.receivedMs <= w.toMs).length;
    const scheduleIds: string[] = [];
    for await (const sch of c.schedule.list()) scheduleIds.push(sch.scheduleId);
    const desired = desiredSchedules(config).map((d) => d.id);
    const runsBySchedule = await scheduleRuns(c, scheduleIds);
    const longRuns = await longLived(c);
    const scheduleDuplicates = runsBySchedule.reduce((n, r) => n + (r.runs - r.distinct), 0);
    const scheduleMismatch = runsBySchedule.filter((r) => r.runs !== r.taken);
    const schedulesOnce = scheduleDuplicates === 0 && scheduleMismatch.length === 0 && scheduleIds.length === desired.length && desired.every((d) => scheduleIds.includes(d));
    const alertKinds = new Map<string, number>();
    for (const a of alerts) {
      const kind = a.text.split('\n')[0]!.replace(/\d+(\.\d+)?/g, 'N');
      alertKinds.set(kind, (alertKinds.get(kind) ?? 0) + 1);
    }
    const alertsOnce = alertKinds.size > 0 && [...alertKinds.values()].every((n) => n === 1);
    const crashes = workers.reduce((n, w) => n + w.crashes, 0) + apis.reduce((n, a) => n + a.crashes, 0);
    const kills = workers.reduce((n, w) => n + w.kills, 0);
    must(kills === 2, `the worker was SIGKILLed ${kills} times, not twice`);
    must(lbRun.answered503 > 0, 'the APIs answered no 503 while Temporal was unavailable');

    // Engineers' replay against the cluster that ran the faults: the CLI an engineer runs, the code
    // at hand, the last 200 order histories (decoded with the run's payload key).
    const replayQuery = 'WorkflowType="orderSync"';
    const replayed = await bcsync(['replay', '--query', replayQuery, '--limit', '200'], { ...productEnv, LOG_LEVEL: 'warn' }, 900_000).catch(
      (err: Error & { stdout?: string }) => ({ stdout: err.stdout ?? '', stderr: err.message }),
    );
    const replaySummary = /^replay: histories=(\d+) ok=(\d+) nondeterministic=(\d+) failed=(\d+)$/m.exec(replayed.stdout);
    must(replaySummary !== null, `bcsync replay printed no summary: ${replayed.stderr.slice(0, 500)}`);
    const [replayHistories, replayOk] = [Number(replaySummary![1]), Number(replaySummary![2])];
    const replayNotOk = replayed.stdout.split('\n').filter((l) => /non-deterministic|failed:/.test(l));

    const totalS = Math.round((Date.now() - startedAt.getTime()) / 1000);
    const line =
      `cluster: engine=postgresql orders=${run.orders} workers=${WORKERS} apis=${APIS} server_restarts=1 worker_kills=${kills} db_outage_s=${Math.round(faultResult.outageS)} ` +
      `lost=${run.lost} field_mismatches=${run.fieldMismatches} extra_writes=${run.extraWrites} over_quota_windows=${quotaRun.over} p95_sync_s=${run.p95.toFixed(2)} ` +
      `api_503s=${lbRun.answered503} api_503_redelivered=${lbRun.redelivered}/${lbRun.deliveries503} quota=${QUOTA}/${WINDOW_MS / 1000}s bc_queue_rps=${queueRps.toFixed(1)} ` +
      `erp_peak_concurrency=${erpStats.peakDemand}/${ERP_CONFIGURED} alerts_once=${alertsOnce} schedules_once=${schedulesOnce} crashes=${crashes} replay_ok=${replayOk}/${replayHistories}`;
    const baseline =
      `baseline (same cluster and processes, no fault, measured first): orders=${base.orders} lost=${base.lost} field_mismatches=${base.fieldMismatches} ` +
      `extra_writes=${base.extraWrites} over_quota_windows=${quotaBaseline.over} p95_sync_s=${base.p95.toFixed(2)}`;
    const details = [
      ...log,
      `run: extra ERP writes ${run.extraErp}, extra OMS writes ${run.extraOms}, extra BigCommerce shipments ${run.extraShipments}; order workflows still running at the end: ${stillOpen} (the parked canary is one)`,
      ...(writeTimes.length
        ? [
            `orders whose sales order the ERP saw written more than once: ${rewritten.length}, ${rewrittenByLaterRun} of them by a later run of the order's workflow; write times (ERP write counter watched every 250 ms): ${writeTimes.slice(0, 10).join('; ')}`,
          ]
        : []),
      `sync steps: run ${run.steps}; baseline ${base.steps}`,
      `BigCommerce (limiter log): run ${quotaRun.calls} calls in ${quotaRun.windows} windows, at most ${quotaRun.peak} accepted in one (quota ${QUOTA}), ${quotaRun.refused} refused; baseline ${quotaBaseline.calls} calls in ${quotaBaseline.windows} windows, at most ${quotaBaseline.peak}; request log: ${bc429} 429s to the product; calls by route ${JSON.stringify(byRoute(requests, ours))}`,
      `BigCommerce calls per order (both phases, reconciliation and webhook health included): ${(bcCalls / (base.orders + run.orders)).toFixed(2)}`,
      `APIs' answers through the load balancer during the run: ${lbRun.answered503} 503s on ${lbRun.deliveries503} deliveries, ${lbRun.redelivered} of them later answered 2xx on a retry; non-2xx by status ${JSON.stringify(lbRun.non2xx)}; 503s by the fault during which the delivery arrived: ${JSON.stringify(Object.fromEntries(Object.entries(windows).map(([k, w]) => [k, in503(w)])))}; failovers to the other API ${lb.failovers}`,
      `ERP sandbox: peak concurrent requests ${erpStats.peakDemand} (admitted ${erpStats.peakInFlight}) vs the configured share ${ERP_SHARE} for the workers + ${ERP_API_CONCURRENCY} x ${APIS} APIs = ${ERP_CONFIGURED} (the account limit set in the sandbox); refused for concurrency ${erpStats.concurrencyRejected}`,
      `alerts received: ${JSON.stringify(Object.fromEntries(alertKinds))}`,
      `schedules (${scheduleIds.length}, desired ${desired.length}): ${runsBySchedule.map((r) => `${r.id} runs=${r.runs} distinct=${r.distinct} server_count=${r.taken}`).join('; ')}`,
      `long-lived workflow runs (visibility): ${longRuns.join('; ')}`,
      `bcsync replay --query '${replayQuery}' --limit 200 on the cluster after the faults: ${replaySummary![0]}${replayNotOk.length ? `; ${replayNotOk.slice(0, 5).join(' | ')}` : ''}`,
      `Temporal server survived the database outage: ${faultResult.serverSurvivedDb}; processes that exited on their own: ${crashes}${crashes ? ` (${[...workers, ...apis].flatMap((p) => p.crashLog).join(' | ')})` : ''}`,
      ...run.flagged,
      ...base.flagged.map((f) => `baseline ${f}`),
    ];
    // Why: the runs of the first flagged orders, from their histories.
    for (const line of [...run.flagged, ...base.flagged].slice(0, 3)) {
      const id = Number(/^order (\d+)/.exec(line)?.[1]);
      if (id) details.push(`order ${id} runs: ${await orderRuns(c, id)}`);
    }
    for (const d of details.slice(log.length)) console.log(`  ${d}`);
    console.log(line);
    console.log(baseline);
    console.log(`(bench took ${totalS} s)`);
    const fig = (value: number | string | boolean, witness: string, goal?: string, met?: boolean) => ({ value, witness, ...(goal ? { goal, met } : {}) });
    const records = 'ERP and OMS sandbox records and BigCommerce shipments vs the BigCommerce order, field by field';
    writeResult({
      name: 'cluster',
      line,
      command: 'npm run bench -- cluster',
      baseline,
      figures: {
        orders: fig(run.orders, 'orders placed in the BigCommerce sandbox during the faults', '>= 2000', run.orders >= 2_000),
        server_restarts: fig(1, 'the bench (server pid before and after bcsync cluster up)'),
        worker_kills: fig(kills, 'the bench (SIGKILLs sent)', '2', kills === 2),
        db_outage_s: fig(Math.round(faultResult.outageS), 'the bench (pg_ctl stop to start)', '>= 20', faultResult.outageS >= 20),
        lost: fig(run.lost, records, '0', run.lost === 0),
        field_mismatches: fig(run.fieldMismatches, records, '0', run.fieldMismatches === 0),
        extra_writes: fig(run.extraWrites, 'ERP and OMS sandbox write counters, BigCommerce shipments vs OMS shipments', '0', run.extraWrites === 0),
        over_quota_windows: fig(quotaRun.over, "BigCommerce sandbox rate-limiter log (its 30 s windows, every client's calls)", '0', quotaRun.over === 0),
        p95_sync_s: fig(
          Number(run.p95.toFixed(2)),
          `sandbox records polled every 250 ms: placed -> ERP sales order, paid -> OMS order, shipped -> BigCommerce shipment (baseline ${base.p95.toFixed(2)})`,
        ),
        api_503s: fig(lbRun.answered503, "the load balancer's record of the APIs' answers", '> 0 (Temporal unavailable answers 503)', lbRun.answered503 > 0),
        api_503_not_redelivered: fig(
          lbRun.deliveries503 - lbRun.redelivered,
          "the load balancer's record: deliveries answered 503 never answered 2xx on a retry",
          '0',
          lbRun.redelivered === lbRun.deliveries503,
        ),
        bc_queue_rps: fig(Number(queueRps.toFixed(2)), `Temporal server (DescribeTaskQueue effective rate limit of ${bcQueue}, ${sourceName})`),
        erp_peak_concurrency: fig(
          erpStats.peakDemand,
          'ERP sandbox peakDemand (most requests in flight at once, every process)',
          `<= ${ERP_CONFIGURED}`,
          erpStats.peakDemand <= ERP_CONFIGURED,
        ),
        alerts_once: fig(alertsOnce, "the bench's alert receiver (each alert delivered once)", 'true', alertsOnce),
        schedules_once: fig(schedulesOnce, "the cluster's schedules and visibility (one workflow per scheduled time, one schedule per desired id)", 'true', schedulesOnce),
        crashes: fig(crashes, 'the bench (worker and API processes that exited on their own)', '0', crashes === 0),
        replay_ok: fig(
          `${replayOk}/${replayHistories}`,
          `bcsync replay --query '${replayQuery}' --limit 200 against the cluster: its histories (Temporal server) replayed with the code at hand`,
          '200/200',
          replayHistories >= 200 && replayOk === replayHistories,
        ),
      },
      details,
      startedAt: startedAt.toISOString(),
      durationS: totalS,
    });
  } finally {
    await Promise.all(processes.map((p) => p.stop(15_000).catch(() => undefined)));
    await closeClient?.().catch(() => undefined);
    await lb?.close();
    alertSink?.close();
    await sandboxes?.close();
    await bcsync(['cluster', 'down', '--data-dir', dataDir, '--purge'], { ...process.env, LOG_LEVEL: 'warn' }, 120_000).catch((err: Error) =>
      console.error(`bcsync cluster down --purge failed: ${err.message}`),
    );
  }
}
