/**
 * Names that tools outside the code rely on (shared/DESIGN.md, "Interfaces"): workflow ids, external
 * ids in other systems and task queue names. Kept in one place so they cannot drift apart.
 */

/** The ERP sales order's externalId: letters, digits, `_` and `-` only, as NetSuite requires. */
export const erpSalesOrderExternalId = (storeHash: string, orderId: number): string => `bc-${storeHash}-${orderId}`;

/** The OMS order's key (ShipStation `orderKey`): createorder upserts by it, so every retry hits one order. */
export const omsOrderKey = (storeHash: string, orderId: number): string => `bc-${storeHash}-${orderId}`;

/** Every BigCommerce call of a store runs on this activity queue, whose dispatch rate is the store's quota. */
export const bigCommerceTaskQueue = (storeHash: string): string => `bigcommerce.${storeHash}`;

/** The ERP credit memo of a BigCommerce refund: one per refund, so a repeat upsert hits the same record. */
export const erpCreditMemoExternalId = (storeHash: string, refundId: number): string => `bc-${storeHash}-refund-${refundId}`;

/** The ERP customer of an order: one per BigCommerce customer; guests share one per store (no stable id). */
export const erpCustomerExternalId = (storeHash: string, customerId: number): string => (customerId > 0 ? `bc-${storeHash}-customer-${customerId}` : `bc-${storeHash}-guest`);
