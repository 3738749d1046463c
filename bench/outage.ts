import http from 'node:http';
import { z } from 'zod';
import { startApiServer } from '../api/server';
import { registerHooks, registerOmsWebhook } from '../cli/register-hooks';
import { loadConfig } from '../config/env';
import { createLogger } from '../lib/logger';
import { seedStock } from './support/stock';
import { RETRY_SCHEDULE_S } from '../sandbox/bigcommerce/webhook-dispatcher';
import type { RunningSandboxes } from '../sandbox/start-sandboxes';
import { installTemporalRuntime } from '../workers/runtime';
import { ensureSchedules } from '../workers/schedules';
import { startWorkers } from '../workers/start-workers';
import { connectClient, connectWorkerConnection } from '../workers/temporal-connection';
import { ALERT_DISPATCHER_ID, alertStateQuery } from '../workflows/monitoring/alerts.contract';
import { control, must, writeResult } from './support/result';
import { startBenchSystems } from './support/systems';
import { BENCH_PAYLOAD_KEYS } from './support/temporal';
import { bcRequestCounts, byRoute, clearBcRequests, freePort, sumRequests } from './support/witness';

/**
 * `npm run bench -- outage`: silent failures, made loud and repaired. A real Temporal dev server,
 * the sandboxes with BigCommerce's webhook timing compressed, and the product's schedules
 * (webhook health every 5 s, reconciliation every 10 s, alert monitor every 5 s).
 *
 * R3: the API goes down until BigCommerce deactivates its hooks (all 11 retries fail: 52 hours,
 * compressed to ~20 s); orders keep coming. How fast health notices and reactivates, whether every
 * order of the dark time reaches the ERP and the OMS as BigCommerce has it, what reconciliation
 * costs per order, how many alerts.
 * Flap: a receiver failing half its deliveries under a burst trips BigCommerce's domain blocklist;
 * does any order get lost?
 *
 * Every figure is judged by a witness outside the product: the sandboxes' records (BigCommerce's
 * orders, hook states, notifications, deliveries and request log; the ERP's sales orders as its
 * REST API answers them; the OMS's orders) and the bench's own alert receiver.
 */
const env = z
  .object({
    OUTAGE_FLAP_ORDERS: z.coerce.number().int().min(110).default(150),
    /** One order in this many is created unpaid (Awaiting Payment): the ERP gets it, the OMS must not. */
    OUTAGE_UNPAID_EVERY: z.coerce.number().int().min(2).default(5),
  })
  .parse(process.env);

const STORE = 'outage';
const PRODUCT_TOKEN = 'outage-token';
const PRODUCT_CLIENT = 'outage';
/** The bench reads BigCommerce as its own API client, so its reads never count as the product's. */
const BENCH_TOKEN = 'outage-bench-token';
const BENCH_CLIENT = 'outage-bench';
const ERP_TOKEN = 'sandbox-erp-token';
const PAID = 11; // Awaiting Fulfillment
const UNPAID = 7; // Awaiting Payment
/**
 * What the OMS must hold for each BigCommerce status the bench creates (the business rule, stated
 * here, not taken from the product): paid and to be shipped -> an order awaiting shipment; unpaid
 * -> nothing to ship yet.
 */
const OMS_EXPECTED: Record<number, 'awaiting_shipment' | null> = { [PAID]: 'awaiting_shipment', [UNPAID]: null };
/** Units per SKU in both the ERP and BigCommerce: far above what the bench's orders can take (at most ~700 orders x 8 units). */
const STOCK_PER_SKU = 1_000_000;
const FLAP_SCALE = 60;

// The scenario makes the product warn at every failed delivery: errors only, unless LOG_LEVEL says otherwise.
const logger = createLogger(process.env.LOG_LEVEL ?? 'error', 'outage');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RETRY_TOTAL_S = RETRY_SCHEDULE_S.reduce((a, b) => a + b, 0);
const externalId = (id: number) => `bc-${STORE}-${id}`;
const cents = (v: string | number) => Math.round(Number(v) * 100);

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

// ---- the sandboxes' answers, validated ---------------------------------------------------------

const generated = z.object({ ids: z.array(z.number().int().positive()) });
const bcOrderSchema = z.object({ id: z.number(), status_id: z.number(), total_inc_tax: z.string() });
const bcLinesSchema = z.array(z.object({ id: z.number(), sku: z.string(), quantity: z.number(), type: z.string() }));
const erpOrderSchema = z.object({
  total: z.number(),
  item: z.object({
    items: z.array(z.object({ item: z.object({ externalId: z.string() }), quantity: z.number(), custcol_bcsync_line_id: z.string().optional(), isClosed: z.boolean().optional() })),
  }),
});
const summarySchema = z.object({ hooks: z.array(z.object({ id: z.number(), scope: z.string(), isActive: z.boolean(), deactivated: z.boolean() })) });
const notificationsSchema = z.object({ notifications: z.array(z.object({ atMs: z.number(), clientId: z.string(), subject: z.string() })) });
const deliveriesSchema = z.object({ deliveries: z.array(z.object({ scope: z.string(), status: z.number().nullable(), blocked: z.boolean().optional(), atMs: z.number() })) });

interface Sandboxes {
  s: RunningSandboxes;
  bc: (path: string) => Promise<Response>;
  sandboxGet: <T>(path: string, schema: z.ZodType<T>) => Promise<T>;
}

function sandboxAccess(s: RunningSandboxes): Sandboxes {
  return {
    s,
    bc: (path) => fetch(`${s.bcUrl}/stores/${STORE}${path}`, { headers: { 'x-auth-token': BENCH_TOKEN, accept: 'application/json' } }),
    sandboxGet: async (path, schema) => schema.parse(await (await control(fetch(`${s.bcUrl}/__sandbox${path}`), `GET /__sandbox${path}`)).json()),
  };
}

/** Storefront orders through the sandbox's control; one in `unpaidEvery` is created unpaid. */
async function generate(sb: Sandboxes, count: number, status: number): Promise<number[]> {
  const ids: number[] = [];
  while (ids.length < count) {
    const res = await control(
      fetch(`${sb.s.bcUrl}/__sandbox/orders/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ count: Math.min(50, count - ids.length), status_id: status, multi_address: false, digital: false, gift_certificate: false }),
      }),
      `POST /__sandbox/orders/generate (status ${status})`,
    );
    const body = generated.parse(await res.json());
    must(body.ids.length === Math.min(50, count - ids.length), `the order generator made ${body.ids.length} orders`);
    ids.push(...body.ids);
  }
  return ids;
}

/** `count` orders, every `OUTAGE_UNPAID_EVERY`th of them unpaid (counted across calls in `mix`). */
async function generateMix(sb: Sandboxes, count: number, mix: { n: number; unpaid: Set<number> }): Promise<number[]> {
  let unpaid = 0;
  for (let i = 0; i < count; i++) if ((mix.n + i + 1) % env.OUTAGE_UNPAID_EVERY === 0) unpaid++;
  mix.n += count;
  const unpaidIds = unpaid > 0 ? await generate(sb, unpaid, UNPAID) : [];
  for (const id of unpaidIds) mix.unpaid.add(id);
  return [...(await generate(sb, count - unpaid, PAID)), ...unpaidIds];
}

/**
 * Whether an order reached the ERP and the OMS as BigCommerce has it: null when it did, else what
 * is missing or differs. ERP: a sales order whose product lines are BigCommerce's (line id, SKU,
 * quantity, none extra) and whose total, as the ERP computes it, is `total_inc_tax` to the cent.
 * OMS: per status (OMS_EXPECTED), one active order with that status, `amountPaid` = `total_inc_tax`
 * and BigCommerce's physical lines (line key, SKU, quantity), or no order at all.
 */
async function orderProblem(sb: Sandboxes, id: number): Promise<string | null> {
  const order = bcOrderSchema.parse(await (await control(sb.bc(`/v2/orders/${id}`), `GET /v2/orders/${id}`)).json());
  const lines = bcLinesSchema.parse(await (await control(sb.bc(`/v2/orders/${id}/products?limit=250`), `GET /v2/orders/${id}/products`)).json());
  const expectedOms = OMS_EXPECTED[order.status_id];
  must(expectedOms !== undefined, `order ${id} has status ${order.status_id}, which the bench never creates`);

  const erpRes = await fetch(`${sb.s.erpUrl}/services/rest/record/v1/salesOrder/eid:${externalId(id)}?expandSubResources=true`, {
    headers: { authorization: `Bearer ${ERP_TOKEN}` },
  });
  if (erpRes.status === 404) return 'no ERP sales order';
  const erp = erpOrderSchema.parse(await (await control(erpRes, `ERP GET salesOrder eid:${externalId(id)}`)).json());
  if (cents(erp.total) !== cents(order.total_inc_tax)) return `ERP total ${erp.total} differs from total_inc_tax ${order.total_inc_tax}`;
  const erpProductLines = erp.item.items.filter((l) => /^\d+$/.test(l.custcol_bcsync_line_id ?? ''));
  if (erpProductLines.length !== lines.length) return `ERP has ${erpProductLines.length} product lines, BigCommerce ${lines.length}`;
  for (const line of lines) {
    const e = erpProductLines.find((l) => l.custcol_bcsync_line_id === String(line.id));
    if (!e) return `ERP lacks line ${line.id} (${line.sku})`;
    if (e.item.externalId !== line.sku || e.quantity !== line.quantity)
      return `ERP line ${line.id}: ${e.item.externalId} x${e.quantity}, BigCommerce ${line.sku} x${line.quantity}`;
    if (e.isClosed) return `ERP line ${line.id} is closed`;
  }

  const oms = Object.values(sb.s.oms.ctx.data.orders).filter((o) => o.orderKey === externalId(id) && o.active);
  if (expectedOms === null) return oms.length === 0 ? null : `in the OMS (${oms[0]!.orderStatus}) although BigCommerce status ${order.status_id} has nothing to ship`;
  if (oms.length !== 1) return oms.length === 0 ? 'no OMS order' : `${oms.length} OMS orders`;
  const o = oms[0]!;
  if (o.orderStatus !== expectedOms) return `OMS status ${o.orderStatus}, expected ${expectedOms}`;
  if (cents(o.amountPaid) !== cents(order.total_inc_tax)) return `OMS amountPaid ${o.amountPaid} differs from total_inc_tax ${order.total_inc_tax}`;
  const physical = lines.filter((l) => l.type === 'physical' && l.quantity > 0);
  const items = o.items.filter((i) => !i.adjustment);
  if (items.length !== physical.length) return `OMS has ${items.length} items, BigCommerce ${physical.length} physical lines`;
  for (const line of physical) {
    const i = items.find((x) => x.lineItemKey === String(line.id));
    if (!i || i.sku !== line.sku || i.quantity !== line.quantity)
      return `OMS line ${line.id}: ${i ? `${i.sku} x${i.quantity}` : 'missing'}, BigCommerce ${line.sku} x${line.quantity}`;
  }
  return null;
}

/**
 * Waits until every order is in the ERP (and in the OMS when its status ships), then compares each
 * field by field, again until all agree or the deadline passes. Returns the orders still wrong.
 */
async function settleAndCompare(sb: Sandboxes, ids: number[], timeoutMs: number): Promise<Map<number, string>> {
  const deadline = Date.now() + timeoutMs;
  const present = (id: number) => sb.s.erp.data.salesOrderWrites[externalId(id)] !== undefined;
  while (!ids.every(present) && Date.now() < deadline) await sleep(500);
  let wrong = new Map<number, string>();
  let pending = ids;
  for (;;) {
    wrong = new Map();
    for (const id of pending) {
      const problem = await orderProblem(sb, id);
      if (problem) wrong.set(id, problem);
    }
    if (wrong.size === 0 || Date.now() >= deadline) return wrong;
    pending = [...wrong.keys()];
    await sleep(2_000);
  }
}

const describeWrong = (wrong: Map<number, string>): string =>
  [...wrong]
    .slice(0, 5)
    .map(([id, p]) => `#${id}: ${p}`)
    .join('; ') + (wrong.size > 5 ? `; and ${wrong.size - 5} more` : '');

export async function main(): Promise<void> {
  installTemporalRuntime(logger);
  const startedAt = new Date();
  const timeScale = RETRY_TOTAL_S / 20; // every retry of 52 hours in 20 s
  const { temporal, bundle, sandboxes } = await startBenchSystems({
    storeHash: STORE,
    quota: 100_000,
    rateLimit: false,
    webhookTimeScale: timeScale,
    clients: { [PRODUCT_TOKEN]: { clientId: PRODUCT_CLIENT, clientSecret: 'x' }, [BENCH_TOKEN]: { clientId: BENCH_CLIENT, clientSecret: 'y' } },
  });
  const sb = sandboxAccess(sandboxes);
  await seedStock({ erpUrl: sandboxes.erpUrl, bcUrl: sandboxes.bcUrl, storeHash: STORE, token: BENCH_TOKEN, quantity: STOCK_PER_SKU, reason: 'outage bench stock' });

  // The API behind a front whose health the bench controls; alerts to a receiver that counts them.
  const apiPort = await freePort();
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
    TEMPORAL_PAYLOAD_KEYS: BENCH_PAYLOAD_KEYS,
    BC_API_URL: sandboxes.bcUrl,
    BC_STORE_HASH: STORE,
    BC_ACCESS_TOKEN: PRODUCT_TOKEN,
    BC_CLIENT_SECRET: 'x',
    BC_PLAN: 'enterprise',
    BC_QUOTA: '100000',
    ERP_API_URL: sandboxes.erpUrl,
    ERP_ACCESS_TOKEN: ERP_TOKEN,
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
  const { client, connection, close: closeClient } = await connectClient(config.temporal);
  const native = await connectWorkerConnection(config.temporal);
  const workers = await startWorkers(config, { connection: native, logger, client, workflowBundle: bundle });
  let api = await startApiServer(config, { client, connection, logger, host: '127.0.0.1', port: apiPort });
  await registerHooks(config.stores[0]!, config.health.destination!, config.api.webhookSecret, config.health.exceptionDestination);
  await registerOmsWebhook(config, `${frontUrl}/webhooks/oms`);
  await ensureSchedules(client, config, logger);
  // The store's own view of its order hook (GET /__sandbox/summary).
  const orderHook = async () => {
    const hook = (await sb.sandboxGet('/summary', summarySchema)).hooks.find((h) => h.scope === 'store/order/created');
    must(hook, 'the product registered no store/order/created hook');
    return hook;
  };
  const mix = { n: 0, unpaid: new Set<number>() };

  try {
    console.log(`outage bench: retries compressed ${Math.round(timeScale)}x (52 h -> ${(RETRY_TOTAL_S / timeScale).toFixed(0)} s), health every 5 s, reconcile every 10 s`);
    const warm = await generate(sb, 10, PAID);
    const warmWrong = await settleAndCompare(sb, warm, 60_000);
    must(warmWrong.size === 0, `the warm-up orders did not sync: ${describeWrong(warmWrong)}`);

    // R3: the API goes dark until BigCommerce deactivates the hooks; orders keep coming.
    await clearBcRequests(sandboxes.bcUrl);
    await api.close();
    front.state.down = true;
    const darkOrders: number[] = [];
    const darkStarted = Date.now();
    let deactivatedAt = 0;
    while (!deactivatedAt) {
      darkOrders.push(...(await generateMix(sb, 2, mix)));
      await sleep(500);
      const hook = await orderHook();
      if (!hook.isActive && hook.deactivated) deactivatedAt = Date.now();
      must(Date.now() - darkStarted < 120_000, 'BigCommerce never deactivated the hooks while the API was dark');
    }
    // Back up as soon as BigCommerce has given up on us.
    api = await startApiServer(config, { client, connection, logger, host: '127.0.0.1', port: apiPort });
    front.state.down = false;
    let reactivatedAt = 0;
    while (!reactivatedAt) {
      if ((await orderHook()).isActive) reactivatedAt = Date.now();
      else await sleep(100);
      must(Date.now() - deactivatedAt < 60_000, 'webhook health never reactivated the hook');
    }
    const darkWrong = await settleAndCompare(sb, darkOrders, 120_000);
    await sleep(6_000); // let the alert monitor and dispatcher settle
    const incidentCalls = await bcRequestCounts(sandboxes.bcUrl);
    const ours = (c: { clientId: string }) => c.clientId === PRODUCT_CLIENT;
    const reconcileCalls = sumRequests(incidentCalls, (c) => ours(c) && c.method === 'GET' && c.route === '/v2/orders');
    must(reconcileCalls > 0, 'no order listing (GET /v2/orders) reached BigCommerce during the incident: reconciliation never ran');
    const alertState = await client.workflow.getHandle(ALERT_DISPATCHER_ID).query(alertStateQuery);
    const repairAlerts = alertsReceived.filter((a) => a.includes('Repaired')).length;
    const darkUnpaid = darkOrders.filter((id) => mix.unpaid.has(id)).length;
    console.log(
      `  R3 dark ${((deactivatedAt - darkStarted) / 1000).toFixed(1)} s until BigCommerce deactivated the hooks; ${darkOrders.length} orders meanwhile (${darkUnpaid} unpaid), ${darkWrong.size} lost${darkWrong.size ? ` (${describeWrong(darkWrong)})` : ''}; ` +
        `reactivated ${((reactivatedAt - deactivatedAt) / 1000).toFixed(1)} s after; ${reconcileCalls} listing calls during the incident; ` +
        `alerts sent ${alertState.sent} (repair alerts received ${repairAlerts}), suppressed ${alertState.suppressed}`,
    );
    console.log(`  BigCommerce calls by the product during the incident (sandbox request log): ${JSON.stringify(byRoute(incidentCalls, ours))}`);

    // Flap: a burst at a receiver failing half its deliveries trips the blocklist (2 min/3 min compressed 60x).
    await control(fetch(`${sandboxes.bcUrl}/__sandbox/deliveries`, { method: 'DELETE' }), 'DELETE /__sandbox/deliveries');
    // No control sets the webhook time scale: the bench sets the dispatcher's directly.
    (sandboxes.bigcommerce.ctx.dispatcher as unknown as { opts: { timeScale: number } }).opts.timeScale = FLAP_SCALE;
    const flapStarted = Date.now();
    front.state.failRate = 0.5;
    const flapOrders = await generateMix(sb, env.OUTAGE_FLAP_ORDERS, mix);
    const frontDomain = new URL(frontUrl).host;
    const blocklisted = async () =>
      (await sb.sandboxGet('/notifications', notificationsSchema)).notifications.filter(
        (n) => n.atMs >= flapStarted && n.clientId === PRODUCT_CLIENT && n.subject.includes('blocklisted') && n.subject.includes(frontDomain.split(':')[0]!),
      );
    const flapDeadline = Date.now() + 15_000;
    while ((await blocklisted()).length === 0 && Date.now() < flapDeadline) await sleep(100);
    front.state.failRate = 0;
    const blockNotices = await blocklisted();
    must(blockNotices.length > 0, `BigCommerce did not blocklist ${frontDomain} during the flap (no notification in GET /__sandbox/notifications)`);
    const flapWrong = await settleAndCompare(sb, flapOrders, 120_000);
    const flapDeliveries = (await sb.sandboxGet(`/deliveries?since_ms=${flapStarted}`, deliveriesSchema)).deliveries;
    const held = flapDeliveries.filter((d) => d.blocked).length;
    must(held > 0, 'the domain was blocklisted but BigCommerce held no delivery (GET /__sandbox/deliveries shows none blocked)');
    const failedDeliveries = flapDeliveries.filter((d) => !d.blocked && (d.status === null || d.status < 200 || d.status > 299)).length;
    console.log(
      `  flap: ${flapOrders.length} orders (${flapOrders.filter((id) => mix.unpaid.has(id)).length} unpaid) at a receiver failing 50%: ${flapDeliveries.length} delivery attempts, ${failedDeliveries} failed; domain blocklisted (${blockNotices.length} notice), ${held} deliveries held; ` +
        `${flapWrong.size} lost${flapWrong.size ? ` (${describeWrong(flapWrong)})` : ''}`,
    );

    const durationS = Math.round((Date.now() - startedAt.getTime()) / 1000);
    console.log(`(bench took ${durationS} s)`);
    const detectS = (reactivatedAt - deactivatedAt) / 1000;
    const perOrder = reconcileCalls / darkOrders.length;
    const line =
      `outage: orders_during=${darkOrders.length} lost=${darkWrong.size} detect_s=${detectS.toFixed(1)} reconcile_calls_per_order=${perOrder.toFixed(2)} alerts=${repairAlerts} ` +
      `flap_orders=${flapOrders.length} blocklisted=true held=${held} flap_lost=${flapWrong.size}`;
    console.log(line);
    const records =
      'ERP sales order (ERP REST API, its own total) and OMS order (OMS sandbox records) compared field by field with the BigCommerce order (lines, quantities, total, OMS presence by status)';
    writeResult({
      name: 'outage',
      line,
      command: 'npm run bench -- outage',
      figures: {
        orders_during: { value: darkOrders.length, witness: 'orders created in the BigCommerce sandbox while the API was dark' },
        lost: { value: darkWrong.size, witness: records, goal: '0', met: darkWrong.size === 0 },
        detect_s: { value: Number(detectS.toFixed(1)), witness: 'BigCommerce sandbox hook state (GET /__sandbox/summary), bench clock' },
        reconcile_calls_per_order: {
          value: Number(perOrder.toFixed(2)),
          witness: "BigCommerce sandbox request log (GET /v2/orders by the product's client, incident start to recovery)",
          goal: '<= 1',
          met: perOrder <= 1,
        },
        alerts: { value: repairAlerts, witness: "the bench's alert receiver (repair alerts delivered)", goal: '1', met: repairAlerts === 1 },
        flap_orders: { value: flapOrders.length, witness: 'orders created in the BigCommerce sandbox during the flap' },
        held: {
          value: held,
          witness: 'BigCommerce sandbox deliveries (GET /__sandbox/deliveries, blocked) after its blocklist notice',
          goal: '> 0 (the blocklist tripped)',
          met: held > 0,
        },
        flap_lost: { value: flapWrong.size, witness: records, goal: '0', met: flapWrong.size === 0 },
      },
      details: [
        `R3: dark ${((deactivatedAt - darkStarted) / 1000).toFixed(1)} s, ${darkOrders.length} orders (${darkUnpaid} unpaid), ${reconcileCalls} listing calls`,
        `product's BigCommerce calls during the incident: ${JSON.stringify(byRoute(incidentCalls, ours))}`,
        `flap: ${flapDeliveries.length} delivery attempts, ${failedDeliveries} failed, ${held} held by the blocklist`,
      ],
      startedAt: startedAt.toISOString(),
      durationS,
    });
  } finally {
    for (const s of await (async () => {
      const ids: string[] = [];
      for await (const s of client.schedule.list()) ids.push(s.scheduleId);
      return ids;
    })())
      await client.schedule.getHandle(s).delete();
    await workers.shutdown();
    await native.close();
    await api.close();
    await closeClient();
    front.server.close();
    alertReceiver.close();
    await sandboxes.close();
    await temporal.teardown();
  }
}
