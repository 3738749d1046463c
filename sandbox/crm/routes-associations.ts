import express, { type Router } from 'express';
import type { CrmContext } from './context';
import { type BatchFailure, batchFailure, bodyError, notFound, validationError } from './errors';
import { BATCH_MAX, batchAssociateBody } from './schemas';
import type { CrmObjectType } from './state';

/**
 * Contact <-> company associations through the v4 API, which HubSpot documents for new work:
 * - PUT /crm/v4/objects/{from}/{fromId}/associations/default/{to}/{toId}: the default (unlabeled)
 *   association, answered with both directions' types (contact to company 279, company to contact 280);
 * - POST /crm/v4/associations/{from}/{to}/batch/associate/default: up to 100 pairs, 207 for missing records;
 * - GET /crm/v4/objects/{from}/{fromId}/associations/{to}: the associated records with their types;
 * - DELETE /crm/v4/objects/{from}/{fromId}/associations/{to}/{toId}: every association of the pair.
 * Associating a pair twice keeps one association.
 */
const TYPE_ID = { contacts: 279, companies: 280 } as const;

export function associationsRouter(ctx: CrmContext): Router {
  const router = express.Router();
  const pairs: Array<[CrmObjectType, CrmObjectType]> = [
    ['contacts', 'companies'],
    ['companies', 'contacts'],
  ];

  const spec = (from: CrmObjectType) => ({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: TYPE_ID[from] });

  /** Associates a live contact and company; undefined when one of them does not exist. */
  const associate = (from: CrmObjectType, fromId: string, toId: string): Array<Record<string, unknown>> | undefined => {
    const to: CrmObjectType = from === 'contacts' ? 'companies' : 'contacts';
    if (!ctx.store.find(from, fromId) || !ctx.store.find(to, toId)) return undefined;
    const contactId = from === 'contacts' ? fromId : toId;
    const companyId = from === 'contacts' ? toId : fromId;
    if (ctx.data.associations.some((a) => a.contactId === contactId && a.companyId === companyId)) ctx.counters.associations.existing++;
    else {
      ctx.data.associations.push({ contactId, companyId, createdAt: new Date(ctx.now()).toISOString() });
      ctx.counters.associations.created++;
    }
    return [
      { from: { id: fromId }, to: { id: toId }, associationSpec: spec(from) },
      { from: { id: toId }, to: { id: fromId }, associationSpec: spec(to) },
    ];
  };

  for (const [from, to] of pairs) {
    router.put(`/crm/v4/objects/${from}/:fromId/associations/default/${to}/:toId`, (req, res) => {
      const startedMs = ctx.now();
      const fromId = String(req.params.fromId);
      const toId = String(req.params.toId);
      const results = associate(from, fromId, toId);
      if (!results) throw notFound(`No ${from} with id ${fromId} or no ${to} with id ${toId}.`, { fromId: [fromId], toId: [toId] });
      ctx.changed();
      res.json({ status: 'COMPLETE', results, startedAt: new Date(startedMs).toISOString(), completedAt: new Date(ctx.now()).toISOString() });
    });

    router.post(`/crm/v4/associations/${from}/${to}/batch/associate/default`, (req, res) => {
      const startedMs = ctx.now();
      const parsed = batchAssociateBody.safeParse(req.body);
      if (!parsed.success) throw bodyError(parsed.error);
      if (parsed.data.inputs.length > BATCH_MAX) throw validationError(`Too many inputs: ${parsed.data.inputs.length}. The limit is ${BATCH_MAX}.`);
      const results: Array<Record<string, unknown>> = [];
      const errors: BatchFailure[] = [];
      for (const input of parsed.data.inputs) {
        const made = associate(from, input.from.id, input.to.id);
        if (made) results.push(...made);
        else
          errors.push(
            batchFailure('OBJECT_NOT_FOUND', `No ${from} with id ${input.from.id} or no ${to} with id ${input.to.id}.`, { fromId: [input.from.id], toId: [input.to.id] }),
          );
      }
      if (results.length) ctx.changed();
      res.status(errors.length ? 207 : 200).json({
        status: 'COMPLETE',
        results,
        ...(errors.length ? { numErrors: errors.length, errors } : {}),
        startedAt: new Date(startedMs).toISOString(),
        completedAt: new Date(ctx.now()).toISOString(),
      });
    });

    router.get(`/crm/v4/objects/${from}/:fromId/associations/${to}`, (req, res) => {
      const fromId = String(req.params.fromId);
      const others = ctx.data.associations
        .filter((a) => (from === 'contacts' ? a.contactId : a.companyId) === fromId)
        .map((a) => (from === 'contacts' ? a.companyId : a.contactId));
      res.json({ results: others.map((id) => ({ toObjectId: Number(id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: TYPE_ID[from], label: null }] })) });
    });

    router.delete(`/crm/v4/objects/${from}/:fromId/associations/${to}/:toId`, (req, res) => {
      const fromId = String(req.params.fromId);
      const toId = String(req.params.toId);
      const contactId = from === 'contacts' ? fromId : toId;
      const companyId = from === 'contacts' ? toId : fromId;
      const before = ctx.data.associations.length;
      ctx.data.associations = ctx.data.associations.filter((a) => !(a.contactId === contactId && a.companyId === companyId));
      if (ctx.data.associations.length < before) {
        ctx.counters.associations.removed++;
        ctx.changed();
      }
      res.status(204).end();
    });
  }

  return router;
}
