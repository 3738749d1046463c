import express, { type Request, type Router } from 'express';
import type { CrmContext } from './context';
import { type BatchFailure, batchFailure, bodyError, HsRequestError, notFound, validationError } from './errors';
import { BATCH_MAX, batchReadBody, batchUpsertBody, createObjectBody, gdprDeleteBody, patchObjectBody } from './schemas';
import { type CrmObjectType, OBJECT_TYPES } from './state';

/** A query parameter HubSpot takes as a comma-separated list or repeated: `properties=a,b&properties=c`. */
export function listParam(req: Request, name: string): string[] {
  const raw = req.query[name];
  return (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [])).filter(Boolean);
}

const timestamps = (startedMs: number, now: number) => ({ startedAt: new Date(startedMs).toISOString(), completedAt: new Date(now).toISOString() });

/** The association answer of GET .../{id}?associations=companies. */
export function associationsOf(ctx: CrmContext, type: CrmObjectType, id: string, wanted: string[]): Record<string, unknown> | undefined {
  const other = type === 'contacts' ? 'companies' : 'contacts';
  if (!wanted.includes(other)) return undefined;
  const ids = ctx.data.associations.filter((a) => (type === 'contacts' ? a.contactId : a.companyId) === id).map((a) => (type === 'contacts' ? a.companyId : a.contactId));
  const label = type === 'contacts' ? 'contact_to_company_unlabeled' : 'company_to_contact_unlabeled';
  return { [other]: { results: ids.map((x) => ({ id: x, type: label })) } };
}

/**
 * CRM v3 objects, for contacts and companies alike: create, batch upsert by a unique property
 * (200, or 207 with `numErrors` and `errors[]` when some inputs fail, the others written), batch
 * read, read / update / archive by id (or by a unique property with `idProperty`), and for
 * contacts the GDPR delete.
 */
export function objectsRouter(ctx: CrmContext): Router {
  const router = express.Router();

  const idPropertyOf = (type: CrmObjectType, req: Request): string | undefined => {
    const idProperty = typeof req.query.idProperty === 'string' ? req.query.idProperty : undefined;
    if (idProperty && !ctx.store.isIdProperty(type, idProperty)) throw validationError(`${idProperty} is not a unique property of ${type}.`);
    return idProperty;
  };

  for (const type of OBJECT_TYPES) {
    const base = `/crm/v3/objects/${type}`;

    router.post(base, (req, res) => {
      const parsed = createObjectBody.safeParse(req.body);
      if (!parsed.success) throw bodyError(parsed.error);
      const failure = ctx.store.check(type, parsed.data.properties);
      if (failure) throw new HsRequestError(failure.status, failure.category, failure.message, { errors: failure.errors, context: failure.context });
      const record = ctx.store.create(type, parsed.data.properties, ctx.apiSource());
      ctx.counters.created[type]++;
      ctx.changed();
      res.status(201).json(ctx.store.serialize(type, record, { written: Object.keys(parsed.data.properties) }));
    });

    router.post(`${base}/batch/upsert`, (req, res) => {
      const startedMs = ctx.now();
      const parsed = batchUpsertBody.safeParse(req.body);
      if (!parsed.success) throw bodyError(parsed.error);
      const inputs = parsed.data.inputs;
      if (inputs.length > BATCH_MAX) throw validationError(`Too many inputs: ${inputs.length}. The limit is ${BATCH_MAX}.`);
      const badIdProperty = inputs.find((i) => i.idProperty === 'hs_object_id' || !ctx.store.isIdProperty(type, i.idProperty));
      if (badIdProperty) throw validationError(`${badIdProperty.idProperty} is not a unique property of ${type}: upserts need a property with unique values.`);
      const seen = new Map<string, number>();
      for (const i of inputs) {
        const k = `${i.idProperty}\u0000${i.idProperty === 'email' ? i.id.toLowerCase() : i.id}`;
        seen.set(k, (seen.get(k) ?? 0) + 1);
      }
      const dup = [...seen.entries()].filter(([, n]) => n > 1).map(([k]) => k.split('\u0000')[1]!);
      if (dup.length) throw validationError(`Duplicate IDs found in batch input: [${dup.join(', ')}]. IDs must be unique`);

      const results: Record<string, unknown>[] = [];
      const errors: BatchFailure[] = [];
      for (const input of inputs) {
        const props = { ...input.properties, [input.idProperty]: input.properties[input.idProperty] ?? input.id };
        const existing = ctx.store.find(type, input.id, input.idProperty);
        const failure = ctx.store.check(type, props, existing);
        if (failure) {
          errors.push(batchFailure(failure.category, failure.message, { ...failure.context, ids: [input.id] }, failure.errors));
          continue;
        }
        if (existing) {
          const changed = ctx.store.write(type, existing, props, ctx.apiSource());
          ctx.counters[changed.length ? 'updated' : 'unchanged'][type]++;
          results.push({ ...ctx.store.serialize(type, existing, { written: Object.keys(props) }), new: false });
        } else {
          const record = ctx.store.create(type, props, ctx.apiSource());
          ctx.counters.created[type]++;
          results.push({ ...ctx.store.serialize(type, record, { written: Object.keys(props) }), new: true });
        }
      }
      if (results.length) ctx.changed();
      const body = { status: 'COMPLETE', results, ...(errors.length ? { numErrors: errors.length, errors } : {}), ...timestamps(startedMs, ctx.now()) };
      res.status(errors.length ? 207 : 200).json(body);
    });

    router.post(`${base}/batch/read`, (req, res) => {
      const startedMs = ctx.now();
      const parsed = batchReadBody.safeParse(req.body);
      if (!parsed.success) throw bodyError(parsed.error);
      const { inputs, properties, propertiesWithHistory, idProperty } = parsed.data;
      if (inputs.length > BATCH_MAX) throw validationError(`Too many inputs: ${inputs.length}. The limit is ${BATCH_MAX}.`);
      if (idProperty && !ctx.store.isIdProperty(type, idProperty)) throw validationError(`${idProperty} is not a unique property of ${type}.`);
      const archived = req.query.archived === 'true';
      const results: Record<string, unknown>[] = [];
      const missing: string[] = [];
      for (const { id } of inputs) {
        const r = ctx.store.find(type, id, idProperty, { archived });
        if (r) results.push(ctx.store.serialize(type, r, { properties, withHistory: propertiesWithHistory }));
        else missing.push(id);
      }
      const errors = missing.length
        ? [
            batchFailure(
              'OBJECT_NOT_FOUND',
              `Could not get some ${type === 'contacts' ? 'CONTACT' : 'COMPANY'} objects, they may be deleted or not exist. Check that ids are valid.`,
              { ids: missing },
            ),
          ]
        : [];
      res
        .status(errors.length ? 207 : 200)
        .json({ status: 'COMPLETE', results, ...(errors.length ? { numErrors: errors.length, errors } : {}), ...timestamps(startedMs, ctx.now()) });
    });

    if (type === 'contacts') {
      router.post(`${base}/gdpr-delete`, (req, res) => {
        const parsed = gdprDeleteBody.safeParse(req.body);
        if (!parsed.success) throw bodyError(parsed.error);
        const { objectId, idProperty } = parsed.data;
        if (idProperty && !ctx.store.isIdProperty(type, idProperty)) throw validationError(`${idProperty} is not a unique property of ${type}.`);
        const record = ctx.store.find(type, objectId, idProperty) ?? ctx.store.find(type, objectId, idProperty, { archived: true });
        if (!record) throw notFound('Object not found.  objectId are usually numeric.', { id: [objectId] });
        ctx.store.erase(record, ctx.apiSource());
        ctx.data.gdprDeletions.push({ objectType: 'contacts', objectId: record.id, requestedAs: { objectId, idProperty: idProperty ?? null }, atMs: ctx.now() });
        ctx.counters.gdprDeleted++;
        ctx.changed();
        res.status(204).end();
      });
    }

    router.get(`${base}/:id`, (req, res) => {
      const idProperty = idPropertyOf(type, req);
      const id = String(req.params.id);
      const record = ctx.store.find(type, id, idProperty, { archived: req.query.archived === 'true' });
      if (!record) throw notFound('Object not found.  objectId are usually numeric.', { id: [id] });
      res.json(
        ctx.store.serialize(type, record, {
          properties: listParam(req, 'properties'),
          withHistory: listParam(req, 'propertiesWithHistory'),
          associations: associationsOf(ctx, type, record.id, listParam(req, 'associations')),
        }),
      );
    });

    router.patch(`${base}/:id`, (req, res) => {
      const idProperty = idPropertyOf(type, req);
      const parsed = patchObjectBody.safeParse(req.body);
      if (!parsed.success) throw bodyError(parsed.error);
      const id = String(req.params.id);
      const record = ctx.store.find(type, id, idProperty);
      if (!record) throw notFound('Object not found.  objectId are usually numeric.', { id: [id] });
      const failure = ctx.store.check(type, parsed.data.properties, record);
      if (failure) throw new HsRequestError(failure.status, failure.category, failure.message, { errors: failure.errors, context: failure.context });
      const changed = ctx.store.write(type, record, parsed.data.properties, ctx.apiSource());
      ctx.counters[changed.length ? 'updated' : 'unchanged'][type]++;
      ctx.changed();
      res.json(ctx.store.serialize(type, record, { written: Object.keys(parsed.data.properties) }));
    });

    router.delete(`${base}/:id`, (req, res) => {
      const record = ctx.store.find(type, String(req.params.id));
      if (record) {
        ctx.store.archive(type, record, ctx.apiSource());
        ctx.counters.archived[type]++;
        ctx.changed();
      }
      res.status(204).end();
    });
  }

  return router;
}
