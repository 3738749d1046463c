import { defineSettings, duration, durationList, setting } from './setting';

/** Refunds made in BigCommerce: when a payment is checked for a decline, how long one waits for its order. */
export const refundSettings = defineSettings({
  flow: 'Refunds',
  title: 'Refunds made in BigCommerce',
  module: 'config/refunds.ts',
  settings: {
    declineChecksMs: setting('REFUND_DECLINE_CHECKS', durationList, {
      default: '10m,1h,6h',
      description: "After booking a refund, when to look again for a declined payment (BigCommerce runs the refund's payment asynchronously): delays after booking.",
    }),
    orderWaitMs: setting('REFUND_ORDER_WAIT', duration, { default: '24h', description: 'How long a refund waits for its order to reach the ERP before it parks.' }),
  },
});

/** Refunds and returns made in the ERP: the sweep that finds the ones whose events were lost. */
export const erpRefundSettings = defineSettings({
  flow: 'Refunds',
  title: 'Refunds and returns made in the ERP',
  module: 'config/refunds.ts',
  settings: {
    sweepIntervalMs: setting('ERP_REFUND_SWEEP_INTERVAL', duration, {
      default: '10m',
      description: "How often the ERP's unlinked cash refunds and returns are swept into BigCommerce (lost refund events).",
    }),
    sweepLookbackMs: setting('ERP_REFUND_SWEEP_LOOKBACK', duration, { default: '7d', description: 'How far back each sweep looks for ERP refunds and returns changed.' }),
  },
});
