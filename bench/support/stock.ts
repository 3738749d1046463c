import { SEED_STOCK } from '../../sandbox/bigcommerce/seed';
import { control, must } from './result';

/**
 * Stock for every order a bench makes, through the systems' own doors: the ERP's stock control
 * (the ERP is the truth the product's inventory sync pushes to the store) and BigCommerce's
 * absolute adjustments (the store's levels until the first push). Every seeded SKU at location 1.
 */
export async function seedStock(opts: { erpUrl: string; bcUrl: string; storeHash: string; token: string; quantity: number; reason: string }): Promise<void> {
  const skus = [...new Set(SEED_STOCK.map((l) => l.sku))];
  must(skus.length > 0, 'the seed has no stocked SKUs');
  await control(
    fetch(`${opts.erpUrl}/__sandbox/stock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ levels: skus.map((sku) => ({ sku, location: '1', onHand: opts.quantity })) }),
    }),
    'ERP POST /__sandbox/stock',
  );
  for (let i = 0; i < skus.length; i += 50) {
    await control(
      fetch(`${opts.bcUrl}/stores/${opts.storeHash}/v3/inventory/adjustments/absolute`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-auth-token': opts.token },
        body: JSON.stringify({ reason: opts.reason, items: skus.slice(i, i + 50).map((sku) => ({ location_id: 1, sku, quantity: opts.quantity })) }),
      }),
      'BigCommerce PUT /v3/inventory/adjustments/absolute',
    );
  }
}
