import type { Client, Connection } from '@temporalio/client';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Config } from '../../config/env';
import { orderWorkflowId } from '../../workflows/orders/order-sync.contract';
import type { Logger } from '../../lib/logger';
import { bodiesParsed } from '../../lib/metrics';
import { decide, DecisionRejected, listAttention, WorkflowNotFoundError } from '../../clients/attention';
import { decideCatalog } from '../../clients/catalog';
import { requestReconcile } from '../../clients/monitoring';
import { badRequest, describeIssues, unavailable } from '../shared/responses';
import { bodyWasEmpty, callerOf, jsonBodyOnly, opsAuth, refuseOtherStore } from './auth';

/**
 * The ops API: what ops can also do in the Web UI, for scripts and tools. Bearer tokens: OPS_TOKEN
 * (named `ops`, every store) and the named, store-scoped OPS_TOKENS (api/ops/auth.ts); a token
 * answers 403 for a store it is not for, and its name goes with every decision it makes.
 * - GET  /ops/attention[?store=&limit=&details=1]  parked orders, refunds and catalog items (one per SKU)
 * - POST /ops/orders/:store/:orderId/retry|skip|resolve  {skuMap?, note?}  (no body: a plain decision)
 * - POST /ops/catalog/:store/retry|skip  {skus?, note?}  parked catalog items (all without skus; `{}` required)
 * - POST /ops/reconcile  {store, since?}  (since within OPS_RECONCILE_MAX_LOOKBACK, not in the future)
 * Bodies are JSON (415 otherwise).
 */
/** How long POST /ops/catalog/... waits for the workflow to finish a decision before answering 202. */
const CATALOG_DECISION_WAIT_MS = 10_000;
/**
 * `?details=1` queries every listed workflow (at most 8 at a time, clients/attention.ts); this many
 * such requests at once per process, more get 429 with Retry-After.
 */
export const MAX_DETAIL_REQUESTS = 2;
const DETAIL_RETRY_AFTER_S = 5;

export function opsRouter(deps: { client: Client; connection: Connection; logger: Logger; config: Config }): Router {
  const router = express.Router();
  // Auth first: an unauthenticated request is refused before its body is read. Then only JSON bodies.
  router.use('/ops', opsAuth(deps.config));
  // An order decision's fields are extras (a note, a SKU map with retry): it may come without a body.
  router.post('/ops/{*rest}', jsonBodyOnly({ bodyOptional: (path) => /^\/ops\/orders\/[^/]+\/[^/]+\/[^/]+$/.test(path) }));
  // 16 KB is far above any decision; the bytes read say whether a body was really sent (a chunked
  // empty body has a transfer-encoding but nothing in it, and must not become `{}`: skip everything).
  router.use(
    '/ops',
    express.json({
      limit: '16kb',
      verify: (_req, res, buf) => {
        // Only reached once opsAuth let the caller in.
        bodiesParsed.inc({ route: 'ops', authenticated: 'yes' });
        (res as unknown as { locals: Record<string, unknown> }).locals.opsBodyEmpty = buf.length === 0;
      },
    }),
  );
  let detailRequests = 0;

  const within = <T>(fn: () => Promise<T>) => deps.connection.withDeadline(Date.now() + 15_000, fn);

  router.get('/ops/attention', async (req, res) => {
    const q = z
      .object({
        store: z
          .string()
          .max(64)
          .regex(/^[a-z0-9]+$/)
          .optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        details: z.enum(['0', '1']).optional(),
      })
      .safeParse(req.query);
    if (!q.success) return void badRequest(res, describeIssues(q.error.issues));
    const caller = callerOf(res);
    if (q.data.store && refuseOtherStore(res, caller, q.data.store)) return;
    // Without `store`, a scoped token lists its own stores only.
    const storeHashes = q.data.store ? [q.data.store] : caller.stores === '*' ? undefined : caller.stores;
    const details = q.data.details === '1';
    if (details && detailRequests >= MAX_DETAIL_REQUESTS) {
      return void res
        .status(429)
        .set('Retry-After', String(DETAIL_RETRY_AFTER_S))
        .json({ error: 'too many requests', reason: `at most ${MAX_DETAIL_REQUESTS} requests with details=1 at once; retry shortly, or ask without details` });
    }
    if (details) detailRequests++;
    try {
      const items = await within(() => listAttention(deps.client, { storeHashes, limit: q.data.limit, details }));
      res.json({ count: items.length, items });
    } catch (err) {
      deps.logger.error({ err }, 'listing what needs attention failed');
      unavailable(res);
    } finally {
      if (details) detailRequests--;
    }
  });

  // Bounded: a retry's skuMap is merged into the order's carried state.
  const sku = z.string().min(1).max(255);
  const decisionBody = z
    .object({
      skuMap: z
        .record(sku, sku)
        .refine((m) => Object.keys(m).length <= 100, 'at most 100 SKUs')
        .optional(),
      note: z.string().max(500).optional(),
    })
    .strict();
  router.post('/ops/orders/:store/:orderId/:action', async (req, res) => {
    const action = z.enum(['retry', 'skip', 'resolve']).safeParse(req.params.action);
    const orderId = Number(req.params.orderId);
    if (!action.success || !/^[a-z0-9]{1,64}$/.test(req.params.store) || !Number.isInteger(orderId) || orderId <= 0) {
      return void res.status(404).json({ error: 'not found', reason: 'POST /ops/orders/<store>/<orderId>/retry|skip|resolve' });
    }
    const caller = callerOf(res);
    if (refuseOtherStore(res, caller, req.params.store)) return;
    const body = decisionBody.safeParse(req.body ?? {});
    if (!body.success) return void badRequest(res, describeIssues(body.error.issues));
    if (body.data.skuMap && action.data !== 'retry') return void res.status(400).json({ error: 'bad request', reason: 'skuMap goes with retry only' });
    const workflowId = orderWorkflowId(req.params.store, orderId);
    try {
      const result = await within(() => decide(deps.client, workflowId, { action: action.data, ...body.data, by: caller.name }));
      deps.logger.info({ workflowId, action: action.data, by: caller.name }, 'ops decision applied');
      res.json({ workflowId, ...result });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return void res.status(404).json({ error: 'not found', reason: `no running workflow ${workflowId}` });
      if (err instanceof DecisionRejected) return void res.status(409).json({ error: 'rejected', reason: err.message });
      deps.logger.error({ err, workflowId }, 'ops decision failed');
      unavailable(res);
    }
  });
  // The same `decide` update as `bcsync catalog retry|skip`. A retry reads the items again from the ERP
  // and writes them through the store's rate-limited queue: answered 200 with what is still parked
  // when done within CATALOG_DECISION_WAIT_MS, else 202 (accepted, still working; see /ops/attention).
  const catalogBody = z.object({ skus: z.array(z.string().trim().min(1).max(255)).min(1).max(500).optional(), note: z.string().max(500).optional() }).strict();
  router.post('/ops/catalog/:store/:action', async (req, res) => {
    const action = z.enum(['retry', 'skip']).safeParse(req.params.action);
    if (!action.success || !/^[a-z0-9]{1,64}$/.test(req.params.store)) return void res.status(404).json({ error: 'not found', reason: 'POST /ops/catalog/<store>/retry|skip' });
    const caller = callerOf(res);
    if (refuseOtherStore(res, caller, req.params.store)) return;
    // Without `skus` the decision is for every parked item: that must be said (`{}`), never implied by a missing body.
    if (bodyWasEmpty(res)) return void badRequest(res, 'a JSON body is required: {} decides every parked item, {"skus":[...]} some');
    const body = catalogBody.safeParse(req.body);
    if (!body.success) return void badRequest(res, describeIssues(body.error.issues));
    const store = req.params.store;
    try {
      const result = await within(() => decideCatalog(deps.client, store, { action: action.data, ...body.data, by: caller.name }, { waitMs: CATALOG_DECISION_WAIT_MS }));
      deps.logger.info({ workflowId: result.workflowId, action: action.data, skus: body.data.skus, by: caller.name }, 'ops catalog decision applied');
      if (!result.done)
        return void res.status(202).json({
          workflowId: result.workflowId,
          action: action.data,
          status: 'accepted',
          reason: 'the workflow is still working on it; GET /ops/attention shows what stays parked',
        });
      res.json({ workflowId: result.workflowId, action: action.data, parked: result.parked });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return void res.status(404).json({ error: 'not found', reason: `no running catalog workflow for store ${store}` });
      if (err instanceof DecisionRejected) return void res.status(409).json({ error: 'rejected', reason: err.message });
      deps.logger.error({ err, store }, 'ops catalog decision failed');
      unavailable(res);
    }
  });
  // POST /ops/reconcile {store, since?}: reconcile a store now, from `since` (ISO-8601) or its watermark.
  router.post('/ops/reconcile', async (req, res) => {
    const body = z
      .object({
        store: z
          .string()
          .max(64)
          .regex(/^[a-z0-9]+$/),
        since: z.iso.datetime({ offset: true }).optional(),
      })
      .strict()
      .safeParse(req.body ?? {});
    if (!body.success) return void badRequest(res, describeIssues(body.error.issues));
    const caller = callerOf(res);
    if (refuseOtherStore(res, caller, body.data.store)) return;
    if (!deps.config.stores.some((s) => s.storeHash === body.data.store)) return void res.status(404).json({ error: 'not found', reason: `no store ${body.data.store}` });
    const sinceMs = body.data.since ? Date.parse(body.data.since) : undefined;
    const sinceRefused = sinceMs === undefined ? undefined : refuseSince(sinceMs, Date.now(), deps.config.api.reconcileMaxLookbackMs);
    if (sinceRefused) return void badRequest(res, sinceRefused);
    try {
      const sinceS = sinceMs === undefined ? undefined : Math.floor(sinceMs / 1000);
      const workflowId = await within(() => requestReconcile(deps.client, deps.config, body.data.store, { sinceS, reason: `ops API (${caller.name})` }));
      deps.logger.info({ workflowId, since: body.data.since ?? 'watermark', by: caller.name }, 'ops reconciliation requested');
      res.status(202).json({ workflowId, since: body.data.since ?? 'watermark' });
    } catch (err) {
      deps.logger.error({ err }, 'requesting a reconciliation failed');
      unavailable(res);
    }
  });
  return router;
}

/** Why `since` is refused: in the future, or further back than `maxLookbackMs`; undefined when it is fine. */
export function refuseSince(sinceMs: number, nowMs: number, maxLookbackMs: number): string | undefined {
  if (sinceMs > nowMs) return `since ${new Date(sinceMs).toISOString()} is in the future`;
  if (nowMs - sinceMs > maxLookbackMs)
    return `since ${new Date(sinceMs).toISOString()} is more than ${formatLookback(maxLookbackMs)} back (OPS_RECONCILE_MAX_LOOKBACK); the earliest now is ${new Date(nowMs - maxLookbackMs).toISOString()}`;
  return undefined;
}

function formatLookback(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000} days` : ms % 3_600_000 === 0 ? `${ms / 3_600_000} hours` : `${Math.round(ms / 60_000)} minutes`;
}
