import { z } from 'zod';
import { fromUnits, toUnits } from '../../domain/shared/money';

/** BigCommerce's wire formats, in one place so every endpoint writes them the same way. */

/** V2 money: a string with 4 decimals, e.g. "15.0000". */
export const v2Money = (units: number): string => fromUnits(units);

/** Money in request bodies (orders.v2.oas2.yml: "Float, Float-As-String, Integer"), never negative. */
export const moneyInput = z.union([z.number().nonnegative("can't be negative"), z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal')]);

/** Accepts what clients send for money in request bodies: numbers or decimal strings. */
export const parseMoneyInput = (value: number | string): number => toUnits(value);

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
