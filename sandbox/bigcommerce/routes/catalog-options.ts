import express, { type Router } from 'express';
import { productOfPath } from '../catalog';
import { createOption, createOptionValue, productOptions } from '../catalog-options';
import { optionCreate, optionValueCreate } from '../catalog-schemas';
import type { SandboxContext } from '../context';
import type { V3Product } from '../state';
import { invalidJson, V3Failure, v3NotFound, v3Route } from '../v3-errors';
import { offsetPage, readPage } from '../v3-pagination';
import { projectFields } from '../v3-query';

/**
 * Product variant options (product-variant-options_catalog.v3.yml): list a product's options with
 * their values, create an option with its values, add a value to an option. What a variant created
 * by PUT /catalog/variants must name by id. Options and values cannot be changed or deleted here.
 */

export function catalogOptionsRouter(ctx: SandboxContext): Router {
  const router = express.Router();

  const productParam = (req: express.Request): V3Product => productOfPath(ctx.data, String(req.params.id));

  router.get(
    '/v3/catalog/products/:id/options',
    v3Route((req, res) => {
      const product = productParam(req);
      const { slice, pagination } = offsetPage(productOptions(ctx.data, product.id), readPage(req.query), req.query);
      res.json({ data: slice.map((o) => projectFields(o, req.query)), meta: { pagination } });
    }),
  );

  router.post(
    '/v3/catalog/products/:id/options',
    v3Route((req, res) => {
      const product = productParam(req);
      const parsed = optionCreate.safeParse(req.body);
      if (!parsed.success) throw invalidJson(parsed.error, req.body);
      if (parsed.data.product_id !== undefined && parsed.data.product_id !== product.id) {
        throw new V3Failure(422, 'JSON data is missing or invalid', { product_id: `does not match product ${product.id} of the path` });
      }
      const option = createOption(ctx, product, parsed.data);
      // The spec declares 200 (with the option and its values), not 201.
      res.json({ data: productOptions(ctx.data, product.id).find((o) => o.id === option.id), meta: {} });
    }),
  );

  router.post(
    '/v3/catalog/products/:id/options/:optionId/values',
    v3Route((req, res) => {
      const product = productParam(req);
      const optionId = String(req.params.optionId);
      if (!/^\d+$/.test(optionId)) throw v3NotFound();
      const parsed = optionValueCreate.safeParse(req.body);
      if (!parsed.success) throw invalidJson(parsed.error, req.body);
      const value = createOptionValue(ctx, product, Number(optionId), parsed.data);
      res.json({ data: value, meta: {} });
    }),
  );

  return router;
}
