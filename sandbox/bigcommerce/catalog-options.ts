import { variantsOf } from './catalog';
import type { OptionValueInput } from './catalog-schemas';
import type { BcSandboxData, V3OptionValue } from './state';
import { V3Failure } from './v3-errors';

/**
 * Variant option values. The sandbox has no options endpoints: a product's options are what its
 * variants carry. A new variant names its values either by ids of existing options and values, or by
 * `option_display_name` + `label`, which creates the option or value when it is new, as a product
 * POST with `variants[]` does. Every variant of a product has a value for each of its options, and
 * no two variants share a combination.
 */

/** Hands out option and value ids above every id in the store (ids are store-wide in BigCommerce). */
export class OptionIds {
  private nextOption: number;
  private nextValue: number;

  constructor(data: BcSandboxData) {
    const all = Object.values(data.variants).flatMap((v) => v.option_values);
    this.nextOption = Math.max(0, ...all.map((o) => o.option_id)) + 1;
    this.nextValue = Math.max(0, ...all.map((o) => o.id)) + 1;
  }

  option = () => this.nextOption++;
  value = () => this.nextValue++;
}

/** The option values a product's variants already use, plus those resolved earlier in the same request. */
export function knownOptionValues(data: BcSandboxData, productId: number, pending: V3OptionValue[][] = []): V3OptionValue[] {
  return [...variantsOf(data, productId).flatMap((v) => v.option_values), ...pending.flat()];
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
    const sameOption = known.find((k) => k.option_display_name.toLowerCase() === name.toLowerCase()) ?? resolved.find((k) => k.option_display_name.toLowerCase() === name.toLowerCase());
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
