import { roundToCents } from './format';
import type { SandboxOrder, SandboxOrderLine } from './state';

/**
 * Order money as BigCommerce derives it, in ten-thousandths. Line totals are shown before
 * discounts (`total_ex_tax`), discounts sit in `applied_discounts`, and tax is charged on the
 * discounted amount, so `discounted_total_inc_tax` and the order's `total_tax` are net of the
 * discount's tax share (orderProductAppliedDiscounts in orders.v2.oas2.yml).
 */

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function lineTotals(l: SandboxOrderLine) {
  const totalEx = l.priceExUnits * l.quantity;
  const totalInc = l.priceIncUnits * l.quantity;
  const discount = sum(l.discounts.map((d) => d.units));
  // The discount carries the line's own tax rate, charged in whole cents.
  const discountTax = l.priceExUnits > 0 ? roundToCents((discount * (l.priceIncUnits - l.priceExUnits)) / l.priceExUnits) : 0;
  return {
    totalEx,
    totalInc,
    totalTax: totalInc - totalEx,
    discount,
    discountedTotalInc: totalInc - discount - discountTax,
    discountedTax: totalInc - totalEx - discountTax,
  };
}

export function orderTotals(o: SandboxOrder) {
  const lines = o.lines.map(lineTotals);
  const wrappingEx = sum(o.lines.map((l) => l.wrapping?.exUnits ?? 0));
  const wrappingInc = sum(o.lines.map((l) => l.wrapping?.incUnits ?? 0));
  const feesEx = sum((o.fees ?? []).map((f) => f.costExUnits));
  const feesInc = sum((o.fees ?? []).map((f) => f.costIncUnits));
  const subtotalEx = sum(lines.map((l) => l.totalEx));
  const subtotalInc = sum(lines.map((l) => l.totalInc));
  const shippingEx = sum(o.shipping.map((s) => s.costExUnits));
  const shippingInc = sum(o.shipping.map((s) => s.costIncUnits));
  const discount = sum(lines.map((l) => l.discount));
  const couponDiscount = sum(o.lines.flatMap((l) => l.discounts.filter((d) => d.isCoupon).map((d) => d.units)));
  // Gift wrapping and fees are charges of their own, with their own tax; discounts do not touch them.
  const totalTax = sum(lines.map((l) => l.discountedTax)) + (shippingInc - shippingEx) + (o.handlingIncUnits - o.handlingExUnits) + (wrappingInc - wrappingEx) + (feesInc - feesEx);
  const totalEx = subtotalEx + shippingEx + o.handlingExUnits + wrappingEx + feesEx - discount;
  return { subtotalEx, subtotalInc, shippingEx, shippingInc, wrappingEx, wrappingInc, feesEx, feesInc, discount, couponDiscount, totalTax, totalEx, totalInc: totalEx + totalTax };
}

/**
 * Splits an order-level amount over lines in proportion to their ex-tax totals, in whole cents,
 * the last line taking the remainder ("the discount is distributed across products in proportion
 * to the products price": orderProductAppliedDiscounts).
 */
export function distribute(lines: SandboxOrderLine[], units: number): number[] {
  const weights = lines.map((l) => l.priceExUnits * l.quantity);
  const total = sum(weights);
  if (total <= 0 || lines.length === 0) return lines.map(() => 0);
  const shares = weights.map((w) => roundToCents((units * w) / total));
  shares[shares.length - 1]! += units - sum(shares);
  return shares;
}

export const itemsTotal = (o: SandboxOrder) => sum(o.lines.map((l) => l.quantity));
export const itemsShipped = (o: SandboxOrder) => sum(o.lines.map((l) => l.quantityShipped));
export const physicalLines = (o: SandboxOrder) => o.lines.filter((l) => l.type === 'physical');
