import type { OmsOrder } from '../../../domain/orders/oms-order';
import type { ShipStationClient } from './client';
import { OmsError } from './errors';
import { upsertOmsOrder, type OmsUpsertResult } from './upsert-order';

/**
 * Cancel = send the same whole order again with `orderStatus: "cancelled"` (V1 has no cancel call;
 * FACTS.md section 3). Idempotent: an order that is already cancelled is locked, and that counts
 * as done. A shipped order cannot be cancelled: that OmsError (kind `locked`, orderStatus
 * `shipped`) reaches the caller, which must handle goods that already left.
 * https://docs.shipstation.com/apis/shipstation-v1/docs/orders/create-update-order
 */
export async function cancelOmsOrder(client: ShipStationClient, order: OmsOrder): Promise<OmsUpsertResult & { alreadyCancelled: boolean }> {
  try {
    const result = await upsertOmsOrder(client, { ...order, status: 'cancelled' });
    return { ...result, alreadyCancelled: false };
  } catch (err) {
    if (err instanceof OmsError && err.kind === 'locked' && err.details.orderStatus === 'cancelled') {
      return { orderId: err.details.orderId!, orderKey: order.orderKey, orderStatus: 'cancelled', alreadyCancelled: true };
    }
    throw err;
  }
}
