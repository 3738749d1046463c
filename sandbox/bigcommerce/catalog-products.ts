import { findVariant, isBaseVariant, productNamed, variantsOf } from './catalog';
import { customUrlFor, productDefaults, variantDefaults } from './catalog-defaults';
import { emitProduct, emitVariant } from './catalog-events';
import { deleteOptionsOf } from './catalog-options';
import type { ProductCreate, ProductUpdate } from './catalog-schemas';
import { VariantWrites } from './catalog-variants';
import type { SandboxContext } from './context';
import { levelKey, setDefaultLocationStock } from './inventory';
import { nextId, type BcSandboxData, type V3Product, type V3ProductImage } from './state';
import { V3Failure } from './v3-errors';

/** Product writes of Catalog V3: create (with variants), update, delete. */

/** Fields written with their own rules, not copied as they come. */
const SPECIAL_FIELDS = new Set(['id', 'inventory_level', 'custom_fields', 'images', 'bulk_pricing_rules', 'variants', 'videos']);

/** Ids of a product's sub-resources (custom fields, images, bulk rules) are store-wide and increasing. */
function nextSubId(data: BcSandboxData, key: 'custom_fields' | 'images' | 'bulk_pricing_rules'): () => number {
  let next = Math.max(0, ...Object.values(data.products).flatMap((p) => p[key].map((x) => x.id))) + 1;
  return () => next++;
}

/** Items with an `id` change that item; items without one are added. Items not sent are kept. */
function mergeById<T extends { id: number }>(
  existing: T[],
  input: Array<Partial<T> & { id?: number }>,
  newId: () => number,
  field: string,
  make: (item: Partial<T>, id: number) => T,
): T[] {
  const out = existing.map((x) => ({ ...x }));
  input.forEach((item, i) => {
    if (item.id !== undefined) {
      const at = out.findIndex((x) => x.id === item.id);
      if (at < 0) throw new V3Failure(422, `${field} ${item.id} does not exist on this product.`, { [`${field}.${i}.id`]: 'not found' });
      out[at] = { ...out[at]!, ...item } as T;
    } else {
      out.push(make(item, newId()));
    }
  });
  return out;
}

function conflicts(data: BcSandboxData, body: { name?: string; sku?: string }, self: V3Product | undefined, writes: VariantWrites): void {
  if (body.name !== undefined && productNamed(data, body.name, self?.id)) {
    throw new V3Failure(409, 'The product name is a duplicate', { name: `A product named "${body.name}" already exists.` });
  }
  if (body.sku?.trim() && body.sku.trim().toLowerCase() !== self?.sku.toLowerCase()) {
    writes.claimSku(body.sku, 'sku', self ? { productId: self.id, ...(self.base_variant_id !== null ? { variantId: self.base_variant_id } : {}) } : {});
  }
}

function writeFields(ctx: SandboxContext, product: V3Product, body: ProductUpdate): void {
  const { data } = ctx;
  const nowIso = new Date(ctx.now()).toISOString();
  for (const [key, value] of Object.entries(body)) {
    if (SPECIAL_FIELDS.has(key) || value === undefined) continue;
    product[key] = value;
  }
  if (body.sku !== undefined) product.sku = body.sku.trim();
  if (body.custom_fields) {
    product.custom_fields = mergeById(product.custom_fields, body.custom_fields, nextSubId(data, 'custom_fields'), 'custom_fields', (f, id) => ({
      id,
      name: f.name!,
      value: f.value!,
    }));
  }
  if (body.bulk_pricing_rules) {
    product.bulk_pricing_rules = mergeById(
      product.bulk_pricing_rules,
      // "The response will return a float value" for rules sent as ".10" strings.
      body.bulk_pricing_rules.map((r) => ({ ...r, amount: Number(r.amount) })),
      nextSubId(data, 'bulk_pricing_rules'),
      'bulk_pricing_rules',
      (r, id) => ({ id, quantity_min: r.quantity_min!, quantity_max: r.quantity_max!, type: r.type!, amount: r.amount! }),
    );
  }
  if (body.images) {
    product.images = mergeById<V3ProductImage>(
      product.images,
      body.images.map((i) => ({ ...i, date_modified: nowIso })),
      nextSubId(data, 'images'),
      'images',
      (i, id) => ({
        id,
        product_id: product.id,
        image_url: i.image_url!,
        is_thumbnail: i.is_thumbnail ?? false,
        sort_order: i.sort_order ?? 0,
        description: i.description ?? '',
        date_modified: nowIso,
      }),
    );
  }
  product.date_modified = nowIso;
}

function checkTracking(product: V3Product | undefined, tracking: V3Product['inventory_tracking'] | undefined, hasOptions: boolean): void {
  if (tracking === 'product' && hasOptions) {
    // Stock of a product with options lives on its variants here; BigCommerce can also keep it per product.
    throw new V3Failure(422, `The sandbox keeps the stock of a product with variants per variant: track product ${product?.id ?? '(new)'} by variant or not at all.`, {
      inventory_tracking: 'product tracking of a product with variants is not simulated',
    });
  }
}

/** POST /v3/catalog/products: one product, its variants inline, stock through the inventory module. */
export function createProduct(ctx: SandboxContext, body: ProductCreate): V3Product {
  const { data } = ctx;
  const writes = new VariantWrites(ctx);
  conflicts(data, body, undefined, writes);
  const withOptions = (body.variants?.length ?? 0) > 0;
  checkTracking(undefined, body.inventory_tracking, withOptions);

  const product = productDefaults(
    {
      id: nextId(data, 'product'),
      name: body.name,
      sku: (body.sku ?? '').trim(),
      price: body.price,
      weight: body.weight,
      type: body.type,
      inventory_tracking: body.inventory_tracking ?? 'none',
    },
    ctx.now(),
  );
  if (!body.custom_url) product.custom_url = { url: customUrlFor(body.name), is_customized: false };
  // Nothing is stored before this point; a failure only spends the id.
  writeFields(ctx, product, body);
  body.variants?.forEach((v, i) => {
    writes.planCreate(product, v, `variants.${i}`, { newProduct: true });
  });
  product.date_created = product.date_modified;
  data.products[String(product.id)] = product;
  if (!withOptions) {
    const base = variantDefaults({ id: nextId(data, 'variant'), product_id: product.id, sku: product.sku, price: product.price, option_values: [] });
    data.variants[String(base.id)] = base;
    product.base_variant_id = base.id;
  }
  writes.apply();
  if (body.inventory_level !== undefined && product.inventory_tracking === 'product' && product.base_variant_id !== null) {
    setDefaultLocationStock(ctx, product.base_variant_id, body.inventory_level);
  }
  emitProduct(ctx, 'created', product.id);
  ctx.changed();
  return product;
}

/** PUT /v3/catalog/products/{id}, and one item of the batch PUT. */
export function updateProduct(ctx: SandboxContext, product: V3Product, body: ProductUpdate): V3Product {
  const { data } = ctx;
  const writes = new VariantWrites(ctx);
  conflicts(data, body, product, writes);
  checkTracking(product, body.inventory_tracking, product.base_variant_id === null);
  const next: V3Product = { ...product };
  writeFields(ctx, next, body);
  data.products[String(product.id)] = next;
  // The base variant and its product share SKU and price.
  const base = next.base_variant_id !== null ? findVariant(data, next.base_variant_id) : undefined;
  if (base) {
    base.sku = next.sku;
    base.price = next.price;
  }
  // "You must track inventory by product for this to take effect" (product_Base_PUT.inventory_level).
  if (body.inventory_level !== undefined && next.inventory_tracking === 'product' && base) setDefaultLocationStock(ctx, base.id, body.inventory_level);
  emitProduct(ctx, 'updated', next.id);
  ctx.changed();
  return next;
}

/** DELETE: the product, its variants, their stock and price records; `store/sku/deleted` for each SKU. */
export function deleteProducts(ctx: SandboxContext, products: V3Product[]): void {
  const { data } = ctx;
  for (const product of products) {
    const variants = variantsOf(data, product.id);
    for (const v of variants) {
      delete data.variants[String(v.id)];
      for (const loc of Object.values(data.locations)) delete data.inventory[levelKey(loc.id, v.id)];
      for (const list of Object.values(data.priceLists)) for (const [key, r] of Object.entries(list.records)) if (r.variant_id === v.id) delete list.records[key];
    }
    delete data.products[String(product.id)];
    deleteOptionsOf(data, product.id);
    for (const v of variants) if (!isBaseVariant(v)) emitVariant(ctx, 'deleted', v);
    emitProduct(ctx, 'deleted', product.id);
  }
  ctx.changed();
}
