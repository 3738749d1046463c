import { erpCustomerExternalId, erpSalesOrderExternalId } from '../shared/ids';
import { addMoney, fromUnits, toUnits } from '../shared/money';
import type { BcOrder, OrderLine } from './order';
import type { SalesOrder, SalesOrderLine } from './sales-order';

/** What the ERP books a line on (see SalesOrderLine.kind). */
function lineKind(line: OrderLine): SalesOrderLine['kind'] {
  if (line.kind === 'giftCertificate') return 'giftCertificate';
  return line.sku ? undefined : 'nonInventory';
}

/**
 * BigCommerce order -> ERP sales order. Pure, so workflows may call it and unit tests pin it down.
 *
 * Totals: the ERP computes its own total from lines + fees + shipping + tax - discount; we send
 * each part so that total comes out equal to BigCommerce's `total_inc_tax` (`expectedTotal` carries
 * it for the check the order workflow makes after every write). Every kind of line goes: products,
 * digital items, gift certificates (the email consignment), custom lines; fees as lines of their
 * own; handling and gift wrapping are charged like shipping, so they travel in shippingCost; store
 * credit and redeemed gift certificates are payments toward the total, carried as such.
 */
export function mapOrderToSalesOrder(storeHash: string, order: BcOrder): SalesOrder {
  const firstDestination = order.shipping[0];
  const customerName = `${order.billingAddress.firstName} ${order.billingAddress.lastName}`.trim();
  const memoParts = [`BigCommerce order #${order.id}`];
  if (order.shipping.length > 1) {
    // One ship-to per sales order: the ERP gets the first; the rest are listed for the warehouse.
    memoParts.push(
      `${order.shipping.length} shipping destinations; also ship to consignments ${order.shipping
        .slice(1)
        .map((s) => s.id)
        .join(', ')}`,
    );
  }
  if (order.customerMessage) memoParts.push(`Customer note: ${order.customerMessage}`);

  return {
    externalId: erpSalesOrderExternalId(storeHash, order.id),
    customer: {
      externalId: erpCustomerExternalId(storeHash, order.customerId),
      email: order.billingAddress.email,
      name: customerName || order.billingAddress.email,
    },
    orderDate: order.dateCreated.slice(0, 10),
    currency: order.currency,
    memo: memoParts.join('. '),
    billTo: order.billingAddress,
    shipTo: firstDestination ? firstDestination.address : null,
    shippingMethod: firstDestination ? firstDestination.method : '',
    lines: order.lines.map((line) => {
      const kind = lineKind(line);
      return {
        ...(kind ? { kind } : {}),
        sku: line.sku,
        description: line.name,
        quantity: line.quantity,
        rate: line.unitPriceExTax,
        amount: line.totalExTax,
        sourceLineId: line.id,
      };
    }),
    shippingCost: addMoney(order.shippingExTax, order.handlingExTax, order.wrappingExTax),
    ...(order.fees?.length ? { fees: order.fees.map((f) => ({ sourceFeeId: f.id, description: f.name || 'Order fee', amount: f.costExTax })) } : {}),
    discount: orderDiscount(order),
    taxTotal: order.totalTax,
    expectedTotal: order.totalIncTax,
    ...paidWith(order),
    source: { storeHash, orderId: order.id, statusId: order.statusId, status: order.status },
  };
}

/** Store credit and redeemed gift certificates, when the order used them. */
function paidWith(order: BcOrder): Pick<SalesOrder, 'paidWith'> {
  const storeCredit = order.storeCreditPaid && toUnits(order.storeCreditPaid) !== 0 ? order.storeCreditPaid : undefined;
  const giftCertificate = order.giftCertificatePaid && toUnits(order.giftCertificatePaid) !== 0 ? order.giftCertificatePaid : undefined;
  if (!storeCredit && !giftCertificate) return {};
  return { paidWith: { ...(storeCredit ? { storeCredit } : {}), ...(giftCertificate ? { giftCertificate } : {}) } };
}

/**
 * Every discount on the order, before tax. BigCommerce's own totals decide it: what the charges add
 * up to before tax, less `total_ex_tax`. `discount_amount` alone is ambiguous about coupons (it has
 * been read as with and as without `coupon_discount`); the totals are not. Without `total_ex_tax`
 * (orders read before it was carried) `discount_amount` stands.
 */
function orderDiscount(order: BcOrder): string {
  if (order.totalExTax === undefined) return order.discount;
  const charges = [order.subtotalExTax, order.shippingExTax, order.handlingExTax, order.wrappingExTax, ...(order.fees ?? []).map((f) => f.costExTax)];
  return fromUnits(charges.reduce((sum, m) => sum + toUnits(m), 0) - toUnits(order.totalExTax));
}
