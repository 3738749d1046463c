import { handleItemChanged } from '../catalog/item-events';
import { handleInventoryEvents } from '../inventory/inventory-events';
import { handleRefundAuthorized } from '../refunds/erp-refund-events';
import type { ErpEventHandlers } from './event-deps';

/** The flows' handlers of the ERP's events: each flow's routes own what its events start. */
export const erpEventHandlers: ErpEventHandlers = {
  refund: handleRefundAuthorized,
  item: handleItemChanged,
  inventory: handleInventoryEvents,
};
