/**
 * The hooks a store needs for this product: every order scope it consumes at our webhook endpoint,
 * and `store/hook/deliveryException` at a second endpoint (BigCommerce wants it at a destination no
 * other hook uses). Named one by one rather than `store/order/*`: a status change fires both
 * `statusUpdated` and `updated`, and the wildcard would wake the order's workflow twice (each
 * signal is a billed Temporal action) for one change; `updated` covers status changes.
 */
export const ORDER_SCOPES = ['store/order/created', 'store/order/updated', 'store/order/archived', 'store/order/refund/created'];
/**
 * Inventory (inventorySync): our writes come back as `.../inventory/updated` (echoes told apart from
 * changes made in BigCommerce); `.../inventory/order/updated` says at once that an order took units.
 */
export const INVENTORY_SCOPES = ['store/sku/inventory/updated', 'store/product/inventory/updated', 'store/sku/inventory/order/updated', 'store/product/inventory/order/updated'];
export const DELIVERY_EXCEPTION_SCOPE = 'store/hook/deliveryException';

export interface RequiredHook {
  scope: string;
  destination: string;
}

export function requiredHooks(destination: string, exceptionDestination?: string, opts: { inventory?: boolean } = {}): RequiredHook[] {
  return [
    ...[...ORDER_SCOPES, ...(opts.inventory === false ? [] : INVENTORY_SCOPES)].map((scope) => ({ scope, destination })),
    ...(exceptionDestination ? [{ scope: DELIVERY_EXCEPTION_SCOPE, destination: exceptionDestination }] : []),
  ];
}
