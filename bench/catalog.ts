import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { startApiServer } from '../api/server';
import { startDevServer } from '../cli/dev-server';
import { registerHooks, registerOmsWebhook } from '../cli/register-hooks';
import { loadConfig } from '../config/env';
import { bigCommerceTaskQueue } from '../domain/shared/ids';
import { orderWorkflowId } from '../workflows/orders/order-sync.contract';
import { createLogger } from '../lib/logger';
import { requestCatalogRun } from '../clients/catalog';
import { customUrlFor, productDefaults, variantDefaults } from '../sandbox/bigcommerce/catalog-defaults';
import { nextId, type BcSandboxData } from '../sandbox/bigcommerce/state';
import { startSandboxes, type RunningSandboxes } from '../sandbox/start-sandboxes';
import { bundleWorkflows } from '../workers/start-workers';
import { installTemporalRuntime } from '../workers/runtime';
import { connectClient } from '../workers/temporal-connection';
import { catalogStateQuery, catalogWorkflowId, type CatalogSyncState } from '../workflows/catalog/catalog-sync.contract';
import { ForkedWorker } from './support/forked-worker';
import { BENCH_PAYLOAD_KEYS } from './support/temporal';
import { control, must, writeResult, type Figure } from './support/result';
import { bcRequestCounts, byRoute, sumRequests, type BcRequestCount } from './support/witness';

/**
 * `npm run bench -- catalog`: 20,000 ERP items already in BigCommerce, then 2,000 of them changed
 * plus one BigCommerce refuses (a product name another product has: 409 in a 207 batch), synced by
 * `catalog:<store>` with two real worker processes, one SIGKILLed twice mid-run, while orders
 * arrive. Compared, in the same run: the BigCommerce calls made against the fewest the changes
 * need (min_calls), the drain time against min_calls at the quota's rate, and order sync latency
 * (order placed -> sales order in the ERP) during the run against the same orders' latency idle.
 *
 * Witnesses: BigCommerce's calls from the sandbox's own request log (`GET /__sandbox/requests`),
 * min_calls from BigCommerce's documented limits (not the product's batching), what BigCommerce
 * shows from the sandbox's records, order latency from the ERP sandbox's records. Writes
 * bench/results/catalog.json. `CATALOG_BENCH_SCALE` (default 1) scales the catalog for a short
 * check run (0.1: 2,000 items, 200 changed).
 */
const STORE = 'catalog';
const TOKEN = 'catalog-token';
/** Our API client's id in the sandbox's request log. */
const BC_CLIENT = 'catalog';
/** Calls per 30 s window (3 a second): a Standard store's 150 would drain this change set in ~25 s; this makes the run about a minute. */
const QUOTA = Number(process.env.CATALOG_BENCH_QUOTA ?? 90);
const SCALE = Number(process.env.CATALOG_BENCH_SCALE ?? 1);
const STANDALONE = Math.round(12_000 * SCALE);
const PARENTS = Math.round(1_600 * SCALE);
const SIZES = ['S', 'M', 'L', 'XL'];
/**
 * Orders arrive every 8 s, idle and during the run, each costing the store 2 calls of its quota
 * (the order's read, its ERP id written back). A p95 is only as good as its sample: at 12 s apart
 * it was the slowest of 4-6 orders.
 */
const ORDER_EVERY_MS = Number(process.env.CATALOG_BENCH_ORDER_EVERY_MS ?? 8_000);
const IDLE_ORDERS = 8;
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'catalog-bench');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Item {
  sku: string;
  displayName: string;
  matrixType?: 'PARENT' | 'CHILD';
  parentSku?: string;
  options?: Record<string, string>;
  weight: number;
  prices: Record<string, number>;
}

/** 12,000 plain items, 1,600 matrix parents with 4 sizes each: 20,000 ERP items, 18,400 sellable SKUs. */
function catalog(): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < STANDALONE; i++)
    items.push({ sku: `B-${String(i).padStart(5, '0')}`, displayName: `Bench item ${i}`, weight: 1, prices: { 'Base Price': 10 + (i % 50), Wholesale: 8 + (i % 50) } });
  for (let p = 0; p < PARENTS; p++) {
    const sku = `BT-${String(p).padStart(4, '0')}`;
    items.push({ sku, displayName: `Bench tee ${p}`, matrixType: 'PARENT', weight: 0.3, prices: { 'Base Price': 20 } });
    for (const size of SIZES)
      items.push({
        sku: `${sku}-${size}`,
        displayName: `Bench tee ${p} ${size}`,
        matrixType: 'CHILD',
        parentSku: sku,
        options: { Size: size },
        weight: 0.3,
        prices: { 'Base Price': 20, Wholesale: 15 },
      });
  }
  return items;
}

/** The same catalog as BigCommerce already has it (written into the sandbox's data: 20,000 API creates would take the quota for an hour). */
function presync(data: BcSandboxData, items: Item[], nowMs: number): void {
  const iso = new Date(nowMs).toISOString();
  // The store's "Wholesale" price list (the sandbox seeds one), or a new one.
  let list = Object.values(data.priceLists).find((l) => l.name === 'Wholesale');
  if (!list) {
    list = { id: nextId(data, 'priceList'), name: 'Wholesale', active: true, date_created: iso, date_modified: iso, records: {} };
    data.priceLists[String(list.id)] = list;
  }
  const records: Record<string, { variant_id: number; currency: string; price: number; bulk_pricing_tiers: []; date_created: string; date_modified: string }> = {};
  const record = (variantId: number, price: number) => {
    records[`${variantId}:usd`] = { variant_id: variantId, currency: 'usd', price, bulk_pricing_tiers: [], date_created: iso, date_modified: iso };
  };
  const productOf = new Map<string, number>();
  let optionId = 900_000;
  let valueId = 9_000_000;
  for (const item of items) {
    if (item.matrixType === 'CHILD') {
      const productId = productOf.get(item.parentSku!)!;
      const v = variantDefaults({
        id: nextId(data, 'variant'),
        product_id: productId,
        sku: item.sku,
        price: item.prices['Base Price']!,
        option_values: [{ id: valueId++, label: item.options!.Size!, option_id: optionId, option_display_name: 'Size' }],
      });
      v.weight = null;
      data.variants[String(v.id)] = v;
      record(v.id, item.prices.Wholesale!);
      continue;
    }
    const product = productDefaults(
      { id: nextId(data, 'product'), name: item.displayName, sku: item.sku, price: item.prices['Base Price']!, weight: item.weight, type: 'physical', inventory_tracking: 'none' },
      nowMs,
    );
    product.custom_url = { url: customUrlFor(item.displayName), is_customized: false };
    data.products[String(product.id)] = product;
    productOf.set(item.sku, product.id);
    if (item.matrixType === 'PARENT') {
      optionId++;
      continue;
    }
    const base = variantDefaults({ id: nextId(data, 'variant'), product_id: product.id, sku: item.sku, price: product.price, option_values: [] });
    data.variants[String(base.id)] = base;
    product.base_variant_id = base.id;
    record(base.id, item.prices.Wholesale!);
  }
  Object.assign(list.records, records);
}

type Change = { item: Item; kind: 'price' | 'wholesale' | 'name' | 'variant' | 'invalid' };

/**
 * 2,000 changes, spread over the catalog: every 10th plain item (1,200: half their price, half their
 * wholesale price), and in the matrix part every 20th item's parent renamed (400) and one child in
 * 20 repriced (400); plus one invalid.
 */
function changes(items: Item[]): Change[] {
  const out: Change[] = [];
  items.forEach((item, i) => {
    if (i < STANDALONE) {
      if (i % 10 !== 0) return;
      if (i % 20 === 0) out.push({ item: { ...item, prices: { ...item.prices, 'Base Price': item.prices['Base Price']! + 1 } }, kind: 'price' });
      else out.push({ item: { ...item, prices: { ...item.prices, Wholesale: item.prices.Wholesale! - 1 } }, kind: 'wholesale' });
      return;
    }
    const j = i - STANDALONE;
    if (j % 20 === 0) out.push({ item: { ...item, displayName: `${item.displayName} (new season)` }, kind: 'name' });
    else if (j % 20 === 13) out.push({ item: { ...item, prices: { ...item.prices, 'Base Price': 21.5 } }, kind: 'variant' });
  });
  // Mapping drift: an item renamed to another product's name; BigCommerce refuses it alone (207).
  out.push({ item: { ...items[1]!, displayName: items[2]!.displayName }, kind: 'invalid' });
  return out;
}

/**
 * BigCommerce's documented limits (../shared/bigcommerce/FACTS.md sections 3 and 4, from
 * openapi/products_catalog.v3.yml, product-variants_catalog.v3.yml and price_lists.v3.yml), written
 * here rather than taken from the product's batching, so min_calls cannot move with the product.
 */
const BC_LIMITS = { productsPerPut: 10, variantsPerPut: 50, priceRecordsPerPut: 1000, productsPerRead: 250, priceRecordsPerRead: 250 } as const;
/** The ERP's page: SuiteQL answers at most 1000 rows a page (../shared/connectors/FACTS.md). */
const ERP_PAGE = 1000;

/**
 * The fewest BigCommerce calls these changes need, page by ERP page (1000 items, in ERP id order =
 * the feed's order here: all changed in one instant): per page, one read per 250 product SKUs and
 * per 250 variants with a wholesale price; one PUT per 10 products, per 50 variants, per 1000
 * records; plus the one price-list lookup of the run.
 */
function minimumCalls(cs: Change[], order: Map<string, number>): number {
  const sorted = [...cs].sort((a, b) => order.get(a.item.sku)! - order.get(b.item.sku)!);
  const per = (n: number, cap: number) => Math.ceil(n / cap);
  let total = 1;
  for (let i = 0; i < sorted.length; i += ERP_PAGE) {
    const page = sorted.slice(i, i + ERP_PAGE);
    const count = (kinds: Change['kind'][]) => page.filter((c) => kinds.includes(c.kind)).length;
    total +=
      per(new Set(page.map((c) => c.item.parentSku ?? c.item.sku)).size, BC_LIMITS.productsPerRead) +
      per(page.filter((c) => c.item.matrixType !== 'PARENT').length, BC_LIMITS.priceRecordsPerRead) +
      per(count(['price', 'name', 'invalid']), BC_LIMITS.productsPerPut) +
      per(count(['variant']), BC_LIMITS.variantsPerPut) +
      per(count(['wholesale']), BC_LIMITS.priceRecordsPerPut);
  }
  return total;
}

/** Catalog and price-list routes: what the catalog sync calls (reads, writes, the price-list lookup). */
const isCatalogRoute = (c: BcRequestCount) => /^\/v3\/(catalog|pricelists)(\/|$)/.test(c.route);
/** Order routes: the order workflows' calls. */
const isOrderRoute = (c: BcRequestCount) => /^\/(v2|v3)\/orders(\/|$)/.test(c.route);

/** What happened between two readings of the sandbox's request log. */
function requestsBetween(before: BcRequestCount[], after: BcRequestCount[]): BcRequestCount[] {
  const key = (c: BcRequestCount) => `${c.method} ${c.route} ${c.status} ${c.clientId}`;
  const was = new Map(before.map((c) => [key(c), c.count]));
  return after.map((c) => ({ ...c, count: c.count - (was.get(key(c)) ?? 0) })).filter((c) => c.count > 0);
}

/** Places an order every ORDER_EVERY_MS until `until` says stop; resolves with each order's time to reach the ERP. */
async function orders(sandboxes: RunningSandboxes, until: () => boolean, max = Number.POSITIVE_INFINITY): Promise<Array<{ id: number; s: number; placed: number }>> {
  const pending: Array<Promise<{ id: number; s: number; placed: number }>> = [];
  while (!until() && pending.length < max) {
    const res = await control(
      fetch(`${sandboxes.bcUrl}/__sandbox/orders/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ count: 1, status_id: 11, multi_address: false, digital: false, gift_certificate: false }),
      }),
      'BigCommerce POST /__sandbox/orders/generate',
    );
    const body = (await res.json()) as { ids?: number[] };
    const id = body.ids?.[0];
    must(id !== undefined && body.ids?.length === 1, `the order generator made one order (answered ${JSON.stringify(body)})`);
    const placed = Date.now();
    pending.push(
      (async () => {
        const deadline = placed + 300_000;
        while (!Object.values(sandboxes.erp.data.salesOrders).some((o) => o.externalId === `bc-${STORE}-${id}`)) {
          if (Date.now() > deadline) return { id, s: Number.POSITIVE_INFINITY, placed };
          // Fine-grained: the figure is a fraction of a second.
          await sleep(20);
        }
        return { id, s: (Date.now() - placed) / 1000, placed };
      })(),
    );
    await sleep(ORDER_EVERY_MS);
  }
  return Promise.all(pending);
}

/** The ERP sandbox's control parses bodies up to 100 kB: 400 items a request. */
async function seedErp(sandboxes: RunningSandboxes, items: Item[], modifiedMs: number): Promise<void> {
  for (let i = 0; i < items.length; i += 400) {
    await control(
      fetch(`${sandboxes.erpUrl}/__sandbox/catalog`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: items.slice(i, i + 400), modifiedMs }),
      }),
      'ERP POST /__sandbox/catalog',
    );
  }
}

/** A history event's time, epoch ms. */
const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/** How long the orders' BigCommerce calls waited on the store's queue (scheduled -> started): what priority decides. */
async function queueWaits(client: Client, ids: number[]): Promise<number[]> {
  const waits: number[] = [];
  for (const id of ids) {
    const history = await client.workflow.getHandle(orderWorkflowId(STORE, id)).fetchHistory();
    const scheduled = new Map<string, number>();
    for (const e of history.events ?? []) {
      if (e.activityTaskScheduledEventAttributes?.taskQueue?.name === bigCommerceTaskQueue(STORE)) scheduled.set(String(e.eventId), ms(e.eventTime));
      const started = e.activityTaskStartedEventAttributes;
      const at = started ? scheduled.get(String(started.scheduledEventId)) : undefined;
      if (started && at !== undefined && started.attempt === 1) waits.push((ms(e.eventTime) - at) / 1000);
    }
  }
  return waits;
}

const requestEntriesSchema = z.object({
  recording: z.boolean(),
  entries: z.array(z.object({ atMs: z.number(), method: z.string(), route: z.string(), status: z.number(), clientId: z.string() })),
});

/** The sandbox request log's single entries since `sinceMs` (it records them once asked to). */
async function requestEntries(bcUrl: string, sinceMs: number): Promise<z.infer<typeof requestEntriesSchema>['entries']> {
  const res = await control(fetch(`${bcUrl}/__sandbox/requests?entries=1&since_ms=${sinceMs}`), 'BigCommerce GET /__sandbox/requests?entries=1');
  const body = requestEntriesSchema.parse(await res.json());
  must(body.recording, 'the BigCommerce sandbox request log recorded the run');
  return body.entries;
}

/** A figure's number: rounded, or its text when it is not finite (an order that never reached the ERP). */
const num = (x: number, digits: number): number | string => (Number.isFinite(x) ? Number(x.toFixed(digits)) : String(x));

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] ?? NaN;
};

export async function main(): Promise<void> {
  installTemporalRuntime(logger);
  const started = Date.now();
  const startedAt = new Date(started);
  const temporal = await startDevServer({ logLevel: 'never' });
  const bundlePath = path.join(mkdtempSync(path.join(os.tmpdir(), 'catalog-')), 'bundle.js');
  writeFileSync(bundlePath, (await bundleWorkflows()).code);
  const sandboxes = await startSandboxes({
    bcPort: 0,
    erpPort: 0,
    bigcommerce: { storeHash: STORE, quota: QUOTA, clients: { [TOKEN]: { clientId: BC_CLIENT, clientSecret: 'catalog-secret' } } },
    oms: { quota: 1_000_000 },
  });

  await control(
    fetch(`${sandboxes.bcUrl}/__sandbox/requests`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ record: true }) }),
    'BigCommerce PUT /__sandbox/requests',
  );

  // Seed: the ERP's 20,000 items (one instant), and the same catalog already in BigCommerce.
  const items = catalog();
  const seededAt = Date.now() - 60_000;
  await seedErp(sandboxes, items, seededAt);
  presync(sandboxes.bigcommerce.ctx.data, items, seededAt);
  const erpIds = new Map(Object.values(sandboxes.erp.data.catalog!).map((r) => [r.sku, Number(r.id)]));

  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_PAYLOAD_KEYS: BENCH_PAYLOAD_KEYS,
    TEMPORAL_WORKFLOW_TASK_QUEUE: 'catalog.workflows',
    BC_API_URL: sandboxes.bcUrl,
    BC_STORE_HASH: STORE,
    BC_ACCESS_TOKEN: TOKEN,
    BC_CLIENT_SECRET: 'catalog-secret',
    BC_PLAN: 'enterprise',
    BC_QUOTA: String(QUOTA),
    BC_QUOTA_HEADROOM: '0',
    // Unset: the product's default (4). 1 dispatches at the quota's average rate, as before 2026-11-28.
    ...(process.env.BC_DISPATCH_BURST ? { BC_DISPATCH_BURST: process.env.BC_DISPATCH_BURST } : {}),
    ERP_API_URL: sandboxes.erpUrl,
    ERP_ACCESS_TOKEN: 'sandbox-erp-token',
    ERP_CONCURRENCY: '8',
    OMS_API_URL: sandboxes.omsUrl,
    OMS_API_KEY: 'sandbox-oms-key',
    OMS_API_SECRET: 'sandbox-oms-secret',
    OMS_RATE_PER_MINUTE: '100000',
    OMS_WEBHOOK_TOKEN: 'catalog-oms-token-0123456789',
    WEBHOOK_SECRET: 'catalog-webhook-secret-0123',
    ORDER_QUIET_PERIOD: '5s',
    CATALOG_INTERVAL: '24h',
    CATALOG_OVERLAP: '0s',
    BENCH_BUNDLE: bundlePath,
  };
  const config = loadConfig(env);
  const { client, connection, close: closeClient } = await connectClient(config.temporal);
  const api = await startApiServer(config, { client, connection, logger, host: '127.0.0.1', port: 0 });
  await registerHooks(config.stores[0]!, `${api.url}/webhooks/bigcommerce`, config.api.webhookSecret);
  await registerOmsWebhook(config, `${api.url}/webhooks/oms`);
  // The 3PL fulfils every SKU of the store: otherwise it refuses each bench order's unknown SKUs and
  // every order is compensated (held in BigCommerce: a status PUT and a re-read, 2 more calls each).
  await control(
    fetch(`${sandboxes.omsUrl}/__sandbox/rules`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rejectUnknownSkus: false }) }),
    'OMS PUT /__sandbox/rules',
  );
  const workers = [new ForkedWorker(env), new ForkedWorker(env)];
  await Promise.all(workers.map((w) => w.start()));
  try {
    console.log(`catalog bench: ${items.length} ERP items pre-synced, quota ${QUOTA} per 30 s, 2 worker processes, Temporal dev server ${temporal.address}`);
    // The indented lines the bench prints, kept for bench/results/catalog.json.
    const details: string[] = [];
    const say = (line: string) => {
      console.log(`  ${line}`);
      details.push(line);
    };
    // Idle: orders alone.
    const idleOrders = await orders(sandboxes, () => false, IDLE_ORDERS);
    const idle = idleOrders.map((o) => o.s);
    say(`idle: ${idle.length} orders, p95 ${p95(idle).toFixed(2)} s (${idle.map((x) => x.toFixed(1)).join(' ')})`);

    // The change set, then one catalog run while orders keep coming and a worker is killed twice.
    const cs = changes(items);
    const changedAt = Date.now();
    await seedErp(
      sandboxes,
      cs.map((c) => c.item),
      changedAt,
    );
    const min = minimumCalls(cs, erpIds);
    const theoretical = min / (QUOTA / 30);
    const logBefore = await bcRequestCounts(sandboxes.bcUrl);
    const ours = (c: BcRequestCount) => c.clientId === BC_CLIENT;
    const runStart = Date.now();
    if (process.env.CATALOG_BENCH_DEBUG) sandboxes.bigcommerce.ctx.limiter.log = [];
    await requestCatalogRun(client, config, STORE, { reason: 'bench', sinceMs: seededAt + 1 });
    const handle = client.workflow.getHandle(catalogWorkflowId(STORE));
    let done: CatalogSyncState | undefined;
    let kills = 0;
    const during = orders(sandboxes, () => done !== undefined);
    // The kills land mid-run and halfway between two orders: an order caught in flight by a kill
    // waits out its activity's timeout (the chaos bench measures that), which is not what this
    // figure is about (how much the catalog's load delays orders).
    const killAtS = [1.5, 2.5].map((k) => (k * ORDER_EVERY_MS) / 1000);
    while (!done) {
      await sleep(250);
      const elapsed = (Date.now() - runStart) / 1000;
      if (kills < 2 && elapsed > killAtS[kills]!) {
        await workers[0]!.kill();
        kills++;
        const soFar = sumRequests(requestsBetween(logBefore, await bcRequestCounts(sandboxes.bcUrl)), (c) => ours(c) && isCatalogRoute(c));
        say(`worker 1 SIGKILLed at ${elapsed.toFixed(1)} s (${soFar} catalog calls so far); restarting`);
        await sleep(1_000);
        await workers[0]!.start();
      }
      try {
        const s = await handle.query(catalogStateQuery);
        if (s.runs >= 1 && !s.running) done = s;
      } catch {
        // no worker has the workflow yet
      }
    }
    const drain = (Date.now() - runStart) / 1000;
    // BigCommerce's own count of the run's calls: every call it answered, refused ones included.
    const run = requestsBetween(logBefore, await bcRequestCounts(sandboxes.bcUrl)).filter(ours);
    const bcCalls = sumRequests(run, isCatalogRoute);
    const orderCalls = sumRequests(run, (c) => !isCatalogRoute(c));
    const catalogEntries = (await requestEntries(sandboxes.bcUrl, runStart)).filter((e) => e.clientId === BC_CLIENT && isCatalogRoute({ ...e, count: 1 }));
    const lastCallS = Math.max(0, ...catalogEntries.map((e) => (e.atMs - runStart) / 1000));
    must(kills === 2, `worker 1 was SIGKILLed twice during the catalog run (${kills}: the run ended at ${drain.toFixed(1)} s, the kills were due at ${killAtS.join(' and ')} s)`);
    must(bcCalls > 0, 'BigCommerce answered no catalog call during the run (request log)');
    const duringOrders = await during;
    const duringLatencies = duringOrders.map((o) => o.s);
    must(duringLatencies.length > 0, 'no order was placed during the catalog run');
    const waitsIdle = await queueWaits(
      client,
      idleOrders.map((o) => o.id),
    );
    const waitsDuring = await queueWaits(
      client,
      duringOrders.map((o) => o.id),
    );
    if (process.env.CATALOG_BENCH_DEBUG) {
      console.log(
        `  the orders' calls, whole bench: ${Object.entries(byRoute(await bcRequestCounts(sandboxes.bcUrl), (c) => ours(c) && !isCatalogRoute(c)))
          .map(([r, n]) => `${r} x${n}`)
          .join(', ')}`,
      );
      // Where the drain lost time: catalog calls per second since the run's start (answered), and pauses over 1.5 s.
      const at = catalogEntries.map((e) => (e.atMs - runStart) / 1000).sort((a, b) => a - b);
      const perS = new Map<number, number>();
      for (const t of at) perS.set(Math.floor(t), (perS.get(Math.floor(t)) ?? 0) + 1);
      console.log(`  catalog calls per second of the run: ${Array.from({ length: Math.ceil(drain) }, (_, i) => perS.get(i) ?? 0).join('')}`);
      const windows = new Map<number, number>();
      for (const e of sandboxes.bigcommerce.ctx.limiter.log ?? []) windows.set(e.windowStart, (windows.get(e.windowStart) ?? 0) + 1);
      console.log(`  BigCommerce's windows (start relative to the run's: calls): ${[...windows].map(([w, n]) => `${((w - runStart) / 1000).toFixed(1)} s: ${n}`).join(', ')}`);
      console.log(
        `  pauses: ${at
          .slice(1)
          .map((t, i) => [at[i]!, t - at[i]!] as const)
          .filter(([, gap]) => gap > 1.5)
          .map(([from, gap]) => `${gap.toFixed(1)} s at ${from.toFixed(1)} s`)
          .join(', ')}`,
      );
      for (const o of [...idleOrders.slice(-2), ...duringOrders]) {
        const h = await client.workflow.getHandle(orderWorkflowId(STORE, o.id)).fetchHistory();
        const evs = h.events ?? [];
        const t0 = ms(evs[0]?.eventTime);
        console.log(
          `  order ${o.id} ${o.s.toFixed(2)} s, workflow started +${((t0 - o.placed) / 1000).toFixed(2)} s: ${evs
            .slice(0, o.s > 0.3 ? 60 : 22)
            .map((e) => `${String(e.eventType).replace('EVENT_TYPE_', '').slice(0, 14)}+${((ms(e.eventTime) - t0) / 1000).toFixed(2)}`)
            .join(' ')}`,
        );
      }
    }

    // Lost: a changed item BigCommerce does not show as the ERP says, and that is not parked.
    const data = sandboxes.bigcommerce.ctx.data;
    const productBySku = new Map(Object.values(data.products).map((p) => [p.sku, p]));
    const variantBySku = new Map(Object.values(data.variants).map((v) => [v.sku, v]));
    const wholesale = Object.values(data.priceLists).find((l) => l.name === 'Wholesale')!;
    const parkedSkus = new Set(done.parked.map((p) => p.sku));
    let lost = 0;
    for (const c of cs) {
      const i = c.item;
      const ok =
        c.kind === 'name'
          ? productBySku.get(i.sku)?.name === i.displayName
          : c.kind === 'price'
            ? productBySku.get(i.sku)?.price === i.prices['Base Price']
            : c.kind === 'variant'
              ? variantBySku.get(i.sku)?.price === i.prices['Base Price']
              : c.kind === 'wholesale'
                ? wholesale.records[`${variantBySku.get(i.sku)?.id}:usd`]?.price === i.prices.Wholesale
                : parkedSkus.has(i.sku) && productBySku.get(i.sku)?.name !== i.displayName;
      if (!ok) lost++;
    }
    const counts = done.lastRun!.counts;
    say(
      `run: ${counts.pages} pages, ${counts.items} items: ${counts.productsUpdated} products, ${counts.variantsWritten} variants, ${counts.priceRecords} price records written, ${counts.unchanged} unchanged, parked ${done.parked.map((p) => `${p.sku} ${p.type}`).join(', ')}`,
    );
    say(
      `calls: ${bcCalls} catalog calls seen by BigCommerce (the workflow counted ${counts.bcCalls}; the difference is calls repeated after the kills), min_calls ${min}: reads of 250 SKUs and 250 records per page, writes at the caps (10 / 50 / 1000), 1 price-list lookup`,
    );
    say(
      `BigCommerce answered 429 to ${sandboxes.bigcommerce.ctx.limiter.stats.limited} call(s) of ${sandboxes.bigcommerce.ctx.limiter.stats.allowed + sandboxes.bigcommerce.ctx.limiter.stats.limited}; dispatch at ${config.stores[0]!.dispatchBurst} x the quota's average rate (BC_DISPATCH_BURST)`,
    );
    say(
      `drain ${drain.toFixed(1)} s vs theoretical ${theoretical.toFixed(1)} s (min_calls / ${(QUOTA / 30).toFixed(2)} calls a second), ${((min + orderCalls) / (QUOTA / 30)).toFixed(1)} s with the orders' calls; orders during the run: ${duringLatencies.length} (${orderCalls} calls of the quota, ${((orderCalls / (orderCalls + bcCalls)) * 100).toFixed(0)}%), p95 ${p95(duringLatencies).toFixed(2)} s (${duringLatencies.map((x) => x.toFixed(1)).join(' ')})`,
    );
    say(
      `orders' BigCommerce calls waited on the store's queue: p95 ${p95(waitsIdle).toFixed(2)} s idle (${waitsIdle.length} calls), ${p95(waitsDuring).toFixed(2)} s during the run (${waitsDuring.length} calls, max ${Math.max(...waitsDuring).toFixed(2)} s) behind ${counts.bcCalls} catalog calls`,
    );
    console.log(`(bench took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    const line = `catalog: skus=${items.length} changed=${cs.length - 1} bc_calls=${bcCalls} min_calls=${min} drain_s=${drain.toFixed(1)} theoretical_s=${theoretical.toFixed(1)} kills=${kills} lost=${lost} parked=${done.parked.length} order_p95_s_idle=${p95(idle).toFixed(2)} order_p95_s_during=${p95(duringLatencies).toFixed(2)}`;
    console.log(line);

    const otherRoutes = byRoute(run, (c) => !isCatalogRoute(c) && !isOrderRoute(c));
    if (Object.keys(otherRoutes).length > 0)
      details.push(`our other calls during the run (neither catalog nor orders, counted in the orders' share): ${JSON.stringify(otherRoutes)}`);
    details.push(`catalog calls during the run by route (request log): ${JSON.stringify(byRoute(run, isCatalogRoute))}; last one answered at ${lastCallS.toFixed(1)} s`);
    details.push(
      `sizes: ${items.length} ERP items (CATALOG_BENCH_SCALE ${SCALE}), ${cs.length - 1} changed + 1 refused, quota ${QUOTA} per 30 s, an order every ${ORDER_EVERY_MS} ms, kills at ${killAtS.join(' and ')} s`,
    );
    const refused207 = sumRequests(run, (c) => isCatalogRoute(c) && c.status === 207);
    const idleP95 = p95(idle);
    const duringP95 = p95(duringLatencies);
    const orderWitness = (when: string) =>
      `ERP sandbox records: order placed in the BigCommerce sandbox -> its sales order in the ERP sandbox (polled every 20 ms), p95 of ${when}`;
    const figures: Record<string, Figure> = {
      skus: { value: items.length, witness: 'bench seed: ERP items in the ERP sandbox, already synced into the BigCommerce sandbox' },
      changed: { value: cs.length - 1, witness: 'bench: ERP items changed in one instant in the ERP sandbox (plus 1 BigCommerce refuses)' },
      bc_calls: {
        value: bcCalls,
        witness: `BigCommerce sandbox request log (GET /__sandbox/requests): our client's calls to /v3/catalog and /v3/pricelists, from the run's request to its end, refused ones included (the workflow counted ${counts.bcCalls})`,
        goal: `<= 1.1 x min_calls (${(1.1 * min).toFixed(1)})`,
        met: bcCalls <= 1.1 * min,
      },
      min_calls: {
        value: min,
        witness: `BigCommerce's documented limits (PUT products ${BC_LIMITS.productsPerPut}, variants ${BC_LIMITS.variantsPerPut}, price records ${BC_LIMITS.priceRecordsPerPut}; reads of ${BC_LIMITS.productsPerRead}) over the change set, per ERP page of ${ERP_PAGE}, plus 1 price-list lookup`,
      },
      drain_s: {
        value: num(drain, 1),
        witness: `bench clock: the run's request to the 250 ms poll at which catalogSync's state query said the run had ended (BigCommerce answered its last catalog call at ${lastCallS.toFixed(1)} s, request log)`,
        goal: `<= 1.2 x theoretical_s (${(1.2 * theoretical).toFixed(1)})`,
        met: drain <= 1.2 * theoretical,
      },
      theoretical_s: { value: num(theoretical, 1), witness: `min_calls at the quota's rate (${QUOTA} per 30 s)` },
      kills: { value: kills, witness: 'the bench (SIGKILLs sent to worker 1 during the run)' },
      lost: {
        value: lost,
        witness:
          'BigCommerce sandbox records (products, variants, Wholesale price records) against each ERP change; the refused item counts when BigCommerce kept its old name and it is parked',
        goal: '0',
        met: lost === 0,
      },
      parked: {
        value: done.parked.length,
        witness: `catalogSync's state query (the product's own list of parked items); BigCommerce's request log shows ${refused207} catalog answer(s) 207 (a refused item in a batch)`,
        goal: '1 (the item BigCommerce refuses)',
        met: done.parked.length === 1,
      },
      bc_429: { value: sumRequests(run, (c) => c.status === 429), witness: 'BigCommerce sandbox request log: answers 429 to our client during the run' },
      order_p95_s_idle: { value: num(idleP95, 2), witness: orderWitness(`${idle.length} orders before the run`) },
      order_p95_s_during: {
        value: num(duringP95, 2),
        witness: orderWitness(`${duringLatencies.length} orders during the run`),
        goal: `<= 2 x order_p95_s_idle (${num(2 * idleP95, 2)})`,
        met: duringP95 <= 2 * idleP95,
      },
    };
    writeResult({
      name: 'catalog',
      line,
      command: 'npm run bench -- catalog',
      figures,
      details,
      startedAt: startedAt.toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
    });
  } finally {
    for (const w of workers) await w.stop();
    await api.close();
    await closeClient();
    await sandboxes.close();
    await temporal.teardown();
  }
}
