/**
 * Names that tools outside the code rely on (shared/DESIGN.md, "Interfaces"): workflow ids, external
 * ids in other systems and task queue names. Kept in one place so they cannot drift apart.
 */

export const orderWorkflowId = (storeHash: string, orderId: number): string => `order:${storeHash}:${orderId}`;

/** The ERP sales order's externalId: letters, digits, `_` and `-` only, as NetSuite requires. */
export const erpSalesOrderExternalId = (storeHash: string, orderId: number): string => `bc-${storeHash}-${orderId}`;

/** The OMS order's key (ShipStation `orderKey`): createorder upserts by it, so every retry hits one order. */
export const omsOrderKey = (storeHash: string, orderId: number): string => `bc-${storeHash}-${orderId}`;

/** Every BigCommerce call of a store runs on this activity queue, whose dispatch rate is the store's quota. */
export const bigCommerceTaskQueue = (storeHash: string): string => `bigcommerce.${storeHash}`;
