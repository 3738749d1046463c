import { variantsOf } from './catalog';
import type { OptionCreate, OptionValueCreate, OptionValueInput } from './catalog-schemas';
import type { SandboxContext } from './context';
import type { BcSandboxData, V3OptionValue, V3Product, V3ProductOption, V3ProductOptionValue } from './state';
import { V3Failure, v3NotFound } from './v3-errors';

/**
 * Variant options and their values (product-variant-options_catalog.v3.yml). A product's options are
 * what its variants carry, merged with the options and values created through the options
 * endpoints (stored in `data.productOptions`). A new variant names its values by ids of existing
 * options and values (the only way PUT /catalog/variants accepts), or, on a product POST with
 * `variants[]` and POST /products/{id}/variants, by `option_display_name` + `label`, which creates
 * the option or value when it is new. Every variant of a product has a value for each of its
 * options, and no two variants share a combination.
 */

/** The option records created through the options endpoints (none in data saved before them). */
const storedOptions = (data: BcSandboxData): Record<string, V3ProductOption> => (data.productOptions ??= {});

/** Hands out option and value ids above every id in the store (ids are store-wide in BigCommerce). */
export class OptionIds {
  private nextOption: number;
  private nextValue: number;

  constructor(data: BcSandboxData) {
    const all = Object.values(data.variants).flatMap((v) => v.option_values);
    const stored = Object.values(storedOptions(data));
    this.nextOption = Math.max(0, ...all.map((o) => o.option_id), ...stored.map((o) => o.id)) + 1;
    this.nextValue = Math.max(0, ...all.map((o) => o.id), ...stored.flatMap((o) => o.option_values.map((v) => v.id))) + 1;
  }

  option = () => this.nextOption++;
  value = () => this.nextValue++;
}

/** The product's options as productOption_Full: those its variants carry, then those created on their own. */
export function productOptions(data: BcSandboxData, productId: number): Array<V3ProductOption & { config: Record<string, never> }> {
  const options = new Map<number, V3ProductOption & { config: Record<string, never> }>();
  const add = (optionId: number, displayName: string, value: V3ProductOptionValue | undefined, stored?: V3ProductOption) => {
    const option = options.get(optionId) ?? {
      id: optionId,
      product_id: productId,
      display_name: displayName,
      type: stored?.type ?? 'rectangles',
      sort_order: stored?.sort_order ?? options.size,
      option_values: [],
      config: {},
    };
    options.set(optionId, option);
    if (value && !option.option_values.some((x) => x.id === value.id)) option.option_values.push({ ...value });
  };
  const stored = Object.values(storedOptions(data)).filter((o) => o.product_id === productId);
  for (const v of variantsOf(data, productId)) {
    for (const ov of v.option_values) {
      const own = stored.find((o) => o.id === ov.option_id);
      const at = options.get(ov.option_id)?.option_values.length ?? 0;
      add(
        ov.option_id,
        ov.option_display_name,
        own?.option_values.find((x) => x.id === ov.id) ?? { id: ov.id, label: ov.label, sort_order: at, value_data: null, is_default: false },
        own,
      );
    }
  }
  for (const o of stored) {
    add(o.id, o.display_name, undefined, o);
    for (const value of o.option_values) add(o.id, o.display_name, value, o);
  }
  return [...options.values()];
}

/** The option values a product has (its variants' and those created on their own), plus those resolved earlier in the same request. */
export function knownOptionValues(data: BcSandboxData, productId: number, pending: V3OptionValue[][] = []): V3OptionValue[] {
  const fromOptions = productOptions(data, productId).flatMap((o) =>
    o.option_values.map((v) => ({ id: v.id, label: v.label, option_id: o.id, option_display_name: o.display_name })),
  );
  return [...fromOptions, ...pending.flat()];
}

const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** "250 option values per option limit" (createProductVariantOptionValue). */
const VALUES_PER_OPTION = 250;

function checkLabels(labels: string[], field: string): void {
  labels.forEach((label, i) => {
    // Two values of one option with the same label: refused here (the spec does not say what BigCommerce answers; the message is chosen).
    if (labels.findIndex((l) => sameText(l, label)) !== i)
      throw new V3Failure(422, `The option already has a value labelled "${label}".`, { [`${field}.${i}.label`]: 'duplicate label' });
  });
}

/** POST /catalog/products/{id}/options: one variant option with its values. */
export function createOption(ctx: SandboxContext, product: V3Product, body: OptionCreate): V3ProductOption {
  const existing = productOptions(ctx.data, product.id);
  // 409 "Option was in conflict with another option. This is the result of duplicate unique fields"; the message is chosen.
  if (existing.some((o) => sameText(o.display_name, body.display_name))) {
    throw new V3Failure(409, `Product ${product.id} already has an option named "${body.display_name.trim()}".`, { display_name: 'duplicate option' });
  }
  if (body.option_values.length > VALUES_PER_OPTION)
    throw new V3Failure(422, `An option can have at most ${VALUES_PER_OPTION} values.`, { option_values: `at most ${VALUES_PER_OPTION}` });
  checkLabels(
    body.option_values.map((v) => v.label),
    'option_values',
  );
  const ids = new OptionIds(ctx.data);
  const option: V3ProductOption = {
    id: ids.option(),
    product_id: product.id,
    display_name: body.display_name.trim(),
    type: body.type,
    sort_order: body.sort_order ?? existing.length,
    option_values: body.option_values.map((v) => ({
      id: ids.value(),
      label: v.label.trim(),
      sort_order: v.sort_order,
      is_default: v.is_default ?? false,
      value_data: v.value_data ?? null,
    })),
  };
  storedOptions(ctx.data)[String(option.id)] = option;
  product.date_modified = new Date(ctx.now()).toISOString();
  ctx.changed();
  return option;
}

/** POST /catalog/products/{id}/options/{option_id}/values: one value added to an option of the product. */
export function createOptionValue(ctx: SandboxContext, product: V3Product, optionId: number, body: OptionValueCreate): V3ProductOptionValue {
  const option = productOptions(ctx.data, product.id).find((o) => o.id === optionId);
  if (!option) throw v3NotFound({ option_id: `product ${product.id} has no option ${optionId}` });
  if (option.option_values.length >= VALUES_PER_OPTION)
    throw new V3Failure(422, `An option can have at most ${VALUES_PER_OPTION} values.`, { label: `option ${optionId} has ${VALUES_PER_OPTION} values` });
  // The message is chosen: the spec does not say what BigCommerce answers to a second value with the same label.
  if (option.option_values.some((v) => sameText(v.label, body.label)))
    throw new V3Failure(422, `The option already has a value labelled "${body.label.trim()}".`, { label: 'duplicate label' });
  const value: V3ProductOptionValue = {
    id: new OptionIds(ctx.data).value(),
    label: body.label.trim(),
    sort_order: body.sort_order,
    is_default: body.is_default ?? false,
    value_data: body.value_data ?? null,
  };
  const stored = storedOptions(ctx.data);
  const record = stored[String(optionId)] ?? {
    id: option.id,
    product_id: product.id,
    display_name: option.display_name,
    type: option.type,
    sort_order: option.sort_order,
    option_values: [],
  };
  record.option_values.push(value);
  stored[String(optionId)] = record;
  product.date_modified = new Date(ctx.now()).toISOString();
  ctx.changed();
  return value;
}

/** Forgets the options created for products that are deleted. */
export function deleteOptionsOf(data: BcSandboxData, productId: number): void {
  const stored = storedOptions(data);
  for (const [id, o] of Object.entries(stored)) if (o.product_id === productId) delete stored[id];
}

const combination = (values: V3OptionValue[]) =>
  values
    .map((v) => `${v.option_id}=${v.id}`)
    .sort()
    .join('&');

/**
 * Resolves a new variant's option values against the product's. `siblings` are the option-value
 * sets of the product's other variants (existing and created earlier in this request).
 */
export function resolveOptionValues(input: OptionValueInput[], known: V3OptionValue[], siblings: V3OptionValue[][], ids: OptionIds, field: string): V3OptionValue[] {
  const resolved: V3OptionValue[] = [];
  input.forEach((o, i) => {
    const key = `${field}.${i}`;
    if (o.id !== undefined && o.option_id !== undefined) {
      const found = known.find((k) => k.id === o.id && k.option_id === o.option_id);
      if (!found) throw new V3Failure(422, `Option value ${o.id} of option ${o.option_id} does not exist on this product.`, { [key]: 'unknown option value' });
      resolved.push({ ...found });
      return;
    }
    const name = o.option_display_name!.trim();
    const sameOption =
      known.find((k) => k.option_display_name.toLowerCase() === name.toLowerCase()) ?? resolved.find((k) => k.option_display_name.toLowerCase() === name.toLowerCase());
    const optionId = sameOption?.option_id ?? ids.option();
    const sameValue = known.find((k) => k.option_id === optionId && k.label.toLowerCase() === o.label!.trim().toLowerCase());
    const value = sameValue ? { ...sameValue } : { id: ids.value(), label: o.label!.trim(), option_id: optionId, option_display_name: sameOption?.option_display_name ?? name };
    known.push(value);
    resolved.push(value);
  });

  if (new Set(resolved.map((v) => v.option_id)).size !== resolved.length) {
    throw new V3Failure(422, 'A variant can have only one value per option.', { [field]: 'two values of the same option' });
  }
  const optionSet = (values: V3OptionValue[]) => [...new Set(values.map((v) => v.option_id))].sort().join(',');
  const expected = siblings.find((s) => s.length > 0);
  if (expected && optionSet(expected) !== optionSet(resolved)) {
    const names = [...new Set(expected.map((v) => v.option_display_name))].join(', ');
    throw new V3Failure(422, `Every variant of this product needs one value for each of its options (${names}).`, { [field]: 'option set differs from the product options' });
  }
  if (siblings.some((s) => combination(s) === combination(resolved))) {
    throw new V3Failure(409, 'A variant with the same option values already exists on this product.', { [field]: 'duplicate option combination' });
  }
  return resolved;
}
