import express, { type RequestHandler, type Response } from 'express';
import { bodiesParsed } from '../../lib/metrics';

/**
 * The body as raw bytes, up to `limit` bytes *after* decompression (body-parser counts the inflated
 * stream, so a gzip bomb stops at the limit: 413). Read only once the caller is authenticated by a
 * header; a signature is then verified on these very bytes before anything parses them.
 */
export const rawBody = (limit: string): RequestHandler => express.raw({ limit, type: () => true });

/** Deeper than any body we take (BigCommerce events nest 3 levels, ERP batches 4). */
export const MAX_JSON_DEPTH = 16;

export type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * JSON from the raw body, once the caller is authenticated (`res.locals.authenticated`): every
 * parse is counted by whether it was, and the count of unauthenticated parses must stay 0. Nesting
 * deeper than MAX_JSON_DEPTH is refused before parsing, in one pass over the text.
 */
export function parseJsonBody(res: Response, route: string, body: unknown): Parsed {
  bodiesParsed.inc({ route, authenticated: res.locals.authenticated === true ? 'yes' : 'no' });
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : '';
  if (text.trim() === '') return { ok: false, reason: 'body is empty' };
  if (jsonDepth(text) > MAX_JSON_DEPTH) return { ok: false, reason: `body nests deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
}

/** The deepest nesting of objects and arrays in a JSON text (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/**
 * Temporal refused the request itself (an id or payload over its limits, an invalid argument):
 * sending it again can never help, so the answer is a 4xx naming the event, not a 503 that makes
 * the sender retry forever. gRPC INVALID_ARGUMENT only: RESOURCE_EXHAUSTED is also a rate limit.
 */
/** Why Temporal refused a request, for the sender (bounded: its message can be long). */
export function temporalRefusalReason(err: unknown): string {
  return `Temporal refused it: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
}

export function isTemporalRefusal(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    if ((e as { code?: unknown }).code === 3) return true;
  }
  return false;
}

/** Longer than any route's own waits (the OMS route's 25 s read, ops' 15 s), shorter than a sender's patience. */
export const REQUEST_DEADLINE_MS = 40_000;

/**
 * Every request is answered within `ms`: past it, 503 with Retry-After (nothing is known to be
 * durable, so the sender must send again; every receiver is idempotent). The route's own answer,
 * if it comes later, is dropped: writes to an answered response are ignored instead of throwing.
 */
export function requestDeadline(ms = REQUEST_DEADLINE_MS): RequestHandler {
  return (_req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res
        .status(503)
        .set('Retry-After', '30')
        .json({ error: 'temporarily unavailable', reason: `not answered within ${ms / 1000} s; send it again` });
    }, ms);
    timer.unref();
    res.on('close', () => clearTimeout(timer));
    const { json, set } = res;
    res.json = (body) => (res.headersSent ? res : json.call(res, body));
    res.set = ((...args: Parameters<typeof set>) => (res.headersSent ? res : set.apply(res, args))) as typeof set;
    next();
  };
}
