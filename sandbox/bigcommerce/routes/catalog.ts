import express, { type Router } from 'express';
import { z } from 'zod';
import { findProduct, productOfPath, variantsOf } from '../catalog';
import { productFilters, requireDeleteFilter, sortProducts, variantFilters } from '../catalog-filters';
import { createProduct, deleteProducts, updateProduct } from '../catalog-products';
import { productBatchItem, productCreate, productUpdate, variantBatchItem, variantCreate } from '../catalog-schemas';
import { PRODUCT_INCLUDES, serializeProduct, serializeVariant } from '../catalog-serialize';
import { VariantWrites } from '../catalog-variants';
import type { SandboxContext } from '../context';
import { v3Error } from '../format';
import type { V3Product } from '../state';
import { invalidJson, tooManyItems, V3Failure, v3Route, zodErrors } from '../v3-errors';
import { offsetPage, readPage } from '../v3-pagination';
import { csv, csvInts, projectFields, type Query } from '../v3-query';

/** Catalog V3 (products_catalog.v3.yml, product-variants_catalog.v3.yml; FACTS.md sections 3, 8). */

const PRODUCT_BATCH_MAX = 10;
const VARIANT_BATCH_MAX = 50;
const DELETE_MAX = 250;

/** Unknown `include` values are ignored, as the price-records spec says of its own include. */
const includesOf = (query: Query): Set<string> => new Set((csv(query, 'include') ?? []).filter((i) => (PRODUCT_INCLUDES as readonly string[]).includes(i)));

/** What a write answers with: the product and its sub-resources, as the spec's PUT example shows. */
const WRITE_INCLUDES = new Set(['variants', 'images', 'custom_fields', 'bulk_pricing_rules', 'options', 'modifiers', 'videos']);

export function catalogRouter(ctx: SandboxContext): Router {
  const router = express.Router();

  const productParam = (req: express.Request): V3Product => productOfPath(ctx.data, String(req.params.id));

  router.get(
    '/v3/catalog/products',
    v3Route((req, res) => {
      const include = includesOf(req.query);
      // "When you specify options or modifiers, results are limited to 10 per page" (IncludeParamGetProducts).
      const paging = readPage(req.query, { clampTo: include.has('options') || include.has('modifiers') ? 10 : undefined });
      const tests = productFilters(ctx.data, req.query, ctx.now());
      const matching = sortProducts(
        ctx.data,
        Object.values(ctx.data.products).filter((p) => tests.every((t) => t(p))),
        req.query,
      );
      const { slice, pagination } = offsetPage(matching, paging, req.query);
      res.json({ data: slice.map((p) => serializeProduct(ctx.data, p, include, req.query)), meta: { pagination } });
    }),
  );

  router.post(
    '/v3/catalog/products',
    v3Route((req, res) => {
      // One product per call: an array is not a product.
      const parsed = productCreate.safeParse(req.body);
      if (!parsed.success) throw invalidJson(parsed.error, req.body);
      const product = createProduct(ctx, parsed.data);
      res.json({ data: serializeProduct(ctx.data, product, WRITE_INCLUDES, req.query), meta: {} });
    }),
  );

  router.put(
    '/v3/catalog/products',
    v3Route((req, res) => {
      const parsed = z.array(z.unknown()).safeParse(req.body);
      if (!parsed.success) throw invalidJson(parsed.error, req.body);
      if (parsed.data.length > PRODUCT_BATCH_MAX) throw tooManyItems(PRODUCT_BATCH_MAX);
      if (parsed.data.length === 0) throw new V3Failure(422, 'JSON data is missing or invalid', { body: 'at least one product is required' });
      const items = z.array(productBatchItem).safeParse(req.body);
      if (!items.success) throw invalidJson(items.error, req.body);
      const ids = items.data.map((i) => i.id);
      if (new Set(ids).size !== ids.length) throw new V3Failure(422, 'JSON data is missing or invalid', { id: 'each product may appear once per batch' });

      const updated: V3Product[] = [];
      const failures: Array<{ index: number; failure: V3Failure }> = [];
      items.data.forEach((item, index) => {
        try {
          const product = findProduct(ctx.data, item.id);
          if (!product) throw new V3Failure(404, `Product ${item.id} does not exist.`, { id: 'not found' });
          const { id: _id, ...fields } = item;
          updated.push(updateProduct(ctx, product, fields));
        } catch (err) {
          if (!(err instanceof V3Failure)) throw err;
          failures.push({ index, failure: err });
        }
      });
      const data = updated.map((p) => serializeProduct(ctx.data, p, WRITE_INCLUDES, req.query));
      if (!failures.length) return void res.json({ data, meta: {} });
      const errors = Object.fromEntries(
        failures.flatMap(({ index, failure }) => Object.entries({ ...failure.errors, product: failure.title }).map(([k, v]) => [`${index}.${k}`, v])),
      );
      const first = failures[0]!.failure;
      if (!updated.length) return void res.status(first.status).json(v3Error(first.status, first.title, errors));
      // Partial failure: the updated products, and why the others were not (FACTS.md section 5, 207 bodies).
      res.status(207).json({ data, errors: v3Error(first.status, `${failures.length} of ${items.data.length} products were not updated.`, errors), meta: {} });
    }),
  );

  router.delete(
    '/v3/catalog/products',
    v3Route((req, res) => {
      requireDeleteFilter(req.query);
      const ids = csvInts(req.query, 'id:in');
      if (ids && ids.length > DELETE_MAX)
        throw new V3Failure(413, `The maximum number of products you can delete at one time is ${DELETE_MAX}.`, { 'id:in': `at most ${DELETE_MAX} ids` });
      const tests = productFilters(ctx.data, req.query, ctx.now());
      const matching = sortProducts(
        ctx.data,
        Object.values(ctx.data.products).filter((p) => tests.every((t) => t(p))),
        {},
      ).slice(0, DELETE_MAX);
      deleteProducts(ctx, matching);
      res.status(204).end();
    }),
  );

  router.get(
    '/v3/catalog/products/:id',
    v3Route((req, res) => {
      const product = productParam(req);
      res.json({ data: serializeProduct(ctx.data, product, includesOf(req.query), req.query), meta: {} });
    }),
  );

  router.put(
    '/v3/catalog/products/:id',
    v3Route((req, res) => {
      const product = productParam(req);
      const parsed = productUpdate.safeParse(req.body);
      if (!parsed.success) throw invalidJson(parsed.error, req.body);
      const updated = updateProduct(ctx, product, parsed.data);
      // The spec allows 200, 201 or 207 here; BigCommerce answers 200 with the product.
      res.json({ data: serializeProduct(ctx.data, updated, WRITE_INCLUDES, req.query), meta: {} });
    }),
  );

  router.get(
    '/v3/catalog/products/:id/variants',
    v3Route((req, res) => {
      const product = productParam(req);
      const paging = readPage(req.query);
      const { slice, pagination } = offsetPage(variantsOf(ctx.data, product.id), paging, req.query);
      res.json({ data: slice.map((v) => projectFields(serializeVariant(ctx.data, v), req.query)), meta: { pagination } });
    }),
  );

  router.post(
    '/v3/catalog/products/:id/variants',
    v3Route((req, res) => {
      const product = productParam(req);
      const parsed = variantCreate.safeParse(req.body);
      if (!parsed.success) throw invalidJson(parsed.error, req.body);
      const writes = new VariantWrites(ctx);
      writes.planCreate(product, parsed.data, 'variant');
      const [variant] = writes.apply();
      res.json({ data: serializeVariant(ctx.data, variant!), meta: {} });
    }),
  );

  router.get(
    '/v3/catalog/variants',
    v3Route((req, res) => {
      const paging = readPage(req.query);
      const tests = variantFilters(req.query);
      const matching = Object.values(ctx.data.variants)
        .filter((v) => tests.every((t) => t(v)))
        .sort((a, b) => a.id - b.id);
      const { slice, pagination } = offsetPage(matching, paging, req.query);
      res.json({ data: slice.map((v) => projectFields(serializeVariant(ctx.data, v), req.query)), meta: { pagination } });
    }),
  );

  router.put(
    '/v3/catalog/variants',
    v3Route((req, res) => {
      const parsed = z.array(z.unknown()).safeParse(req.body);
      if (!parsed.success) throw invalidJson(parsed.error, req.body);
      // The spec's 413 example has no final period: "... the maximum items allowed in the array is 50".
      if (parsed.data.length > VARIANT_BATCH_MAX) throw tooManyItems(VARIANT_BATCH_MAX, false);
      if (parsed.data.length === 0) throw new V3Failure(422, 'JSON data is missing or invalid', { body: 'at least one variant is required' });

      // The whole batch is checked first and applied only if every item is valid; the spec's 422
      // lists each failed item in `batch_errors` (product-variants_catalog.v3.yml).
      const writes = new VariantWrites(ctx);
      const batchErrors: Array<ReturnType<typeof v3Error>> = [];
      parsed.data.forEach((raw, index) => {
        const field = String(index);
        try {
          const item = variantBatchItem.safeParse(raw);
          if (!item.success) throw new V3Failure(422, 'JSON data is missing or invalid', zodErrors(item.error, raw, field));
          const v = item.data;
          if (v.id !== undefined) {
            writes.planUpdate({ ...v, id: v.id }, field);
            return;
          }
          if (v.product_id === undefined || v.sku === undefined || v.option_values === undefined) {
            throw new V3Failure(422, 'A new variant needs product_id, sku and option_values; an update needs id.', { [`${field}.id`]: 'error.path.missing' });
          }
          // "To create a new variant: product_id, sku, option_values - id (option_value ID) - option_id
          // (Option ID)" (updateVariantsBatch): names and labels create options only inline, with a product
          // POST. The title and error text are chosen; BigCommerce does not document what it answers.
          const byLabel = v.option_values.findIndex((o) => o.id === undefined || o.option_id === undefined);
          if (byLabel >= 0) {
            throw new V3Failure(422, 'A new variant names its option values by id and option_id (create them with the product variant option endpoints first).', {
              [`${field}.option_values.${byLabel}`]: 'id and option_id are required',
            });
          }
          const product = findProduct(ctx.data, v.product_id);
          if (!product) throw new V3Failure(404, `Product ${v.product_id} does not exist.`, { [`${field}.product_id`]: 'not found' });
          writes.planCreate(product, { ...v, sku: v.sku, option_values: v.option_values }, field);
        } catch (err) {
          if (!(err instanceof V3Failure)) throw err;
          batchErrors.push(v3Error(err.status, err.title, err.errors));
        }
      });
      if (batchErrors.length) return void res.status(422).json({ batch_errors: batchErrors });
      const variants = writes.apply();
      res.json({ data: variants.map((v) => serializeVariant(ctx.data, v)), meta: {} });
    }),
  );

  return router;
}
