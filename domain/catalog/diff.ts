import { sameMoney, textDigest, type BcPriceRecords, type BcProductState, type CatalogItem, type ParkedItem } from './item';

/**
 * The difference between what the ERP says (a page of changed items) and what BigCommerce has
 * (the products read for those SKUs, with their variants and price records): only what differs is
 * written. Pure, so the workflow, `bcsync catalog plan` and the unit tests use the same function.
 */

export interface ProductFields {
  name?: string;
  description?: string;
  price?: number;
  weight?: number;
  is_visible?: boolean;
}

export interface ProductCreate {
  /** The product's SKU (a plain item's, or a matrix parent's). */
  sku: string;
  body: ProductFields & {
    name: string;
    type: 'physical';
    sku: string;
    price: number;
    weight: number;
    variants?: Array<{ sku: string; price: number | null; option_values: Array<{ option_display_name: string; label: string }> }>;
  };
}

export interface ProductUpdate {
  sku: string;
  id: number;
  fields: ProductFields;
}

/** An item of PUT /v3/catalog/variants: an update (`id`) or a create (`product_id` + options). */
export interface VariantWrite {
  sku: string;
  id?: number;
  product_id: number;
  price?: number | null;
  option_values?: Array<{ option_display_name: string; label: string }>;
}

export interface PriceRecordWrite {
  sku: string;
  priceListId: number;
  variantId: number;
  price: number;
}

/** A price for a variant that does not exist yet: written once its create has answered with the id. */
export interface DeferredPrice {
  sku: string;
  priceListId: number;
  price: number;
}

export interface CatalogPlan {
  items: number;
  unchanged: number;
  productCreates: ProductCreate[];
  productUpdates: ProductUpdate[];
  variantWrites: VariantWrite[];
  priceRecords: PriceRecordWrite[];
  deferredPrices: DeferredPrice[];
  /** Refused before any call: the ERP data cannot map to BigCommerce as it is. */
  parked: ParkedItem[];
}

const key = (sku: string) => sku.trim().toLowerCase();

/** The SKU of the BigCommerce product an item lives on. */
export const productSkuOf = (item: CatalogItem): string => (item.matrix === 'child' && item.parentSku ? item.parentSku : item.sku);

/** The product SKUs to read from BigCommerce for these items, each once. */
export const productSkusOf = (items: CatalogItem[]): string[] => [...new Map(items.map((i) => [key(productSkuOf(i)), productSkuOf(i)])).values()];

const optionValues = (item: CatalogItem) => item.options.map((o) => ({ option_display_name: o.name, label: o.value }));

export function planCatalogChanges(
  items: CatalogItem[],
  products: BcProductState[],
  records: BcPriceRecords,
  /** Price level name -> BigCommerce price list id (levels without a list are not synced). */
  priceLists: Record<string, number>,
): CatalogPlan {
  const plan: CatalogPlan = { items: items.length, unchanged: 0, productCreates: [], productUpdates: [], variantWrites: [], priceRecords: [], deferredPrices: [], parked: [] };
  const bySku = new Map(products.map((p) => [key(p.sku), p]));
  // The latest version of each SKU only (a page can hold one item once, but retries merge pages).
  const latest = new Map<string, CatalogItem>();
  for (const item of items) {
    const prev = latest.get(key(item.sku));
    if (!prev || prev.modifiedMs <= item.modifiedMs) latest.set(key(item.sku), item);
  }
  const groups = new Map<string, { productItem?: CatalogItem; children: CatalogItem[] }>();
  for (const item of latest.values()) {
    if (item.matrix === 'child' && !item.parentSku) {
      plan.parked.push({ sku: item.sku, type: 'ErpMappingDrift', reason: 'a matrix child without a parent item' });
      continue;
    }
    if (item.matrix === 'child' && item.options.length === 0) {
      plan.parked.push({ sku: item.sku, type: 'ErpMappingDrift', reason: 'a matrix child without option values (custitem_bcsync_options): BigCommerce needs them for a variant' });
      continue;
    }
    const g = groups.get(key(productSkuOf(item))) ?? { children: [] };
    if (item.matrix === 'child') g.children.push(item);
    else g.productItem = item;
    groups.set(key(productSkuOf(item)), g);
  }

  const prices = (item: CatalogItem, variantId: number | undefined): boolean => {
    let changed = false;
    for (const [level, price] of Object.entries(item.levelPrices)) {
      const listId = priceLists[level];
      if (listId === undefined) continue;
      if (variantId === undefined) {
        plan.deferredPrices.push({ sku: item.sku, priceListId: listId, price });
        changed = true;
      } else if (!sameMoney(records[String(listId)]?.[String(variantId)], price)) {
        plan.priceRecords.push({ sku: item.sku, priceListId: listId, variantId, price });
        changed = true;
      }
    }
    return changed;
  };

  for (const [productKey, g] of groups) {
    const product = bySku.get(productKey);
    if (!product) {
      const p = g.productItem;
      if (!p) {
        for (const c of g.children)
          plan.parked.push({ sku: c.sku, type: 'ErpMappingDrift', reason: `its matrix parent ${c.parentSku} is neither in BigCommerce nor in this change set` });
        continue;
      }
      plan.productCreates.push({
        sku: p.sku,
        body: {
          name: p.name,
          type: 'physical',
          sku: p.sku,
          description: p.description,
          price: p.price ?? 0,
          weight: p.weight,
          is_visible: p.active,
          ...(g.children.length ? { variants: g.children.map((c) => ({ sku: c.sku, price: c.price, option_values: optionValues(c) })) } : {}),
        },
      });
      for (const item of [p, ...g.children]) prices(item, undefined);
      continue;
    }
    let touched = false;
    if (g.productItem) {
      const p = g.productItem;
      const fields: ProductFields = {};
      if (product.name !== p.name) fields.name = p.name;
      // Reads recorded before the digest carried the text itself (histories of the first version replay on this).
      const digest = product.descriptionDigest ?? textDigest((product as { description?: string }).description ?? '');
      if (digest !== textDigest(p.description)) fields.description = p.description;
      if (p.price !== null && !sameMoney(product.price, p.price)) fields.price = p.price;
      if (product.weight !== p.weight) fields.weight = p.weight;
      if (product.isVisible !== p.active) fields.is_visible = p.active;
      if (Object.keys(fields).length) {
        plan.productUpdates.push({ sku: p.sku, id: product.id, fields });
        touched = true;
      }
      // A plain item's price records belong to the product's base variant.
      if (p.matrix !== 'parent' && prices(p, product.baseVariantId ?? undefined)) touched = true;
      if (!touched) plan.unchanged++;
    }
    const variants = new Map(product.variants.map((v) => [key(v.sku), v]));
    for (const c of g.children) {
      const v = variants.get(key(c.sku));
      let changed = false;
      if (!v) {
        plan.variantWrites.push({ sku: c.sku, product_id: product.id, price: c.price, option_values: optionValues(c) });
        changed = prices(c, undefined);
        changed = true;
      } else {
        if (c.price !== null && !sameMoney(v.price ?? product.price, c.price)) {
          plan.variantWrites.push({ sku: c.sku, id: v.id, product_id: product.id, price: c.price });
          changed = true;
        }
        if (prices(c, v.id)) changed = true;
      }
      if (!changed) plan.unchanged++;
    }
  }
  return plan;
}

/** Price records for variants created by this run, once their ids are known (by SKU). */
export function resolveDeferredPrices(deferred: DeferredPrice[], variantIds: Record<string, number>): { records: PriceRecordWrite[]; missing: DeferredPrice[] } {
  const records: PriceRecordWrite[] = [];
  const missing: DeferredPrice[] = [];
  for (const d of deferred) {
    const id = variantIds[key(d.sku)];
    if (id === undefined) missing.push(d);
    else records.push({ sku: d.sku, priceListId: d.priceListId, variantId: id, price: d.price });
  }
  return { records, missing };
}

/** How many writes the plan makes, and of which kind: what a dry run prints. */
export function planSummary(plan: CatalogPlan): Record<string, number> {
  return {
    items: plan.items,
    unchanged: plan.unchanged,
    productsCreated: plan.productCreates.length,
    productsUpdated: plan.productUpdates.length,
    variantsWritten: plan.variantWrites.length,
    priceRecords: plan.priceRecords.length + plan.deferredPrices.length,
    parked: plan.parked.length,
  };
}

export const skuKey = key;
