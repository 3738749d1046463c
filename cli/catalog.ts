import type { Client } from '@temporalio/client';
import { readPriceRecords, ensurePriceLists } from '../connectors/bigcommerce/catalog/price-records';
import { readProductsBySku } from '../connectors/bigcommerce/catalog/read-products';
import { getItemsBySku, listChangedItems } from '../connectors/erp/netsuite/catalog-items';
import { createErpClient, createStoreClient } from '../config/connections';
import type { Config, StoreConfig } from '../config/env';
import { chunk, PRICE_RECORD_READ_BATCH, PRODUCT_READ_BATCH } from '../domain/catalog/batches';
import { planCatalogChanges, planSummary, productSkusOf, skuKey, type CatalogPlan } from '../domain/catalog/diff';
import type { BcPriceRecords, CatalogCursor, CatalogItem } from '../domain/catalog/item';
import { decideCatalog, requestCatalogRun } from '../clients/catalog';
import { connectClient } from '../workers/temporal-connection';
import { catalogStateQuery, catalogWorkflowId, type CatalogDecision } from '../workflows/catalog/catalog-sync.contract';

/**
 * `bcsync catalog plan|run|retry|skip`. `plan` is the dry run: it reads what a run would read (the
 * ERP's changes since the workflow's watermark, BigCommerce's products and price records for them),
 * computes the same difference and prints it, writing nothing anywhere (a price list a run would
 * create is reported, not created).
 */

async function temporal(config: Config): Promise<{ client: Client; close: () => Promise<void> } | undefined> {
  try {
    return await connectClient(config.temporal, { connectTimeoutMs: 3_000 });
  } catch {
    return undefined;
  }
}

async function watermarkOf(config: Config, storeHash: string): Promise<CatalogCursor | null> {
  const t = await temporal(config);
  if (!t) return null;
  try {
    return (await t.client.workflow.getHandle(catalogWorkflowId(storeHash)).query(catalogStateQuery)).watermark;
  } catch {
    return null;
  } finally {
    await t.close();
  }
}

export async function runCatalogPlan(
  config: Config,
  store: StoreConfig,
  opts: { sinceMs?: number; skus?: string[]; maxPages: number; json: boolean; show: number },
): Promise<void> {
  const bc = createStoreClient(store);
  const netsuite = createErpClient(config);
  const watermark = opts.sinceMs !== undefined ? null : await watermarkOf(config, store.storeHash);
  let cursor: CatalogCursor = opts.sinceMs !== undefined ? { modifiedMs: opts.sinceMs, erpId: 0 } : (watermark ?? { modifiedMs: 0, erpId: 0 });
  const from = opts.skus
    ? `SKUs ${opts.skus.join(', ')}`
    : opts.sinceMs !== undefined
      ? new Date(opts.sinceMs).toISOString()
      : watermark
        ? `the watermark ${new Date(watermark.modifiedMs).toISOString()}`
        : 'the beginning (no watermark: a full sync)';
  const { lists } = await ensurePriceLists(bc, []);
  const totals: Record<string, number> = {};
  const plans: CatalogPlan[] = [];
  const missingLists = new Set<string>();
  let bcReads = 1;
  for (let page = 0; page < opts.maxPages; page++) {
    let items: CatalogItem[];
    let more = false;
    if (opts.skus) items = await getItemsBySku(netsuite, opts.skus);
    else {
      const p = await listChangedItems(netsuite, cursor, config.catalog.pageSize);
      items = p.items;
      more = p.more;
      cursor = p.next;
    }
    for (const i of items) for (const level of Object.keys(i.levelPrices)) if (lists[level] === undefined) missingLists.add(level);
    const products = (await Promise.all(chunk(productSkusOf(items), PRODUCT_READ_BATCH).map((s) => readProductsBySku(bc, s)))).flat();
    bcReads += Math.ceil(productSkusOf(items).length / PRODUCT_READ_BATCH);
    const variantOf = new Map<string, number>();
    for (const p of products) {
      if (p.baseVariantId) variantOf.set(skuKey(p.sku), p.baseVariantId);
      for (const v of p.variants) variantOf.set(skuKey(v.sku), v.id);
    }
    const records: BcPriceRecords = {};
    for (const [level, listId] of Object.entries(lists)) {
      const ids = [
        ...new Set(
          items
            .filter((i) => i.levelPrices[level] !== undefined)
            .map((i) => variantOf.get(skuKey(i.sku)))
            .filter((v): v is number => v !== undefined),
        ),
      ];
      for (const part of chunk(ids, PRICE_RECORD_READ_BATCH)) {
        records[String(listId)] = { ...records[String(listId)], ...(await readPriceRecords(bc, listId, part, config.catalog.currency)) };
        bcReads++;
      }
    }
    const plan = planCatalogChanges(items, products, records, lists);
    plans.push(plan);
    for (const [k, v] of Object.entries(planSummary(plan))) totals[k] = (totals[k] ?? 0) + v;
    if (opts.skus || !more) break;
  }
  if (opts.json) {
    console.log(JSON.stringify({ store: store.storeHash, from, totals, missingPriceLists: [...missingLists], plans }, null, 2));
    return;
  }
  console.log(`Catalog plan for store ${store.storeHash}, ERP changes from ${from} (dry run: nothing written; ${bcReads} BigCommerce reads)`);
  const lines: string[] = [];
  for (const plan of plans) {
    for (const c of plan.productCreates)
      lines.push(`  create product ${c.sku} "${c.body.name}" price ${c.body.price}${c.body.variants ? ` with ${c.body.variants.length} variant(s)` : ''}`);
    for (const u of plan.productUpdates) lines.push(`  update product ${u.sku} (#${u.id}): ${JSON.stringify(u.fields)}`);
    for (const v of plan.variantWrites) lines.push(v.id ? `  update variant ${v.sku} (#${v.id}): price ${v.price}` : `  create variant ${v.sku} on product #${v.product_id}`);
    for (const r of plan.priceRecords) lines.push(`  price list #${r.priceListId}: ${r.sku} -> ${r.price}`);
    for (const p of plan.parked) lines.push(`  would park ${p.sku}: ${p.type}: ${p.reason}`);
  }
  for (const l of lines.slice(0, opts.show)) console.log(l);
  if (lines.length > opts.show) console.log(`  ... and ${lines.length - opts.show} more (--show N, or --json)`);
  for (const level of missingLists) console.log(`  would create price list "${level}" (its records are counted in priceRecords)`);
  console.log(
    Object.entries(totals)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
  );
}

export async function runCatalogCommand(config: Config, store: StoreConfig, action: 'run' | 'retry' | 'skip', opts: { sinceMs?: number; skus?: string[] }): Promise<void> {
  const t = await temporal(config);
  if (!t) throw new Error(`Temporal is not reachable at ${config.temporal.address}`);
  try {
    if (action === 'run') {
      const id = await requestCatalogRun(t.client, config, store.storeHash, { reason: 'CLI', ...(opts.sinceMs !== undefined ? { sinceMs: opts.sinceMs } : {}) });
      console.log(`${id}: catalog run requested for store ${store.storeHash}`);
      return;
    }
    const decision: CatalogDecision = { action, ...(opts.skus ? { skus: opts.skus } : {}) };
    const answer = await decideCatalog(t.client, store.storeHash, decision);
    const parked = answer.done ? answer.parked : [];
    console.log(`${action} done; ${parked.length} item(s) still parked${parked.length ? `:\n${parked.map((p) => `  ${p.sku}  ${p.type}: ${p.reason}`).join('\n')}` : ''}`);
  } finally {
    await t.close();
  }
}
