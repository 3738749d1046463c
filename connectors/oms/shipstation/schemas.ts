import { z } from 'zod';

/**
 * ShipStation V1's shapes, the parts this connector reads (the V1 docs' Order, Shipment and
 * Webhook models; ../shared/connectors/openapi/shipstation-v1/openapi.yaml). Unset fields come as
 * null, so everything optional is nullish. Unknown fields are dropped.
 */
const text = z.string().nullish();

export const ssAddress = z.object({
  name: text,
  company: text,
  street1: text,
  street2: text,
  street3: text,
  city: text,
  state: text,
  postalCode: text,
  country: text,
  phone: text,
  residential: z.boolean().nullish(),
});

export const ssOrderStatus = z.enum(['awaiting_payment', 'awaiting_shipment', 'pending_fulfillment', 'shipped', 'on_hold', 'cancelled', 'rejected_fulfillment']);

export const ssOrderItem = z.object({
  orderItemId: z.number().int(),
  lineItemKey: text,
  sku: text,
  name: text,
  quantity: z.number().int(),
  unitPrice: z.number().nullish(),
});

/** The Order model (createorder's answer, GET /orders/{id}, each of GET /orders). */
export const ssOrder = z.object({
  orderId: z.number().int(),
  orderNumber: z.string(),
  orderKey: z.string(),
  orderDate: text,
  modifyDate: text,
  orderStatus: ssOrderStatus,
  items: z.array(ssOrderItem).nullish(),
  advancedOptions: z.object({ customField3: text }).nullish(),
});
export type SsOrder = z.output<typeof ssOrder>;

export const ssOrderList = z.object({
  orders: z.array(ssOrder),
  total: z.number().int(),
  page: z.number().int(),
  pages: z.number().int(),
});

export const ssShipmentItem = z.object({
  orderItemId: z.number().int().nullish(),
  lineItemKey: text,
  sku: text,
  name: text,
  quantity: z.number().int(),
});

/** The Shipment model; `shipmentItems` is null unless the request had includeShipmentItems=true. */
export const ssShipment = z.object({
  shipmentId: z.number().int(),
  orderId: z.number().int(),
  orderKey: text,
  orderNumber: z.string(),
  createDate: z.string(),
  shipDate: z.string(),
  trackingNumber: text,
  carrierCode: text,
  serviceCode: text,
  voided: z.boolean(),
  shipmentItems: z.array(ssShipmentItem).nullish(),
});
export type SsShipment = z.output<typeof ssShipment>;

export const ssShipmentList = z.object({
  shipments: z.array(ssShipment),
  total: z.number().int(),
  page: z.number().int(),
  pages: z.number().int(),
});

export const ssWebhookList = z.object({
  webhooks: z.array(
    z.object({
      WebHookID: z.number().int(),
      HookType: z.string(),
      Url: z.string(),
      Name: text,
      StoreID: z.number().int().nullish(),
      Active: z.boolean(),
    }),
  ),
});

export const ssSubscribed = z.object({ id: z.number().int() });

/**
 * What ShipStation POSTs to a webhook target: a thin notice, no signature
 * (https://docs.shipstation.com/apis/shipstation-v1/docs/models/webhook). The docs cap resource_url
 * at 200 characters; a looser cap here lets an odd URL reach the host check, which says why it is
 * refused, instead of failing as a bad body.
 */
export const ssWebhookPayload = z.object({
  resource_url: z.string().min(1).max(2000),
  resource_type: z.string().min(1),
});
export type SsWebhookPayload = z.output<typeof ssWebhookPayload>;
