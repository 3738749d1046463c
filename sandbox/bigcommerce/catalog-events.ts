import { isBaseVariant } from './catalog';
import type { SandboxContext } from './context';
import type { V3Variant } from './state';

/**
 * Catalog webhooks (events/index.mdx): `store/product/*` carry `{type:'product', id}`;
 * `store/sku/*` carry `{type:'sku', id:<sku id>, sku:{product_id, variant_id}}`. A SKU is a variant
 * with option values; a base variant has no SKU id, so a change to it is a change of its product.
 */

export const emitProduct = (ctx: SandboxContext, action: 'created' | 'updated' | 'deleted', productId: number) =>
  ctx.emit(`store/product/${action}`, { type: 'product', id: productId });

export function emitVariant(ctx: SandboxContext, action: 'created' | 'updated' | 'deleted', v: V3Variant): void {
  if (isBaseVariant(v)) {
    if (action === 'updated') emitProduct(ctx, 'updated', v.product_id);
    return;
  }
  ctx.emit(`store/sku/${action}`, { type: 'sku', id: v.sku_id ?? v.id, sku: { product_id: v.product_id, variant_id: v.id } });
}
