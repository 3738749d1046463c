import { z } from 'zod';

/** BigCommerce's wire formats, in one place so every endpoint writes them the same way. */

/**
 * Money in the sandbox is an integer count of ten-thousandths (BigCommerce V2 amounts have four
 * decimals). These two conversions are the sandbox's own, written apart from the product's money
 * module on purpose: a rounding mistake in one shows up as a mismatch against the other in tests.
 */
const UNITS_PER_WHOLE = 10_000;

/** V2 money: a string with 4 decimals, e.g. 155000 -> "15.5000", -5 -> "-0.0005". */
export function v2Money(units: number): string {
  if (!Number.isSafeInteger(units)) throw new RangeError(`not a whole number of ten-thousandths: ${units}`);
  const digits = String(Math.abs(units)).padStart(5, '0');
  return `${units < 0 ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

/** Money in request bodies (orders.v2.oas2.yml: "Float, Float-As-String, Integer"), never negative. */
export const moneyInput = z.union([z.number().nonnegative("can't be negative"), z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal')]);

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Accepts what clients send for money in request bodies, numbers or decimal strings, as
 * ten-thousandths: "15.5" -> 155000. A fifth decimal and beyond round half away from zero.
 */
export function parseMoneyInput(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not an amount: ${value}`);
    const units = Math.round(Math.abs(value) * UNITS_PER_WHOLE);
    return value < 0 && units !== 0 ? -units : units;
  }
  const match = DECIMAL_TEXT.exec(value.trim());
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, whole = '', fraction = ''] = match;
  // Whole and fraction digits read as one integer of ten-thousandths; the fifth decimal rounds it.
  const kept = fraction.slice(0, 4).padEnd(4, '0');
  const units = Number(`${whole}${kept}`) + (fraction.charAt(4) >= '5' ? 1 : 0);
  if (!Number.isSafeInteger(units)) throw new RangeError(`amount out of range: ${JSON.stringify(value)}`);
  return sign === '-' && units !== 0 ? -units : units;
}

/** Round ten-thousandths to whole cents, half away from zero (tax is charged in cents). */
export const roundToCents = (units: number): number => Math.sign(units) * Math.round(Math.abs(units) / 100) * 100;

/** V2 dates: RFC-2822, "Tue, 05 Mar 2019 21:40:11 +0000". */
export const rfc2822 = (ms: number): string => new Date(ms).toUTCString().replace('GMT', '+0000');

/** V3 dates: ISO-8601. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** Webhook and hook timestamps: Unix seconds. */
export const unixSeconds = (ms: number): number => Math.floor(ms / 1000);

/** V2 error body: an array of `{status, message}` (orders.v2.oas2.yml, 404_Resp). */
export const v2Error = (status: number, message: string) => [{ status, message }];

/** V3 error body: `{status, title, type, errors}` (FACTS.md section 5). */
export const v3Error = (status: number, title: string, errors: Record<string, string> = {}) => ({
  status,
  title,
  type: '/api-docs/getting-started/api-status-codes',
  errors,
});
