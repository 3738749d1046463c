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

/** A credit memo (NetSuite `creditMemo`): money going back to the customer, created from a sales order. */
export interface ErpCreditMemo {
  id: string;
  externalId: string;
  tranId: string;
  entity: { id: string; externalId: string; refName: string };
  createdFrom: { id: string; externalId: string; refName: string };
  fields: Record<string, unknown>;
  lines: ErpSalesOrderLine[];
  createdMs: number;
  modifiedMs: number;
}

/** The catalog part's record of one SKU (sandbox/erp/catalog.ts). */
export interface ErpCatalogRecord {
  /** The item's internal id (the same as its `items` entry). */
  id: string;
  sku: string;
  displayName: string;
  storeDescription: string;
  weight: number;
  isInactive: boolean;
  /** NetSuite `matrixtype`: PARENT, CHILD, or null for a plain item. */
  matrixType: 'PARENT' | 'CHILD' | null;
  /** A matrix child's parent SKU. */
  parentSku: string | null;
  /** A matrix child's option values, e.g. {"Size": "M"} (custitem_bcsync_options, "Size=M;Color=Red"). */
  options: Record<string, string>;
  /** Price per price level name; "Base Price" is the store price. */
  prices: Record<string, number>;
  lastModifiedMs: number;
}

/** ERP-side refunds (sandbox/erp/erp-refunds.ts). */
export type ErpRefundRecordType = 'cashRefund' | 'returnAuthorization';

export interface ErpRefundLineRecord extends ErpSalesOrderLine {
  /** Return authorizations: units the warehouse received back (item receipt). */
  quantityReceived?: number;
}

export interface ErpRefundRecord {
  id: string;
  type: ErpRefundRecordType;
  tranId: string;
  entity: ErpSalesOrder['entity'];
  createdFrom: { id: string; externalId: string; refName: string };
  /** NetSuite's status ids: cash refund `R` Refunded; return `A` Pending Approval, `B` Pending Receipt, `F` Pending Refund, `H` Closed. */
  status: { id: string; refName: string };
  lines: ErpRefundLineRecord[];
  shippingCost: number;
  memo: string;
  /** Body fields written by integrations (custbody_bcsync_bc_refund_id). */
  fields: Record<string, unknown>;
  createdMs: number;
  modifiedMs: number;
}

export interface ErpRefundsData {
  records: Record<string, ErpRefundRecord>;
  /** PATCHes per record (`cashRefund:1005`): how tests prove the link was written once. */
  writes: Record<string, number>;
}

/** Stock per item and location (sandbox/erp/stock.ts). */
export interface ErpStockLevel {
  onHand: number;
  committed: number;
  /** ERP clock (epoch ms) of the last change: the sweep's watermark column. */
  modifiedMs: number;
}

export interface ErpStockData {
  /** `<sku>|<location>` -> level. */
  levels: Record<string, ErpStockLevel>;
  /** Units committed per sales order id and SKU (what a close releases, what a rewrite replaces). */
  committedByOrder: Record<string, Record<string, number>>;
}

export interface ErpSandboxData {
  nextId: number;
  items: ErpItem[];
  customers: Record<string, ErpCustomer>;
  salesOrders: Record<string, ErpSalesOrder>;
  /** Writes per sales order externalId: how tests prove a retry did not write twice. */
  salesOrderWrites: Record<string, number>;
  creditMemos: Record<string, ErpCreditMemo>;
  /** Writes (upserts and deletes) per credit memo externalId. */
  creditMemoWrites: Record<string, number>;
  /** Catalog fields and prices per SKU (sandbox/erp/catalog.ts); absent until the catalog is seeded. */
  catalog?: Record<string, ErpCatalogRecord>;
  /** Cash refunds and return authorizations made in the ERP (sandbox/erp/erp-refunds.ts); absent until the first. */
  erpRefunds?: ErpRefundsData;
  /** Per-location stock and committed units (sandbox/erp/stock.ts); absent until the first stock change. */
  stock?: ErpStockData;
}

export const CHARGE_ITEMS = ['bcsync-sales-tax', 'bcsync-discount', 'bcsync-shipping', 'bcsync-refund-adjustment', 'bcsync-gift-certificate', 'bcsync-fee', 'bcsync-non-inventory'];

export function freshErpData(): ErpSandboxData {
  let id = 5000;
  const items = [...SEED_SKUS, ...CHARGE_ITEMS].map((sku) => ({ id: String(id++), itemId: sku, externalId: sku, displayName: sku }));
  return { nextId: 1001, items, customers: {}, salesOrders: {}, salesOrderWrites: {}, creditMemos: {}, creditMemoWrites: {} };
}

/** Data saved by an older sandbox: add what it did not have yet, keep everything else. */
export function upgradeErpData(data: ErpSandboxData): ErpSandboxData {
  data.creditMemos ??= {};
  data.creditMemoWrites ??= {};
  let id = Math.max(...data.items.map((i) => Number(i.id)), 5000) + 1;
  for (const sku of CHARGE_ITEMS) if (!data.items.some((i) => i.externalId === sku)) data.items.push({ id: String(id++), itemId: sku, externalId: sku, displayName: sku });
  return data;
}
