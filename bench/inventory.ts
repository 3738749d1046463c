import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startApiServer } from '../api/server';
import { startDevServer } from '../cli/dev-server';
import { registerHooks, registerOmsWebhook } from '../cli/register-hooks';
import { loadConfig } from '../config/env';
import { minAdjustmentCalls } from '../domain/inventory-batches';
import { inventoryWorkflowId } from '../domain/ids';
import { levelKey } from '../domain/inventory-levels';
import { createLogger } from '../lib/logger';
import { productDefaults, variantDefaults } from '../sandbox/bigcommerce/catalog-defaults';
import { demoOrderBody } from '../sandbox/demo-orders';
import { seededRandom } from '../sandbox/random';
import { startSandboxes } from '../sandbox/start-sandboxes';
import { installTemporalRuntime } from '../workers/runtime';
import { bundleWorkflows, startWorkers } from '../workers/start-workers';
import { signalInventory } from '../api/inventory-events';
import { inventoryHeldQuery, inventorySummaryQuery, inventorySweepSignal, type InventorySummary } from '../workflows/inventory-sync';

/**
 * `npm run bench -- inventory`: a burst of ERP stock changes (10,000 over 2,000 SKUs, five per SKU,
 * at two locations) while 500 orders for those SKUs are placed in BigCommerce, against a real
 * Temporal dev server, the three sandboxes, the API and the workers. It waits until everything is
 * quiet, then compares. See bench/README.md ("inventory") for each figure.
 *
 * - bc_calls: absolute adjustment calls BigCommerce received (counted at the workers' fetch).
 *   The one-time tracking-mode lookups are printed on their own line (they are cached afterwards).
 * - min_calls: the fewest calls that could carry the changes: per location, ceil(distinct SKUs
 *   changed there / 2000), over every ERP change of the run (the burst and the orders' commits).
 * - final_mismatches: (SKU, location) where BigCommerce's on-hand level differs from the ERP's
 *   available - safety buffer once quiet (every order booked by then).
 * - lost: (SKU, location) whose latest ERP change time is newer than what inventorySync holds.
 * - echo_writes: items written because a BigCommerce inventory webhook was not recognised as the
 *   echo of our own write (nobody changes stock in BigCommerce here, so each would be an echo write).
 * - oversold: units the BigCommerce sandbox sold beyond the ERP's on-hand stock (its stock-truth
 *   referee is told every on-hand change the moment the ERP gets it, and counts every sale).
 * - p95_lag_s: per ERP change, from its ERP time to the write that made BigCommerce show it (or a
 *   later level), or to the flush that found BigCommerce already right.
 */

const STORE = 'invbench';
const SKUS = Number(process.env.INVENTORY_BENCH_SKUS ?? 2_000);
const CHANGES = Number(process.env.INVENTORY_BENCH_CHANGES ?? 10_000);
const ORDERS = Number(process.env.INVENTORY_BENCH_ORDERS ?? 500);
const QUOTA = 1_500;
const BUFFER = Number(process.env.INVENTORY_BENCH_BUFFER ?? 2);
/** Share of ERP change events the ERP never delivers (the sweep must correct them). */
const DROP = Number(process.env.INVENTORY_BENCH_DROP ?? 0);
const random = seededRandom(11);
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'inventory-bench');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
// any: the bench reads sandbox JSON field by field
type Json = any;

interface SkuInfo {
  sku: string;
  productId: number;
  /** The variant that holds the stock (the base variant for products kept by product). */
  variantId: number;
  byVariant: boolean;
}

export async function main(): Promise<void> {
  installTemporalRuntime(logger);
  const started = Date.now();
  const temporal = await startDevServer({ logLevel: 'never' });
  const bundle = await bundleWorkflows();
  // Storefront checkouts do not spend the API quota: the sandbox's quota is set out of the way, and
  // our side paces itself to the configured plan (BC_QUOTA per 30 s).
  const sandboxes = await startSandboxes({
    bcPort: 0,
    erpPort: 0,
    bigcommerce: { storeHash: STORE, quota: 100_000, clients: { 'inv-token': { clientId: 'inv', clientSecret: 'inv-secret' } } },
    oms: { quota: 1_000_000 },
  });
  const bcData = sandboxes.bigcommerce.ctx.data;
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: temporal.address,
    BC_API_URL: sandboxes.bcUrl,
    BC_STORE_HASH: STORE,
    BC_ACCESS_TOKEN: 'inv-token',
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
    ORDER_QUIET_PERIOD: '5s',
    INVENTORY_LOCATIONS: '1:1,2:2',
    INVENTORY_SAFETY_BUFFER: String(BUFFER),
  };
  const config = loadConfig(env);

  // Every BigCommerce call the workers make, by route.
  const calls = { adjustments: 0, lookups: 0, other: 0 };
  const countingFetch: typeof fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const method = (init?.method ?? 'GET').toUpperCase();
    if (url.startsWith(sandboxes.bcUrl)) {
      if (method === 'PUT' && url.includes('/v3/inventory/adjustments/absolute')) calls.adjustments++;
      else if (url.includes('/v3/inventory/items') || url.includes('/v3/catalog/products')) calls.lookups++;
      else calls.other++;
    }
    return fetch(input, init);
  };

  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const workers = await startWorkers(config, { connection: nativeConnection, logger, client, workflowBundle: bundle, fetch: countingFetch });
  const api = await startApiServer(config, { client, connection, logger, host: '127.0.0.1', port: 0 });
  await registerHooks(config.stores[0]!, `${api.url}/webhooks/bigcommerce`, config.api.webhookSecret);
  await registerOmsWebhook(config, `${api.url}/webhooks/oms`);

  const erpControl = async (method: string, p: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${sandboxes.erpUrl}/__sandbox${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`ERP ${method} ${p}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const bcControl = async (method: string, p: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${sandboxes.bcUrl}/__sandbox${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`BC ${method} ${p}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  try {
    // ---- seed: 2,000 SKUs in both systems, half kept by product, half by variant (4 per product) ----
    const skus = seedCatalog(bcData, SKUS);
    const onHand = new Map<string, number>();
    const initial: Array<{ sku: string; location: string; onHand: number }> = [];
    for (const s of skus) {
      for (const loc of ['1', '2']) {
        const level = loc === '1' ? int(20, 60) : int(0, 20);
        onHand.set(levelKey(s.sku, loc), level);
        initial.push({ sku: s.sku, location: loc, onHand: level });
        bcData.inventory[`${loc}:${s.variantId}`] = { onHand: Math.max(0, level - BUFFER), safetyStock: 0, warningLevel: 0, isInStock: true, binPickingNumber: '' };
      }
    }
    // The 3PL knows the bench's SKUs (its fulfilment rules refuse unknown ones, and a refused order's
    // compensation closes its ERP sales order, giving the stock back: not what this bench measures).
    const rules = await fetch(`${sandboxes.omsUrl}/__sandbox/rules`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ addSkus: skus.map((s) => s.sku) }) });
    if (!rules.ok) throw new Error(`OMS PUT /rules: ${rules.status} ${await rules.text()}`);
    // Seeded before the ERP pushes anywhere: the store starts in step with the ERP, no events.
    // In parts: the ERP sandbox's control parser takes about 100 KB a request.
    for (let i = 0; i < initial.length; i += 500) await erpControl('POST', '/stock', { levels: initial.slice(i, i + 500) });
    await bcControl('PUT', '/stock-truth', { levels: initial.filter((l) => l.location === '1').map((l) => ({ sku: l.sku, onHand: l.onHand })) });
    Object.assign(sandboxes.erp.events.settings, { url: `${api.url}/webhooks/erp`, token: config.erp.webhookToken, dropRate: DROP });
    const runStartMs = Date.now();
    console.log(`inventory bench: ${skus.length} SKUs seeded in BigCommerce and the ERP; Temporal dev server ${temporal.address}; BigCommerce quota ${QUOTA}/30 s (enterprise), safety buffer ${BUFFER}${DROP ? `, ${DROP * 100}% of ERP events lost, one sweep` : ''}`);

    // ---- the burst: every SKU changed five times, 70% at location 1, in ERP writes of 100 ----
    const plan: Array<{ sku: string; location: string }> = [];
    for (let i = 0; i < CHANGES; i++) plan.push({ sku: skus[i % skus.length]!.sku, location: random() < 0.7 ? '1' : '2' });
    for (let i = plan.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [plan[i], plan[j]] = [plan[j]!, plan[i]!];
    }
    let burstDoneS = 0;
    const burst = (async () => {
      for (let i = 0; i < plan.length; i += 100) {
        const levels = plan.slice(i, i + 100).map(({ sku, location }) => {
          // Receipts mostly, small count corrections sometimes.
          const next = Math.max(0, onHand.get(levelKey(sku, location))! + int(-4, 8));
          onHand.set(levelKey(sku, location), next);
          return { sku, location, onHand: next };
        });
        await erpControl('POST', '/stock', { levels });
        // The referee learns the warehouse truth at the moment the ERP does.
        await bcControl('PUT', '/stock-truth', { levels: levels.filter((l) => l.location === '1').map((l) => ({ sku: l.sku, onHand: l.onHand })) });
        await sleep(10);
      }
      burstDoneS = (Date.now() - runStartMs) / 1000;
    })();

    // ---- 500 orders for those SKUs, placed while the burst goes on ----
    let placed = 0;
    let refused = 0;
    const orderIds: number[] = [];
    // Four shoppers' lanes at once, so the orders land while the burst goes on.
    let next = 0;
    const orders = Promise.all(Array.from({ length: 4 }, async () => {
      for (let i = next++; i < ORDERS; i = next++) {
        const lines = Array.from({ length: int(1, 2) }, () => {
          const s = skus[int(0, skus.length - 1)]!;
          return { product_id: s.productId, ...(s.byVariant ? { variant_id: s.variantId } : {}), quantity: int(1, 2) };
        });
        const res = await fetch(`${sandboxes.bcUrl}/stores/${STORE}/v2/orders`, {
          method: 'POST',
          headers: { 'x-auth-token': 'inv-token', 'content-type': 'application/json' },
          body: JSON.stringify(orderBody(i, lines)),
        });
        const body = (await res.json()) as Json;
        if (res.ok) {
          placed++;
          orderIds.push(body.id);
        } else refused++;
        await sleep(5);
      }
    }));
    await Promise.all([burst, orders]);
    const burstS = (Date.now() - runStartMs) / 1000;
    if (DROP > 0) {
      // What the schedule (bcsync-inventory-sweep-<store>) does: one sweep once the burst is in.
      await sandboxes.erp.events.drain();
      await sleep(5_000);
      await signalInventory(client, config, STORE, inventorySweepSignal, [{ reason: 'bench' }]);
    }
    console.log(`  burst of ${CHANGES} ERP changes in ${burstDoneS.toFixed(1)} s; ${placed} orders placed (${refused} refused by BigCommerce for stock) by ${burstS.toFixed(1)} s`);

    // ---- wait until quiet: every order booked in the ERP, every event delivered, nothing left to write ----
    const handle = client.workflow.getHandle(inventoryWorkflowId(STORE));
    const erpBooked = () => orderIds.filter((id) => Object.values(sandboxes.erp.data.salesOrders).some((o) => o.externalId === `bc-${STORE}-${id}`)).length;
    let summary: InventorySummary | undefined;
    let lastWrites = -1;
    let stableSince = Date.now();
    const deadline = Date.now() + 600_000;
    for (;;) {
      await sandboxes.erp.events.drain();
      summary = await handle.query(inventorySummaryQuery);
      const quiet = erpBooked() === orderIds.length && summary.dirty === 0 && summary.pendingSales === 0 && summary.stats.changesReceived >= sandboxes.erp.events.stats.delivered && (DROP === 0 || summary.stats.sweeps > 0);
      if (summary.stats.writeCalls !== lastWrites || !quiet) {
        lastWrites = summary.stats.writeCalls;
        stableSince = Date.now();
      }
      if (quiet && Date.now() - stableSince > 5_000) break;
      if (Date.now() > deadline) {
        console.log(`  not quiet after 10 min: booked ${erpBooked()}/${orderIds.length}, ${JSON.stringify({ dirty: summary.dirty, pending: summary.pendingSales, received: summary.stats.changesReceived, delivered: sandboxes.erp.events.stats.delivered })}`);
        break;
      }
      await sleep(1_000);
    }
    const settledS = (Date.now() - runStartMs) / 1000;

    // ---- compare ----
    const { levels: erpLevels } = (await erpControl('GET', '/stock')) as { levels: Array<{ sku: string; location: string; available: number; modifiedAt: string }> };
    const held = await handle.query(inventoryHeldQuery);
    const bySku = new Map(skus.map((s) => [s.sku, s]));
    let mismatches = 0;
    let lost = 0;
    const changed: Array<{ sku: string; location: string }> = [];
    const examples: string[] = [];
    const lostExamples: string[] = [];
    for (const l of erpLevels) {
      const s = bySku.get(l.sku);
      if (!s) continue;
      if (Date.parse(l.modifiedAt) >= runStartMs) changed.push({ sku: l.sku, location: l.location });
      const shown = bcData.inventory[`${l.location}:${s.variantId}`]?.onHand;
      const want = Math.max(0, l.available - BUFFER);
      if (shown !== want) {
        mismatches++;
        if (examples.length < 5) examples.push(`${l.sku}@${l.location}: BigCommerce ${shown}, ERP available ${l.available}`);
      }
      // A change made during the run that inventorySync never received (the seed is older than the run).
      if (Date.parse(l.modifiedAt) >= runStartMs && (held[levelKey(l.sku, l.location)] ?? 0) < Date.parse(l.modifiedAt)) {
        lost++;
        if (lostExamples.length < 5) lostExamples.push(`${l.sku}@${l.location}: ERP changed ${l.modifiedAt}, inventorySync holds ${held[levelKey(l.sku, l.location)] ? new Date(held[levelKey(l.sku, l.location)]!).toISOString() : 'nothing'}`);
      }
    }
    const referee = (await bcControl('GET', '/stock-truth')) as { oversoldUnits: number; oversoldLines: number; checkedUnits: number };
    const s = summary!.stats;
    const minCalls = minAdjustmentCalls(changed);
    console.log(`  ERP events: ${sandboxes.erp.events.stats.emitted} emitted (burst ${CHANGES}, the rest commits of booked orders), ${sandboxes.erp.events.stats.posts} POSTs to /webhooks/erp (${sandboxes.erp.events.stats.failedPosts} failed and retried, ${sandboxes.erp.events.stats.givenUp} events given up, ${sandboxes.erp.events.stats.dropped} dropped on purpose); sweeps ${summary!.stats.sweeps} read ${summary!.stats.sweepRows} rows`);
    console.log(`  inventorySync: flushes ${s.flushes}, write calls ${s.writeCalls}, items written ${s.itemsWritten}, already right ${s.unchangedSkipped}, held for a booking ${s.heldForBooking ?? 0}, echoes ignored ${s.echoesIgnored}, re-asserted ${s.reasserts}, sales ${s.salesReported} (booked ${s.salesBooked}), lag p50 ${(summary!.lagP50Ms / 1000).toFixed(2)} s, of which arrival from the ERP p95 ${(summary!.arrivalP95Ms / 1000).toFixed(2)} s`);
    console.log(`  writes (s after the burst began: location, items): ${summary!.recentWrites.map((w) => `${((Date.parse(w.at) - runStartMs) / 1000).toFixed(1)}: ${w.bcLocationId}, ${w.items}`).join(' | ')}`);
    console.log(`  BigCommerce calls by the workers: adjustments ${calls.adjustments}, tracking lookups ${calls.lookups} (once per SKU, cached), other ${calls.other} (orders)`);
    console.log(`  referee: ${referee.checkedUnits} units sold against the ERP truth, ${referee.oversoldLines} lines beyond it; quiet after ${settledS.toFixed(0)} s`);
    if (examples.length) console.log(`  mismatches, e.g.: ${examples.join('; ')}`);
    if (lostExamples.length) console.log(`  lost, e.g.: ${lostExamples.join('; ')}`);
    console.log(`  baseline: one call per change would be ${CHANGES} calls; the minimum is ${minCalls} (per location, ceil(distinct SKUs changed / 2000))`);
    if (process.env.BENCH_TRACE) {
      await traceSmallWrites(handle, runStartMs, bySku, examples.slice(0, 2).map((e) => e.split('@')[0]!));
      const st = (await client.workflow.getHandle(`order:${STORE}:101`).query('state')) as Json;
      console.log(`  trace order 101: ${JSON.stringify(st.problem ?? st.status)}`);
    }
    console.log(`(bench took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    console.log(
      `inventory: changes=${CHANGES} skus=${skus.length} bc_calls=${calls.adjustments} min_calls=${minCalls} final_mismatches=${mismatches} lost=${lost} echo_writes=${s.reassertItems} oversold=${referee.oversoldUnits} p95_lag_s=${(summary!.lagP95Ms / 1000).toFixed(2)}`,
    );
  } finally {
    await api.close();
    await workers.shutdown();
    await nativeConnection.close();
    await connection.close();
    await sandboxes.close();
    await temporal.teardown();
  }
}

/** 2,000 SKUs: products kept by product (one SKU each) and products kept by variant (four SKUs each). */
function seedCatalog(data: Json, count: number): SkuInfo[] {
  const now = Date.now();
  const out: SkuInfo[] = [];
  let productId = 10_000;
  let variantId = 100_000;
  while (out.length < count) {
    const byVariant = out.length >= count / 2;
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
      const v = variantDefaults({ id: vid, product_id: id, sku: `${sku}-${k}`, price: null, option_values: [{ id: 900_000 + vid, label: `Size ${k}`, option_id: 90_000 + id, option_display_name: 'Size' }] });
      data.variants[String(vid)] = v;
      out.push({ sku: v.sku, productId: id, variantId: vid, byVariant: true });
    }
  }
  data.nextIds.product = productId;
  data.nextIds.variant = variantId;
  return out;
}

/** A paid order (Awaiting Fulfillment) of the demo shoppers, with the bench's lines. */
function orderBody(i: number, products: Array<Record<string, number>>) {
  return { ...demoOrderBody(i), products, discount_amount: 0 };
}

/**
 * BENCH_TRACE=1: why a write carried only a few items. Prints, for each small write, the workflow
 * events that touched its SKUs (ERP levels, sales, bookings, BigCommerce events), in order, with
 * times relative to the run's start.
 */
async function traceSmallWrites(handle: ReturnType<Client['workflow']['getHandle']>, runStartMs: number, bySku: Map<string, SkuInfo>, extra: string[]): Promise<void> {
  const history = await handle.fetchHistory();
  const decode = (payloads: Array<{ data?: Uint8Array | null }> | null | undefined): Json[] => (payloads ?? []).map((p) => JSON.parse(Buffer.from(p.data ?? []).toString('utf8')) as Json);
  const at = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) => ((Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6 - runStartMs) / 1000).toFixed(2);
  const events = history.events ?? [];
  const watched = new Set<string>(extra);
  for (const e of events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType?.name !== 'writeInventoryLevels') continue;
    const [items] = decode(a.input?.payloads) as [Array<{ sku: string; bcLocationId: number; quantity: number }>];
    console.log(`  trace: write scheduled at ${at(e)} s: ${items.length} items${items.length <= 5 ? ` ${JSON.stringify(items)}` : ''}`);
    if (items.length <= 5) for (const i of items) watched.add(i.sku);
  }
  for (const sku of watched) {
    const info = bySku.get(sku)!;
    const watchedOrders = new Set<number>();
    console.log(`  trace ${sku} (product ${info.productId}, variant ${info.variantId}):`);
    for (const e of events) {
      const sig = e.workflowExecutionSignaledEventAttributes;
      const act = e.activityTaskScheduledEventAttributes;
      if (act?.activityType?.name === 'writeInventoryLevels') {
        const [items] = decode(act.input?.payloads) as [Array<{ sku: string; bcLocationId: number; quantity: number }>];
        for (const i of items.filter((x) => x.sku === sku)) console.log(`    ${at(e)} write ${JSON.stringify(i)}`);
        continue;
      }
      if (!sig) continue;
      const [arg] = decode(sig.input?.payloads);
      if (sig.signalName === 'inventoryChanges') {
        for (const l of (arg.levels as Json[]).filter((x) => x.sku === sku)) console.log(`    ${at(e)} erp level loc ${l.location} available ${l.quantityAvailable} onHand ${l.quantityOnHand} changed ${((l.changedAtMs - runStartMs) / 1000).toFixed(2)}`);
      } else if (sig.signalName === 'inventorySale') {
        if (arg.units[sku] !== undefined || (arg.lines ?? []).some((l: Json) => l.sku === sku)) console.log(`    ${at(e)} sale order ${arg.orderId} units ${JSON.stringify(arg.units)} created ${(arg.orderCreatedS * 1000 - runStartMs) / 1000}`);
      } else if (sig.signalName === 'inventoryBooked') {
        if (watchedOrders.has(arg.orderId)) console.log(`    ${at(e)} booked order ${arg.orderId} at ${((arg.bookedAtMs - runStartMs) / 1000).toFixed(2)}`);
      } else if (sig.signalName === 'bcInventoryEvents') {
        for (const ev of (arg.events as Json[]).filter((x) => x.productId === info.productId && (x.variantId === undefined || x.variantId === info.variantId))) console.log(`    ${at(e)} bc event ${JSON.stringify(ev)}`);
      }
      if (sig.signalName === 'inventorySale' && arg.units[sku] !== undefined) watchedOrders.add(arg.orderId);
    }
  }
}
