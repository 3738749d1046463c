import { SEED_SKUS } from '../bigcommerce/seed';

/**
 * What the OMS sandbox keeps, as plain JSON (persisted by `bcsync dev` as oms.json). Orders,
 * shipments and webhooks are stored close to ShipStation's V1 models; dates that ShipStation
 * returns in Pacific time are stored as they will be returned (see pacific-time.ts), instants we
 * compute with are kept in epoch ms.
 */
export type SsOrderStatus = 'awaiting_payment' | 'awaiting_shipment' | 'pending_fulfillment' | 'shipped' | 'on_hold' | 'cancelled';

/** ShipStation's Address model. Unset fields are null, as ShipStation returns them. */
export interface SsAddress {
  name: string | null;
  company: string | null;
  street1: string | null;
  street2: string | null;
  street3: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  phone: string | null;
  residential: boolean | null;
  addressVerified: string | null;
}

export interface SsWeight {
  value: number;
  units: string;
}

export interface SsOrderItem {
  orderItemId: number;
  lineItemKey: string | null;
  sku: string | null;
  name: string | null;
  imageUrl: string | null;
  weight: SsWeight | null;
  quantity: number;
  unitPrice: number;
  taxAmount: number | null;
  shippingAmount: number | null;
  warehouseLocation: string | null;
  options: Array<{ name: string; value: string }>;
  productId: number | null;
  fulfillmentSku: string | null;
  adjustment: boolean;
  upc: string | null;
  createDate: string;
  modifyDate: string;
}

export interface SsOrder {
  orderId: number;
  orderNumber: string;
  orderKey: string;
  orderDate: string;
  createDate: string;
  modifyDate: string;
  paymentDate: string | null;
  shipByDate: string | null;
  orderStatus: SsOrderStatus;
  customerUsername: string | null;
  customerEmail: string | null;
  billTo: SsAddress;
  shipTo: SsAddress;
  items: SsOrderItem[];
  amountPaid: number;
  taxAmount: number;
  shippingAmount: number;
  customerNotes: string | null;
  internalNotes: string | null;
  gift: boolean;
  giftMessage: string | null;
  paymentMethod: string | null;
  requestedShippingService: string | null;
  carrierCode: string | null;
  serviceCode: string | null;
  packageCode: string | null;
  confirmation: string | null;
  shipDate: string | null;
  weight: SsWeight;
  /** Passed through as sent (ShipStation's Dimensions model), null when not sent. */
  dimensions: Record<string, unknown> | null;
  storeId: number;
  /** advancedOptions.customField1..3 and source, as sent. */
  customFields: { customField1: string | null; customField2: string | null; customField3: string | null; source: string | null };
  /** false after DELETE /orders/{id}: ShipStation's soft delete. */
  active: boolean;
}

export interface SsShipmentItem {
  orderItemId: number;
  lineItemKey: string | null;
  sku: string | null;
  name: string | null;
  quantity: number;
  unitPrice: number;
  productId: number | null;
}

export interface SsShipment {
  shipmentId: number;
  orderId: number;
  orderKey: string;
  orderNumber: string;
  /** The label batch the shipment was created in: SHIP_NOTIFY's resource_url points at it. */
  batchId: number;
  createDate: string;
  shipDate: string;
  trackingNumber: string;
  carrierCode: string;
  serviceCode: string;
  voided: boolean;
  voidDate: string | null;
  shipTo: SsAddress;
  items: SsShipmentItem[];
  storeId: number;
  createdMs: number;
}

export interface SsWebhook {
  webhookId: number;
  targetUrl: string;
  event: string;
  storeId: number | null;
  friendlyName: string;
  active: boolean;
}

/** The simulated 3PL's acceptance rules (PUT /__sandbox/rules). */
export interface ThreePlRules {
  /** Reject orders with an item whose SKU the 3PL does not stock. */
  rejectUnknownSkus: boolean;
  /** Reject orders whose ship-to lacks street1, city, postalCode or country. */
  requireShipToAddress: boolean;
}

export interface OmsSandboxData {
  nextIds: { order: number; item: number; shipment: number; batch: number; webhook: number; tracking: number };
  orders: Record<string, SsOrder>;
  shipments: Record<string, SsShipment>;
  webhooks: Record<string, SsWebhook>;
  rules: ThreePlRules;
  /** SKUs the 3PL stocks. */
  knownSkus: string[];
  /** Accepted createorder writes per orderKey: how tests prove a retry did not create twice. */
  writes: Record<string, number>;
}

/** The ShipStation store API-created orders land in ("Manual Orders" in ShipStation's UI). */
export const DEFAULT_STORE_ID = 310001;
/** The warehouse (ship-from location) every shipment leaves from. */
export const DEFAULT_WAREHOUSE_ID = 41001;

export function freshOmsData(): OmsSandboxData {
  return {
    nextIds: { order: 90000001, item: 150000001, shipment: 70000001, batch: 1001, webhook: 5001, tracking: 1 },
    orders: {},
    shipments: {},
    webhooks: {},
    rules: { rejectUnknownSkus: true, requireShipToAddress: true },
    knownSkus: [...SEED_SKUS],
    writes: {},
  };
}

/** Saved data when it looks like ours, a fresh start otherwise (an older or foreign file). */
export function loadOrFreshOms(saved: unknown): OmsSandboxData {
  const d = saved as Partial<OmsSandboxData> | undefined;
  if (d && typeof d === 'object' && d.nextIds && d.orders && d.shipments && d.webhooks && d.rules && Array.isArray(d.knownSkus) && d.writes) {
    return d as OmsSandboxData;
  }
  return freshOmsData();
}
