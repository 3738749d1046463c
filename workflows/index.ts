export { orderSync } from './order-sync';
