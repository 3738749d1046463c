import type { Request } from 'express';
import { NetSuiteInputError } from './netsuite-errors';

/**
 * SuiteQL (`POST /services/rest/query/v1/suiteql?limit=&offset=`, body `{"q": "SELECT ..."}`,
 * header `Prefer: transient`). The sandbox answers a fixed set of queries, the ones this product
 * sends, each recognised by a pattern; anything else is NetSuite's 400 for an invalid search, so a
 * query that drifts from what the sandbox knows fails loudly in tests.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */

export type SuiteQlRow = Record<string, string | number | boolean | null>;

export interface SuiteQlHandler {
  /** What the query is, for the error listing known queries. */
  name: string;
  pattern: RegExp;
  /** All rows of the query, in the order its ORDER BY asks; the registry pages them. */
  rows(match: RegExpExecArray, q: string): SuiteQlRow[];
}

/** "≤ 1000 rows per page, ≤ 100,000 results per query" (connectors/FACTS.md section 2). */
export const SUITEQL_MAX_LIMIT = 1000;
export const SUITEQL_MAX_RESULTS = 100_000;

export class SuiteQlRegistry {
  private readonly handlers: SuiteQlHandler[] = [];

  register(handler: SuiteQlHandler): void {
    this.handlers.push(handler);
  }

  answer(req: Request, baseUrl: string): unknown {
    const q = typeof req.body?.q === 'string' ? req.body.q.replace(/\s+/g, ' ').trim() : '';
    if (!q) throw new NetSuiteInputError(400, 'Bad Request', 'INVALID_PARAMETER', 'The request body must be {"q": "<SuiteQL query>"}.');
    const limit = Number(req.query.limit ?? 1000);
    const offset = Number(req.query.offset ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > SUITEQL_MAX_LIMIT)
      throw new NetSuiteInputError(400, 'Bad Request', 'INVALID_PARAMETER', `Invalid limit ${req.query.limit}: 1 to ${SUITEQL_MAX_LIMIT}.`);
    if (!Number.isInteger(offset) || offset < 0 || offset % limit !== 0)
      throw new NetSuiteInputError(400, 'Bad Request', 'INVALID_PARAMETER', 'The offset must be a multiple of the limit.');
    for (const h of this.handlers) {
      const m = h.pattern.exec(q);
      if (!m) continue;
      const all = h.rows(m, q);
      if (all.length > SUITEQL_MAX_RESULTS)
        throw new NetSuiteInputError(400, 'Bad Request', 'INVALID_SEARCH', `The query returns more than ${SUITEQL_MAX_RESULTS} results; narrow it.`);
      const items = all.slice(offset, offset + limit).map((r) => ({ links: [], ...r }));
      const hasMore = offset + limit < all.length;
      const link = (o: number) => `${baseUrl}?limit=${limit}&offset=${o}`;
      return {
        links: [{ rel: 'self', href: link(offset) }, ...(hasMore ? [{ rel: 'next', href: link(offset + limit) }] : [])],
        count: items.length,
        hasMore,
        items,
        offset,
        totalResults: all.length,
      };
    }
    throw new NetSuiteInputError(
      400,
      'Bad Request',
      'INVALID_SEARCH',
      `Invalid search query. The ERP sandbox knows: ${this.handlers.map((h) => h.name).join('; ') || 'no queries'}. Query: ${q.slice(0, 300)}`,
    );
  }
}

/** `TO_TIMESTAMP('2026-11-27 10:00:00', 'YYYY-MM-DD HH24:MI:SS')` (UTC here) -> epoch ms; how the queries carry a watermark. */
export function parseToTimestamp(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text);
  if (!m) throw new NetSuiteInputError(400, 'Bad Request', 'INVALID_SEARCH', `Invalid timestamp literal ${text}`);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, Number((m[7] ?? '0').padEnd(3, '0')));
}

/** The inverse: how the ERP prints a timestamp column. */
export const formatTimestamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
