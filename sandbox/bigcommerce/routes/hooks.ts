import express, { type Router } from 'express';
import { z } from 'zod';
import { unixSeconds, v3Error } from '../format';
import type { SandboxContext } from '../context';
import type { SandboxHook } from '../state';
import { DELIVERY_EXCEPTION_SCOPE } from '../webhook-dispatcher';

/** Webhooks V3 (webhooks.v3.yml). Every hook belongs to the API account (client id) that made it. */

const MAX_HOOKS_PER_SCOPE = 10;

const headersSchema = z.record(z.string().max(64), z.string().max(8192)).nullable();
const hookPost = z.object({
  scope: z.string().regex(/^store\/[A-Za-z0-9_/*{}-]+$/, 'error.scope.invalid'),
  destination: z.url('error.destination.invalid'),
  is_active: z.boolean().default(true),
  headers: headersSchema.optional(),
});
// No defaults here: a PUT changes only what it sends, and must send something.
const hookPut = z
  .object({
    scope: hookPost.shape.scope,
    destination: hookPost.shape.destination,
    is_active: z.boolean(),
    headers: headersSchema,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'at least one field is required');

const serialize = (h: SandboxHook, storeHash: string) => ({
  id: h.id,
  client_id: h.clientId,
  store_hash: storeHash,
  scope: h.scope,
  destination: h.destination,
  headers: h.headers,
  is_active: h.isActive,
  created_at: unixSeconds(h.createdMs),
  updated_at: unixSeconds(h.updatedMs),
});

/**
 * One `store/hook/deliveryException` hook per store + client, and its destination must differ from
 * every other hook's (FACTS.md section 11).
 */
function deliveryExceptionProblem(hooks: SandboxHook[], scope: string, destination: string): string | undefined {
  if (scope === DELIVERY_EXCEPTION_SCOPE && hooks.some((h) => h.scope === DELIVERY_EXCEPTION_SCOPE)) {
    return 'Only one store/hook/deliveryException webhook is allowed per store and API account.';
  }
  const exception = hooks.find((h) => h.scope === DELIVERY_EXCEPTION_SCOPE);
  if (scope === DELIVERY_EXCEPTION_SCOPE ? hooks.some((h) => h.destination === destination) : exception?.destination === destination) {
    return 'The store/hook/deliveryException destination must differ from the destinations of all other webhooks.';
  }
  return undefined;
}

export function hooksRouter(ctx: SandboxContext): Router {
  const router = express.Router();
  const mine = (clientId: string) => Object.values(ctx.data.hooks).filter((h) => h.clientId === clientId);

  function destinationProblem(destination: string): string | undefined {
    if (!ctx.settings.strictHookDestinations) return undefined;
    const url = new URL(destination);
    if (url.protocol !== 'https:' || (url.port !== '' && url.port !== '443')) {
      return 'Destination must be served over HTTPS on port 443 (custom ports are not currently supported).';
    }
    return undefined;
  }

  router.post('/v3/hooks', (req, res) => {
    const parsed = hookPost.safeParse(req.body);
    if (!parsed.success) {
      res.status(422).json(v3Error(422, 'JSON data is missing or invalid', Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.') || 'body', i.message]))));
      return;
    }
    const body = parsed.data;
    const problem = destinationProblem(body.destination);
    if (problem) {
      res.status(422).json(v3Error(422, problem, { destination: 'error.destination.invalid' }));
      return;
    }
    const clientId = res.locals.clientId as string;
    const exceptionProblem = deliveryExceptionProblem(mine(clientId), body.scope, body.destination);
    if (exceptionProblem) {
      res.status(422).json(v3Error(422, exceptionProblem, { scope: 'error.scope.invalid' }));
      return;
    }
    const sameScope = mine(clientId).filter((h) => h.scope === body.scope);
    if (sameScope.some((h) => h.destination === body.destination)) {
      res.status(422).json(v3Error(422, 'A webhook with this scope and destination already exists.', { scope: 'error.duplicate' }));
      return;
    }
    if (sameScope.length >= MAX_HOOKS_PER_SCOPE) {
      res.status(422).json(v3Error(422, `At most ${MAX_HOOKS_PER_SCOPE} webhooks per scope.`, { scope: 'error.limit' }));
      return;
    }
    const now = ctx.now();
    const hook: SandboxHook = {
      id: ctx.data.nextIds.hook++,
      clientId,
      scope: body.scope,
      destination: body.destination,
      headers: body.headers ?? null,
      isActive: body.is_active,
      deactivatedMs: null,
      createdMs: now,
      updatedMs: now,
    };
    ctx.data.hooks[String(hook.id)] = hook;
    ctx.changed();
    res.status(200).json({ data: serialize(hook, ctx.storeHash), meta: {} });
  });

  router.get('/v3/hooks', (req, res) => {
    const clientId = res.locals.clientId as string;
    const page = Math.max(1, Number(req.query.page ?? 1) || 1);
    const limit = Math.min(250, Math.max(1, Number(req.query.limit ?? 50) || 50));
    let hooks = mine(clientId);
    if (req.query.is_active !== undefined) hooks = hooks.filter((h) => String(h.isActive) === String(req.query.is_active));
    if (req.query.scope) hooks = hooks.filter((h) => h.scope === req.query.scope);
    if (req.query.destination) hooks = hooks.filter((h) => h.destination === req.query.destination);
    const totalPages = Math.max(1, Math.ceil(hooks.length / limit));
    const slice = hooks.slice((page - 1) * limit, page * limit);
    res.json({
      data: slice.map((h) => serialize(h, ctx.storeHash)),
      meta: {
        pagination: {
          total: hooks.length,
          count: slice.length,
          per_page: limit,
          current_page: page,
          total_pages: totalPages,
          links: {
            ...(page > 1 ? { previous: `?page=${page - 1}&limit=${limit}` } : {}),
            current: `?page=${page}&limit=${limit}`,
            ...(page < totalPages ? { next: `?page=${page + 1}&limit=${limit}` } : {}),
          },
        },
      },
    });
  });

  // Admin info: notification emails, hook statuses (who deactivated them) and blocklisted domains.
  router.get('/v3/hooks/admin', (req, res) => {
    const clientId = res.locals.clientId as string;
    let hooks = mine(clientId);
    if (req.query.is_active !== undefined) hooks = hooks.filter((h) => String(h.isActive) === String(req.query.is_active));
    res.json({
      data: {
        emails: ctx.data.hookAdminEmails[clientId] ?? [],
        hooks_list: hooks.map((h) => ({ ...serialize(h, ctx.storeHash), status: h.isActive ? 'active' : h.deactivatedMs !== null ? 'deactivated' : 'inactive' })),
        blocked_domains: ctx.dispatcher.blockedDomains(clientId),
      },
      meta: {},
    });
  });

  router.put('/v3/hooks/admin', (req, res) => {
    const parsed = z.object({ emails: z.array(z.email()) }).safeParse(req.body);
    if (!parsed.success) {
      res.status(422).json(v3Error(422, 'JSON data is missing or invalid', { emails: parsed.error.issues[0]?.message ?? 'invalid' }));
      return;
    }
    ctx.data.hookAdminEmails[res.locals.clientId as string] = parsed.data.emails;
    ctx.changed();
    res.status(204).end();
  });

  const findMine = (req: express.Request, res: express.Response): SandboxHook | undefined => {
    const hook = ctx.data.hooks[String(req.params.id)];
    if (!hook || hook.clientId !== res.locals.clientId) {
      res.status(404).json(v3Error(404, 'The requested resource was not found.'));
      return undefined;
    }
    return hook;
  };

  router.get('/v3/hooks/:id', (req, res) => {
    const hook = findMine(req, res);
    if (hook) res.json({ data: serialize(hook, ctx.storeHash), meta: {} });
  });

  router.put('/v3/hooks/:id', (req, res) => {
    const hook = findMine(req, res);
    if (!hook) return;
    const parsed = hookPut.safeParse(req.body);
    if (!parsed.success) {
      res.status(422).json(v3Error(422, 'JSON data is missing or invalid', Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.') || 'body', i.message]))));
      return;
    }
    const body = parsed.data;
    const problem = body.destination ? destinationProblem(body.destination) : undefined;
    if (problem) {
      res.status(422).json(v3Error(422, problem, { destination: 'error.destination.invalid' }));
      return;
    }
    if (body.scope !== undefined) hook.scope = body.scope;
    if (body.destination !== undefined) hook.destination = body.destination;
    if (body.is_active !== undefined) {
      hook.isActive = body.is_active;
      if (body.is_active) hook.deactivatedMs = null;
    }
    if (body.headers !== undefined) hook.headers = body.headers;
    hook.updatedMs = ctx.now();
    ctx.changed();
    res.json({ data: serialize(hook, ctx.storeHash), meta: {} });
  });

  router.delete('/v3/hooks/:id', (req, res) => {
    const hook = findMine(req, res);
    if (!hook) return;
    delete ctx.data.hooks[String(hook.id)];
    ctx.changed();
    // BigCommerce answers 200 with the deleted hook (FACTS.md section 11).
    res.json({ data: serialize(hook, ctx.storeHash), meta: {} });
  });

  return router;
}
