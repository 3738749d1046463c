import type { Router } from 'express';
import type { SandboxContext } from '../context';
import { catalogRouter } from './catalog';
import { catalogOptionsRouter } from './catalog-options';
import { customersRouter } from './customers';
import { hooksRouter } from './hooks';
import { inventoryRouter } from './inventory';
import { orderMetafieldsRouter } from './order-metafields';
import { ordersRouter } from './orders';
import { priceListsRouter } from './price-lists';
import { refundsRouter } from './refunds';
import { storeInfoRouter } from './store-info';

/** Every BigCommerce API route the sandbox serves, mounted below /stores/<hash>. */
export function storeRouters(ctx: SandboxContext): Router[] {
  return [
    storeInfoRouter(ctx),
    ordersRouter(ctx),
    orderMetafieldsRouter(ctx),
    refundsRouter(ctx),
    catalogRouter(ctx),
    catalogOptionsRouter(ctx),
    inventoryRouter(ctx),
    customersRouter(ctx),
    priceListsRouter(ctx),
    hooksRouter(ctx),
  ];
}
