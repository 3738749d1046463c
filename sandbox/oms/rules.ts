import type { OrderBody } from './order-body';
import type { OmsSandboxData } from './state';

/**
 * The simulated 3PL behind ShipStation: warehouses refuse orders they cannot fulfil. ShipStation
 * itself accepts any SKU and any address; these rules stand for the fulfilment partner's checks
 * (and for ShipStation automation rules that hold bad orders), so a sync can be tested against a
 * rejection with a clear reason. Both are on by default and set through PUT /__sandbox/rules.
 * A cancellation is never refused: there is nothing left to fulfil.
 */
export function threePlRejection(data: OmsSandboxData, body: OrderBody): string | undefined {
  if (body.orderStatus === 'cancelled') return undefined;
  const reasons: string[] = [];
  if (data.rules.rejectUnknownSkus) {
    const known = new Set(data.knownSkus);
    // Adjustment lines (discounts, fees) are not products; nothing is picked for them.
    const unknown = (body.items ?? []).filter((i) => !i.adjustment && !known.has(i.sku ?? '')).map((i) => (i.sku ? i.sku : '(no SKU)'));
    if (unknown.length) reasons.push(`unknown SKU${unknown.length > 1 ? 's' : ''} ${[...new Set(unknown)].join(', ')}`);
  }
  if (data.rules.requireShipToAddress) {
    const s = body.shipTo;
    const missing = (['street1', 'city', 'postalCode', 'country'] as const).filter((f) => !s[f]?.trim());
    if (missing.length) reasons.push(`ship-to address is missing ${missing.join(', ')}`);
  }
  return reasons.length ? `Order ${body.orderNumber} rejected by the fulfillment rules: ${reasons.join('; ')}.` : undefined;
}
