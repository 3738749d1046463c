import express, { type Router } from 'express';
import { z } from 'zod';
import type { SandboxContext } from '../context';
import { applySettings } from '../inventory';
import { AdjustmentQueue, checkAdjustment, newTransactionId } from '../inventory-adjustments';
import { inventoryItems, resolveItem, serializeItem, serializeLocationItem } from '../inventory-items';
import { createLocations, locationFilters, updateLocations } from '../locations';
import type { InventoryLevel, V3Location } from '../state';
import { invalidJson, tooManyItems, V3Failure, v3Route } from '../v3-errors';
import { offsetPage, readPage } from '../v3-pagination';
import { csv, csvInts, type Query } from '../v3-query';

/** Inventory and locations V3 (inventory.v3.yml, locations.v3.yml; FACTS.md sections 3, 9). */

/** "Limit of 1000 items for payload length" on item reads; 2000 on settings writes. */
const ITEMS_MAX_LIMIT = 1000;
const SETTINGS_MAX_ITEMS = 2000;

const settingsItem = z
  .object({
    identity: z.object({ sku: z.string().min(1).optional(), variant_id: z.number().int().optional(), product_id: z.number().int().optional() }),
    safety_stock: z.number().int().min(0).optional(),
    is_in_stock: z.boolean().optional(),
    warning_level: z.number().int().min(0).optional(),
    bin_picking_number: z.string().max(255).optional(),
  })
  .refine((s) => [s.identity.sku, s.identity.variant_id, s.identity.product_id].filter((x) => x !== undefined).length === 1, {
    path: ['identity'],
    message: 'exactly one of sku, variant_id or product_id identifies the item',
  });

const problem = (title: string, errors: Record<string, string> = {}) => new V3Failure(422, title, errors, true);

/** Items matching `sku:in`, `variant_id:in` and `product_id:in`. */
function filteredItems(ctx: SandboxContext, query: Query) {
  const skus = csv(query, 'sku:in')?.map((s) => s.toLowerCase());
  const variantIds = csvInts(query, 'variant_id:in');
  const productIds = csvInts(query, 'product_id:in');
  return inventoryItems(ctx.data)
    .map((i) => i.variant)
    .filter((v) => (!skus || skus.includes(v.sku.toLowerCase())) && (!variantIds || variantIds.includes(v.id)) && (!productIds || productIds.includes(v.product_id)));
}

export function inventoryRouter(ctx: SandboxContext): Router {
  const router = express.Router();
  const queue = new AdjustmentQueue(ctx);

  const locationParam = (req: express.Request): V3Location => {
    const id = String(req.params.id);
    const location = /^\d+$/.test(id) ? ctx.data.locations[id] : undefined;
    if (!location) throw new V3Failure(404, 'The requested resource was not found.', {}, true);
    return location;
  };

  const adjust = (method: 'absolute' | 'relative') =>
    v3Route((req, res) => {
      const changes = checkAdjustment(ctx, queue, req.body, method);
      queue.enqueue(changes, method);
      res.json({ transaction_id: newTransactionId(ctx.data) });
    });
  router.put('/v3/inventory/adjustments/absolute', adjust('absolute'));
  router.post('/v3/inventory/adjustments/relative', adjust('relative'));

  router.get(
    '/v3/inventory/items',
    v3Route((req, res) => {
      const paging = readPage(req.query, { maxLimit: ITEMS_MAX_LIMIT });
      const locationIds = csvInts(req.query, 'location_id:in');
      const locationCodes = csv(req.query, 'location_code:in');
      const locations = Object.values(ctx.data.locations)
        .filter((l) => (!locationIds || locationIds.includes(l.id)) && (!locationCodes || locationCodes.includes(l.code)))
        .sort((a, b) => a.id - b.id);
      const { slice, pagination } = offsetPage(filteredItems(ctx, req.query), paging, req.query);
      res.json({ data: slice.map((v) => serializeItem(ctx.data, v, locations)), meta: { pagination } });
    }),
  );

  router.get(
    '/v3/inventory/locations/:id/items',
    v3Route((req, res) => {
      const location = locationParam(req);
      const paging = readPage(req.query, { maxLimit: ITEMS_MAX_LIMIT });
      const { slice, pagination } = offsetPage(filteredItems(ctx, req.query), paging, req.query);
      res.json({ data: slice.map((v) => serializeLocationItem(ctx.data, v, location)), meta: { pagination } });
    }),
  );

  router.put(
    '/v3/inventory/locations/:id/items',
    v3Route((req, res) => {
      const location = locationParam(req);
      const body = z.object({ settings: z.array(z.unknown()) }).safeParse(req.body);
      if (!body.success) throw invalidJson(body.error, req.body, { problem: true });
      if (body.data.settings.length > SETTINGS_MAX_ITEMS) throw tooManyItems(SETTINGS_MAX_ITEMS);
      const items = z.array(settingsItem).safeParse(body.data.settings);
      if (!items.success) throw invalidJson(items.error, body.data.settings, { prefix: 'setting', problem: true });

      const updates: Array<{ variantId: number; settings: Partial<InventoryLevel> }> = [];
      const problems: Record<string, string> = {};
      items.data.forEach((it, i) => {
        const settings: Partial<InventoryLevel> = {
          ...(it.safety_stock !== undefined ? { safetyStock: it.safety_stock } : {}),
          ...(it.is_in_stock !== undefined ? { isInStock: it.is_in_stock } : {}),
          ...(it.warning_level !== undefined ? { warningLevel: it.warning_level } : {}),
          ...(it.bin_picking_number !== undefined ? { binPickingNumber: it.bin_picking_number } : {}),
        };
        if (!Object.keys(settings).length) {
          // The spec's own example of this 422.
          problems[`setting.${i}.settings`] = 'At least one setting must be specified: warning_level, is_in_stock or safety_stock';
          return;
        }
        const resolved = resolveItem(ctx.data, it.identity);
        if (!resolved.ok) problems[`setting.${i}.identity`] = resolved.problem;
        else updates.push({ variantId: resolved.variantId, settings });
      });
      if (Object.keys(problems).length) throw problem('Payload contains invalid fields', problems);
      for (const u of updates) applySettings(ctx, location.id, u.variantId, u.settings);
      res.json({ transaction_id: newTransactionId(ctx.data) });
    }),
  );

  router.get(
    '/v3/inventory/locations',
    v3Route((req, res) => {
      const paging = readPage(req.query, { maxLimit: ITEMS_MAX_LIMIT });
      const tests = locationFilters(req.query);
      const matching = Object.values(ctx.data.locations)
        .filter((l) => tests.every((t) => t(l)))
        .sort((a, b) => a.id - b.id);
      const { slice, pagination } = offsetPage(matching, paging, req.query);
      res.json({ data: slice, meta: { pagination } });
    }),
  );

  router.post(
    '/v3/inventory/locations',
    v3Route((req, res) => {
      createLocations(ctx, req.body);
      res.json({ transaction_id: newTransactionId(ctx.data) });
    }),
  );

  router.put(
    '/v3/inventory/locations',
    v3Route((req, res) => {
      updateLocations(ctx, req.body);
      res.json({ transaction_id: newTransactionId(ctx.data) });
    }),
  );

  return router;
}
