import express, { type Request, type Response, type Router } from 'express';
import type { MarketingContext } from './context';
import { bodyErrors, invalid, KlRequestError, notFound } from './errors';
import { parseProfileFilter } from './filter';
import { hasIdentifier, serializeProfile, validateIdentifiers } from './profiles';
import { createProfileBody, patchProfileBody, profileImportBody } from './schemas';
import type { KlProfile } from './state';

/** A JSON:API answer: Klaviyo's media type on every body. */
export function sendJsonApi(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/vnd.api+json').send(JSON.stringify(body));
}

/** `additional-fields[profile]=subscriptions` (comma-separated, as Klaviyo's array parameters are). */
function wantsSubscriptions(req: Request): boolean {
  const raw = req.query['additional-fields[profile]'];
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (typeof v === 'string' ? v.split(',') : []));
  for (const v of values)
    if (v !== 'subscriptions' && v !== 'predictive_analytics') throw invalid(`'${v}' is not a valid additional field`, { parameter: 'additional-fields[profile]' });
  return values.includes('subscriptions');
}

const SORTS: Record<string, (a: KlProfile, b: KlProfile) => number> = {
  id: (a, b) => a.id.localeCompare(b.id),
  created: (a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id),
  updated: (a, b) => a.updated.localeCompare(b.updated) || a.id.localeCompare(b.id),
  email: (a, b) => (a.fields.email ?? '').localeCompare(b.fields.email ?? '') || a.id.localeCompare(b.id),
};

/**
 * Profiles: POST /api/profile-import (create or update by id, email, phone number or external id:
 * 201 created, 200 updated), POST /api/profiles (create; 409 `duplicate_profile` when an identifier
 * is taken), GET /api/profiles (filter, sort, cursor pages of at most 100), GET and PATCH
 * /api/profiles/{id}. A profile is never subscribed by these calls: consent is only what the
 * subscription jobs record.
 */
export function profilesRouter(ctx: MarketingContext): Router {
  const router = express.Router();
  const base = (req: Request) => ctx.publicUrl(req);
  // Checked before anything is written: a bad parameter refuses the whole call.
  router.use((req, res, next) => {
    res.locals.subscriptions = wantsSubscriptions(req);
    next();
  });
  const answer = (req: Request, res: Response, status: number, p: KlProfile) => {
    const data = serializeProfile(p, base(req), { subscriptions: res.locals.subscriptions === true });
    sendJsonApi(res, status, { data, links: { self: `${base(req)}/api/profiles/${p.id}/` } });
  };

  router.post('/api/profile-import', (req, res) => {
    const parsed = profileImportBody.safeParse(req.body);
    if (!parsed.success) throw bodyErrors(parsed.error);
    const { id, attributes, meta } = parsed.data.data;
    const nowIso = ctx.nowIso();
    validateIdentifiers(attributes);
    let profile: KlProfile | undefined;
    if (id) {
      profile = ctx.store.get(id);
      if (!profile) throw notFound(`A profile with id ${id} was not found.`);
    } else {
      if (!hasIdentifier(attributes)) throw invalid('One of email, phone_number or external_id is required to create or update a profile.', { pointer: '/data/attributes' });
      const found = ctx.store.matches(attributes);
      if (found.length > 1) {
        throw new KlRequestError({
          status: 409,
          code: 'duplicate_profile',
          title: 'Conflict.',
          detail: 'The identifiers given belong to different profiles.',
          source: { pointer: '/data/attributes' },
          meta: { duplicate_profile_id: found[1]!.id },
        });
      }
      profile = found[0];
    }
    const created = profile === undefined;
    profile ??= ctx.store.create(nowIso);
    ctx.store.apply(profile, attributes, meta, nowIso);
    ctx.changed();
    answer(req, res, created ? 201 : 200, profile);
  });

  router.post('/api/profiles', (req, res) => {
    const parsed = createProfileBody.safeParse(req.body);
    if (!parsed.success) throw bodyErrors(parsed.error);
    const { attributes, meta } = parsed.data.data;
    validateIdentifiers(attributes);
    if (!hasIdentifier(attributes)) throw invalid('One of email, phone_number or external_id is required to create a profile.', { pointer: '/data/attributes' });
    const taken = ctx.store.matches(attributes)[0];
    if (taken) {
      throw new KlRequestError({
        status: 409,
        code: 'duplicate_profile',
        title: 'Conflict.',
        detail: 'A profile already exists with one of these identifiers.',
        source: { pointer: '/data/attributes' },
        meta: { duplicate_profile_id: taken.id },
      });
    }
    const nowIso = ctx.nowIso();
    const profile = ctx.store.create(nowIso);
    ctx.store.apply(profile, attributes, meta, nowIso);
    ctx.changed();
    answer(req, res, 201, profile);
  });

  router.get('/api/profiles', (req, res) => {
    const q = req.query;
    const filter = typeof q.filter === 'string' ? parseProfileFilter(q.filter) : undefined;
    const sizeRaw = q['page[size]'];
    const size = sizeRaw === undefined ? 20 : Number(sizeRaw);
    if (!Number.isInteger(size) || size < 1 || size > 100) throw invalid('page[size] must be an integer between 1 and 100.', { parameter: 'page[size]' });
    const sortRaw = typeof q.sort === 'string' ? q.sort : 'id';
    const sortKey = sortRaw.replace(/^-/, '');
    const sort = SORTS[sortKey];
    if (!sort) throw invalid(`'${sortRaw}' is not a valid sort for the resource 'profile'.`, { parameter: 'sort' });
    const cursor = typeof q['page[cursor]'] === 'string' ? decodeCursor(q['page[cursor]']) : 0;
    const all = Object.values(ctx.data.profiles)
      .filter((p) => !filter || filter(p))
      .sort((a, b) => (sortRaw.startsWith('-') ? -sort(a, b) : sort(a, b)));
    const page = all.slice(cursor, cursor + size);
    const subscriptions = res.locals.subscriptions === true;
    // Query brackets percent-encoded (page%5Bsize%5D), as Klaviyo's links have them: a bare `[` is not allowed in a URI's query.
    const selfUrl = new URL(req.originalUrl, base(req));
    selfUrl.search = new URLSearchParams(selfUrl.searchParams).toString();
    const at = (offset: number) => {
      const u = new URL(selfUrl);
      u.searchParams.set('page[cursor]', encodeCursor(offset));
      return u.toString();
    };
    const links: Record<string, string> = { self: selfUrl.toString() };
    if (cursor + size < all.length) links.next = at(cursor + size);
    if (cursor > 0) links.prev = at(Math.max(0, cursor - size));
    sendJsonApi(res, 200, { data: page.map((p) => serializeProfile(p, base(req), { subscriptions })), links });
  });

  router.get('/api/profiles/:id', (req, res) => {
    const profile = ctx.store.get(String(req.params.id));
    if (!profile) throw notFound(`A profile with id ${String(req.params.id)} was not found.`);
    answer(req, res, 200, profile);
  });

  router.patch('/api/profiles/:id', (req, res) => {
    const parsed = patchProfileBody.safeParse(req.body);
    if (!parsed.success) throw bodyErrors(parsed.error);
    const id = String(req.params.id);
    if (parsed.data.data.id !== id) throw invalid('The id in the body does not match the id in the URL.', { pointer: '/data/id' });
    const profile = ctx.store.get(id);
    if (!profile) throw notFound(`A profile with id ${id} was not found.`);
    if (ctx.store.apply(profile, parsed.data.data.attributes, parsed.data.data.meta, ctx.nowIso())) ctx.changed();
    answer(req, res, 200, profile);
  });

  return router;
}

const encodeCursor = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw invalid('Invalid page cursor.', { parameter: 'page[cursor]' });
  return Number(m[1]);
}
