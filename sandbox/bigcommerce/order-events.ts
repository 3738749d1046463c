import type { SandboxContext } from './context';
import { isPaidStatus } from './order-statuses';
import type { SandboxOrder } from './state';

/**
 * Every change to an order moves `date_modified`, is persisted, and fires `store/order/updated`
 * ("any change: status, coupon, address"); a status change fires `store/order/statusUpdated`
 * with both ids first (FACTS.md section 11).
 */
export function orderChanged(ctx: SandboxContext, order: SandboxOrder, previousStatusId: number = order.statusId): void {
  order.modifiedMs = ctx.now();
  ctx.changed();
  if (previousStatusId !== order.statusId) {
    ctx.emit('store/order/statusUpdated', { type: 'order', id: order.id, status: { previous_status_id: previousStatusId, new_status_id: order.statusId } });
  }
  ctx.emit('store/order/updated', { type: 'order', id: order.id });
}

/** Moves an order to a status; an unpaid order moved to a paid status counts as captured. */
export function setStatus(order: SandboxOrder, statusId: number): void {
  if (isPaidStatus(statusId) && !isPaidStatus(order.statusId) && order.paymentStatus === '') order.paymentStatus = 'captured';
  order.statusId = statusId;
}
