import { z } from 'zod';
import { normalizeMoney } from '../../domain/shared/money';

/**
 * Field types BigCommerce uses across its APIs, validated strictly where the specs are firm and
 * leniently where real responses vary (examples in orders.v2.oas2.yml show both "15.0000" and
 * "924.47", and numbers in consignments).
 */
export const bcMoney = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount'), z.number()]).transform((v) => normalizeMoney(v));

/** V2 dates are RFC-2822 ("Tue, 05 Mar 2019 21:40:11 +0000"); we carry ISO-8601. */
export const bcRfc2822Date = z.string().transform((value, ctx) => {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    ctx.addIssue({ code: 'custom', message: `not a date: ${value}` });
    return z.NEVER;
  }
  return new Date(time).toISOString();
});

/** Strings the V2 API sometimes returns as null. */
export const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
