import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startApiServer } from '../api/server';
import { startDevServer } from '../cli/dev-server';
import { registerHooks, registerOmsWebhook } from '../cli/register-hooks';
import { loadConfig, type Config } from '../config/env';
import { createLogger } from '../lib/logger';
import { startSandboxes, type RunningSandboxes } from '../sandbox/start-sandboxes';
import { seededRandom } from '../sandbox/random';
import { ensureSchedules } from '../workers/schedules';
import { bundleWorkflows } from '../workers/start-workers';
import { installTemporalRuntime } from '../workers/runtime';
import { connectClient } from '../workers/temporal-connection';
import { ForkedWorker } from './support/forked-worker';
import { judgeOrder, shapesOf, type OrderVerdict } from './support/order-witness';
import { control, must, writeResult } from './support/result';
import { seedStock } from './support/stock';
import { BENCH_PAYLOAD_KEYS, payloadValue } from './support/temporal';
import { freePort, temporalActions, type ActionCount } from './support/witness';
import type { Json } from '../test/support/json';

/**
 * `npm run bench -- chaos`: at least 2,000 orders of every shape the sandbox generates, through
 * their whole lives (created paid or unpaid, paid, shipped by the 3PL, some cancelled), with every
 * fault at once: the worker SIGKILLed again and again, every webhook delivered twice and
 * reordered, the ERP failing 30% of calls for a minute, the OMS down, and the Temporal server
 * itself restarted. Judged only by witnesses: the sandboxes' records field by field, their write
 * counters, and the Temporal server's own `action` metric (what Temporal bills) for the whole run.
 */
const ORDERS = Number(process.env.CHAOS_ORDERS ?? 2_000);
/** Orders placed per second while they arrive. */
const RATE = Number(process.env.CHAOS_RATE ?? 10);
const MIN_KILLS = 5;
const STORE = 'chaos';
const random = seededRandom(Number(process.env.CHAOS_SEED ?? 7));
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'chaos');

/** When each fault starts and how long it lasts, seconds after the first order. */
const FAULTS = {
  erp5xx: { atS: Number(process.env.CHAOS_ERP_AT_S ?? 15), forS: Number(process.env.CHAOS_ERP_FOR_S ?? 60), rate: 0.3 },
  omsOutage: { atS: Number(process.env.CHAOS_OMS_AT_S ?? 85), forS: Number(process.env.CHAOS_OMS_FOR_S ?? 30) },
  serverRestart: { atS: Number(process.env.CHAOS_RESTART_AT_S ?? 130), downS: 5 },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const externalId = (id: number) => `bc-${STORE}-${id}`;
const json = (body: unknown): RequestInit => ({ method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const post = (body: unknown): RequestInit => ({ ...json(body), method: 'POST' });

interface Run {
  config: Config;
  sandboxes: RunningSandboxes;
  temporal: TestWorkflowEnvironment;
  metricsPort: number;
  /** The action counter of earlier server lives (a restart starts it from zero). */
  actionsBefore: ActionCount[];
  restarts: number;
  client: Client;
  worker: ForkedWorker;
  log: string[];
}

/** One order as the bench drives it. */
interface Planned {
  id: number;
  createdMs: number;
  paid: boolean;
  payAtMs?: number;
  cancelAtMs?: number;
  ship: boolean;
  multi: boolean;
  done: boolean;
}

// ---- the driver: places orders, pays, ships and cancels them as a store and a 3PL would ----------

async function placeBatch(run: Run, count: number, paid: boolean): Promise<number[]> {
  // Every shape the generator makes, at its own odds; several addresses are rarer here because the
  // 3PL holds them for a person (they end cancelled, as a merchant would settle them).
  const res = await control(
    fetch(`${run.sandboxes.bcUrl}/__sandbox/orders/generate`, post({ count, ...(paid ? {} : { status_id: 7 }), multi_address: random() < 0.05, seed: Math.floor(random() * 1e9) })),
    'POST /__sandbox/orders/generate',
  );
  const body = (await res.json()) as { ids?: number[] };
  must(body.ids?.length === count, `the generator placed ${body.ids?.length} of ${count} orders`);
  return body.ids!;
}

/** An order that has not reached the 3PL this long after it was placed is left to the witnesses. */
const GIVE_UP_MS = 10 * 60_000;

async function drive(run: Run, orders: Map<number, Planned>, stopAt: () => boolean): Promise<void> {
  const bc = run.sandboxes.bcUrl;
  const omsData = run.sandboxes.oms.ctx.data;
  while (!stopAt()) {
    const now = Date.now();
    const omsByKey = new Map(Object.values(omsData.orders as Record<string, Json>).map((x) => [x.orderKey as string, x]));
    for (const o of orders.values()) {
      if (o.done) continue;
      if (now > o.createdMs + GIVE_UP_MS) {
        // Never reached the 3PL as it should have: the witnesses will say why.
        o.done = true;
        continue;
      }
      if (o.cancelAtMs !== undefined && now >= o.cancelAtMs) {
        const oms = omsByKey.get(externalId(o.id));
        if (oms?.orderStatus === 'shipped') {
          o.cancelAtMs = undefined; // shipped first: no longer cancellable
        } else {
          await control(fetch(`${bc}/__sandbox/orders/${o.id}/status`, post({ status_id: 5 })), `cancel order ${o.id}`);
          o.done = true;
          continue;
        }
      }
      if (!o.paid && o.payAtMs !== undefined && now >= o.payAtMs) {
        await control(fetch(`${bc}/__sandbox/orders/${o.id}/status`, post({ status_id: 11 })), `pay order ${o.id}`);
        o.paid = true;
      }
      if (o.paid && o.ship && now >= o.createdMs + 30_000) {
        if (omsByKey.get(externalId(o.id))?.orderStatus === 'awaiting_shipment') {
          await control(fetch(`${run.sandboxes.omsUrl}/__sandbox/orders/${externalId(o.id)}/ship`, post({})), `ship order ${o.id}`);
          o.done = true;
        }
      }
      if (o.multi && o.paid && o.cancelAtMs === undefined && now >= o.createdMs + 60_000) {
        // Held by the 3PL (several addresses): the merchant settles it by cancelling.
        o.cancelAtMs = now;
      }
    }
    await sleep(500);
  }
}

// ---- the faults ----------------------------------------------------------------------------------

/** SIGKILLs the worker every 8 to 15 s while `busy`, restarting it after 1 s (a supervisor would). */
function chaosMonkey(run: Run, busy: () => boolean): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await sleep(8_000 + Math.floor(random() * 7_000));
      if (stopped || !busy()) continue;
      await run.worker.kill();
      await sleep(1_000);
      await run.worker.startPatiently();
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

async function restartServer(run: Run, dbFile: string, port: number): Promise<void> {
  // The metric starts from zero with the new process: keep what this life counted.
  run.actionsBefore.push(await temporalActions(run.metricsPort));
  await run.temporal.teardown();
  run.log.push(`${new Date().toISOString()} Temporal server stopped`);
  await sleep(FAULTS.serverRestart.downS * 1000);
  run.temporal = await startDevServer({ dbFile, port, metricsPort: run.metricsPort, logLevel: 'never' });
  run.restarts++;
  run.log.push(`${new Date().toISOString()} Temporal server started again`);
}

async function faults(run: Run, t0: number, dbFile: string, port: number): Promise<{ erpErrors: number; omsRejected: number }> {
  const at = (s: number) => sleep(Math.max(0, t0 + s * 1000 - Date.now()));
  const erpSettings = (body: unknown) => control(fetch(`${run.sandboxes.erpUrl}/__sandbox/settings`, json(body)), 'PUT ERP /__sandbox/settings');
  const omsOutage = (down: boolean) => control(fetch(`${run.sandboxes.omsUrl}/__sandbox/outage`, json({ down })), 'PUT OMS /__sandbox/outage');
  const erpBefore = run.sandboxes.erp.governance.stats.errors;
  await at(FAULTS.erp5xx.atS);
  await erpSettings({ errorRate: FAULTS.erp5xx.rate });
  run.log.push(`${new Date().toISOString()} ERP fails ${FAULTS.erp5xx.rate * 100}% of calls`);
  await at(FAULTS.erp5xx.atS + FAULTS.erp5xx.forS);
  await erpSettings({ errorRate: 0 });
  run.log.push(`${new Date().toISOString()} ERP healthy`);
  const erpErrors = run.sandboxes.erp.governance.stats.errors - erpBefore;
  await at(FAULTS.omsOutage.atS);
  const omsRejectedBefore = omsRejections(run);
  await omsOutage(true);
  run.log.push(`${new Date().toISOString()} OMS down`);
  await at(FAULTS.omsOutage.atS + FAULTS.omsOutage.forS);
  await omsOutage(false);
  run.log.push(`${new Date().toISOString()} OMS up`);
  const omsRejected = omsRejections(run) - omsRejectedBefore;
  await at(FAULTS.serverRestart.atS);
  await restartServer(run, dbFile, port);
  return { erpErrors, omsRejected };
}

/** Calls the OMS sandbox refused while it was down (its own count). */
const omsRejections = (run: Run): number => run.sandboxes.oms.ctx.outage.rejected ?? 0;

// ---- the witnesses ---------------------------------------------------------------------------------

async function records(run: Run, id: number) {
  const h = { 'x-auth-token': 'witness-token' };
  const base = `${run.sandboxes.bcUrl}/stores/${STORE}`;
  // A witness read that fails stops the bench: it must never count as a lost or mismatched order.
  const bc = await (await control(fetch(`${base}/v2/orders/${id}?include=consignments.line_items,fees&consignment_structure=object`, { headers: h }), `GET order ${id}`)).json();
  // Metafields are visible to the API account that wrote them only: read as the product's account.
  const metafields =
    ((await (await control(fetch(`${base}/v3/orders/${id}/metafields`, { headers: { 'x-auth-token': 'chaos-token' } }), `GET order ${id} metafields`)).json()) as { data: Json[] })
      .data ?? [];
  const shipRes = await control(fetch(`${base}/v2/orders/${id}/shipments`, { headers: h }), `GET order ${id} shipments`);
  const bcShipments = shipRes.status === 204 ? [] : ((await shipRes.json()) as Json[]);
  const erpRes = await fetch(`${run.sandboxes.erpUrl}/services/rest/record/v1/salesOrder/eid:${externalId(id)}?expandSubResources=true`, {
    headers: { authorization: 'Bearer sandbox-erp-token' },
  });
  must(erpRes.status === 200 || erpRes.status === 404, `the ERP answered ${erpRes.status} to the witness's read of ${externalId(id)}`);
  const erp = erpRes.status === 200 ? await erpRes.json() : undefined;
  const omsData = run.sandboxes.oms.ctx.data;
  return {
    bc,
    metafields,
    bcShipments,
    erp,
    erpWrites: run.sandboxes.erp.data.salesOrderWrites[externalId(id)] ?? 0,
    oms: Object.values(omsData.orders as Record<string, Json>).find((o) => o.orderKey === externalId(id)),
    omsWrites: (omsData.writes as Record<string, number>)[externalId(id)] ?? 0,
    omsShipments: Object.values(omsData.shipments as Record<string, Json>).filter((s) => s.orderKey === externalId(id)),
  };
}

async function judgeAll(run: Run, orders: Map<number, Planned>): Promise<Map<number, OrderVerdict & { shapes: string[] }>> {
  const out = new Map<number, OrderVerdict & { shapes: string[] }>();
  for (const o of orders.values()) {
    const r = await records(run, o.id);
    out.set(o.id, { ...judgeOrder(r, { storeHash: STORE, wasPaid: o.paid }), shapes: shapesOf(r.bc) });
  }
  return out;
}

/**
 * The lifecycle the goal is stated for, alone: orders created unpaid, then paid, then shipped by the
 * 3PL, every delivery twice, no fault, until every run has ended. The server's action counter
 * before and after, divided by the orders (the schedules' idle actions in that time included).
 */
async function lifecycleProbe(run: Run): Promise<{ orders: number; perOrder: number; byType: Record<string, number> }> {
  const n = Number(process.env.CHAOS_PROBE_ORDERS ?? 50);
  const bc = run.sandboxes.bcUrl;
  const erp = run.sandboxes.erp.data.salesOrderWrites;
  // One order first, outside the count: the store's inventory sync is running from then on, as in
  // any store that has sold before.
  const [warm] = await placeBatch(run, 1, true);
  await until(() => (erp[externalId(warm!)] ?? 0) > 0, 120_000, 'the warm-up order in the ERP');
  await control(fetch(`${bc}/__sandbox/orders/${warm}/status`, post({ status_id: 5 })), `cancel warm-up order ${warm}`);
  await until(async () => (await running(run.client)) === 0, 120_000, 'the warm-up run to end');
  const before = await temporalActions(run.metricsPort);
  const ids = await placeBatch(run, n, false);
  const omsByKey = () => new Map(Object.values(run.sandboxes.oms.ctx.data.orders as Record<string, Json>).map((o) => [o.orderKey as string, o]));
  await until(() => ids.every((id) => (erp[externalId(id)] ?? 0) > 0), 120_000, 'the probe orders in the ERP');
  await sleep(2_000);
  for (const id of ids) await control(fetch(`${bc}/__sandbox/orders/${id}/status`, post({ status_id: 11 })), `pay probe order ${id}`);
  await until(() => ids.every((id) => omsByKey().get(externalId(id))), 120_000, 'the probe orders in the OMS');
  await sleep(2_000);
  for (const id of ids) {
    if (omsByKey().get(externalId(id))?.orderStatus === 'awaiting_shipment')
      await control(fetch(`${run.sandboxes.omsUrl}/__sandbox/orders/${externalId(id)}/ship`, post({})), `ship probe order ${id}`);
    else await control(fetch(`${bc}/__sandbox/orders/${id}/status`, post({ status_id: 5 })), `cancel held probe order ${id}`);
  }
  await until(async () => (await running(run.client)) === 0, 300_000, 'every probe run to end');
  const after = await temporalActions(run.metricsPort);
  const delta: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byType)) if (v - (before.byType[k] ?? 0) > 0) delta[k] = Number(((v - (before.byType[k] ?? 0)) / n).toFixed(2));
  return { orders: n, perOrder: (after.total - before.total) / n, byType: delta };
}

async function until(fn: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`bench scenario could not run: timed out waiting for ${what}`);
    await sleep(500);
  }
}

const running = async (client: Client) => (await client.workflow.count(`WorkflowType = "orderSync" AND ExecutionStatus = "Running"`)).count;

// ---- main ------------------------------------------------------------------------------------------

export async function main(): Promise<void> {
  installTemporalRuntime(logger);
  const startedAt = new Date();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chaos-'));
  const dbFile = path.join(dir, 'temporal.db');
  const port = await freePort();
  const metricsPort = await freePort();
  const temporal = await startDevServer({ dbFile, port, metricsPort, logLevel: 'never' });
  const bundle = await bundleWorkflows();
  const bundlePath = path.join(dir, 'bundle.js');
  writeFileSync(bundlePath, bundle.code);
  const clients = { 'chaos-token': { clientId: 'chaos', clientSecret: 'chaos-client-secret' }, 'witness-token': { clientId: 'witness', clientSecret: 'witness-secret' } };
  // BigCommerce retries a failed delivery after 60 s, 180 s, ...: at 30x, after 2 s, 6 s, ...
  const sandboxes = await startSandboxes({
    bcPort: 0,
    erpPort: 0,
    bigcommerce: { storeHash: STORE, quota: 100_000, rateLimit: false, clients, webhookTimeScale: 30 },
    oms: { quota: 1_000_000 },
  });
  await seedStock({ erpUrl: sandboxes.erpUrl, bcUrl: sandboxes.bcUrl, storeHash: STORE, token: 'witness-token', quantity: 10_000_000, reason: 'chaos bench stock' });
  await control(fetch(`${sandboxes.erpUrl}/__sandbox/settings`, json({ concurrencyLimit: 10, processingMs: 5 })), 'ERP settings');
  const apiPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    TEMPORAL_PAYLOAD_KEYS: BENCH_PAYLOAD_KEYS,
    TEMPORAL_WORKFLOW_TASK_QUEUE: 'chaos.workflows',
    BC_API_URL: sandboxes.bcUrl,
    BC_STORE_HASH: STORE,
    BC_ACCESS_TOKEN: 'chaos-token',
    BC_CLIENT_SECRET: 'chaos-client-secret',
    BC_PLAN: 'enterprise',
    BC_QUOTA: '100000',
    ERP_API_URL: sandboxes.erpUrl,
    ERP_ACCESS_TOKEN: 'sandbox-erp-token',
    ERP_CONCURRENCY: '8',
    ERP_WEBHOOK_TOKEN: 'chaos-erp-token-0123456789',
    ERP_WEBHOOK_SIGNING_SECRET: 'chaos-erp-signing-secret-0123456789',
    OMS_API_URL: sandboxes.omsUrl,
    OMS_API_KEY: 'sandbox-oms-key',
    OMS_API_SECRET: 'sandbox-oms-secret',
    OMS_RATE_PER_MINUTE: '100000',
    OMS_WEBHOOK_TOKEN: 'chaos-oms-token-0123456789',
    WEBHOOK_SECRET: 'chaos-webhook-secret-0123',
    HOOKS_DESTINATION: `http://127.0.0.1:${apiPort}/webhooks/bigcommerce`,
    ORDER_QUIET_PERIOD: '20s',
    ORDER_RETRY_WINDOW: '30s',
    ORDER_PARK_RETRY: '10s',
  };
  const config = loadConfig(env);
  const { client, connection } = await connectClient(config.temporal);
  // The API's error lines while Temporal is down or restarting are expected here: quiet by default.
  const apiLogger = createLogger(process.env.CHAOS_API_LOG_LEVEL ?? 'fatal', 'chaos-api');
  const api = await startApiServer(config, { client, connection, logger: apiLogger, host: '127.0.0.1', port: apiPort });
  await registerHooks(config.stores[0]!, config.health.destination!, config.api.webhookSecret, config.health.exceptionDestination, { inventory: config.inventory.enabled });
  await registerOmsWebhook(config, `${api.url}/webhooks/oms`);
  Object.assign(sandboxes.erp.events.settings, { url: `${api.url}/webhooks/erp`, token: config.erp.webhookToken, signingSecret: config.erp.webhookSigningSecret });
  // As `bcsync worker` does at start: the schedules run (and are billed) during the bench too.
  await ensureSchedules(client, config, logger);
  const worker = new ForkedWorker({ ...env, BENCH_BUNDLE: bundlePath }, { supervise: true });
  await worker.start();
  const run: Run = { config, sandboxes, temporal, metricsPort, actionsBefore: [], restarts: 0, client, worker, log: [] };
  const orders = new Map<number, Planned>();
  try {
    // Every delivery twice, shuffled over 3 s, for the whole run.
    await control(fetch(`${sandboxes.bcUrl}/__sandbox/webhook-faults`, json({ copies: 2, delayMs: [0, 3_000] })), 'webhook faults');
    const probe = await lifecycleProbe(run);
    console.log(
      `  lifecycle probe: ${probe.orders} orders created unpaid, paid, shipped, every delivery twice, no fault: ${probe.perOrder.toFixed(2)} actions per order ${JSON.stringify(probe.byType)}`,
    );
    const t0 = Date.now();
    console.log(`chaos bench: ${ORDERS} orders at ${RATE}/s; faults ${JSON.stringify(FAULTS)}`);
    let placing = true;
    const faultsDone = faults(run, t0, dbFile, port);
    let faultsFinished = false;
    void faultsDone.then(() => (faultsFinished = true));
    const monkey = chaosMonkey(run, () => placing || !faultsFinished);
    const driver = drive(run, orders, () => !placing && [...orders.values()].every((o) => o.done));

    // Arrivals: RATE a second, a tenth cancelled later, two thirds paid at once, the rest paid later.
    for (let placed = 0; placed < ORDERS; ) {
      const batch = Math.min(RATE, ORDERS - placed);
      const paidNow = random() < 0.65;
      const ids = await placeBatch(run, batch, paidNow);
      for (const id of ids) {
        const now = Date.now();
        const cancel = random() < 0.1;
        // Held by the 3PL for a person (several addresses): the driver cancels it once paid.
        const multi = (sandboxes.bigcommerce.ctx.data.orders[String(id)]?.shipping.length ?? 0) > 1;
        orders.set(id, {
          id,
          createdMs: now,
          paid: paidNow,
          payAtMs: paidNow ? undefined : now + 10_000 + random() * 40_000,
          cancelAtMs: cancel ? now + 20_000 + random() * 60_000 : undefined,
          ship: !cancel && !multi,
          multi,
          done: false,
        });
      }
      placed += batch;
      await sleep(Math.max(0, t0 + (placed / RATE) * 1000 - Date.now()));
    }
    placing = false;
    const faultResult = await faultsDone;
    await monkey.stop();
    must(worker.kills >= MIN_KILLS, `the worker was killed ${worker.kills} times, fewer than ${MIN_KILLS}`);
    must(faultResult.erpErrors > 0, 'the ERP answered no 5xx during its faulty minute');
    must(faultResult.omsRejected > 0, 'the OMS refused no call while it was down');
    must(run.restarts === 1, `the Temporal server was restarted ${run.restarts} times, not once`);
    console.log(
      `  placed ${orders.size} orders; worker killed ${worker.kills} times; ERP 5xx answered ${faultResult.erpErrors}; OMS refused ${faultResult.omsRejected} calls while down; Temporal server restarted once`,
    );
    await Promise.race([driver, sleep(900_000).then(() => Promise.reject(new Error('bench scenario could not run: the driver did not finish in 15 minutes')))]);

    // Every order is shipped or cancelled: each run ends after its quiet period.
    const deadline = Date.now() + 600_000;
    for (;;) {
      const open = await running(client).catch(() => -1);
      if (open === 0) break;
      if (Date.now() > deadline) break;
      await sleep(5_000);
    }
    const stillRunning = await running(client);
    const openRuns: string[] = [];
    for await (const wf of client.workflow.list({ query: `WorkflowType = "orderSync" AND ExecutionStatus = "Running"` })) {
      const st = (await client.workflow
        .getHandle(wf.workflowId)
        .query('state')
        .catch(() => undefined)) as Json;
      openRuns.push(`${wf.workflowId} ${st ? `${st.status} ${JSON.stringify(st.problem)} BigCommerce status ${st.order?.statusId}` : ''}`);
      if (openRuns.length >= 10) break;
    }
    const lastActions = await temporalActions(metricsPort);
    const total = [...run.actionsBefore, lastActions].reduce<ActionCount>(
      (sum, a) => {
        for (const [k, v] of Object.entries(a.byType)) sum.byType[k] = (sum.byType[k] ?? 0) + v;
        return { total: sum.total + a.total, byType: sum.byType };
      },
      { total: 0, byType: {} },
    );

    const verdicts = await judgeAll(run, orders);
    const sum = (f: (v: OrderVerdict) => number) => [...verdicts.values()].reduce((s, v) => s + f(v), 0);
    const lost = sum((v) => (v.lost ? 1 : 0));
    const fieldMismatches = sum((v) => v.mismatches.length);
    const extraErp = sum((v) => v.extraErpWrites);
    const extraOms = sum((v) => v.extraOmsWrites);
    const extraShipments = sum((v) => v.extraShipments);
    const shapes: Record<string, number> = {};
    for (const v of verdicts.values()) for (const s of v.shapes) shapes[s] = (shapes[s] ?? 0) + 1;
    for (const s of ['gift_certificate', 'digital', 'several_addresses', 'b2b_handling', 'fees', 'gift_wrapping', 'coupon', 'discount', 'redeemed'])
      must((shapes[s] ?? 0) > 0, `no order of shape ${s} was placed`);
    const deliveries = sandboxes.bigcommerce.ctx.dispatcher.deliveries;
    const duplicates = deliveries.filter((d) => d.duplicate).length;
    const eventsByScope: Record<string, number> = {};
    for (const d of deliveries) if (!d.duplicate && d.attempt === 0) eventsByScope[d.scope] = (eventsByScope[d.scope] ?? 0) + 1;
    must(duplicates > 0, 'no webhook was delivered twice');
    const perOrder = total.total / orders.size;
    const details = [
      ...run.log,
      `orders by shape: ${JSON.stringify(shapes)}`,
      `duplicate deliveries sent by BigCommerce: ${duplicates}; workflows still running at the end: ${stillRunning}${openRuns.length ? ` (${openRuns.join('; ')})` : ''}`,
      `BigCommerce events per order (first deliveries, by scope): ${JSON.stringify(Object.fromEntries(Object.entries(eventsByScope).map(([k, v]) => [k, Number((v / orders.size).toFixed(2))])))}; ERP pushes: ${JSON.stringify(sandboxes.erp.events.stats)}`,
      `billable actions by type (Temporal server action metric, whole run): ${JSON.stringify(
        Object.fromEntries(
          Object.entries(total.byType)
            .sort((a, b) => b[1] - a[1])
            .map(([k, v]) => [k, Number((v / orders.size).toFixed(2))]),
        ),
      )} per order`,
    ];
    const flagged = [...verdicts].filter(([, v]) => v.lost || v.mismatches.length || v.extraErpWrites || v.extraOmsWrites || v.extraShipments);
    // Lost and mismatched orders first: they matter more than an extra write.
    flagged.sort(([, a], [, b]) => Number(b.lost) - Number(a.lost) || b.mismatches.length - a.mismatches.length);
    for (const [id, v] of flagged.slice(0, 20)) {
      details.push(
        `order ${id}: ${v.lost ? 'LOST ' : ''}${v.mismatches.join('; ')}${v.extraErpWrites ? ` extra ERP writes ${v.extraErpWrites}` : ''}${v.extraOmsWrites ? ` extra OMS writes ${v.extraOmsWrites}` : ''}${v.extraShipments ? ` extra shipments ${v.extraShipments}` : ''}`,
      );
    }
    // Why: the runs of the first flagged orders (a new run re-reads and re-writes what an ended one did).
    for (const [id] of flagged.slice(0, 5)) {
      const runs: string[] = [];
      for await (const wf of client.workflow.list({ query: `WorkflowId = "order:${STORE}:${id}"` })) {
        const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
        // Signal inputs are encrypted: decoded with the client's data converter (the run's key).
        const signals = await Promise.all(
          (history.events ?? [])
            .filter((e) => e.workflowExecutionSignaledEventAttributes)
            .map(async (e) => {
              const input = await payloadValue<{ scope?: string }>(client, e.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0]);
              const scope = input && typeof input === 'object' ? input.scope : undefined;
              return `${e.workflowExecutionSignaledEventAttributes?.signalName}${scope ? `(${scope})` : ''}@${e.eventTime?.seconds}`;
            }),
        );
        // What the run did: each activity by type and how it ended (the history is kept to read).
        const scheduled = new Map<string, string>();
        const steps: string[] = [];
        for (const e of history.events ?? []) {
          const s = e.activityTaskScheduledEventAttributes;
          if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '?');
          const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
          if (done)
            steps.push(
              `${scheduled.get(String(done.scheduledEventId)) ?? '?'}:${e.activityTaskCompletedEventAttributes ? 'ok' : e.activityTaskFailedEventAttributes ? 'failed' : 'timed-out'}`,
            );
        }
        const file = path.join(os.tmpdir(), `chaos-order-${id}-${wf.runId}.json`);
        writeFileSync(file, JSON.stringify(history));
        runs.push(
          `run ${wf.startTime.toISOString().slice(11, 19)}-${wf.closeTime?.toISOString().slice(11, 19) ?? 'open'} ${wf.status.name}: ${signals.join(' ')}; activities ${steps.join(' ')}; history ${file}`,
        );
      }
      details.push(`order ${id} runs: ${runs.join(' | ')}`);
    }
    for (const d of details) console.log(`  ${d}`);
    const line = `chaos: orders=${orders.size} kills=${worker.kills} server_restarts=${run.restarts} lost=${lost} field_mismatches=${fieldMismatches} extra_erp_writes=${extraErp} extra_oms_writes=${extraOms} extra_shipments=${extraShipments} actions_per_order=${perOrder.toFixed(2)} lifecycle_actions=${probe.perOrder.toFixed(2)} witness=temporal-metric`;
    details.unshift(
      `lifecycle probe (${probe.orders} orders created unpaid, paid, shipped; every delivery twice; no fault): ${probe.perOrder.toFixed(2)} actions per order by type ${JSON.stringify(probe.byType)}`,
    );
    console.log(line);
    const fig = (value: number, witness: string, goal?: string, met?: boolean) => ({ value, witness, ...(goal ? { goal, met } : {}) });
    writeResult({
      name: 'chaos',
      line,
      command: 'npm run bench -- chaos',
      figures: {
        orders: fig(orders.size, 'the BigCommerce sandbox (orders placed)', '>= 2000', orders.size >= 2000),
        kills: fig(worker.kills, 'the bench (SIGKILLs sent)', '>= 5', worker.kills >= MIN_KILLS),
        server_restarts: fig(run.restarts, 'the bench (server processes stopped and started on the same database)', '1', run.restarts === 1),
        lost: fig(lost, 'ERP and OMS sandbox records, BigCommerce shipments', '0', lost === 0),
        field_mismatches: fig(
          fieldMismatches,
          'ERP and OMS sandbox records vs BigCommerce, field by field (ERP total vs total_inc_tax for every order)',
          '0',
          fieldMismatches === 0,
        ),
        extra_erp_writes: fig(extraErp, 'ERP sandbox write counter (salesOrderWrites)', '0', extraErp === 0),
        extra_oms_writes: fig(extraOms, 'OMS sandbox write counter (writes)', '0', extraOms === 0),
        extra_shipments: fig(extraShipments, 'BigCommerce sandbox shipments vs OMS shipments', '0', extraShipments === 0),
        actions_per_order: fig(Number(perOrder.toFixed(2)), 'Temporal server action metric, whole run (every workflow, signal, schedule)', '<= 12', perOrder <= 12),
        lifecycle_actions: fig(Number(probe.perOrder.toFixed(2)), 'Temporal server action metric, created-paid-shipped orders alone', '<= 12', probe.perOrder <= 12),
      },
      details,
      startedAt: startedAt.toISOString(),
      durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
    });
  } finally {
    await worker.stop();
    await api.close();
    await connection.close();
    await sandboxes.close();
    await run.temporal.teardown();
  }
}
