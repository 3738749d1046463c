import { SEED_SKUS } from '../bigcommerce/seed';

/** NetSuite-shaped records as the ERP sandbox keeps them (plain JSON, persisted by `bcsync dev`). */
export interface ErpItem {
  id: string;
  itemId: string;
  externalId: string;
  displayName: string;
}

export interface ErpCustomer {
  id: string;
  externalId: string;
  companyName?: string;
  email?: string;
  entityId: string;
}

export interface ErpSalesOrderLine {
  line: number;
  item: { id: string; externalId: string; refName: string };
  description?: string;
  quantity: number;
  rate: number;
  amount: number;
  custcol_bcsync_line_id?: string;
  /** NetSuite closes an order by closing every line; status is not writable. */
  isClosed?: boolean;
}

export interface ErpSalesOrder {
  id: string;
  externalId: string;
  tranId: string;
  entity: { id: string; externalId: string; refName: string };
  /** Body fields other than lines, entity and the computed totals, stored as sent. */
  fields: Record<string, unknown>;
  lines: ErpSalesOrderLine[];
  createdMs: number;
  modifiedMs: number;
}

export interface ErpSandboxData {
  nextId: number;
  items: ErpItem[];
  customers: Record<string, ErpCustomer>;
  salesOrders: Record<string, ErpSalesOrder>;
  /** Writes per sales order externalId: how tests prove a retry did not write twice. */
  salesOrderWrites: Record<string, number>;
}

export const CHARGE_ITEMS = ['bcsync-sales-tax', 'bcsync-discount', 'bcsync-shipping'];

export function freshErpData(): ErpSandboxData {
  let id = 5000;
  const items = [...SEED_SKUS, ...CHARGE_ITEMS].map((sku) => ({ id: String(id++), itemId: sku, externalId: sku, displayName: sku }));
  return { nextId: 1001, items, customers: {}, salesOrders: {}, salesOrderWrites: {} };
}
