import { z } from 'zod';
import { textDigest, type BcProductState } from '../../../domain/catalog/item';
import type { BcFieldError } from '../errors';

/** Catalog V3 shapes we read (products_catalog.v3.yml product_Full, product-variants_catalog.v3.yml), reduced to what the sync owns. */

export const bcVariantSchema = z.object({
  id: z.number().int(),
  product_id: z.number().int(),
  sku: z.string(),
  price: z.number().nullish(),
  option_values: z.array(z.object({ option_display_name: z.string(), label: z.string() })).default([]),
});

export const bcProductSchema = z.object({
  id: z.number().int(),
  sku: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  price: z.number(),
  weight: z.number(),
  is_visible: z.boolean(),
  base_variant_id: z.number().int().nullish(),
  variants: z.array(bcVariantSchema).optional(),
});

export function toProductState(p: z.output<typeof bcProductSchema>): BcProductState {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    descriptionDigest: textDigest(p.description ?? ''),
    price: p.price,
    weight: p.weight,
    isVisible: p.is_visible,
    baseVariantId: p.base_variant_id ?? null,
    variants: (p.variants ?? []).map((v) => ({
      id: v.id,
      sku: v.sku,
      price: v.price ?? null,
      options: v.option_values.map((o) => ({ name: o.option_display_name, value: o.label })),
    })),
  };
}

/**
 * Which items of a batch an error names: V3 errors key each problem by the item's index
 * (`"3.sku": "error.sku.duplicate"`), in a 207's `errors.errors`, a 4xx's `errors`, or each of a
 * 422's `batch_errors`. Returns index -> reason.
 */
export function failedIndexes(fieldErrors: BcFieldError[] | Record<string, unknown> | undefined, fallbackTitle: string): Map<number, string> {
  const out = new Map<number, string>();
  const entries = Array.isArray(fieldErrors) ? fieldErrors.map((f) => [f.field, f.message] as const) : Object.entries(fieldErrors ?? {});
  for (const [field, message] of entries) {
    const m = /^(\d+)\.(.+)$/.exec(field);
    if (!m) continue;
    const index = Number(m[1]);
    const reason = m[2] === 'product' ? String(message) : `${m[2]}: ${String(message)}`;
    out.set(index, out.has(index) ? `${out.get(index)}; ${reason}` : reason);
  }
  if (out.size === 0 && fallbackTitle) return out;
  return out;
}
