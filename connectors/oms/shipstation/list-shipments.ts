import type { OmsShipment } from '../../../domain/orders/oms-shipment';
import type { ShipStationClient } from './client';
import { ssShipmentList } from './schemas';
import { toOmsShipment } from './shipment-model';

export type ShipmentFilter = { orderId: number } | { orderNumber: string } | { batchId: number | string };

/**
 * Every shipment of an order (or of a label batch), with items, over all pages. Voided labels are
 * included and flagged (`voided: true`): the package never left, and a copy of it elsewhere must be
 * undone. `includeShipmentItems=true` is required: without it ShipStation returns no items
 * (FACTS.md section 3).
 * https://docs.shipstation.com/apis/shipstation-v1/docs/shipments/list-shipments
 */
export async function listShipments(client: ShipStationClient, filter: ShipmentFilter): Promise<OmsShipment[]> {
  const shipments: OmsShipment[] = [];
  for (let page = 1; ; page++) {
    const res = await client.request({ method: 'GET', path: '/shipments', query: { ...filter, includeShipmentItems: true, page, pageSize: 500 } }, ssShipmentList);
    const list = res.data;
    if (!list) break;
    shipments.push(...list.shipments.map(toOmsShipment));
    if (page >= list.pages) break;
  }
  // The docs do not say whether `orderNumber` matches exactly here; the orders list's filter is a
  // prefix match. Keep only the order asked for.
  return 'orderNumber' in filter ? shipments.filter((s) => s.orderNumber === filter.orderNumber) : shipments;
}
