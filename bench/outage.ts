import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startApiServer } from '../api/server';
import { startDevServer } from '../cli/dev-server';
import { registerHooks, registerOmsWebhook } from '../cli/register-hooks';
import { loadConfig } from '../config/env';
import { createLogger } from '../lib/logger';
import { metricsRegistry } from '../lib/metrics';
import { startSandboxes, type RunningSandboxes } from '../sandbox/start-sandboxes';
import { RETRY_SCHEDULE_S } from '../sandbox/bigcommerce/webhook-dispatcher';
import { installTemporalRuntime } from '../workers/runtime';
import { ensureSchedules } from '../workers/schedules';
import { bundleWorkflows, startWorkers } from '../workers/start-workers';
import { ALERT_DISPATCHER_ID, alertStateQuery } from '../workflows/alerts';

/**
 * `npm run bench -- outage`: silent failures, made loud and repaired. A real Temporal dev server,
 * the sandboxes with BigCommerce's webhook timing compressed, and the product's schedules
 * (webhook health every 5 s, reconciliation every 10 s, alert monitor every 5 s).
 *
 * R3: the API goes down until BigCommerce deactivates its hooks (all 11 retries fail: 52 hours,
 * compressed to ~20 s); orders keep coming. How fast health notices and reactivates, whether every
 * order of the dark time reaches the ERP, what reconciliation costs per order, how many alerts.
 * Flap: a receiver failing half its deliveries under a burst trips BigCommerce's domain blocklist;
 * does any order get lost?
 */
const STORE = 'outage';
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'outage');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RETRY_TOTAL_S = RETRY_SCHEDULE_S.reduce((a, b) => a + b, 0);

/** A front for the API whose failure rate the bench sets: down, flapping or healthy. */
function flakyProxy(targetPort: number) {
  const state = { failRate: 0, down: false, seen: 0, failed: 0 };
  let toggle = 0;
  const server = http.createServer((req, res) => {
    state.seen++;
    if (state.down) {
      // A dead API: the connection is dropped without an answer.
      req.socket.destroy();
      state.failed++;
      return;
    }
    if (state.failRate > 0 && (toggle++ % 100) / 100 < state.failRate) {
      state.failed++;
      res.statusCode = 500;
      res.end();
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: targetPort, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(upstream);
  });
  return { server, state };
}

async function generate(sandboxes: RunningSandboxes, count: number): Promise<number[]> {
  const ids: number[] = [];
  while (ids.length < count) {
    const res = await fetch(`${sandboxes.bcUrl}/__sandbox/orders/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: Math.min(50, count - ids.length), status_id: 11, multi_address: false, digital: false, gift_certificate: false }),
    });
    const body = (await res.json()) as { ids: number[] };
    ids.push(...body.ids);
  }
  return ids;
}

const listingCalls = async (): Promise<number> => {
  const text = await metricsRegistry.metrics();
  let n = 0;
  for (const line of text.split('\n')) {
    const m = /^bcsync_bigcommerce_calls_total\{store="outage",method="GET",route="\/v2\/orders",status="[0-9]+"\} ([0-9.]+)$/.exec(line);
    if (m) n += Number(m[1]);
  }
  return n;
};

export async function main(): Promise<void> {
  installTemporalRuntime(logger);
  const started = Date.now();
  const timeScale = RETRY_TOTAL_S / 20; // every retry of 52 hours in 20 s
  const temporal = await startDevServer({ logLevel: 'never' });
  const bundle = await bundleWorkflows();
  const sandboxes = await startSandboxes({
    bcPort: 0,
    erpPort: 0,
    bigcommerce: { storeHash: STORE, quota: 100_000, rateLimit: false, webhookTimeScale: timeScale, clients: { 'outage-token': { clientId: 'outage', clientSecret: 'x' } } },
    oms: { quota: 1_000_000 },
  });
  for (const level of Object.values(sandboxes.bigcommerce.ctx.data.inventory)) level.onHand = 10_000_000;

  // The API behind a front whose health the bench controls; alerts to a receiver that counts them.
  const apiPort = await new Promise<number>((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const front = flakyProxy(apiPort);
  await new Promise<void>((r) => front.server.listen(0, '127.0.0.1', () => r()));
  const frontUrl = `http://127.0.0.1:${(front.server.address() as { port: number }).port}`;
  const alertsReceived: string[] = [];
  const alertReceiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      alertsReceived.push(body);
      res.end();
    });
  });
  await new Promise<void>((r) => alertReceiver.listen(0, '127.0.0.1', () => r()));

  const config = loadConfig({
    TEMPORAL_ADDRESS: temporal.address,
    BC_API_URL: sandboxes.bcUrl,
    BC_STORE_HASH: STORE,
    BC_ACCESS_TOKEN: 'outage-token',
    BC_PLAN: 'enterprise',
    BC_QUOTA: '100000',
    ERP_API_URL: sandboxes.erpUrl,
    ERP_ACCESS_TOKEN: 'sandbox-erp-token',
    ERP_CONCURRENCY: '10',
    OMS_API_URL: sandboxes.omsUrl,
    OMS_API_KEY: 'sandbox-oms-key',
    OMS_API_SECRET: 'sandbox-oms-secret',
    OMS_RATE_PER_MINUTE: '100000',
    OMS_WEBHOOK_TOKEN: 'outage-oms-token-0123456789',
    WEBHOOK_SECRET: 'outage-webhook-secret-0123',
    HOOKS_DESTINATION: `${frontUrl}/webhooks/bigcommerce`,
    HEALTH_INTERVAL: '5s',
    RECONCILE_INTERVAL: '10s',
    RECONCILE_OVERLAP: '5s',
    RECONCILE_INITIAL_LOOKBACK: '5m',
    ALERT_INTERVAL: '5s',
    ALERT_WEBHOOK_URL: `http://127.0.0.1:${(alertReceiver.address() as { port: number }).port}/alerts`,
    ALERT_COOLDOWN: '10m',
    ALERT_PARKED_THRESHOLD: '1000',
    ORDER_QUIET_PERIOD: '1m',
  });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address: temporal.address });
  const workers = await startWorkers(config, { connection: native, logger, client, workflowBundle: bundle });
  let api = await startApiServer(config, { client, connection, logger, host: '127.0.0.1', port: apiPort });
  await registerHooks(config.stores[0]!, config.health.destination!, config.api.webhookSecret, config.health.exceptionDestination);
  await registerOmsWebhook(config, `${frontUrl}/webhooks/oms`);
  await ensureSchedules(client, config, logger);
  const erpHas = (id: number) => sandboxes.erp.data.salesOrderWrites[`bc-${STORE}-${id}`] !== undefined;
  const hookActive = () => Object.values(sandboxes.bigcommerce.ctx.data.hooks).filter((h) => h.scope === 'store/order/created')[0]?.isActive ?? false;

  try {
    console.log(`outage bench: retries compressed ${Math.round(timeScale)}x (52 h -> ${(RETRY_TOTAL_S / timeScale).toFixed(0)} s), health every 5 s, reconcile every 10 s`);
    const warm = await generate(sandboxes, 10);
    while (!warm.every(erpHas)) await sleep(200);

    // R3: the API goes dark until BigCommerce deactivates the hooks; orders keep coming.
    const callsBefore = await listingCalls();
    await api.close();
    front.state.down = true;
    const darkOrders: number[] = [];
    const darkStarted = Date.now();
    let deactivatedAt = 0;
    while (!deactivatedAt) {
      darkOrders.push(...(await generate(sandboxes, 2)));
      await sleep(500);
      if (!hookActive()) deactivatedAt = Date.now();
      if (Date.now() - darkStarted > 120_000) throw new Error('the hooks were never deactivated');
    }
    // Back up as soon as BigCommerce has given up on us.
    api = await startApiServer(config, { client, connection, logger, host: '127.0.0.1', port: apiPort });
    front.state.down = false;
    let reactivatedAt = 0;
    while (!reactivatedAt) {
      if (hookActive()) reactivatedAt = Date.now();
      else await sleep(100);
      if (Date.now() - deactivatedAt > 60_000) throw new Error('health never reactivated the hook');
    }
    const deadline = Date.now() + 120_000;
    while (!darkOrders.every(erpHas) && Date.now() < deadline) await sleep(500);
    const lost = darkOrders.filter((id) => !erpHas(id)).length;
    await sleep(6_000); // let the alert monitor and dispatcher settle
    const reconcileCalls = (await listingCalls()) - callsBefore;
    const alertState = await client.workflow.getHandle(ALERT_DISPATCHER_ID).query(alertStateQuery);
    const repairAlerts = alertsReceived.filter((a) => a.includes('Repaired')).length;
    console.log(
      `  R3 dark ${((deactivatedAt - darkStarted) / 1000).toFixed(1)} s until BigCommerce deactivated the hooks; ${darkOrders.length} orders meanwhile, ${lost} lost; ` +
        `reactivated ${((reactivatedAt - deactivatedAt) / 1000).toFixed(1)} s after; ${reconcileCalls} listing calls during the incident; ` +
        `alerts sent ${alertState.sent} (repair alerts ${repairAlerts}), suppressed ${alertState.suppressed}`,
    );

    // Flap: a burst at a receiver failing half its deliveries trips the blocklist (2 min/3 min compressed 60x).
    sandboxes.bigcommerce.ctx.dispatcher.clearHistory();
    const flapSandboxScale = 60;
    (sandboxes.bigcommerce.ctx.dispatcher as unknown as { opts: { timeScale: number } }).opts.timeScale = flapSandboxScale;
    front.state.failRate = 0.5;
    const flapOrders = await generate(sandboxes, 150);
    let blocked = false;
    const flapDeadline = Date.now() + 15_000;
    while (!blocked && Date.now() < flapDeadline) {
      blocked = sandboxes.bigcommerce.ctx.dispatcher.blockedDomains('outage').length > 0;
      await sleep(100);
    }
    front.state.failRate = 0;
    const flapEnd = Date.now() + 120_000;
    while (!flapOrders.every(erpHas) && Date.now() < flapEnd) await sleep(500);
    const flapLost = flapOrders.filter((id) => !erpHas(id)).length;
    console.log(`  flap: 150 orders at a receiver failing 50%: domain blocklisted ${blocked}, ${flapLost} lost`);
    console.log(`(bench took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    console.log(
      `outage: orders_during=${darkOrders.length} lost=${lost} detect_s=${((reactivatedAt - deactivatedAt) / 1000).toFixed(1)} reconcile_calls_per_order=${(reconcileCalls / Math.max(1, darkOrders.length)).toFixed(2)} alerts=${repairAlerts} flap_lost=${flapLost}`,
    );
  } finally {
    for (const s of await (async () => {
      const ids: string[] = [];
      for await (const s of client.schedule.list()) ids.push(s.scheduleId);
      return ids;
    })()) await client.schedule.getHandle(s).delete();
    await workers.shutdown();
    await native.close();
    await api.close();
    await connection.close();
    front.server.close();
    alertReceiver.close();
    await sandboxes.close();
    await temporal.teardown();
  }
}
