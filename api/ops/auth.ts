import type { RequestHandler, Response } from 'express';
import type { OpsTokenEntry } from '../../config/api';
import type { Config } from '../../config/env';
import { secretMatches } from '../shared/webhook-secret';

/**
 * Who may use the ops API: `OPS_TOKEN` (named `ops`, every store) and the named, store-scoped
 * tokens of `OPS_TOKENS`. The caller's token name is recorded with each decision it makes.
 */

/** The token a request was authenticated with (`res.locals.opsCaller`). */
export interface OpsCaller {
  name: string;
  stores: readonly string[] | '*';
}

export function opsTokens(api: Config['api']): OpsTokenEntry[] {
  return [...(api.opsToken ? [{ name: 'ops', token: api.opsToken, stores: '*' as const }] : []), ...(api.opsTokens ?? [])];
}

/** The entry a presented token matches; every entry is compared (constant time each), not only until the first match. */
export function matchToken(tokens: readonly OpsTokenEntry[], presented: string | undefined): OpsTokenEntry | undefined {
  let found: OpsTokenEntry | undefined;
  for (const t of tokens) if (secretMatches(presented, t.token) && !found) found = t;
  return found;
}

/**
 * Authentication before anything reads the body: 503 when no token is configured, 401 for a missing
 * or wrong bearer token; the caller goes to `res.locals.opsCaller`.
 */
export function opsAuth(config: Config): RequestHandler {
  const tokens = opsTokens(config.api);
  return (req, res, next) => {
    if (tokens.length === 0) return void res.status(503).json({ error: 'ops API disabled', reason: 'set OPS_TOKEN or OPS_TOKENS to enable it' });
    const presented = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const entry = matchToken(tokens, presented);
    if (!entry) return void res.status(401).json({ error: 'unauthorized', reason: 'missing or wrong bearer token' });
    const caller: OpsCaller = { name: entry.name, stores: entry.stores };
    res.locals.opsCaller = caller;
    next();
  };
}

export function callerOf(res: Response): OpsCaller {
  const caller = res.locals.opsCaller as OpsCaller | undefined;
  // opsAuth runs before every /ops route; a route without it is a wiring bug, not a caller's.
  if (!caller) throw new Error('ops route reached without opsAuth');
  return caller;
}

/** The request came without a body (the parser still makes `{}` of it). */
export function bodyWasEmpty(res: Response): boolean {
  return res.locals.opsBodyEmpty === true;
}

export function mayActOn(caller: OpsCaller, storeHash: string): boolean {
  return caller.stores === '*' || caller.stores.includes(storeHash);
}

/** 403 naming the store when the caller's token is not for it; true when it answered. */
export function refuseOtherStore(res: Response, caller: OpsCaller, storeHash: string): boolean {
  if (mayActOn(caller, storeHash)) return false;
  res.status(403).json({ error: 'forbidden', reason: `the token ${caller.name} is not for store ${storeHash}` });
  return true;
}

/**
 * Ops bodies are JSON. A body of any other type is refused (415) before it is parsed, so it can
 * never arrive as an empty decision (a `skip` of everything). A request without a body and without
 * a content type is let through only where `bodyOptional`: no field of the body changes what it does.
 */
export function jsonBodyOnly(opts: { bodyOptional: (path: string) => boolean }): RequestHandler {
  return (req, res, next) => {
    const type = req.get('content-type');
    const hasBody = req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? '0') > 0;
    // The media type itself (not `req.is`, which answers null for a request without a body).
    const json = type?.split(';')[0]?.trim().toLowerCase() === 'application/json';
    if (type === undefined ? hasBody || !opts.bodyOptional(req.originalUrl.split('?')[0] ?? '') : !json)
      return void res.status(415).json({
        error: 'unsupported media type',
        reason: `send a JSON body with Content-Type: application/json${type ? `, not ${type.slice(0, 100)}` : ''}`,
      });
    // The JSON parser makes `{}` of an empty body: a route that must tell the two apart reads this.
    res.locals.opsBodyEmpty = !hasBody;
    next();
  };
}
