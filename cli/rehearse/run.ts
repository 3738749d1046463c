import type { RunningSandboxes } from '@bigcommerce-sync/sandbox';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { startApiServer } from '../../api/server';
import { loadConfig } from '../../config/env';
import { erpSalesOrderExternalId } from '../../domain/shared/ids';
import { orderWorkflowId } from '../../workflows/orders/order-sync.contract';
import { createLogger } from '../../lib/logger';
import { newPayloadKeyEntry } from '../../lib/temporal/keyring';
import { installTemporalRuntime } from '../../workers/runtime';
import { startWorkers } from '../../workers/start-workers';
import { connectClient, connectWorkerConnection } from '../../workers/temporal-connection';
import { startDevServer } from '../dev-server';
import { registerHooks, registerOmsWebhook } from '../register-hooks';
import { arrivalMinutes } from './curve';
import { compressedWindow, quotaOf, usablePerWindow, STORE_WINDOW_S, type Scenario } from './scenario';
import { describeOrderPath, type CallRecord, type HistoryStep, type OrderRecord, type RunRecord, type WindowRecord } from './summary';
import { actionsBetween, freePort, serverActions, settledServerActions } from './witness';
import { duration } from './verdict';

/**
 * Runs a sale against the sandboxes at compressed time, with the product as it runs in production:
 * a real Temporal dev server, the product's workers and webhook API (in this process, as `bcsync
 * dev` runs them), BigCommerce's webhooks delivering every order event to the API. The rehearsal
 * places the orders through the BigCommerce sandbox's order generator, paced by the curve, and
 * changes stock in the ERP sandbox; then it reads the witnesses (summary.ts says which).
 *
 * The sandboxes are loaded here, lazily: the product's worker and API never load sandbox code.
 */

const STORE = 'rehearsal';
const TOKEN = 'rehearsal-bcsync-token';
const CLIENT = 'bcsync';
/** The rehearsal's own reads of BigCommerce's totals, after the run: another API client, so never counted as ours. */
const REFEREE_TOKEN = 'rehearsal-referee-token';
const REFEREE = 'referee';
const ERP_TOKEN = 'rehearsal-erp-token';
/** Units on hand per SKU at the order location: no order is refused for stock (a sale is not a stock-out rehearsal). */
const STOCK = 1_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RunOptions {
  scenario: Scenario;
  /** A progress line every few seconds (orders placed, in the ERP, backlog, calls, elapsed). */
  progress: (line: string) => void;
  progressEveryMs?: number;
}

export interface RunOutcome {
  record: RunRecord;
  wallS: number;
}

/** Throws when the rehearsal could not carry out its scenario (a control answering an error). */
export class RehearsalError extends Error {}

async function control(res: Promise<Response>, what: string): Promise<Response> {
  const r = await res;
  if (!r.ok) throw new RehearsalError(`the rehearsal could not run: ${what} answered ${r.status} ${(await r.text().catch(() => '')).slice(0, 300)}`);
  return r;
}

const json = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
});
const ms = (x: number) => `${Math.max(1, Math.round(x))}ms`;

const requestEntries = z.object({
  recording: z.boolean(),
  entries: z.array(z.object({ atMs: z.number(), method: z.string(), route: z.string(), status: z.number(), clientId: z.string() })),
});
const generated = z.object({ ids: z.array(z.number().int()) });
const bcOrderPage = z.array(z.object({ id: z.number(), total_inc_tax: z.string() }).loose());
const erpSalesOrder = z.object({ total: z.number(), createdDate: z.string() }).loose();

export async function runRehearsal(opts: RunOptions): Promise<RunOutcome> {
  const s = opts.scenario;
  const quota = quotaOf(s);
  const { windowMs, factor } = compressedWindow(s.timeScale);
  const wallStarted = Date.now();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'bcsync-rehearse');
  installTemporalRuntime(logger);
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const say = opts.progress;
  try {
    say(`starting: Temporal dev server, sandboxes (quota ${quota} per ${windowMs} ms = 30 s / ${factor.toFixed(2)}), bcsync workers and API`);
    const metricsPort = await freePort();
    const temporal = await startDevServer({ metricsPort, logLevel: 'error' });
    cleanups.push(() => temporal.teardown());

    const { productDefaults, seededRandom, startSandboxes, variantDefaults } = await import('@bigcommerce-sync/sandbox');
    const sandboxes: RunningSandboxes = await startSandboxes({
      bcPort: 0,
      erpPort: 0,
      erpAccessToken: ERP_TOKEN,
      bigcommerce: {
        storeHash: STORE,
        quota,
        windowMs,
        webhookTimeScale: factor,
        clients: { [TOKEN]: { clientId: CLIENT, clientSecret: 'rehearsal-bcsync-secret' }, [REFEREE_TOKEN]: { clientId: REFEREE, clientSecret: 'rehearsal-referee-secret' } },
      },
      // ShipStation's 40 calls a minute is not what this rehearses (docs/rehearse.md).
      oms: { quota: 1_000_000 },
    });
    cleanups.push(() => sandboxes.close());
    const bc = sandboxes.bigcommerce;
    const random = seededRandom(s.seed);

    // ---- the catalog: the seeded SKUs plus simple products up to catalogSize, plenty of stock, the
    // ERP's stock the same (so the store starts in step with the ERP), the 3PL knowing every SKU ----
    const data = bc.ctx.data;
    const nowMs = Date.now();
    let productId = Math.max(10_000, data.nextIds.product);
    let variantId = Math.max(100_000, data.nextIds.variant);
    const sellable = () =>
      Object.values(data.products)
        .filter((p) => p.type === 'physical')
        .flatMap((p) =>
          p.base_variant_id !== null
            ? [p.base_variant_id]
            : Object.values(data.variants)
                .filter((v) => v.product_id === p.id)
                .map((v) => v.id),
        );
    for (let missing = s.catalogSize - sellable().length; missing > 0; missing--) {
      const id = productId++;
      const sku = `SALE-${id}`;
      const price = 8 + ((id * 37) % 120);
      const product = productDefaults({ id, name: `Sale item ${id}`, sku, price, weight: 0.5, type: 'physical', inventory_tracking: 'product' }, nowMs);
      const v = variantDefaults({ id: variantId++, product_id: id, sku, price, option_values: [] });
      product.base_variant_id = v.id;
      data.products[String(id)] = product;
      data.variants[String(v.id)] = v;
    }
    data.nextIds.product = productId;
    data.nextIds.variant = variantId;
    const skus: string[] = [];
    for (const vid of sellable()) {
      const sku = data.variants[String(vid)]?.sku;
      if (!sku) continue;
      skus.push(sku);
      data.inventory[`1:${vid}`] = { ...(data.inventory[`1:${vid}`] ?? { safetyStock: 0, warningLevel: 0, isInStock: true, binPickingNumber: '' }), onHand: STOCK };
    }
    bc.ctx.changed();
    const onHand = new Map(skus.map((sku) => [sku, STOCK]));
    for (let i = 0; i < skus.length; i += 2_000) {
      await control(
        fetch(`${sandboxes.erpUrl}/__sandbox/stock`, json('POST', { levels: skus.slice(i, i + 2_000).map((sku) => ({ sku, location: '1', onHand: STOCK })) })),
        'ERP POST /__sandbox/stock',
      );
    }
    await control(fetch(`${sandboxes.omsUrl}/__sandbox/rules`, json('PUT', { rejectUnknownSkus: false })), 'OMS PUT /__sandbox/rules');

    // ---- the product, configured as a merchant would for this plan (the window and the inventory
    // timings compressed like the sale) ----
    const env: NodeJS.ProcessEnv = {
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      TEMPORAL_ADDRESS: temporal.address,
      // Payloads encrypted as in production, with a key of this rehearsal's own (its dev server goes with it).
      TEMPORAL_PAYLOAD_KEYS: newPayloadKeyEntry('rehearsal'),
      BC_API_URL: sandboxes.bcUrl,
      BC_STORE_HASH: STORE,
      BC_ACCESS_TOKEN: TOKEN,
      BC_CLIENT_SECRET: 'rehearsal-bcsync-secret',
      BC_PLAN: s.plan,
      ...(s.quota !== undefined ? { BC_QUOTA: String(s.quota) } : {}),
      BC_RATE_WINDOW_MS: String(windowMs),
      BC_QUOTA_HEADROOM: String(s.headroom),
      ERP_API_URL: sandboxes.erpUrl,
      ERP_ACCESS_TOKEN: ERP_TOKEN,
      ERP_WEBHOOK_TOKEN: 'rehearsal-erp-webhook-token',
      ERP_WEBHOOK_SIGNING_SECRET: 'rehearsal-erp-signing-secret-0123456789',
      OMS_API_URL: sandboxes.omsUrl,
      OMS_API_KEY: 'sandbox-oms-key',
      OMS_API_SECRET: 'sandbox-oms-secret',
      OMS_RATE_PER_MINUTE: '1000000',
      OMS_WEBHOOK_TOKEN: 'rehearsal-oms-token-0123456789',
      WEBHOOK_SECRET: 'rehearsal-webhook-secret-0123',
      INVENTORY_SYNC: s.inventorySync,
      INVENTORY_LOCATIONS: '1:1',
      INVENTORY_QUIET: ms(3_000 / factor),
      INVENTORY_MAX_WAIT: ms(60_000 / factor),
      INVENTORY_BOOKING_WAIT: ms(15_000 / factor),
    };
    const config = loadConfig(env);
    const store = config.stores[0]!;
    const { client, connection, close: closeClient } = await connectClient(config.temporal);
    cleanups.push(closeClient);
    const nativeConnection = await connectWorkerConnection(config.temporal);
    const workers = await startWorkers(config, { connection: nativeConnection, logger, client });
    cleanups.push(async () => {
      await workers.shutdown();
      await nativeConnection.close();
    });
    let workerFailure: unknown;
    workers.done.catch((err: unknown) => (workerFailure = err));
    const api = await startApiServer(config, { client, connection, logger, host: '127.0.0.1', port: 0 });
    cleanups.push(() => api.close());
    await registerHooks(store, `${api.url}/webhooks/bigcommerce`, config.api.webhookSecret, `${api.url}/webhooks/bigcommerce/exceptions`, { inventory: config.inventory.enabled });
    await registerOmsWebhook(config, `${api.url}/webhooks/oms`);
    Object.assign(sandboxes.erp.events.settings, { url: `${api.url}/webhooks/erp`, token: config.erp.webhookToken, signingSecret: config.erp.webhookSigningSecret });
    const ourCalls = () => bc.ctx.requests.summary().filter((c) => c.clientId === CLIENT);
    const ourCallCount = () => ourCalls().reduce((a, c) => a + c.count, 0);
    /** Until the ERP's events are delivered, no webhook is pending and no call of ours came for `quietMs`; at most `maxMs`. */
    const waitQuiet = async (quietMs: number, maxMs: number) => {
      const until = Date.now() + maxMs;
      let last = -1;
      let since = Date.now();
      while (Date.now() < until) {
        await sandboxes.erp.events.drain();
        const c = ourCallCount() + bc.ctx.dispatcher.pending;
        if (c !== last) {
          last = c;
          since = Date.now();
        } else if (Date.now() - since >= quietMs) return;
        await sleep(250);
      }
    };

    // ---- warm-up, not counted: one order through the whole path, so the workers' first workflow
    // tasks (loading the bundle takes seconds) and the first connections are not part of the sale ----
    say('warm-up: one order through the whole path (not counted)');
    const warm = generated.parse(
      await (
        await control(
          fetch(`${sandboxes.bcUrl}/__sandbox/orders/generate`, json('POST', { count: 1, seed: s.seed * 1_000_003 - 1, status_id: 11, lines: 1 })),
          'BigCommerce POST /__sandbox/orders/generate',
        )
      ).json(),
    ).ids[0]!;
    const warmDeadline = Date.now() + 90_000;
    while (!Object.values(sandboxes.erp.data.salesOrders).some((o) => o.externalId === erpSalesOrderExternalId(STORE, warm))) {
      if (workerFailure) throw workerFailure;
      if (Date.now() > warmDeadline) throw new RehearsalError('the warm-up order did not reach the ERP within 90 s: the product is not syncing orders');
      await sleep(100);
    }
    await waitQuiet(Math.max(2 * windowMs, (3_000 + 15_000) / factor + 500), 60_000);

    // ---- the witnesses start from empty: the store's request log (recording each call) and its
    // limiter's log, the server's action counter ----
    await control(fetch(`${sandboxes.bcUrl}/__sandbox/requests`, { method: 'DELETE' }), 'BigCommerce DELETE /__sandbox/requests');
    await control(fetch(`${sandboxes.bcUrl}/__sandbox/requests`, json('PUT', { record: true })), 'BigCommerce PUT /__sandbox/requests');
    bc.ctx.limiter.log = [];
    const actionsBefore = await serverActions(metricsPort, config.temporal.namespace);
    const startMs = Date.now();

    // ---- the sale: orders paced by the curve, stock changes in the ERP ----
    const due = arrivalMinutes(s.curve).map((m) => startMs + (m * 60_000) / factor);
    const n = due.length;
    const paid = due.map(() => random() < s.paidShare);
    const spanMin = s.curve[s.curve.length - 1]!.minute;
    const changes = Math.round(s.inventoryChangesPerMinute * spanMin);
    const changeDue = Array.from({ length: changes }, (_, i) => startMs + (((i + 0.5) / changes) * spanMin * 60_000) / factor);
    const placed: Array<{ id: number; paid: boolean }> = [];
    const usable = usablePerWindow(quota, s.headroom);
    say(
      `sale: ${n} orders over ${duration(spanMin * 60)} (store time), ${changes} ERP stock changes; quota ${quota} per 30 s, bcsync uses ${usable} (headroom ${s.headroom}); time x${factor.toFixed(2)}`,
    );

    const placeOrders = async () => {
      let next = 0;
      while (next < n) {
        if (workerFailure) throw workerFailure;
        const now = Date.now();
        if (due[next]! > now) {
          await sleep(Math.min(due[next]! - now, 100));
          continue;
        }
        let end = next;
        while (end < n && due[end]! <= now && end - next < 200) end++;
        // One generator call per run of same-status orders (paid: Awaiting Fulfillment; unpaid: Awaiting Payment).
        for (let i = next; i < end; ) {
          let j = i;
          while (j < end && paid[j] === paid[i]) j++;
          const res = await control(
            fetch(
              `${sandboxes.bcUrl}/__sandbox/orders/generate`,
              json('POST', { count: j - i, seed: s.seed * 1_000_003 + i, status_id: paid[i] ? 11 : 7, lines: s.linesPerOrder }),
            ),
            'BigCommerce POST /__sandbox/orders/generate',
          );
          const { ids } = generated.parse(await res.json());
          if (ids.length !== j - i) throw new RehearsalError(`the order generator made ${ids.length} orders of ${j - i}`);
          for (const id of ids) placed.push({ id, paid: paid[i]! });
          i = j;
        }
        next = end;
      }
    };
    const changeStock = async () => {
      let next = 0;
      while (next < changes) {
        const now = Date.now();
        if (changeDue[next]! > now) {
          await sleep(Math.min(changeDue[next]! - now, 100));
          continue;
        }
        const levels: Array<{ sku: string; location: string; onHand: number }> = [];
        while (next < changes && changeDue[next]! <= now) {
          const sku = skus[Math.floor(random() * skus.length)]!;
          const level = onHand.get(sku)! + 1 + Math.floor(random() * 20);
          onHand.set(sku, level);
          levels.push({ sku, location: '1', onHand: level });
          next++;
        }
        await control(fetch(`${sandboxes.erpUrl}/__sandbox/stock`, json('POST', { levels })), 'ERP POST /__sandbox/stock');
      }
    };

    const syncedCount = () => {
      const ids = new Set(Object.values(sandboxes.erp.data.salesOrders).map((o) => o.externalId));
      return placed.filter((o) => ids.has(erpSalesOrderExternalId(STORE, o.id))).length;
    };
    const progressLine = () => {
      const calls = ourCalls();
      const total = ourCallCount();
      const refused = calls.filter((c) => c.status === 429).reduce((a, c) => a + c.count, 0);
      const synced = syncedCount();
      const elapsed = (Date.now() - startMs) / 1000;
      return `${duration(elapsed).padStart(9)} (store ${duration(elapsed * factor)})  placed ${placed.length}/${n}  in ERP ${synced}  backlog ${placed.length - synced}  BigCommerce calls ${total}${refused ? ` (429: ${refused})` : ''}`;
    };
    const ticker = setInterval(() => say(progressLine()), opts.progressEveryMs ?? 3_000);
    cleanups.push(() => clearInterval(ticker));

    await Promise.all([placeOrders(), changeStock()]);
    const placedMs = Date.now();
    say(`all ${n} orders placed; waiting for the ERP`);

    // ---- the drain: every order in the ERP, or a deadline well past what the quota needs ----
    const expectedS = (n * 3) / (usable / STORE_WINDOW_S) / factor;
    const deadline = placedMs + Math.max(120_000, 3 * expectedS * 1000);
    let lastProgress = { synced: -1, at: Date.now() };
    for (;;) {
      if (workerFailure) throw workerFailure;
      const synced = syncedCount();
      if (synced >= n) break;
      if (synced !== lastProgress.synced) lastProgress = { synced, at: Date.now() };
      if (Date.now() > deadline || Date.now() - lastProgress.at > 120_000) {
        say(`stopped waiting: ${n - synced} orders not in the ERP ${duration((Date.now() - placedMs) / 1000)} after the last was placed`);
        break;
      }
      await sleep(100);
    }
    // ---- then quiet: the ERP's events delivered and no call of ours for a while (stock writes
    // following the last bookings are the sale's too) ----
    const quietMs = Math.max(2 * windowMs, 60_000 / factor + windowMs, 2_000);
    await waitQuiet(quietMs, Math.max(60_000, 4 * quietMs));
    clearInterval(ticker);
    say(progressLine());
    const endMs = Date.now();

    // ---- the witnesses ----
    const actions = actionsBetween(actionsBefore, await settledServerActions(metricsPort, config.temporal.namespace));
    const log = requestEntries.parse(
      await (await control(fetch(`${sandboxes.bcUrl}/__sandbox/requests?entries=1&since_ms=${startMs}`), 'BigCommerce GET /__sandbox/requests')).json(),
    );
    if (!log.recording) throw new RehearsalError('the store stopped recording its requests');
    const calls: CallRecord[] = log.entries.filter((e) => e.clientId === CLIENT).map(({ atMs, method, route, status }) => ({ atMs, method, route, status }));
    const limiterLog = (bc.ctx.limiter.log ?? []).filter((e) => e.atMs >= startMs);
    const limited = limiterLog.filter((e) => e.clientId === CLIENT).length;
    if (limited !== calls.length)
      throw new RehearsalError(`the store's two records disagree: the rate limiter counted ${limited} calls of bcsync, the request log ${calls.length}`);
    const byWindow = new Map<number, WindowRecord>();
    for (const e of limiterLog) {
      const w = byWindow.get(e.windowStart) ?? { startMs: e.windowStart, ours: 0, oursRefused: 0, others: 0 };
      if (e.clientId === CLIENT) {
        if (e.outcome === 'allowed') w.ours++;
        else w.oursRefused++;
      } else if (e.outcome === 'allowed') w.others++;
      byWindow.set(e.windowStart, w);
    }

    // BigCommerce's totals (its API, read by the referee with the limiter off: after the run, not
    // counted) and the ERP's sales orders (its record API: total and creation time).
    await control(fetch(`${sandboxes.bcUrl}/__sandbox/rate-limit`, json('PUT', { enabled: false })), 'BigCommerce PUT /__sandbox/rate-limit');
    const ids = placed.map((o) => o.id).sort((a, b) => a - b);
    const bcTotals = new Map<number, string>();
    for (let page = 1; ids.length > 0; page++) {
      const url = `${sandboxes.bcUrl}/stores/${STORE}/v2/orders?min_id=${ids[0]}&max_id=${ids[ids.length - 1]}&limit=250&page=${page}`;
      const res = await control(fetch(url, { headers: { 'x-auth-token': REFEREE_TOKEN, accept: 'application/json' } }), 'BigCommerce GET /v2/orders');
      if (res.status === 204) break;
      const rows = bcOrderPage.parse(await res.json());
      for (const r of rows) bcTotals.set(r.id, r.total_inc_tax);
      if (rows.length < 250) break;
    }
    const erp = new Map<number, { total: string; createdMs: number } | null>();
    let cursor = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (cursor < ids.length) {
          const id = ids[cursor++]!;
          const res = await fetch(`${sandboxes.erpUrl}/services/rest/record/v1/salesOrder/eid:${erpSalesOrderExternalId(STORE, id)}`, {
            headers: { authorization: `Bearer ${ERP_TOKEN}` },
          });
          if (res.status === 404) {
            erp.set(id, null);
            continue;
          }
          if (!res.ok) throw new RehearsalError(`the ERP answered ${res.status} reading sales order of order ${id}`);
          const so = erpSalesOrder.parse(await res.json());
          erp.set(id, { total: so.total.toFixed(2), createdMs: Date.parse(so.createdDate) });
        }
      }),
    );
    const orders: OrderRecord[] = placed.map((o) => {
      const record = data.orders[String(o.id)];
      if (!record) throw new RehearsalError(`order ${o.id} is not in the store's records`);
      const e = erp.get(o.id) ?? null;
      return { id: o.id, createdMs: record.createdMs, syncedMs: e ? e.createdMs : null, paid: o.paid, bcTotal: bcTotals.get(o.id) ?? null, erpTotal: e ? e.total : null };
    });

    // Where the last orders to reach the ERP and the slowest ones spent their time: their
    // workflows' histories (the Temporal server's record of each event and activity).
    const synced = orders.filter((o): o is OrderRecord & { syncedMs: number } => o.syncedMs !== null);
    const lastOnes = [...synced].sort((a, b) => b.syncedMs - a.syncedMs).slice(0, 3);
    const slowOnes = [...synced].sort((a, b) => b.syncedMs - b.createdMs - (a.syncedMs - a.createdMs)).slice(0, 3);
    const slowest: string[] = [];
    for (const o of [...new Map([...lastOnes, ...slowOnes].map((x) => [x.id, x])).values()]) {
      const steps = await orderSteps(client, orderWorkflowId(STORE, o.id)).catch(() => undefined);
      if (steps) slowest.push(describeOrderPath(o.id, o.createdMs, ((o.syncedMs - o.createdMs) / 1000) * factor, steps, factor));
    }

    const record: RunRecord = {
      slowest,
      curve: s.curve,
      quota,
      headroom: s.headroom,
      factor,
      lagThresholdS: s.lagThresholdS,
      windowMs,
      orders,
      calls,
      windows: [...byWindow.values()].sort((a, b) => a.startMs - b.startMs),
      actions,
      inventoryChanges: changes,
      startMs,
      endMs,
    };
    return { record, wallS: (Date.now() - wallStarted) / 1000 };
  } finally {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        logger.debug({ err }, 'cleanup step failed');
      }
    }
  }
}

/** A history event's time, epoch ms. */
const eventMs = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/** The order workflow's events and activities, from its history (first run only: the sync happens there). */
async function orderSteps(client: Client, workflowId: string): Promise<HistoryStep[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const steps: HistoryStep[] = [];
  const byScheduled = new Map<string, HistoryStep>();
  for (const e of history.events ?? []) {
    const at = eventMs(e.eventTime);
    if (e.workflowExecutionStartedEventAttributes || e.workflowExecutionSignaledEventAttributes) {
      if (!steps.some((x) => x.what === 'webhook')) steps.push({ what: 'webhook', atMs: at });
      continue;
    }
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const step: HistoryStep = { what: scheduled.activityType?.name ?? 'activity', atMs: at, scheduledMs: at };
      byScheduled.set(String(e.eventId), step);
      steps.push(step);
      continue;
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const step = byScheduled.get(String(started.scheduledEventId));
      if (step) step.startedMs = at;
      continue;
    }
    const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    if (closed) {
      const step = byScheduled.get(String(closed.scheduledEventId));
      if (step) {
        step.closedMs = at;
        step.outcome = e.activityTaskCompletedEventAttributes ? 'completed' : e.activityTaskFailedEventAttributes ? 'failed' : 'timed out';
      }
    }
  }
  return steps;
}
