import { findProduct, findVariant, isBaseVariant, skuOwner, variantsOf } from './catalog';
import { variantDefaults } from './catalog-defaults';
import { emitVariant } from './catalog-events';
import { knownOptionValues, OptionIds, resolveOptionValues } from './catalog-options';
import type { VariantBatchItem, VariantCreate, VariantWrite } from './catalog-schemas';
import type { SandboxContext } from './context';
import { setDefaultLocationStock, stockLevelOf } from './inventory';
import { nextId, type V3Product, type V3Variant } from './state';
import { V3Failure } from './v3-errors';

/**
 * Variant writes, planned first and applied only when every item of the request is valid: a
 * product POST with `variants[]`, POST /products/{id}/variants and PUT /catalog/variants.
 */

interface VariantPlan {
  variant: V3Variant;
  isNew: boolean;
  /** Catalog stock for the default location, when the request set one. */
  inventoryLevel?: number;
}

/** Written with their own rules (identity, SKU uniqueness, option resolution, the inventory module). */
const NOT_COPIED = new Set(['id', 'product_id', 'sku', 'option_values', 'inventory_level']);

/** String fields BigCommerce answers as "" rather than null. */
const EMPTY_WHEN_NULL = new Set(['upc', 'mpn', 'gtin', 'bin_picking_number']);

function writeFields(v: V3Variant, input: VariantWrite): V3Variant {
  const out: V3Variant = { ...v };
  for (const [key, value] of Object.entries(input)) {
    if (NOT_COPIED.has(key) || value === undefined) continue;
    if (value === null && EMPTY_WHEN_NULL.has(key)) out[key] = '';
    else if (value === null && key === 'inventory_warning_level') out[key] = 0;
    else out[key] = value;
  }
  return out;
}

export class VariantWrites {
  private readonly plans: VariantPlan[] = [];
  private readonly claimed = new Map<string, string>();
  private readonly ids: OptionIds;

  constructor(private readonly ctx: SandboxContext) {
    this.ids = new OptionIds(ctx.data);
  }

  /** Claims a SKU for this request: unique in the store and within the request, whatever the letter case. */
  claimSku(sku: string, field: string, except: { productId?: number; variantId?: number } = {}): void {
    const owner = skuOwner(this.ctx.data, sku, except);
    const key = sku.trim().toLowerCase();
    const claimedBy = key ? this.claimed.get(key) : undefined;
    if (owner || claimedBy) throw new V3Failure(409, `The SKU "${sku}" is already in use${owner ? ` by ${owner}` : ` by ${claimedBy}`}.`, { [field]: 'error.sku.duplicate' });
    if (key) this.claimed.set(key, field);
  }

  private pendingFor(productId: number): V3Variant[] {
    return this.plans.filter((p) => p.isNew && p.variant.product_id === productId).map((p) => p.variant);
  }

  planCreate(product: V3Product, input: VariantCreate, field: string, opts: { newProduct?: boolean } = {}): V3Variant {
    if (!opts.newProduct && product.base_variant_id !== null) {
      // A product without options has only its base variant. How BigCommerce turns such a product into
      // one with variants is not documented: the sandbox refuses (create the product with its variants).
      throw new V3Failure(422, `Product ${product.id} has no variant options; create the product with its variants instead.`, {
        [`${field}.option_values`]: 'the product has no options',
      });
    }
    this.claimSku(input.sku, `${field}.sku`);
    const pending = this.pendingFor(product.id);
    const siblings = [...(opts.newProduct ? [] : variantsOf(this.ctx.data, product.id)), ...pending].map((v) => v.option_values);
    const known = knownOptionValues(
      this.ctx.data,
      opts.newProduct ? -1 : product.id,
      pending.map((v) => v.option_values),
    );
    const optionValues = resolveOptionValues(input.option_values, known, siblings, this.ids, `${field}.option_values`);
    const base = variantDefaults({ id: nextId(this.ctx.data, 'variant'), product_id: product.id, sku: input.sku.trim(), price: null, option_values: optionValues });
    const variant = writeFields(base, input);
    this.plans.push({ variant, isNew: true, ...(input.inventory_level != null ? { inventoryLevel: input.inventory_level } : {}) });
    return variant;
  }

  planUpdate(input: VariantBatchItem & { id: number }, field: string): V3Variant {
    const current = findVariant(this.ctx.data, input.id);
    if (!current) throw new V3Failure(404, `Variant ${input.id} does not exist.`, { [`${field}.id`]: 'not found' });
    if (input.product_id !== undefined && input.product_id !== current.product_id) {
      throw new V3Failure(422, `Variant ${input.id} belongs to product ${current.product_id}.`, { [`${field}.product_id`]: 'does not match the variant' });
    }
    if (input.option_values !== undefined)
      throw new V3Failure(422, 'The option values of an existing variant cannot be changed.', { [`${field}.option_values`]: 'read-only on update' });
    if (input.sku !== undefined && input.sku.trim().toLowerCase() !== current.sku.toLowerCase()) {
      this.claimSku(input.sku, `${field}.sku`, { variantId: current.id, ...(isBaseVariant(current) ? { productId: current.product_id } : {}) });
    }
    const variant = writeFields(input.sku !== undefined ? { ...current, sku: input.sku.trim() } : current, input);
    this.plans.push({ variant, isNew: false, ...(input.inventory_level != null ? { inventoryLevel: input.inventory_level } : {}) });
    return variant;
  }

  /** Stores every planned variant, writes stock through the inventory module, fires the events. */
  apply(opts: { silentCreates?: boolean } = {}): V3Variant[] {
    const { data } = this.ctx;
    const now = new Date(this.ctx.now()).toISOString();
    for (const plan of this.plans) {
      const v = plan.variant;
      data.variants[String(v.id)] = v;
      const product = findProduct(data, v.product_id)!;
      // The base variant and its product share SKU and price.
      if (isBaseVariant(v)) {
        product.sku = v.sku;
        if (v.price !== null) product.price = v.price;
      }
      product.date_modified = now;
    }
    for (const plan of this.plans) {
      if (plan.inventoryLevel === undefined) continue;
      const v = plan.variant;
      const product = findProduct(data, v.product_id)!;
      const level = stockLevelOf(product);
      // "Inventory level for the variant, which is used when the product's inventory_tracking is set to variant."
      if ((level === 'variant' && product.inventory_tracking !== 'none') || (level === 'product' && isBaseVariant(v) && product.inventory_tracking === 'product')) {
        setDefaultLocationStock(this.ctx, v.id, plan.inventoryLevel);
      }
    }
    for (const plan of this.plans) {
      if (plan.isNew && opts.silentCreates) continue;
      emitVariant(this.ctx, plan.isNew ? 'created' : 'updated', plan.variant);
    }
    this.ctx.changed();
    return this.plans.map((p) => data.variants[String(p.variant.id)]!);
  }
}
