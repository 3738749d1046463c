import type { Client, Connection } from '@temporalio/client';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Config } from '../../config/env';
import { orderWorkflowId } from '../../workflows/orders/order-sync.contract';
import type { Logger } from '../../lib/logger';
import { decide, DecisionRejected, listAttention, WorkflowNotFoundError } from '../../clients/attention';
import { decideCatalog } from '../../clients/catalog';
import { requestReconcile } from '../../clients/monitoring';
import { secretMatches } from '../shared/webhook-secret';
import { badRequest, describeIssues, unavailable } from '../shared/responses';

/**
 * The ops API: what ops can also do in the Web UI, for scripts and tools. Bearer token OPS_TOKEN.
 * - GET  /ops/attention[?store=&limit=&details=1]  parked orders, refunds and catalog items (one per SKU)
 * - POST /ops/orders/:store/:orderId/retry|skip|resolve  {skuMap?, note?}
 * - POST /ops/catalog/:store/retry|skip  {skus?, note?}  parked catalog items (all without skus)
 * - POST /ops/reconcile  {store, since?}
 */
/** How long POST /ops/catalog/... waits for the workflow to finish a decision before answering 202. */
const CATALOG_DECISION_WAIT_MS = 10_000;

export function opsRouter(deps: { client: Client; connection: Connection; logger: Logger; config: Config }): Router {
  const router = express.Router();
  router.use('/ops', (req, res, next) => {
    const token = deps.config.api.opsToken;
    if (!token) return void res.status(503).json({ error: 'ops API disabled', reason: 'set OPS_TOKEN to enable it' });
    const presented = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!secretMatches(presented, token)) return void res.status(401).json({ error: 'unauthorized', reason: 'missing or wrong bearer token' });
    next();
  });
  router.use('/ops', express.json());

  const within = <T>(fn: () => Promise<T>) => deps.connection.withDeadline(Date.now() + 15_000, fn);

  router.get('/ops/attention', async (req, res) => {
    const q = z
      .object({
        store: z
          .string()
          .regex(/^[a-z0-9]+$/)
          .optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        details: z.enum(['0', '1']).optional(),
      })
      .safeParse(req.query);
    if (!q.success) return void badRequest(res, describeIssues(q.error.issues));
    try {
      const items = await within(() => listAttention(deps.client, { storeHash: q.data.store, limit: q.data.limit, details: q.data.details === '1' }));
      res.json({ count: items.length, items });
    } catch (err) {
      deps.logger.error({ err }, 'listing what needs attention failed');
      unavailable(res);
    }
  });

  const decisionBody = z.object({ skuMap: z.record(z.string().min(1), z.string().min(1)).optional(), note: z.string().max(500).optional() }).strict();
  router.post('/ops/orders/:store/:orderId/:action', async (req, res) => {
    const action = z.enum(['retry', 'skip', 'resolve']).safeParse(req.params.action);
    const orderId = Number(req.params.orderId);
    if (!action.success || !/^[a-z0-9]+$/.test(req.params.store) || !Number.isInteger(orderId) || orderId <= 0) {
      return void res.status(404).json({ error: 'not found', reason: 'POST /ops/orders/<store>/<orderId>/retry|skip|resolve' });
    }
    const body = decisionBody.safeParse(req.body ?? {});
    if (!body.success) return void badRequest(res, describeIssues(body.error.issues));
    if (body.data.skuMap && action.data !== 'retry') return void res.status(400).json({ error: 'bad request', reason: 'skuMap goes with retry only' });
    const workflowId = orderWorkflowId(req.params.store, orderId);
    try {
      const result = await within(() => decide(deps.client, workflowId, { action: action.data, ...body.data }));
      deps.logger.info({ workflowId, action: action.data }, 'ops decision applied');
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
    if (!action.success || !/^[a-z0-9]+$/.test(req.params.store)) return void res.status(404).json({ error: 'not found', reason: 'POST /ops/catalog/<store>/retry|skip' });
    const body = catalogBody.safeParse(req.body ?? {});
    if (!body.success) return void badRequest(res, describeIssues(body.error.issues));
    const store = req.params.store;
    try {
      const result = await within(() => decideCatalog(deps.client, store, { action: action.data, ...body.data }, { waitMs: CATALOG_DECISION_WAIT_MS }));
      deps.logger.info({ workflowId: result.workflowId, action: action.data, skus: body.data.skus }, 'ops catalog decision applied');
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
      .object({ store: z.string().regex(/^[a-z0-9]+$/), since: z.iso.datetime({ offset: true }).optional() })
      .strict()
      .safeParse(req.body ?? {});
    if (!body.success) return void badRequest(res, describeIssues(body.error.issues));
    if (!deps.config.stores.some((s) => s.storeHash === body.data.store)) return void res.status(404).json({ error: 'not found', reason: `no store ${body.data.store}` });
    try {
      const sinceS = body.data.since ? Math.floor(Date.parse(body.data.since) / 1000) : undefined;
      const workflowId = await within(() => requestReconcile(deps.client, deps.config, body.data.store, { sinceS, reason: 'ops API' }));
      res.status(202).json({ workflowId, since: body.data.since ?? 'watermark' });
    } catch (err) {
      deps.logger.error({ err }, 'requesting a reconciliation failed');
      unavailable(res);
    }
  });
  return router;
}
