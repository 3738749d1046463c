import type { SandboxContext } from './context';

/**
 * Knobs of the order and refund simulation that SandboxSettings (context.ts) does not carry yet,
 * kept per sandbox instance and set through PUT /__sandbox/orders/settings.
 */
export interface OrderSimSettings {
  /**
   * How long a refund stays "processing" after it is created. BigCommerce schedules the refund
   * payment asynchronously and does not support concurrent refunds on one order, so a second
   * refund of the same order within this window is refused (422).
   */
  refundProcessingMs: number;
}

const byContext = new WeakMap<SandboxContext, OrderSimSettings>();

export function orderSimSettings(ctx: SandboxContext): OrderSimSettings {
  let settings = byContext.get(ctx);
  if (!settings) {
    settings = { refundProcessingMs: 500 };
    byContext.set(ctx, settings);
  }
  return settings;
}
