import type express from 'express';

/**
 * V2 paging: `page` from 1, `limit` 50 by default (orders.v2.oas2.yml, parameters page/limit).
 * A limit above `max` is clamped to it, not refused: a client that stops when a page holds fewer
 * than the limit it asked for then stops too early, as it would against a store that caps pages.
 */
export type Paging = { page: number; limit: number } | { error: string };

export function v2Paging(req: express.Request, max: number, defaultLimit = 50): Paging {
  const read = (name: 'page' | 'limit', fallback: number): number | string => {
    const raw = req.query[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    return typeof raw === 'string' && /^\d+$/.test(raw) && n >= 1 ? n : `The '${name}' parameter must be a positive integer.`;
  };
  const page = read('page', 1);
  const limit = read('limit', defaultLimit);
  if (typeof page === 'string') return { error: page };
  if (typeof limit === 'string') return { error: limit };
  return { page, limit: Math.min(limit, max) };
}

export const pageOf = <T>(items: T[], p: { page: number; limit: number }): T[] => items.slice((p.page - 1) * p.limit, p.page * p.limit);
