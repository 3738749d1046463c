import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import type { CodecToken } from '../../config/codec';
import type { Logger } from '../../lib/logger';
import { describeIssues } from '../shared/responses';
import { secretMatches } from '../shared/webhook-secret';

/**
 * The codec server: Temporal's remote codec protocol (`POST /encode`, `POST /decode`, bodies
 * `{"payloads": [{"metadata": {k: base64}, "data": base64}]}`, the JSON form of the Payloads
 * message) over the payload keys, so the Web UI and the `temporal` CLI show decoded payloads to ops
 * and to nobody else. Every request is authenticated; none is logged with a payload or a token.
 * https://docs.temporal.io/production-deployment/data-encryption
 */
export interface CodecAppDeps {
  codec: PayloadCodec;
  /** The namespace whose keys this is: a request naming another (X-Namespace) is refused. */
  namespace: string;
  tokens: readonly CodecToken[];
  corsOrigins: readonly string[];
  /** The Web UI's forwarded OIDC access tokens (`passAccessToken`), checked with jose. */
  oidc?: { issuer: string; audience: string; keys: JWTVerifyGetKey };
  logger: Logger;
}

const base64 = z.base64('expected base64');
const wirePayloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(10_000, 'at most 10000 payloads per request'),
});
type WirePayload = z.infer<typeof wirePayloads>['payloads'][number];

const fromWire = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toWire = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** Who made the request: a token's name, or `oidc` for a valid forwarded access token; undefined = refused. */
async function caller(req: Request, deps: CodecAppDeps): Promise<string | undefined> {
  const inPath = typeof req.params.token === 'string' ? req.params.token : undefined;
  const header = req.get('authorization');
  const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
  const presented = inPath ?? bearer;
  if (!presented) return undefined;
  const named = deps.tokens.find((t) => secretMatches(presented, t.token));
  if (named) return named.name;
  if (!deps.oidc || inPath) return undefined;
  try {
    await jwtVerify(presented, deps.oidc.keys, { issuer: deps.oidc.issuer, audience: deps.oidc.audience });
    return 'oidc';
  } catch {
    return undefined;
  }
}

export function createCodecApp(deps: CodecAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  const allowed = new Set(deps.corsOrigins);

  // CORS for the configured Web UI origins only; the browser's preflight carries no credentials.
  const cors: RequestHandler = (req, res, next) => {
    const origin = req.get('origin');
    if (origin && allowed.has(origin)) {
      res.set({
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type, x-namespace',
        'access-control-max-age': '600',
      });
    }
    res.vary('origin');
    if (req.method === 'OPTIONS') {
      res.status(origin && allowed.has(origin) ? 204 : 403).end();
      return;
    }
    next();
  };

  // Who asks, then what: nothing is parsed for a caller without a token.
  const authenticate: RequestHandler = async (req, res, next) => {
    const who = await caller(req, deps);
    if (!who) {
      res
        .set('www-authenticate', 'Bearer')
        .status(401)
        .json({ error: 'unauthorized', reason: 'a codec token (Authorization: Bearer, or /t/<token>/) or an access token of the configured issuer' });
      return;
    }
    const namespace = req.get('x-namespace');
    if (namespace !== undefined && namespace !== deps.namespace) {
      res.status(403).json({ error: 'forbidden', reason: `this codec server holds the keys of namespace ${deps.namespace} only` });
      return;
    }
    if (!req.is('application/json')) {
      res.status(415).json({ error: 'unsupported media type', reason: 'send application/json' });
      return;
    }
    res.locals.who = who;
    next();
  };

  const handle =
    (op: 'encode' | 'decode'): RequestHandler =>
    async (req, res) => {
      const who = String(res.locals.who);
      const parsed = wirePayloads.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({ error: 'bad request', reason: describeIssues(parsed.error.issues, 'body') });
        return;
      }
      const payloads = parsed.data.payloads.map(fromWire);
      try {
        const out = op === 'encode' ? await deps.codec.encode(payloads) : await deps.codec.decode(payloads);
        deps.logger.info({ who, op, payloads: payloads.length }, 'codec request');
        res.json({ payloads: out.map(toWire) });
      } catch (err) {
        // A key this server does not hold, or altered data: the message names the key id, never data.
        deps.logger.warn({ who, op, payloads: payloads.length, err: err instanceof Error ? err.message : String(err) }, 'codec request failed');
        res.status(422).json({ error: 'cannot decode', reason: err instanceof Error ? err.message : String(err) });
      }
    };

  const json = express.json({ limit: '8mb', type: () => true });
  for (const prefix of ['', '/t/:token']) {
    app.options(`${prefix}/:op`, cors);
    app.post(`${prefix}/encode`, cors, authenticate, json, handle('encode'));
    app.post(`${prefix}/decode`, cors, authenticate, json, handle('decode'));
  }
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found' });
  });
  const errors: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, _next) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({ error: status === 413 ? 'payload too large' : status === 400 ? 'bad request' : 'error', reason: err.type ?? 'request failed' });
  };
  app.use(errors);
  return app;
}
