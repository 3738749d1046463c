import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startApiServer } from '../api/server';
import { startDevServer } from '../cli/dev-server';
import { registerHooks, registerOmsWebhook } from '../cli/register-hooks';
import { loadConfig, type Config } from '../config/env';
import { orderWorkflowId } from '../domain/ids';
import { createLogger } from '../lib/logger';
import { startSandboxes, type RunningSandboxes } from '../sandbox/start-sandboxes';
import { seededRandom } from '../sandbox/random';
import { bundleWorkflows } from '../workers/start-workers';
import { installTemporalRuntime } from '../workers/runtime';
import { orderStateQuery } from '../workflows/order-sync';
import { billableActions, total, type ActionBreakdown } from './support/billable-actions';
import { ForkedWorker } from './support/forked-worker';

/**
 * `npm run bench -- chaos`: the order lifecycle under crashes, duplicates and outages, against a
 * real Temporal dev server and the three sandboxes, with the workers in a separate process that is
 * SIGKILLed at random moments. See bench/README.md for each figure.
 */
const ORDERS = Number(process.env.CHAOS_ORDERS ?? 1_000);
const MIN_KILLS = 15;
const STORE = 'chaos';
const random = seededRandom(7);
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'chaos');
// any: the bench reads sandbox records field by field
type Json = any;

interface Stack {
  config: Config;
  env: NodeJS.ProcessEnv;
  sandboxes: RunningSandboxes;
  client: Client;
  bundlePath: string;
}


/** Kills the worker every 3 to 7 s while `busy` says work is going on, restarting it after 1 s. */
function chaosMonkey(worker: ForkedWorker, busy: () => boolean): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await sleep(3_000 + Math.floor(random() * 4_000));
      if (stopped || !busy()) continue;
      await worker.kill();
      await sleep(1_000);
      await worker.start();
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

// ---- the sandboxes' view of the truth ----------------------------------------------------------

const bcOrder = async (s: Stack, id: number): Promise<Json> =>
  (await fetch(`${s.sandboxes.bcUrl}/stores/${STORE}/v2/orders/${id}?include=consignments.line_items&consignment_structure=object`, { headers: { 'x-auth-token': 'chaos-token' } })).json();
const bcShipments = async (s: Stack, id: number): Promise<Json[]> => {
  const res = await fetch(`${s.sandboxes.bcUrl}/stores/${STORE}/v2/orders/${id}/shipments`, { headers: { 'x-auth-token': 'chaos-token' } });
  return res.status === 204 ? [] : ((await res.json()) as Json[]);
};
const erpOrders = (s: Stack) => Object.values(s.sandboxes.erp.data.salesOrders) as Json[];
const omsOrders = (s: Stack) => Object.values(s.sandboxes.oms.ctx.data.orders) as Json[];
const omsShipments = (s: Stack) => Object.values(s.sandboxes.oms.ctx.data.shipments) as Json[];
const externalId = (id: number) => `bc-${STORE}-${id}`;

async function generate(s: Stack, count: number, status = 11): Promise<number[]> {
  const ids: number[] = [];
  while (ids.length < count) {
    const res = await fetch(`${s.sandboxes.bcUrl}/__sandbox/orders/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: Math.min(50, count - ids.length), status_id: status, multi_address: false, digital: false, gift_certificate: false, seed: Math.floor(random() * 1e9) }),
    });
    const body = (await res.json()) as { ids?: number[] };
    if (!res.ok || !body.ids) throw new Error(`generate: ${res.status} ${JSON.stringify(body)}`);
    ids.push(...body.ids);
  }
  return ids;
}

const setStatus = (s: Stack, id: number, status: number) =>
  fetch(`${s.sandboxes.bcUrl}/__sandbox/orders/${id}/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status_id: status }) });
const ship = (s: Stack, id: number) => fetch(`${s.sandboxes.omsUrl}/__sandbox/orders/${externalId(id)}/ship`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

/** Is the order where it should be in all three systems, given its BigCommerce state? */
async function checkOrder(s: Stack, id: number): Promise<'ok' | 'lost' | 'mismatched' | 'pending'> {
  const order = await bcOrder(s, id);
  const erp = erpOrders(s).find((o) => o.externalId === externalId(id));
  const oms = omsOrders(s).find((o) => o.orderKey === externalId(id));
  const cancelled = order.status_id === 5;
  if (!erp) {
    // Cancelled before its first sync: nothing was booked, nothing needs undoing.
    if (!cancelled) return 'lost';
    return oms && oms.orderStatus !== 'cancelled' ? 'mismatched' : 'ok';
  }
  const erpLines = erp.lines.filter((l: Json) => l.custcol_bcsync_line_id !== 'tax');
  const bcLines = (order.consignments.shipping as Json[]).flatMap((c) => c.line_items);
  const linesMatch = erpLines.length === bcLines.length && bcLines.every((b: Json) => erpLines.some((e: Json) => e.item.externalId === b.sku && e.quantity === b.quantity));
  const erpTotal = Math.round((erpLines.reduce((a: number, l: Json) => a + l.amount, 0) + erp.lines.filter((l: Json) => l.custcol_bcsync_line_id === 'tax').reduce((a: number, l: Json) => a + l.amount, 0) + Number(erp.fields.shippingCost ?? 0) + Number(erp.fields.discountRate ?? 0)) * 100);
  const bcTotal = Math.round(Number(order.total_inc_tax) * 100);
  const erpClosed = erp.lines.every((l: Json) => l.isClosed);
  if (!linesMatch || erpTotal !== bcTotal || erpClosed !== cancelled) return 'mismatched';
  if (!oms) return cancelled ? 'ok' : 'lost';
  if (cancelled !== (oms.orderStatus === 'cancelled')) return 'mismatched';
  const shippedInOms = omsShipments(s).filter((x) => x.orderKey === externalId(id) && !x.voided).length;
  if (shippedInOms > 0) {
    const inBc = await bcShipments(s, id);
    if (inBc.length < shippedInOms) return 'pending';
    if (order.status_id !== 2 && order.status_id !== 3) return 'mismatched';
  }
  return 'ok';
}

async function settle(s: Stack, ids: number[], timeoutMs: number): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts: Record<string, number> = { ok: 0, lost: 0, mismatched: 0, pending: 0 };
    const bad: Array<[number, string]> = [];
    for (const id of ids) {
      const verdict = await checkOrder(s, id);
      counts[verdict]!++;
      if (verdict !== 'ok') bad.push([id, verdict]);
    }
    if (counts.ok === ids.length) return counts;
    if (Date.now() > deadline) {
      // A failure is only useful with its why: say where each order that did not settle stands.
      for (const [id, verdict] of bad.slice(0, 20)) console.log(`  order ${id} ${verdict}: ${await explain(s, id)}`);
      return counts;
    }
    await sleep(2_000);
  }
}

async function explain(s: Stack, id: number): Promise<string> {
  const order = await bcOrder(s, id);
  const parts = [`BigCommerce status ${order.status_id}`, `ERP ${erpOrders(s).some((o) => o.externalId === externalId(id)) ? 'has it' : 'missing'}`];
  const oms = omsOrders(s).find((o) => o.orderKey === externalId(id));
  parts.push(`OMS ${oms ? oms.orderStatus : 'missing'}`);
  try {
    const handle = s.client.workflow.getHandle(orderWorkflowId(STORE, id));
    const d = await handle.describe();
    parts.push(`workflow ${d.status.name}`);
    if (d.status.name === 'RUNNING') {
      const st = await handle.query(orderStateQuery);
      parts.push(`sync ${st.status}`, `problem ${JSON.stringify(st.problem)}`, `pending events ${st.pending.length}`, `pending shipments ${st.pendingShipments.length}`, `passes ${st.passes}`);
    }
  } catch (err) {
    parts.push(`workflow: ${(err as Error).message}`);
  }
  return parts.join(', ');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function parkedCount(s: Stack): Promise<number> {
  return (await s.client.workflow.count(`WorkflowType = "orderSync" AND ExecutionStatus = "Running" AND BcSyncStatus = "NeedsAttention"`)).count;
}

// ---- scenarios ---------------------------------------------------------------------------------

/** R1: 1,000 orders through creation, shipping and cancellation while the worker is killed again and again. */
async function crashes(s: Stack, worker: ForkedWorker) {
  const monkey = chaosMonkey(worker, () => true);
  const ids: number[] = [];
  // Arriving over ~40 s, so the kills land while orders are in every stage.
  for (let batch = 0; batch < ORDERS / 50; batch++) {
    ids.push(...(await generate(s, 50)));
    await sleep(2_000);
  }
  // Wait until most are in the OMS, then ship a fifth and cancel a tenth of them.
  await waitUntil(() => omsOrders(s).length >= ids.length * 0.9, 300_000);
  const shipped = ids.filter((_, i) => i % 5 === 0);
  const cancelled = ids.filter((_, i) => i % 10 === 3);
  for (const id of shipped) await ship(s, id);
  for (const id of cancelled) await setStatus(s, id, 5);
  while (worker.kills < MIN_KILLS) await sleep(1_000);
  await monkey.stop();
  const result = await settle(s, ids, 240_000);
  const erpRecords = erpOrders(s).filter((o) => ids.some((id) => o.externalId === externalId(id)));
  const omsRecords = omsOrders(s).filter((o) => ids.some((id) => o.orderKey === externalId(id)));
  let bcShipmentExtra = 0;
  for (const id of shipped) bcShipmentExtra += Math.max(0, (await bcShipments(s, id)).length - omsShipments(s).filter((x) => x.orderKey === externalId(id)).length);
  return {
    orders: ids.length,
    kills: worker.kills,
    lost: result.lost! + result.pending!,
    erpDuplicates: erpRecords.length - new Set(erpRecords.map((o) => o.externalId)).size,
    omsDuplicates: omsRecords.length - new Set(omsRecords.map((o) => o.orderKey)).size + bcShipmentExtra,
    mismatched: result.mismatched!,
  };
}

/** R4: every webhook delivered three times, shuffled over half a second. */
async function duplicates(s: Stack) {
  await fetch(`${s.sandboxes.bcUrl}/__sandbox/webhook-faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ copies: 3, delayMs: [0, 500] }) });
  const ids = await generate(s, 100);
  await settle(s, ids, 300_000);
  await fetch(`${s.sandboxes.bcUrl}/__sandbox/webhook-faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ copies: 1, delayMs: [0, 0] }) });
  const writes = s.sandboxes.erp.data.salesOrderWrites;
  const extra = ids.reduce((n, id) => n + Math.max(0, (writes[externalId(id)] ?? 0) - 1), 0);
  const omsWrites = s.sandboxes.oms.ctx.data.writes as Record<string, number>;
  const omsExtra = ids.reduce((n, id) => n + Math.max(0, (omsWrites[externalId(id)] ?? 0) - 1), 0);
  return { extra: extra + omsExtra };
}

/** R5: the ERP fails 30% of calls, then goes down for longer than the retry window, then recovers. */
async function outage(s: Stack) {
  const erp = (body: unknown) => fetch(`${s.sandboxes.erpUrl}/__sandbox/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await erp({ errorRate: 0.3 });
  const flaky = await generate(s, 100);
  await sleep(5_000);
  await erp({ errorRate: 0, outage: true });
  const during = await generate(s, 100);
  const outageMs = s.config.orders.retryWindowMs * 2 + 5_000;
  let parkedPeak = 0;
  const until = Date.now() + outageMs;
  while (Date.now() < until) {
    parkedPeak = Math.max(parkedPeak, await parkedCount(s));
    await sleep(1_000);
  }
  await erp({ outage: false });
  const result = await settle(s, [...flaky, ...during], 300_000);
  await waitUntil(async () => (await parkedCount(s)) === 0, 120_000);
  return { lost: result.lost! + result.pending! + result.mismatched!, parkedPeak, parkedAfter: await parkedCount(s), outageS: Math.round(outageMs / 1000) };
}

/** P5: billable actions of 20 orders created unpaid, then paid, then shipped, until their runs end. */
async function actions(s: Stack) {
  const ids = await generate(s, 20, 7);
  await waitUntil(() => ids.every((id) => erpOrders(s).some((o) => o.externalId === externalId(id))), 120_000);
  await sleep(2_000);
  for (const id of ids) await setStatus(s, id, 11);
  await waitUntil(() => ids.every((id) => omsOrders(s).some((o) => o.orderKey === externalId(id))), 120_000);
  await sleep(2_000);
  for (const id of ids) await ship(s, id);
  // Shipped is terminal: each run ends once quiet.
  await waitUntil(async () => {
    const running = await s.client.workflow.count(`WorkflowType = "orderSync" AND ExecutionStatus = "Running" AND WorkflowId STARTS_WITH "order:${STORE}:"`);
    return running.count === 0;
  }, 180_000);
  const breakdown: ActionBreakdown = {};
  for (const id of ids) {
    for await (const wf of s.client.workflow.list({ query: `WorkflowId = "${orderWorkflowId(STORE, id)}"` })) {
      const history = await s.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      for (const [kind, n] of Object.entries(billableActions(history))) breakdown[kind] = (breakdown[kind] ?? 0) + n;
    }
  }
  const perOrder = Object.fromEntries(Object.entries(breakdown).map(([k, n]) => [k, n / ids.length]));
  return { perOrder, total: total(breakdown) / ids.length };
}

async function waitUntil(fn: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(500);
  }
}

// ---- main --------------------------------------------------------------------------------------

export async function main(): Promise<void> {
  installTemporalRuntime(logger);
  const started = Date.now();
  const temporal = await startDevServer({ logLevel: 'never' });
  const bundle = await bundleWorkflows();
  const bundlePath = path.join(mkdtempSync(path.join(os.tmpdir(), 'chaos-')), 'bundle.js');
  writeFileSync(bundlePath, bundle.code);
  const sandboxes = await startSandboxes({
    bcPort: 0,
    erpPort: 0,
    bigcommerce: { storeHash: STORE, quota: 100_000, rateLimit: false, clients: { 'chaos-token': { clientId: 'chaos', clientSecret: 'chaos-secret' } } },
    oms: { quota: 1_000_000 },
  });
  for (const level of Object.values(sandboxes.bigcommerce.ctx.data.inventory)) level.onHand = 10_000_000;
  await fetch(`${sandboxes.erpUrl}/__sandbox/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ concurrencyLimit: 10, processingMs: 5 }) });
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_WORKFLOW_TASK_QUEUE: 'chaos.workflows',
    BC_API_URL: sandboxes.bcUrl,
    BC_STORE_HASH: STORE,
    BC_ACCESS_TOKEN: 'chaos-token',
    BC_PLAN: 'enterprise',
    BC_QUOTA: '100000',
    BC_QUOTA_HEADROOM: '0',
    ERP_API_URL: sandboxes.erpUrl,
    ERP_ACCESS_TOKEN: 'sandbox-erp-token',
    ERP_CONCURRENCY: '8',
    OMS_API_URL: sandboxes.omsUrl,
    OMS_API_KEY: 'sandbox-oms-key',
    OMS_API_SECRET: 'sandbox-oms-secret',
    OMS_RATE_PER_MINUTE: '100000',
    OMS_WEBHOOK_TOKEN: 'chaos-oms-token-0123456789',
    WEBHOOK_SECRET: 'chaos-webhook-secret-0123',
    ORDER_QUIET_PERIOD: '5s',
    ORDER_RETRY_WINDOW: '10s',
    ORDER_PARK_RETRY: '5s',
  };
  const config = loadConfig(env);
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const api = await startApiServer(config, { client, connection, logger, host: '127.0.0.1', port: 0 });
  await registerHooks(config.stores[0]!, `${api.url}/webhooks/bigcommerce`, config.api.webhookSecret);
  await registerOmsWebhook(config, `${api.url}/webhooks/oms`);
  const stack: Stack = { config, env, sandboxes, client, bundlePath };
  const worker = new ForkedWorker({ ...stack.env, BENCH_BUNDLE: stack.bundlePath });
  await worker.start();
  try {
    console.log(`chaos bench: Temporal dev server ${temporal.address}, worker in its own process`);
    const p5 = await actions(stack);
    console.log(`  P5 actions per order (created unpaid, paid, shipped, run ended): ${p5.total.toFixed(2)}  ${JSON.stringify(Object.fromEntries(Object.entries(p5.perOrder).map(([k, v]) => [k, Number(v.toFixed(2))])))}`);
    const r1 = await crashes(stack, worker);
    console.log(`  R1 ${r1.orders} orders, worker SIGKILLed ${r1.kills} times: lost ${r1.lost}, ERP duplicates ${r1.erpDuplicates}, OMS duplicates ${r1.omsDuplicates}, mismatched ${r1.mismatched}`);
    const r4 = await duplicates(stack);
    console.log(`  R4 100 orders, every webhook 3 times and shuffled: extra ERP/OMS writes ${r4.extra}`);
    const r5 = await outage(stack);
    console.log(`  R5 ERP 30% 5xx, then down ${r5.outageS} s (retry window ${config.orders.retryWindowMs / 1000} s): lost ${r5.lost}, parked at peak ${r5.parkedPeak}, parked after recovery ${r5.parkedAfter}`);
    console.log(`(bench took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    console.log(
      `chaos: orders=${r1.orders} kills=${r1.kills} lost=${r1.lost} erp_duplicates=${r1.erpDuplicates} oms_duplicates=${r1.omsDuplicates} mismatched=${r1.mismatched} dup3_extra_writes=${r4.extra} outage_lost=${r5.lost} actions_per_order=${p5.total.toFixed(2)}`,
    );
  } finally {
    await worker.stop();
    await api.close();
    await connection.close();
    await sandboxes.close();
    await temporal.teardown();
  }
}
