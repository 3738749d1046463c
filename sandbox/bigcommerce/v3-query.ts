import type express from 'express';
import { V3Failure } from './v3-errors';

/**
 * Reading V3 query filters: `id:in=1,2,3`, `inventory_level:min=5`, `is_visible=true`. A filter
 * whose value cannot be read is a 422 naming the filter, never silently ignored, so a client bug
 * shows up against the sandbox.
 */

export type Query = express.Request['query'];

/** The raw value of a query parameter (the last one when it is repeated). */
export function param(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) return value.length ? String(value[value.length - 1]) : undefined;
  return value === undefined ? undefined : String(value);
}

const badFilter = (name: string, why: string) => new V3Failure(422, `The filter(s): ${name} are not valid`, { [name]: why });

export function csv(query: Query, name: string): string[] | undefined {
  const raw = param(query, name);
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function csvInts(query: Query, name: string): number[] | undefined {
  const values = csv(query, name);
  if (values === undefined) return undefined;
  if (!values.every((v) => /^-?\d+$/.test(v))) throw badFilter(name, 'expected a comma-separated list of integers');
  return values.map(Number);
}

export function int(query: Query, name: string): number | undefined {
  const raw = param(query, name);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw badFilter(name, 'expected an integer');
  return Number(raw);
}

export function num(query: Query, name: string): number | undefined {
  const raw = param(query, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw badFilter(name, 'expected a number');
  return n;
}

/** `true`/`false`, and the `1`/`0` some catalog filters document. */
export function bool(query: Query, name: string): boolean | undefined {
  const raw = param(query, name);
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw badFilter(name, 'expected true or false');
}

export function oneOf<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const raw = param(query, name);
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) throw badFilter(name, `expected one of ${allowed.join(', ')}`);
  return raw as T;
}

/**
 * A date filter as epoch ms. Accepts ISO-8601 date-times, plain dates and Unix seconds. The catalog
 * documents that a plain date gets "the current time of the request" appended
 * (products_catalog.v3.yml DateModifiedMinParam), so `dateOnly: 'now'` does that; elsewhere a plain
 * date means midnight UTC.
 */
export function date(query: Query, name: string, opts: { dateOnly?: 'midnight' | 'now'; nowMs?: number } = {}): number | undefined {
  const raw = param(query, name);
  if (raw === undefined) return undefined;
  if (/^\d{9,10}$/.test(raw)) return Number(raw) * 1000;
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const midnight = Date.parse(`${raw}T00:00:00Z`);
    if (Number.isNaN(midnight)) throw badFilter(name, 'expected a date');
    if (opts.dateOnly !== 'now') return midnight;
    const now = new Date(opts.nowMs ?? Date.now());
    return midnight + ((now.getUTCHours() * 60 + now.getUTCMinutes()) * 60 + now.getUTCSeconds()) * 1000 + now.getUTCMilliseconds();
  }
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw badFilter(name, 'expected an ISO-8601 date');
  return ms;
}

/** Keeps items whose value lies within the `name:min` / `name:max` filters, both inclusive. */
export function withinRange(value: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

/**
 * `include_fields` / `exclude_fields`: "The ID and the specified fields will be returned"; "The ID
 * cannot be excluded" (products_catalog.v3.yml). `always` lists fields the spec says are returned
 * whatever is asked (gift-wrapping options on products).
 */
export function projectFields<T extends Record<string, unknown>>(record: T, query: Query, always: readonly string[] = []): Partial<T> {
  const include = csv(query, 'include_fields');
  const exclude = csv(query, 'exclude_fields');
  if (!include?.length && !exclude?.length) return record;
  const keep = (key: string) => key === 'id' || always.includes(key) || ((!include?.length || include.includes(key)) && !exclude?.includes(key));
  return Object.fromEntries(Object.entries(record).filter(([key]) => keep(key))) as Partial<T>;
}
