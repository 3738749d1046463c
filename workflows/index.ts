export { orderSync } from './order-sync';
export { reconcile } from './reconcile';
export { webhookHealth, reconcileTick } from './webhook-health';
export { alertDispatcher, alertMonitor } from './alerts';
export { refundSync } from './refund-sync';
export { erpRefundSync } from './erp-refund-sync';
export { erpRefundSweep } from './erp-refund-sweep';
export { catalogSync, catalogTick } from './catalog-sync';
export { inventorySync, inventorySweepTick, inventoryWriteRecord } from './inventory-sync';
