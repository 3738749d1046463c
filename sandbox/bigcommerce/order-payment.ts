import type { SandboxOrder } from './state';

/**
 * The payment behind an order, as refund quotes see it (`refund_methods`). BigCommerce knows the
 * gateway that took the money; V2-created orders only carry a `payment_method` label, so the
 * sandbox infers the provider from it. Offline providers (bank deposit, cash on delivery, manual)
 * can only be refunded offline.
 */
export function paymentFor(method: string): SandboxOrder['payment'] {
  const m = method.toLowerCase();
  if (m.includes('credit card') || m.includes('test payment gateway')) return { providerId: 'testgateway', providerDescription: 'Test Payment Gateway', offline: false };
  if (m.includes('paypal')) return { providerId: 'checkout_paypalexpress', providerDescription: 'Paypal Express', offline: false };
  if (m.includes('bank deposit')) return { providerId: 'bankdeposit', providerDescription: 'Bank Deposit', offline: true };
  if (m.includes('cash on delivery') || m === 'cod') return { providerId: 'cod', providerDescription: 'Cash on Delivery', offline: true };
  if (m.includes('store credit')) return { providerId: 'storecredit', providerDescription: 'Store Credit', offline: false };
  return { providerId: 'custom', providerDescription: method || 'Manual', offline: true };
}
