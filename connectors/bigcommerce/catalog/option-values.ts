import { z } from 'zod';
import type { ParkedItem } from '../../../domain/catalog/item';
import type { VariantWrite } from '../../../domain/catalog/diff';
import type { BigCommerceClient } from '../client';
import { BigCommerceError } from '../errors';

type CallOpts = { signal?: AbortSignal; priority?: number };

/** What PUT /v3/catalog/variants takes for each option value of a new variant. */
export interface OptionValueRef {
  id: number;
  option_id: number;
}

const optionValueSchema = z.object({ id: z.number().int(), label: z.string(), sort_order: z.number().int().nullish() });
const optionSchema = z.object({ id: z.number().int(), display_name: z.string(), option_values: z.array(optionValueSchema).default([]) });
type BcOption = z.output<typeof optionSchema>;

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The answers that refuse one request for good (the item is parked); anything else is thrown, so the activity is retried. */
const isRefusal = (err: unknown): err is BigCommerceError => err instanceof BigCommerceError && ['validation', 'conflict', 'not_found'].includes(err.kind);
const parkedType = (err: BigCommerceError) => (err.kind === 'conflict' ? 'BcConflict' : err.kind === 'not_found' ? 'BcNotFound' : 'BcValidation');

/**
 * The option value ids for variants created on products that already exist. PUT /v3/catalog/variants
 * takes a new variant's option values only as `{id, option_id}` ("To create a new variant: product_id,
 * sku, option_values - id (option_value ID) - option_id (Option ID)", updateVariantsBatch), and they
 * must exist first ("To obtain the option_values ... use the Create a product variant option
 * endpoint", createProductVariant). Per product: one GET of its options (with their values); a POST
 * for each option it lacks, with every value this batch needs of it; a POST for each value an
 * existing option lacks. Names and labels match without letter case. A variant whose value cannot
 * be made is returned parked, with the reason BigCommerce gave.
 * https://developer.bigcommerce.com/docs/rest-catalog/product-variant-options
 */
export async function resolveOptionValueIds(
  client: BigCommerceClient,
  creates: VariantWrite[],
  opts: CallOpts = {},
): Promise<{ refs: Map<VariantWrite, OptionValueRef[]>; parked: ParkedItem[]; calls: number }> {
  const refs = new Map<VariantWrite, OptionValueRef[]>();
  const parked: ParkedItem[] = [];
  let calls = 0;
  const byProduct = new Map<number, VariantWrite[]>();
  for (const w of creates) {
    if (!w.option_values?.length) {
      parked.push({ sku: w.sku, type: 'BcValidation', reason: 'a new variant needs option values' });
      continue;
    }
    byProduct.set(w.product_id, [...(byProduct.get(w.product_id) ?? []), w]);
  }

  for (const [productId, writes] of byProduct) {
    const route = '/v3/catalog/products/{id}/options';
    // Listed before every attempt to create anything: an activity retried after a lost answer (the
    // option or value was made, the answer never came) finds what its earlier attempt made and
    // adopts it, instead of creating a duplicate.
    let options: BcOption[];
    calls++;
    try {
      const res = await client.request(
        { method: 'GET', path: `/v3/catalog/products/${productId}/options`, query: { limit: 250 }, route, ...opts },
        z.object({ data: z.array(optionSchema) }),
      );
      options = res.data?.data ?? [];
    } catch (err) {
      if (!isRefusal(err)) throw err;
      for (const w of writes) parked.push({ sku: w.sku, type: parkedType(err), reason: `the options of product ${productId} could not be read: ${err.message}` });
      continue;
    }
    /** Options and values this call could not make, by name (and label): each is tried once. */
    const refused = new Map<string, { type: string; reason: string }>();

    const ensure = async (name: string, label: string): Promise<OptionValueRef | { type: string; reason: string }> => {
      let option = options.find((o) => same(o.display_name, name));
      if (!option) {
        const optionKey = name.trim().toLowerCase();
        const known = refused.get(optionKey);
        if (known) return known;
        // Every value this batch needs of the new option, in one create.
        const labels = [
          ...new Map(
            writes
              .flatMap((w) => w.option_values ?? [])
              .filter((o) => same(o.option_display_name, name))
              .map((o) => [o.label.trim().toLowerCase(), o.label.trim()] as const),
          ).values(),
        ];
        calls++;
        try {
          const body = { display_name: name.trim(), type: 'rectangles', option_values: labels.map((l, i) => ({ label: l, sort_order: i })) };
          const res = await client.request({ method: 'POST', path: `/v3/catalog/products/${productId}/options`, body, route, ...opts }, z.object({ data: optionSchema }));
          option = res.data!.data;
          options.push(option);
        } catch (err) {
          if (!isRefusal(err)) throw err;
          const r = { type: parkedType(err), reason: `option "${name}" could not be created on product ${productId}: ${err.message}` };
          refused.set(optionKey, r);
          return r;
        }
      }
      let value = option.option_values.find((v) => same(v.label, label));
      if (!value) {
        const valueKey = `${option.id}\u0000${label.trim().toLowerCase()}`;
        const known = refused.get(valueKey);
        if (known) return known;
        calls++;
        try {
          const sortOrder = Math.max(-1, ...option.option_values.map((v, i) => v.sort_order ?? i)) + 1;
          const res = await client.request(
            {
              method: 'POST',
              path: `/v3/catalog/products/${productId}/options/${option.id}/values`,
              body: { label: label.trim(), sort_order: sortOrder },
              route: `${route}/{id}/values`,
              ...opts,
            },
            z.object({ data: optionValueSchema }),
          );
          value = res.data!.data;
          option.option_values.push(value);
        } catch (err) {
          if (!isRefusal(err)) throw err;
          const r = { type: parkedType(err), reason: `value "${label}" of option "${name}" could not be created on product ${productId}: ${err.message}` };
          refused.set(valueKey, r);
          return r;
        }
      }
      return { id: value.id, option_id: option.id };
    };

    for (const w of writes) {
      const resolved: OptionValueRef[] = [];
      let failure: { type: string; reason: string } | undefined;
      for (const o of w.option_values!) {
        const r = await ensure(o.option_display_name, o.label);
        if ('reason' in r) {
          failure = r;
          break;
        }
        resolved.push(r);
      }
      if (failure) parked.push({ sku: w.sku, type: failure.type, reason: failure.reason });
      else refs.set(w, resolved);
    }
  }
  return { refs, parked, calls };
}
