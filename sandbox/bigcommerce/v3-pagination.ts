import { V3Failure } from './v3-errors';
import { param, type Query } from './v3-query';

/**
 * V3 pagination (FACTS.md section 4): offset pages `?page&limit` with `meta.pagination`, and cursors
 * `?after|before&limit` with `meta.cursor_pagination` where the spec has them. Links are relative
 * query strings; they keep the request's filters so following `next` stays on the same result set.
 */

export interface OffsetPagination {
  total: number;
  count: number;
  per_page: number;
  current_page: number;
  total_pages: number;
  links: { previous?: string; current: string; next?: string };
}

export interface CursorPagination {
  count: number;
  per_page: number;
  start_cursor?: string;
  end_cursor?: string;
  links: { previous?: string; current: string; next?: string };
}

const PAGING_PARAMS = new Set(['page', 'limit', 'after', 'before']);

/** `?<filters>&<extra>`: the request's other parameters followed by the paging ones. */
function link(query: Query, extra: Record<string, string | number>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (PAGING_PARAMS.has(key) || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  for (const [key, value] of Object.entries(extra)) params.append(key, String(value));
  return `?${params.toString().replace(/%2C/gi, ',').replace(/%3A/gi, ':')}`;
}

export interface PageRequest {
  page: number;
  limit: number;
  /** `page` was sent explicitly (price lists and customers then answer with offset pagination only). */
  pageGiven: boolean;
}

/**
 * Reads `page` and `limit`. A limit above the maximum is 413 (FACTS.md section 5: "413 `limit` above
 * the maximum"); `clampTo` caps the page size silently instead, as `include=options|modifiers`
 * limits catalog pages to 10.
 */
export function readPage(query: Query, opts: { defaultLimit?: number; maxLimit?: number; clampTo?: number } = {}): PageRequest {
  const maxLimit = opts.maxLimit ?? 250;
  const rawPage = param(query, 'page');
  const rawLimit = param(query, 'limit');
  if (rawPage !== undefined && !/^\d+$/.test(rawPage)) throw new V3Failure(422, 'The filter(s): page are not valid', { page: 'expected a positive integer' });
  if (rawLimit !== undefined && !/^\d+$/.test(rawLimit)) throw new V3Failure(422, 'The filter(s): limit are not valid', { limit: 'expected a positive integer' });
  const page = rawPage === undefined ? 1 : Math.max(1, Number(rawPage));
  let limit = rawLimit === undefined ? (opts.defaultLimit ?? 50) : Number(rawLimit);
  if (limit < 1) throw new V3Failure(422, 'The filter(s): limit are not valid', { limit: 'expected a positive integer' });
  if (limit > maxLimit) throw new V3Failure(413, `The limit ${limit} is larger than the maximum of ${maxLimit} items per page.`, { limit: `maximum ${maxLimit}` });
  if (opts.clampTo !== undefined) limit = Math.min(limit, opts.clampTo);
  return { page, limit, pageGiven: rawPage !== undefined };
}

export function offsetPage<T>(items: readonly T[], req: PageRequest, query: Query): { slice: T[]; pagination: OffsetPagination } {
  const { page, limit } = req;
  const totalPages = Math.ceil(items.length / limit);
  const slice = items.slice((page - 1) * limit, page * limit);
  return {
    slice,
    pagination: {
      total: items.length,
      count: slice.length,
      per_page: limit,
      current_page: page,
      total_pages: totalPages,
      links: {
        ...(page > 1 ? { previous: link(query, { page: page - 1, limit }) } : {}),
        current: link(query, { page, limit }),
        ...(page < totalPages ? { next: link(query, { page: page + 1, limit }) } : {}),
      },
    },
  };
}

export const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64');

export function decodeCursor(cursor: string, name: 'after' | 'before'): string {
  const key = Buffer.from(cursor, 'base64').toString('utf8');
  if (!cursor || encodeCursor(key) !== cursor) throw new V3Failure(422, `The filter(s): ${name} are not valid`, { [name]: 'not a cursor this API returned' });
  return key;
}

export interface CursorRequest {
  after?: string;
  before?: string;
}

export function readCursor(query: Query): CursorRequest | undefined {
  const after = param(query, 'after');
  const before = param(query, 'before');
  if (after === undefined && before === undefined) return undefined;
  if (after !== undefined && before !== undefined) throw new V3Failure(422, 'The filter(s): after, before are not valid', { after: 'send either after or before, not both' });
  if (param(query, 'page') !== undefined) throw new V3Failure(422, 'The filter(s): page are not valid', { page: 'page cannot be combined with a cursor' });
  return after !== undefined ? { after } : { before };
}

/**
 * One page of `items` (already filtered and sorted) around a cursor. `keyOf` gives the key a cursor
 * encodes (customers: "id:7", like the spec's example cursor "aWQ6Nw=="); `positionOf` finds where a
 * key falls when its record is gone (deleted between two pages), or -1 when it cannot tell.
 */
export function cursorPage<T>(
  items: readonly T[],
  cursor: CursorRequest | undefined,
  limit: number,
  query: Query,
  keyOf: (item: T) => string,
  positionOf: (key: string) => number = () => -1,
): { slice: T[]; cursorPagination: CursorPagination } {
  let start = 0;
  let end = Math.min(items.length, limit);
  const locate = (encoded: string, name: 'after' | 'before') => {
    const key = decodeCursor(encoded, name);
    const exact = items.findIndex((item) => keyOf(item) === key);
    if (exact >= 0) return { index: exact, exact: true };
    const pos = positionOf(key);
    if (pos < 0) throw new V3Failure(422, `The filter(s): ${name} are not valid`, { [name]: 'the cursor points at nothing in this result set' });
    return { index: pos, exact: false };
  };
  if (cursor?.after !== undefined) {
    const { index, exact } = locate(cursor.after, 'after');
    start = exact ? index + 1 : index;
    end = Math.min(items.length, start + limit);
  } else if (cursor?.before !== undefined) {
    const { index } = locate(cursor.before, 'before');
    end = index;
    start = Math.max(0, end - limit);
  }
  const slice = items.slice(start, end);
  const startCursor = slice.length ? encodeCursor(keyOf(slice[0]!)) : undefined;
  const endCursor = slice.length ? encodeCursor(keyOf(slice[slice.length - 1]!)) : undefined;
  const current: Record<string, string> = cursor?.after !== undefined ? { after: cursor.after } : cursor?.before !== undefined ? { before: cursor.before } : {};
  return {
    slice,
    cursorPagination: {
      count: slice.length,
      per_page: limit,
      ...(startCursor ? { start_cursor: startCursor, end_cursor: endCursor } : {}),
      links: {
        ...(start > 0 && startCursor ? { previous: link(query, { limit, before: startCursor }) } : {}),
        current: link(query, { limit, ...current }),
        ...(end < items.length && endCursor ? { next: link(query, { limit, after: endCursor }) } : {}),
      },
    },
  };
}
