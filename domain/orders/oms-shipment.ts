/**
 * Our model of a shipment the OMS/3PL made, independent of its wire format. Items refer to the
 * order's lines by the `lineItemKey` we gave them (BigCommerce's order-product id).
 */
export interface OmsShipmentItem {
  /** Null for lines the OMS added itself (not from our order). */
  lineItemKey: string | null;
  sku: string;
  quantity: number;
}

export interface OmsShipment {
  shipmentId: number;
  /** The OMS's id of the order. */
  orderId: number;
  orderKey: string;
  orderNumber: string;
  trackingNumber: string | null;
  carrierCode: string | null;
  serviceCode: string | null;
  /** Calendar date the package shipped, YYYY-MM-DD, as the OMS reports it (its own time zone). */
  shipDate: string;
  /** When the label was made, ISO-8601 UTC. */
  createdAt: string;
  /** A voided label: the package never left; whatever copied it must undo or ignore it. */
  voided: boolean;
  items: OmsShipmentItem[];
}
