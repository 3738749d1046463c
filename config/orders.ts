import { defineSettings, duration, setting } from './setting';

/** The order workflow's timings: how long it lives, retries and stays parked. */
export const orderSettings = defineSettings({
  flow: 'Orders',
  title: 'Orders',
  module: 'config/orders.ts',
  settings: {
    quietPeriodMs: setting('ORDER_QUIET_PERIOD', duration, {
      default: '1h',
      description: "How long an order's workflow waits for another event before it completes (a terminal order's run ends after this long without events).",
    }),
    retryWindowMs: setting('ORDER_RETRY_WINDOW', duration, {
      default: '10m',
      description: 'How long a step keeps retrying a transient failure (an outage) before the order parks.',
    }),
    parkRetryMs: setting('ORDER_PARK_RETRY', duration, { default: '15m', description: 'A parked order whose cause was transient tries again by itself after this.' }),
  },
});
