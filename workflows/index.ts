export { orderSync } from './order-sync';
export { reconcile } from './reconcile';
export { webhookHealth, reconcileTick } from './webhook-health';
export { alertDispatcher, alertMonitor } from './alerts';
export { refundSync } from './refund-sync';
export { catalogSync, catalogTick } from './catalog-sync';
