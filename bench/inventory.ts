import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { startApiServer } from '../api/server';
import { registerHooks, registerOmsWebhook } from '../cli/register-hooks';
import { loadConfig } from '../config/env';
import { inventoryWorkflowId, inventorySummaryQuery, inventorySweepSignal } from '../workflows/inventory/inventory-sync.contract';
import { createLogger } from '../lib/logger';
import { productDefaults, variantDefaults } from '../sandbox/bigcommerce/catalog-defaults';
import { demoOrderBody } from '../sandbox/demo-orders';
import { seededRandom } from '../sandbox/random';
import { installTemporalRuntime } from '../workers/runtime';
import { startWorkers } from '../workers/start-workers';
import { connectClient, connectWorkerConnection } from '../workers/temporal-connection';
import { signalInventory } from '../clients/inventory';
import { judgeLevel, percentile, type ErpChange, type LevelStart, type LevelVerdict, type StoreChange } from './support/inventory-referee';
import { control, must, writeResult, type Figure } from './support/result';
import { startBenchSystems } from './support/systems';
import { BENCH_PAYLOAD_KEYS, payloadValue } from './support/temporal';
import { bcRequestCounts, byRoute, clearBcRequests, sumRequests, type BcRequestCount } from './support/witness';
import type { Json } from '../test/support/json';

/**
 * `npm run bench -- inventory`: ERP stock to BigCommerce, judged from the sandboxes' own records.
 * One run, two phases, against a real Temporal dev server, the three sandboxes, the API and the
 * workers (see bench/README.md, "inventory", for each figure and its witness):
 *
 * 1. The burst: 10,000 ERP stock changes over 2,000 SKUs (five per SKU, two locations) while 500
 *    orders for those SKUs are placed in BigCommerce. Judged: BigCommerce calls against the fewest
 *    BigCommerce's documented limits allow, changes never shown, writes of a level the store already
 *    had, units oversold, and how long each change took to show.
 * 2. Tight stock: 100 other SKUs showing 0-3 units; shoppers race for the last units (several
 *    one-unit orders per SKU at once) while the ERP receives goods and sells the same SKUs through
 *    another channel. Judged: units BigCommerce sold beyond what existed, and the lag behind any.
 *
 * Witnesses: the BigCommerce sandbox's request log (`GET /__sandbox/requests`, every call by method,
 * route and API client) and stock record (`GET /__sandbox/inventory/record`, every level change it
 * applied, before and after, adjustment or order), the ERP sandbox's stock history
 * (`GET /__sandbox/stock/history`, every on-hand and committed change with the ERP's time) and final
 * levels (`GET /__sandbox/stock`). inventorySync's query is used only to know when to stop waiting.
 */

const STORE = 'invbench';
const SKUS = Number(process.env.INVENTORY_BENCH_SKUS ?? 2_000);
const CHANGES = Number(process.env.INVENTORY_BENCH_CHANGES ?? 10_000);
const ORDERS = Number(process.env.INVENTORY_BENCH_ORDERS ?? 500);
const TIGHT_SKUS = Number(process.env.INVENTORY_BENCH_TIGHT_SKUS ?? 100);
const TIGHT_S = Number(process.env.INVENTORY_BENCH_TIGHT_S ?? 40);
/** Each tick of the tight phase: this many SKUs rushed by 2-4 shoppers at once, and this many ERP changes. */
const TIGHT_TICK_MS = 400;
const TIGHT_RUSHES = 3;
const TIGHT_ERP_CHANGES = 2;
const QUOTA = 1_500;
const BUFFER = Number(process.env.INVENTORY_BENCH_BUFFER ?? 2);
/** Share of ERP change events the ERP never delivers (the sweep must correct them). */
const DROP = Number(process.env.INVENTORY_BENCH_DROP ?? 0);
const random = seededRandom(11);
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'inventory-bench');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/**
 * BigCommerce's documented limits (shared/bigcommerce FACTS.md sections 3, 7 and 9; inventory.v3.yml):
 * an absolute adjustment carries at most 2000 items (any locations: "e.g. 200 items x 10 locations");
 * `GET /v3/inventory/items` answers at most 1000 items a page ("Limit of 1000 items for payload
 * length"); `GET /v3/catalog/products` at most 250 a page.
 */
const DOC_ADJUSTMENT_MAX_ITEMS = 2000;
const DOC_INVENTORY_ITEMS_PAGE = 1000;
const DOC_PRODUCTS_PAGE = 250;

/** The workers' API client and the bench's shoppers' (the request log tells them apart). */
const OUR_TOKEN = 'inv-token';
const OUR_CLIENT = 'inv';
const SHOPPER_TOKEN = 'shop-token';
const SHOPPER_CLIENT = 'shop';
/**
 * Our client's calls split by route: the inventory write path uses the Inventory API (adjustments,
 * item reads, locations) and the Catalog API (how a SKU is tracked); order workflows use the orders
 * APIs (V2 orders and their shipments, V3 order metafields and refunds). Any other route is counted
 * as inventory's (the strict side) and shown on its own in the details.
 */
const ORDER_ROUTE = /^\/v[23]\/orders(\/|$)/;
const INVENTORY_ROUTE = /^\/v3\/(inventory|catalog)\//;

const REQUESTS_WITNESS = 'BigCommerce sandbox request log (GET /__sandbox/requests), our API client, every route but the orders APIs';
const RECORD_WITNESS = 'BigCommerce sandbox stock record (GET /__sandbox/inventory/record) against the ERP sandbox stock history (GET /__sandbox/stock/history)';

const erpLevelSchema = z.object({ sku: z.string(), location: z.string(), onHand: z.number(), committed: z.number(), available: z.number(), modifiedAt: z.string() });
const erpHistorySchema = z.object({
  recording: z.boolean(),
  changes: z.array(
    z.object({
      atMs: z.number(),
      sku: z.string(),
      location: z.string(),
      cause: z.enum(['count', 'channel-sale', 'commit']),
      onHand: z.number(),
      committed: z.number(),
      available: z.number(),
    }),
  ),
});
const storeRecordSchema = z.object({
  recording: z.boolean(),
  entries: z.array(
    z.object({
      atMs: z.number(),
      locationId: z.number(),
      variantId: z.number(),
      productId: z.number(),
      sku: z.string(),
      method: z.enum(['absolute', 'relative']),
      cause: z.enum(['adjustment', 'order']),
      value: z.number(),
      before: z.number(),
      after: z.number(),
    }),
  ),
});
const sellAnswerSchema = z.object({ sales: z.array(z.object({ sku: z.string(), sold: z.number(), onHand: z.number(), available: z.number() })) });
const stockAnswerSchema = z.object({ changes: z.array(z.object({ sku: z.string(), location: z.string(), onHand: z.number() })) });

interface SkuInfo {
  sku: string;
  productId: number;
  /** The variant that holds the stock (the base variant for products kept by product). */
  variantId: number;
  byVariant: boolean;
}

const key = (sku: string, location: string) => `${sku}@${location}`;

export async function main(): Promise<void> {
  installTemporalRuntime(logger);
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  // Storefront checkouts do not spend the API quota: the sandbox's quota is set out of the way, and
  // our side paces itself to the configured plan (BC_QUOTA per 30 s).
  const { temporal, bundle, sandboxes } = await startBenchSystems({
    storeHash: STORE,
    quota: 100_000,
    clients: { [OUR_TOKEN]: { clientId: OUR_CLIENT, clientSecret: 'inv-secret' }, [SHOPPER_TOKEN]: { clientId: SHOPPER_CLIENT, clientSecret: 'shop-secret' } },
  });
  const bcData = sandboxes.bigcommerce.ctx.data;
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_PAYLOAD_KEYS: BENCH_PAYLOAD_KEYS,
    BC_API_URL: sandboxes.bcUrl,
    BC_STORE_HASH: STORE,
    BC_ACCESS_TOKEN: OUR_TOKEN,
    BC_CLIENT_SECRET: 'inv-secret',
    BC_PLAN: 'enterprise',
    BC_QUOTA: String(QUOTA),
    ERP_API_URL: sandboxes.erpUrl,
    ERP_ACCESS_TOKEN: 'sandbox-erp-token',
    ERP_CONCURRENCY: '8',
    ERP_WEBHOOK_TOKEN: 'inv-erp-webhook-token-0123',
    OMS_API_URL: sandboxes.omsUrl,
    OMS_API_KEY: 'sandbox-oms-key',
    OMS_API_SECRET: 'sandbox-oms-secret',
    OMS_RATE_PER_MINUTE: '100000',
    OMS_WEBHOOK_TOKEN: 'inv-oms-token-0123456789',
    WEBHOOK_SECRET: 'inv-webhook-secret-01234',
    ERP_WEBHOOK_SIGNING_SECRET: 'inv-erp-signing-secret-0123456789',
    ORDER_QUIET_PERIOD: '5s',
    INVENTORY_LOCATIONS: '1:1,2:2',
    INVENTORY_SAFETY_BUFFER: String(BUFFER),
  };
  const config = loadConfig(env);

  const nativeConnection = await connectWorkerConnection(config.temporal);
  const { client, connection, close: closeClient } = await connectClient(config.temporal);
  const workers = await startWorkers(config, { connection: nativeConnection, logger, client, workflowBundle: bundle });
  const api = await startApiServer(config, { client, connection, logger, host: '127.0.0.1', port: 0 });
  await registerHooks(config.stores[0]!, `${api.url}/webhooks/bigcommerce`, config.api.webhookSecret);
  await registerOmsWebhook(config, `${api.url}/webhooks/oms`);

  const call = async (base: string, what: string, method: string, p: string, body?: unknown): Promise<unknown> => {
    const res = await control(
      fetch(`${base}/__sandbox${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }),
      `${what} ${method} /__sandbox${p}`,
    );
    return res.status === 204 ? undefined : res.json();
  };
  const erpControl = (method: string, p: string, body?: unknown) => call(sandboxes.erpUrl, 'ERP', method, p, body);
  const bcControl = (method: string, p: string, body?: unknown) => call(sandboxes.bcUrl, 'BigCommerce', method, p, body);

  /** One order of the bench's shoppers (their own API client): the order's id, or undefined when refused for stock. */
  let orderSeq = 0;
  const placeOrder = async (lines: Array<Record<string, number>>): Promise<number | undefined> => {
    const res = await fetch(`${sandboxes.bcUrl}/stores/${STORE}/v2/orders`, {
      method: 'POST',
      headers: { 'x-auth-token': SHOPPER_TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ ...demoOrderBody(orderSeq++), products: lines, discount_amount: 0 }),
    });
    const text = await res.text();
    if (res.ok) return z.object({ id: z.number() }).parse(JSON.parse(text)).id;
    // Refused for stock is part of the scenario; anything else means the scenario could not run.
    must(res.status === 400 && /not available/.test(text), `POST /v2/orders answered ${res.status} ${text.slice(0, 200)}`);
    return undefined;
  };

  const handle = client.workflow.getHandle(inventoryWorkflowId(STORE));
  const orderIds: number[] = [];
  /**
   * Waits until every order placed is booked in the ERP, every ERP event delivered (the ERP's sender
   * got its 202: the change is durable in Temporal) and inventorySync has nothing left to write, then
   * 5 s more with no write and no change received. The ERP's events are hints (the API reads the
   * levels back and hands over one per SKU and location of a batch), so the workflow receives fewer
   * levels than the ERP sent events: the count of received changes standing still is the signal that
   * nothing is on its way. Throws after 10 minutes.
   */
  const waitQuiet = async (phase: string, sweep: boolean): Promise<void> => {
    const erpBooked = () => {
      const booked = new Set(Object.values(sandboxes.erp.data.salesOrders).map((o) => o.externalId));
      return orderIds.filter((id) => booked.has(`bc-${STORE}-${id}`)).length;
    };
    let lastWrites = -1;
    let lastReceived = -1;
    let stableSince = Date.now();
    const deadline = Date.now() + 600_000;
    for (;;) {
      await sandboxes.erp.events.drain();
      const summary = await handle.query(inventorySummaryQuery);
      const quiet = erpBooked() === orderIds.length && summary.dirty === 0 && summary.pendingSales === 0 && (!sweep || summary.stats.sweeps > 0);
      if (summary.stats.writeCalls !== lastWrites || summary.stats.changesReceived !== lastReceived || !quiet) {
        lastWrites = summary.stats.writeCalls;
        lastReceived = summary.stats.changesReceived;
        stableSince = Date.now();
      }
      if (quiet && Date.now() - stableSince > 5_000) return;
      must(
        Date.now() < deadline,
        `${phase}: quiet within 10 min (booked ${erpBooked()}/${orderIds.length}, ${JSON.stringify({ dirty: summary.dirty, pending: summary.pendingSales, received: summary.stats.changesReceived, delivered: sandboxes.erp.events.stats.delivered })})`,
      );
      await sleep(1_000);
    }
  };

  try {
    // ---- seed: the burst's SKUs (half kept by product, half by variant, 4 per product) at two
    // locations, and the tight SKUs (kept by variant) at the order location only ----
    const all = seedCatalog(bcData, SKUS + TIGHT_SKUS);
    const burstSkus = all.slice(0, SKUS);
    const tightSkus = all.slice(SKUS);
    must(tightSkus.every((s) => s.byVariant) && tightSkus.length === TIGHT_SKUS, 'the tight SKUs are variants');
    const onHand = new Map<string, number>();
    const initial: Array<{ sku: string; location: string; onHand: number }> = [];
    const seedLevel = (s: SkuInfo, loc: string, level: number) => {
      onHand.set(key(s.sku, loc), level);
      initial.push({ sku: s.sku, location: loc, onHand: level });
      bcData.inventory[`${loc}:${s.variantId}`] = { onHand: Math.max(0, level - BUFFER), safetyStock: 0, warningLevel: 0, isInStock: true, binPickingNumber: '' };
    };
    for (const s of burstSkus) for (const loc of ['1', '2']) seedLevel(s, loc, loc === '1' ? int(20, 60) : int(0, 20));
    // Tight: the store shows 0-3 units (the ERP has the safety buffer more).
    for (const s of tightSkus) seedLevel(s, '1', BUFFER + int(0, 3));
    // The 3PL knows the bench's SKUs (its fulfilment rules refuse unknown ones, and a refused order's
    // compensation closes its ERP sales order, giving the stock back: not what this bench measures).
    await control(
      fetch(`${sandboxes.omsUrl}/__sandbox/rules`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ addSkus: all.map((s) => s.sku) }) }),
      'OMS PUT /__sandbox/rules',
    );
    // Seeded before the ERP pushes anywhere: the store starts in step with the ERP, no events.
    for (let i = 0; i < initial.length; i += 2_000) await erpControl('POST', '/stock', { levels: initial.slice(i, i + 2_000) });

    // ---- the witnesses start: the store's request log and stock record, the ERP's stock history ----
    const starts = await readStarts(erpControl, bcData, all);
    await clearBcRequests(sandboxes.bcUrl);
    await bcControl('DELETE', '/inventory/record');
    await bcControl('PUT', '/requests', { record: true });
    await erpControl('DELETE', '/stock/history');
    await erpControl('PUT', '/stock/history', { record: true });
    Object.assign(sandboxes.erp.events.settings, {
      url: `${api.url}/webhooks/erp`,
      token: config.erp.webhookToken,
      signingSecret: config.erp.webhookSigningSecret,
      dropRate: DROP,
    });
    const runStartMs = Date.now();
    console.log(
      `inventory bench: ${burstSkus.length} + ${tightSkus.length} (tight) SKUs seeded in BigCommerce and the ERP; Temporal dev server ${temporal.address}; BigCommerce quota ${QUOTA}/30 s (enterprise), safety buffer ${BUFFER}${DROP ? `, ${DROP * 100}% of ERP events lost, one sweep` : ''}`,
    );

    // ==== phase 1: the burst ====
    const plan: Array<{ sku: string; location: string }> = [];
    for (let i = 0; i < CHANGES; i++) plan.push({ sku: burstSkus[i % burstSkus.length]!.sku, location: random() < 0.7 ? '1' : '2' });
    for (let i = plan.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [plan[i], plan[j]] = [plan[j]!, plan[i]!];
    }
    let burstDoneS = 0;
    const burst = (async () => {
      for (let i = 0; i < plan.length; i += 100) {
        const levels = plan.slice(i, i + 100).map(({ sku, location }) => {
          // Receipts mostly, small count corrections sometimes.
          const next = Math.max(0, onHand.get(key(sku, location))! + int(-4, 8));
          onHand.set(key(sku, location), next);
          return { sku, location, onHand: next };
        });
        await erpControl('POST', '/stock', { levels });
        await sleep(10);
      }
      burstDoneS = (Date.now() - runStartMs) / 1000;
    })();
    let placed = 0;
    let refused = 0;
    let next = 0;
    // Four shoppers' lanes at once, so the orders land while the burst goes on.
    const orders = Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = next++; i < ORDERS; i = next++) {
          const lines = Array.from({ length: int(1, 2) }, () => {
            const s = burstSkus[int(0, burstSkus.length - 1)]!;
            return { product_id: s.productId, ...(s.byVariant ? { variant_id: s.variantId } : {}), quantity: int(1, 2) };
          });
          const id = await placeOrder(lines);
          if (id === undefined) refused++;
          else {
            placed++;
            orderIds.push(id);
          }
          await sleep(5);
        }
      }),
    );
    await Promise.all([burst, orders]);
    const burstS = (Date.now() - runStartMs) / 1000;
    must(placed >= ORDERS * 0.9, `phase 1: at least 90% of ${ORDERS} orders placed (${placed}, ${refused} refused)`);
    if (DROP > 0) {
      // What the schedule (bcsync-inventory-sweep-<store>) does: one sweep once the burst is in.
      await sandboxes.erp.events.drain();
      await sleep(5_000);
      await signalInventory(client, config, STORE, inventorySweepSignal, [{ reason: 'bench' }]);
    }
    console.log(`  phase 1 (burst): ${CHANGES} ERP changes in ${burstDoneS.toFixed(1)} s; ${placed} orders placed (${refused} refused for stock) by ${burstS.toFixed(1)} s`);
    await waitQuiet('phase 1', DROP > 0);
    const phase1EndMs = Date.now();
    const burstCalls = await bcRequestCounts(sandboxes.bcUrl);
    await clearBcRequests(sandboxes.bcUrl);
    console.log(`  phase 1 quiet after ${((phase1EndMs - runStartMs) / 1000).toFixed(0)} s`);

    // ==== phase 2: tight stock ====
    const tightStartMs = Date.now();
    const tight = { attempts: 0, placed: 0, refused: 0, rushes: 0, contested: 0, receipts: 0, receivedUnits: 0, channelSales: 0, channelUnits: 0, channelAsked: 0 };
    const inFlight: Array<Promise<unknown>> = [];
    for (let _tick = 0; Date.now() - tightStartMs < TIGHT_S * 1000; _tick++) {
      // The ERP: goods received for some SKUs, and the other channel selling others (or the same).
      const receipts: Array<{ sku: string; location: string; onHand: number }> = [];
      const sales: Array<{ sku: string; location: string; units: number }> = [];
      for (let i = 0; i < TIGHT_ERP_CHANGES; i++) {
        const s = tightSkus[int(0, tightSkus.length - 1)]!;
        if (random() < 0.5) {
          const units = int(1, 3);
          const level = onHand.get(key(s.sku, '1'))! + units;
          onHand.set(key(s.sku, '1'), level);
          receipts.push({ sku: s.sku, location: '1', onHand: level });
          tight.receivedUnits += units;
        } else sales.push({ sku: s.sku, location: '1', units: int(1, 3) });
      }
      if (receipts.length) {
        const answer = stockAnswerSchema.parse(await erpControl('POST', '/stock', { levels: receipts }));
        must(answer.changes.length === receipts.length, 'the ERP took every receipt');
        tight.receipts += receipts.length;
      }
      if (sales.length) {
        const answer = sellAnswerSchema.parse(await erpControl('POST', '/stock/sell', { sales }));
        for (const sold of answer.sales) {
          tight.channelSales += sold.sold > 0 ? 1 : 0;
          tight.channelUnits += sold.sold;
          onHand.set(key(sold.sku, '1'), sold.onHand);
        }
        tight.channelAsked += sales.length;
      }
      // The storefront: a few SKUs rushed by 2-4 shoppers at once, one unit each.
      for (let r = 0; r < TIGHT_RUSHES; r++) {
        const s = tightSkus[int(0, tightSkus.length - 1)]!;
        const shoppers = int(2, 4);
        const shown = bcData.inventory[`1:${s.variantId}`]?.onHand ?? 0;
        tight.rushes++;
        if (shoppers > shown) tight.contested++;
        inFlight.push(
          Promise.all(Array.from({ length: shoppers }, () => placeOrder([{ product_id: s.productId, variant_id: s.variantId, quantity: 1 }]))).then((ids) => {
            for (const id of ids) {
              tight.attempts++;
              if (id === undefined) tight.refused++;
              else {
                tight.placed++;
                orderIds.push(id);
              }
            }
          }),
        );
      }
      await sleep(TIGHT_TICK_MS);
    }
    await Promise.all(inFlight);
    const tightDoneS = (Date.now() - tightStartMs) / 1000;
    must(tight.placed > 0 && tight.refused > 0, `phase 2: shoppers both got and missed the last units (${tight.placed} placed, ${tight.refused} refused)`);
    must(
      tight.channelUnits > 0 && tight.receivedUnits > 0,
      `phase 2: the ERP sold through another channel (${tight.channelUnits} units) and received goods (${tight.receivedUnits} units)`,
    );
    console.log(
      `  phase 2 (tight): ${tight.attempts} one-unit orders in ${tight.rushes} rushes of 2-4 shoppers (${tight.contested} for more units than the store showed) in ${tightDoneS.toFixed(1)} s: ${tight.placed} placed, ${tight.refused} refused; ERP: ${tight.receipts} receipts (${tight.receivedUnits} units), other channel sold ${tight.channelUnits} units in ${tight.channelSales} of ${tight.channelAsked} sales`,
    );
    await waitQuiet('phase 2', false);
    const phase2EndMs = Date.now();
    const tightCalls = await bcRequestCounts(sandboxes.bcUrl);
    console.log(`  phase 2 quiet after ${((phase2EndMs - tightStartMs) / 1000).toFixed(0)} s`);

    // ==== judge, from the sandboxes' records ====
    const history = erpHistorySchema.parse(await erpControl('GET', '/stock/history'));
    const record = storeRecordSchema.parse(await bcControl('GET', '/inventory/record'));
    must(history.recording && record.recording, 'both sandboxes recorded the whole run');
    const finalErp = z.object({ levels: z.array(erpLevelSchema) }).parse(await erpControl('GET', '/stock')).levels;
    const byVariant = new Map(all.map((s) => [s.variantId, s]));
    const erpByKey = groupBy(
      history.changes.map((c): ErpChange => ({ atMs: c.atMs, key: key(c.sku, c.location), onHand: c.onHand, cause: c.cause })),
      (c) => c.key,
    );
    const storeByKey = groupBy(
      record.entries.flatMap((e): StoreChange[] => {
        const s = byVariant.get(e.variantId);
        return s ? [{ atMs: e.atMs, key: key(s.sku, String(e.locationId)), cause: e.cause, method: e.method, before: e.before, after: e.after }] : [];
      }),
      (c) => c.key,
    );
    const verdicts = new Map<string, LevelVerdict>();
    for (const start of starts) verdicts.set(start.key, judgeLevel(start, erpByKey.get(start.key) ?? [], storeByKey.get(start.key) ?? [], BUFFER));

    // Every order is booked: the ERP's committed units are exactly what the store sold (the truth's premise).
    for (const l of finalErp) {
      const v = verdicts.get(key(l.sku, l.location));
      if (v && l.location === '1') must(l.committed === v.soldInStore, `${l.sku}: ERP committed ${l.committed} = units the store sold ${v.soldInStore}`);
      const last = erpByKey.get(key(l.sku, l.location))?.at(-1);
      if (v && last) must(l.onHand === last.onHand, `${l.sku}@${l.location}: the ERP's history ends at its level`);
    }

    const burstKeys = new Set(burstSkus.flatMap((s) => [key(s.sku, '1'), key(s.sku, '2')]));
    const judged = (keys: (k: string) => boolean) => summarize([...verdicts.values()].filter((v) => keys(v.key)));
    const b = judged((k) => burstKeys.has(k));
    const t = judged((k) => !burstKeys.has(k));

    // ---- calls: every call of our client but the orders APIs' ----
    const ours = (c: BcRequestCount) => c.clientId === OUR_CLIENT;
    const inventoryCall = (c: BcRequestCount) => ours(c) && !ORDER_ROUTE.test(c.route);
    const bcCalls = sumRequests(burstCalls, inventoryCall);
    const tightBcCalls = sumRequests(tightCalls, inventoryCall);
    const unknownRoutes = [...burstCalls, ...tightCalls].filter((c) => inventoryCall(c) && !INVENTORY_ROUTE.test(c.route));
    const refusedCalls = sumRequests([...burstCalls, ...tightCalls], (c) => inventoryCall(c) && c.status >= 400);

    // ---- the fewest calls BigCommerce's documented limits allow for phase 1 ----
    // Writes: a level must be written at least once if the store would not end right without any
    // write (its start minus its own sales, against the truth at the end); 2000 items a request.
    // Lookups: an adjustment names each item by variant id, or by product id for a product without
    // variants (inventory.v3.yml), and the ERP knows only SKUs. The documented reads that name them
    // are GET /v3/inventory/items?sku:in= (1000 a page) and, since the inventory item carries no
    // tracking mode, GET /v3/catalog/products?id:in= for inventory_tracking (250 a page), once per
    // SKU written. (Reading the stock of a SKU already known, or locations, is not needed: the
    // location map is configuration.)
    const mustWrite = b.verdicts.filter((v) => v.mustWrite);
    const writtenSkus = new Set(mustWrite.map((v) => v.key.split('@')[0]!));
    const productOf = new Map(all.map((s) => [s.sku, s.productId]));
    const writtenProducts = new Set([...writtenSkus].map((sku) => productOf.get(sku)!));
    const minWrites = Math.ceil(mustWrite.length / DOC_ADJUSTMENT_MAX_ITEMS);
    const minItemReads = Math.ceil(writtenSkus.size / DOC_INVENTORY_ITEMS_PAGE);
    const minProductReads = Math.ceil(writtenProducts.size / DOC_PRODUCTS_PAGE);
    const minCalls = minWrites + minItemReads + minProductReads;

    const routeLine = (counts: BcRequestCount[], match: (c: BcRequestCount) => boolean) =>
      Object.entries(byRoute(counts, match))
        .sort((x, y) => y[1] - x[1])
        .map(([r, n]) => `${r} ${n}`)
        .join(', ') || 'none';
    const s2 = (ms: number) => (ms / 1000).toFixed(2);
    const lagOf = (sales: typeof t.oversoldSales) =>
      sales.map(
        (o) =>
          `${o.key} ${o.oversold} unit(s) at +${s2(o.atMs - tightStartMs)} s, ${o.cause === 'lag' ? `${s2(o.atMs - o.sinceMs)} s after the ERP change it missed, which was written ${o.toldAtMs === undefined ? 'never' : `${s2(o.toldAtMs - o.sinceMs)} s after it`}` : `written ${o.written} at +${s2(o.sinceMs - tightStartMs)} s when the truth was ${o.truthAtWrite} (ERP changed ${s2(o.sinceMs - o.erpChangeMs)} s before the write)`}`,
      );
    const tightLagCaused = t.oversoldSales.filter((o) => o.cause === 'lag');
    const tightByWrite = t.oversoldSales.filter((o) => o.cause === 'write');
    // The lag that caused them: how old the ERP change each one missed was when the store sold it
    // (an oversold unit with no ERP change before it could only come from a write handing back sold units).
    const missedAge = (o: (typeof t.oversoldSales)[number]) => (Number.isFinite(o.erpChangeMs) ? o.atMs - o.erpChangeMs : Infinity);
    const ages = t.oversoldSales.map(missedAge).filter(Number.isFinite);
    const tightOversoldLagS = ages.length ? Math.max(...ages) / 1000 : 0;
    const oversoldWithoutChange = t.oversoldSales.filter((o) => !Number.isFinite(o.erpChangeMs)).reduce((n, o) => n + o.oversold, 0);

    const details = [
      `phase 1: ${CHANGES} ERP changes over ${burstSkus.length} SKUs at 2 locations in ${burstDoneS.toFixed(1)} s, ${placed} orders (${refused} refused); ERP events ${sandboxes.erp.events.stats.emitted} emitted, ${sandboxes.erp.events.stats.posts} POSTs (${sandboxes.erp.events.stats.failedPosts} failed and retried, ${sandboxes.erp.events.stats.dropped} dropped on purpose)`,
      `phase 1 inventory calls by route: ${routeLine(burstCalls, inventoryCall)}`,
      `phase 1 order workflows' calls by route (not counted): ${routeLine(burstCalls, (c) => ours(c) && ORDER_ROUTE.test(c.route))}; shoppers' calls: ${routeLine(burstCalls, (c) => c.clientId === SHOPPER_CLIENT)}`,
      `phase 1 minimum: ${mustWrite.length} levels had to change -> ${minWrites} adjustments of <= ${DOC_ADJUSTMENT_MAX_ITEMS}; ${writtenSkus.size} SKUs -> ${minItemReads} inventory item reads of <= ${DOC_INVENTORY_ITEMS_PAGE}; ${writtenProducts.size} products -> ${minProductReads} product reads of <= ${DOC_PRODUCTS_PAGE}; baseline one call per change: ${CHANGES}`,
      `phase 1 store: ${b.adjustmentItems} items adjusted, ${b.echoWrites} set a level it already had (${b.echoByLocation}; ${b.echoAfterSale} reached by the store's own sale first); ${b.samples} ERP on-hand changes, lag p50 ${s2(percentile(b.lagsMs, 50))} s p95 ${s2(percentile(b.lagsMs, 95))} max ${s2(percentile(b.lagsMs, 100))} s; ${b.sold} units sold in the store`,
      `phase 2: ${tight.attempts} one-unit orders in ${tight.rushes} rushes (${tight.contested} contested), ${tight.placed} placed, ${tight.refused} refused; ERP receipts ${tight.receivedUnits} units, other channel ${tight.channelUnits} units; ${t.sold} units sold in the store`,
      `phase 2 inventory calls by route: ${routeLine(tightCalls, inventoryCall)}; order workflows (not counted): ${routeLine(tightCalls, (c) => ours(c) && ORDER_ROUTE.test(c.route))}`,
      `phase 2 store: ${t.adjustmentItems} items adjusted, ${t.echoWrites} set a level it already had (${t.echoAfterSale} of them reached by the store's own sale first); ${t.samples} ERP on-hand changes, lag p50 ${s2(percentile(t.lagsMs, 50))} s p95 ${s2(percentile(t.lagsMs, 95))} max ${s2(percentile(t.lagsMs, 100))} s`,
      `phase 2 oversold: ${t.oversold} units (${tightLagCaused.reduce((n, o) => n + o.oversold, 0)} sold before the store was told of an ERP change, ${tightByWrite.reduce((n, o) => n + o.oversold, 0)} after one of our writes set the level above the truth)${t.oversoldSales.length ? `: ${lagOf(t.oversoldSales).slice(0, 8).join('; ')}` : ''}`,
      `phase 2 the other channel sold ${t.otherChannelOversold} units the store had already sold (not booked in the ERP yet)`,
      ...(unknownRoutes.length ? [`other routes of our client, counted as inventory's: ${unknownRoutes.map((c) => `${c.method} ${c.route} ${c.count}`).join(', ')}`] : []),
      ...(refusedCalls ? [`inventory calls answered 4xx/5xx: ${refusedCalls}`] : []),
      ...(b.mismatches.length || t.mismatches.length ? [`final mismatches, e.g.: ${[...b.mismatches, ...t.mismatches].slice(0, 5).join('; ')}`] : []),
      ...(b.lostExamples.length || t.lostExamples.length ? [`lost, e.g.: ${[...b.lostExamples, ...t.lostExamples].slice(0, 5).join('; ')}`] : []),
    ];
    for (const d of details) console.log(`  ${d}`);
    if (process.env.BENCH_TRACE) {
      // Each echo write after a sale: the level's store changes around it, s after the run began.
      let shownEchoes = 0;
      for (const [k, changes] of storeByKey) {
        const sorted = [...changes].sort((x, y) => x.atMs - y.atMs);
        sorted.forEach((c, i) => {
          if (shownEchoes >= 12 || c.cause !== 'adjustment' || c.before !== c.after || sorted[i - 1]?.cause !== 'order') return;
          shownEchoes++;
          const around = sorted.slice(Math.max(0, i - 4), i + 1).map((e) => `${s2(e.atMs - runStartMs)} ${e.cause} ${e.before}->${e.after}`);
          console.log(`  trace echo after sale ${k}: ${around.join(' | ')}`);
        });
      }
      // Each oversold level's timeline: ERP on-hand changes and the store's changes, s after phase 2 began.
      for (const k of [...new Set([...b.oversoldSales, ...t.oversoldSales].map((o) => o.key))].slice(0, 6)) {
        const events = [
          ...(erpByKey.get(k) ?? []).map((e) => ({ atMs: e.atMs, text: `ERP ${e.cause} on hand ${e.onHand}` })),
          ...(storeByKey.get(k) ?? []).map((e) => ({ atMs: e.atMs, text: `store ${e.cause} ${e.before} -> ${e.after}` })),
        ].sort((x, y) => x.atMs - y.atMs);
        console.log(`  trace ${k} (start ${JSON.stringify(starts.find((x) => x.key === k))}): ${events.map((e) => `${s2(e.atMs - tightStartMs)} ${e.text}`).join(' | ')}`);
      }
      await traceActivities(client, process.env.BENCH_TRACE === 'run' ? runStartMs : tightStartMs);
    }
    console.log(`(bench took ${((Date.now() - started) / 1000).toFixed(0)} s)`);

    const p95 = percentile(b.lagsMs, 95) / 1000;
    const tightP95 = percentile(t.lagsMs, 95) / 1000;
    const line =
      `inventory: skus=${burstSkus.length} changes=${CHANGES} bc_calls=${bcCalls} min_calls=${minCalls} final_mismatches=${b.mismatches.length} lost=${b.lost} echo_writes=${b.echoWrites} oversold=${b.oversold} p95_lag_s=${p95.toFixed(2)}` +
      ` tight_skus=${tightSkus.length} tight_orders=${tight.placed} tight_refused=${tight.refused} tight_channel_units=${tight.channelUnits} tight_bc_calls=${tightBcCalls} tight_final_mismatches=${t.mismatches.length} tight_lost=${t.lost} tight_echo_writes=${t.echoWrites}` +
      ` tight_oversold=${t.oversold} tight_oversold_by_write=${tightByWrite.reduce((n, o) => n + o.oversold, 0)} tight_oversold_lag_s=${tightOversoldLagS.toFixed(2)} tight_p95_lag_s=${tightP95.toFixed(2)}`;
    console.log(line);

    const zero = (value: number, witness: string): Figure => ({ value, witness, goal: '0', met: value === 0 });
    const figures: Record<string, Figure> = {
      skus: { value: burstSkus.length, witness: 'bench seed (phase 1)' },
      changes: { value: CHANGES, witness: 'ERP sandbox stock history: count changes of phase 1' },
      bc_calls: { value: bcCalls, witness: `${REQUESTS_WITNESS}, phase 1`, goal: `<= 1.2 x min_calls (${(1.2 * minCalls).toFixed(1)})`, met: bcCalls <= 1.2 * minCalls },
      min_calls: {
        value: minCalls,
        witness: `BigCommerce's documented limits (2000 items per adjustment, 1000 inventory items and 250 products per page) over the levels the sandbox records say had to change`,
      },
      final_mismatches: zero(b.mismatches.length, `BigCommerce sandbox final levels against ERP sandbox on hand - units the store sold - buffer ${BUFFER}, phase 1 SKUs`),
      lost: zero(b.lost, `${RECORD_WITNESS}: ERP on-hand changes of phase 1 the store never showed (nor a later level)`),
      echo_writes: zero(b.echoWrites, 'BigCommerce sandbox stock record: absolute adjustment items that set the level the store already had, phase 1 SKUs'),
      oversold: zero(b.oversold, `${RECORD_WITNESS}: units the store sold beyond ERP on hand - its earlier sales, phase 1 SKUs`),
      p95_lag_s: { value: Number(p95.toFixed(2)), witness: `${RECORD_WITNESS}: per ERP on-hand change, ERP change time to the moment the store's level showed the truth` },
      tight_skus: { value: tightSkus.length, witness: 'bench seed (phase 2): the store shows 0-3 units each' },
      tight_orders: { value: tight.placed, witness: 'BigCommerce sandbox answers to POST /v2/orders (201), phase 2' },
      tight_refused: { value: tight.refused, witness: 'BigCommerce sandbox answers to POST /v2/orders (400, not available), phase 2' },
      tight_channel_units: { value: tight.channelUnits, witness: 'ERP sandbox answers to POST /__sandbox/stock/sell, phase 2' },
      tight_bc_calls: { value: tightBcCalls, witness: `${REQUESTS_WITNESS}, phase 2` },
      tight_final_mismatches: zero(t.mismatches.length, `BigCommerce sandbox final levels against ERP sandbox on hand - units the store sold - buffer ${BUFFER}, phase 2 SKUs`),
      tight_lost: zero(t.lost, `${RECORD_WITNESS}, phase 2 SKUs`),
      // No goal: with the last units racing, a write of 0 can land just after the store's own sale took the level to 0 (counted in the details).
      tight_echo_writes: { value: t.echoWrites, witness: `BigCommerce sandbox stock record, phase 2 SKUs (${t.echoAfterSale} reached by the store's own sale first)` },
      tight_oversold: {
        value: t.oversold,
        witness: `${RECORD_WITNESS}: units the store sold beyond ERP on hand - its earlier sales, phase 2 SKUs; each one's cause in the details`,
      },
      tight_oversold_by_write: {
        value: tightByWrite.reduce((n, o) => n + o.oversold, 0),
        witness: `${RECORD_WITNESS}: of those, units whose level one of our writes, applied after the ERP's last change, had set above the truth (the details say how long after that change)`,
      },
      tight_oversold_lag_s: {
        value: Number(tightOversoldLagS.toFixed(2)),
        witness: `${RECORD_WITNESS}: per oversold unit, how old the ERP change it missed was when the store sold it; the longest`,
      },
      tight_oversold_no_erp_change: zero(
        oversoldWithoutChange,
        `${RECORD_WITNESS}: oversold units with no ERP change before them in the run (only a write handing back units the store had sold can do that)`,
      ),
      tight_p95_lag_s: { value: Number(tightP95.toFixed(2)), witness: `${RECORD_WITNESS}, phase 2` },
    };
    writeResult({
      name: 'inventory',
      line,
      command: 'npm run bench -- inventory',
      figures,
      baseline: `one call per change: ${CHANGES} calls (phase 1)`,
      details: [
        ...details,
        `sizes: ${burstSkus.length} SKUs, ${CHANGES} changes, ${ORDERS} orders; tight ${tightSkus.length} SKUs for ${TIGHT_S} s; buffer ${BUFFER}; quota ${QUOTA}/30 s`,
      ],
      startedAt,
      durationS: Number(((Date.now() - started) / 1000).toFixed(0)),
    });
  } finally {
    await api.close();
    await workers.shutdown();
    await nativeConnection.close();
    await closeClient();
    await sandboxes.close();
    await temporal.teardown();
  }
}

/**
 * BENCH_TRACE: inventorySync's BigCommerce and ERP activities since `fromMs` (scheduled with their
 * input size, started, closed) and the ERP changes it was signalled (levels each), s after it.
 * BENCH_TRACE=run traces from phase 1's start, any other value from phase 2's.
 */
async function traceActivities(client: Client, fromMs: number): Promise<void> {
  // How many SKUs a lookup or items a write carried, how many levels a change signal (payloads are
  // encrypted: decoded with the client's data converter).
  const size = async (payload: Payload | undefined) => {
    const v = await payloadValue(client, payload);
    return Array.isArray(v) ? v.length : v && typeof v === 'object' && 'levels' in v && Array.isArray(v.levels) ? v.levels.length : '?';
  };
  // Every run of the workflow (it continues as new when its history grows), oldest first.
  const runs: Array<{ runId: string; startMs: number }> = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = "${inventoryWorkflowId(STORE)}"` })) runs.push({ runId: run.runId, startMs: run.startTime.getTime() });
  const events = [];
  const runLines: string[] = [];
  for (const { runId, startMs } of runs.sort((x, y) => x.startMs - y.startMs)) {
    // Event ids start again in each run: tagged with the run, so a close finds its own schedule.
    const runEvents = (await client.workflow.getHandle(inventoryWorkflowId(STORE), runId).fetchHistory()).events ?? [];
    runLines.push(`${((startMs - fromMs) / 1000).toFixed(2)} (${runEvents.length} events)`);
    for (const e of runEvents) events.push({ ...e, eventId: `${runId}:${String(e.eventId)}` });
  }
  console.log(`  trace inventorySync runs (started s after the trace's start): ${runLines.join(', ')}`);
  const at = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
  const byId = new Map<string, string>();
  const out: string[] = [];
  for (const e of events) {
    const t = at(e);
    const id = String(e.eventId);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) byId.set(id, scheduled.activityType?.name ?? '?');
    if (t < fromMs) continue;
    const started = e.activityTaskStartedEventAttributes;
    const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
    const signaled = e.workflowExecutionSignaledEventAttributes;
    if (signaled?.signalName === 'inventoryChanges') out.push(`${((t - fromMs) / 1000).toFixed(2)} changes ${await size(signaled.input?.payloads?.[0] ?? undefined)}`);
    if (scheduled) out.push(`${((t - fromMs) / 1000).toFixed(2)} sched ${scheduled.activityType?.name} ${await size(scheduled.input?.payloads?.[0] ?? undefined)}`);
    const run = id.slice(0, id.indexOf(':') + 1);
    if (started) out.push(`${((t - fromMs) / 1000).toFixed(2)} start ${byId.get(run + String(started.scheduledEventId))}`);
    else if (closed) out.push(`${((t - fromMs) / 1000).toFixed(2)} done ${byId.get(run + String(closed.scheduledEventId))}`);
  }
  console.log(`  trace inventorySync activities: ${out.join(' | ')}`);
}

/** Each level's starting point, from the two sandboxes' own state once seeded. */
async function readStarts(
  erpControl: (method: string, p: string) => Promise<unknown>,
  bcData: { inventory: Record<string, { onHand: number } | undefined> },
  skus: SkuInfo[],
): Promise<LevelStart[]> {
  const levels = z.object({ levels: z.array(erpLevelSchema) }).parse(await erpControl('GET', '/stock')).levels;
  const bySku = new Map(skus.map((s) => [s.sku, s]));
  const starts: LevelStart[] = [];
  for (const l of levels) {
    const s = bySku.get(l.sku);
    if (!s) continue;
    must(l.committed === 0, `${l.sku}@${l.location} starts with nothing committed`);
    starts.push({ key: key(l.sku, l.location), onHand: l.onHand, shown: bcData.inventory[`${l.location}:${s.variantId}`]?.onHand ?? 0, ordersHere: l.location === '1' });
  }
  must(starts.length > 0, 'the ERP holds the seeded levels');
  return starts;
}

/** Phase figures over some levels' verdicts. */
function summarize(verdicts: LevelVerdict[]) {
  const mismatches = verdicts.filter((v) => v.finalShown !== v.finalTruth).map((v) => `${v.key}: store ${v.finalShown}, truth ${v.finalTruth}`);
  const lost = verdicts.flatMap((v) => v.lost.map((l) => ({ key: v.key, ...l })));
  return {
    // Without any write the store would end at its start minus its own sales.
    verdicts: verdicts.map((v) => ({ ...v, mustWrite: v.finalTruth !== v.startShown - v.soldInStore })),
    mismatches,
    lost: lost.length,
    lostExamples: lost.slice(0, 5).map((l) => `${l.key} on hand ${l.onHand} at ${new Date(l.atMs).toISOString()}`),
    echoWrites: verdicts.reduce((n, v) => n + v.echoWrites, 0),
    echoAfterSale: verdicts.reduce((n, v) => n + v.echoAfterSale, 0),
    echoByLocation:
      Object.entries(
        groupCount(
          verdicts.filter((v) => v.echoWrites > 0),
          (v) => v.key.split('@')[1]!,
          (v) => v.echoWrites,
        ),
      )
        .map(([loc, n]) => `${n} at location ${loc}`)
        .join(', ') || 'none',
    adjustmentItems: verdicts.reduce((n, v) => n + v.adjustments, 0),
    lagsMs: verdicts.flatMap((v) => v.lagsMs),
    samples: verdicts.reduce((n, v) => n + v.lagsMs.length + v.lost.length, 0),
    oversold: verdicts.reduce((n, v) => n + v.oversold.reduce((m, o) => m + o.oversold, 0), 0),
    oversoldSales: verdicts.flatMap((v) => v.oversold),
    otherChannelOversold: verdicts.reduce((n, v) => n + v.otherChannelOversold, 0),
    sold: verdicts.reduce((n, v) => n + v.soldInStore, 0),
  };
}

function groupCount<T>(items: readonly T[], keyOf: (item: T) => string, count: (item: T) => number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[keyOf(item)] = (out[keyOf(item)] ?? 0) + count(item);
  return out;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Products kept by product (one SKU each) and products kept by variant (four SKUs each): the first half of `count` by product. */
// any: the sandbox's data is written field by field, as the store keeps it
function seedCatalog(data: Json, count: number): SkuInfo[] {
  const now = Date.now();
  const out: SkuInfo[] = [];
  let productId = 10_000;
  let variantId = 100_000;
  while (out.length < count) {
    const byVariant = out.length >= Math.min(count, SKUS) / 2;
    const id = productId++;
    const sku = `BENCH-${id}`;
    const product = productDefaults({ id, name: `Bench product ${id}`, sku, price: 10, weight: 1, type: 'physical', inventory_tracking: byVariant ? 'variant' : 'product' }, now);
    data.products[String(id)] = product;
    if (!byVariant) {
      const v = variantDefaults({ id: variantId++, product_id: id, sku, price: 10, option_values: [] });
      product.base_variant_id = v.id;
      data.variants[String(v.id)] = v;
      out.push({ sku, productId: id, variantId: v.id, byVariant: false });
      continue;
    }
    product.base_variant_id = null;
    for (let k = 0; k < 4 && out.length < count; k++) {
      const vid = variantId++;
      const v = variantDefaults({
        id: vid,
        product_id: id,
        sku: `${sku}-${k}`,
        price: null,
        option_values: [{ id: 900_000 + vid, label: `Size ${k}`, option_id: 90_000 + id, option_display_name: 'Size' }],
      });
      data.variants[String(vid)] = v;
      out.push({ sku: v.sku, productId: id, variantId: vid, byVariant: true });
    }
  }
  data.nextIds.product = productId;
  data.nextIds.variant = variantId;
  return out;
}
