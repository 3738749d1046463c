import type { Request } from 'express';

/**
 * ASP.NET binds query parameters case-insensitively: SHIP_NOTIFY's own resource_url says
 * `storeID=` while the docs say `storeId`, and both work. Reads the first value of a parameter
 * whatever its case.
 */
export function queryParam(req: Request, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(req.query)) {
    if (key.toLowerCase() !== wanted) continue;
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  }
  return undefined;
}

/** page/pageSize as ShipStation reads them: page from 1, pageSize up to 500 (default 100). */
export function paging(req: Request): { page: number; pageSize: number } | { error: string } {
  const page = Number(queryParam(req, 'page') ?? 1);
  const pageSize = Number(queryParam(req, 'pageSize') ?? 100);
  if (!Number.isInteger(page) || page < 1) return { error: 'page must be a positive integer.' };
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) return { error: 'pageSize must be an integer between 1 and 500.' };
  return { page, pageSize };
}

/** The list envelope every V1 list uses: `{<items>, total, page, pages}`. */
export function pageOf<T>(all: T[], page: number, pageSize: number): { items: T[]; total: number; page: number; pages: number } {
  return { items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length, page, pages: Math.ceil(all.length / pageSize) };
}
