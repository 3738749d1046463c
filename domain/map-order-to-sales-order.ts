import { erpCustomerExternalId, erpSalesOrderExternalId } from './ids';
import { addMoney } from './money';
import type { BcOrder } from './order';
import type { SalesOrder } from './sales-order';

/**
 * BigCommerce order -> ERP sales order. Pure, so workflows may call it and unit tests pin it down.
 *
 * Totals: the ERP computes its own total from lines + shipping + tax - discount; we send each part
 * so that total comes out equal to BigCommerce's `total_inc_tax` (`expectedTotal` carries it for
 * the check). Handling and gift wrapping are charged like shipping, so they travel in shippingCost.
 */
export function mapOrderToSalesOrder(storeHash: string, order: BcOrder): SalesOrder {
  const firstDestination = order.shipping[0];
  const customerName = `${order.billingAddress.firstName} ${order.billingAddress.lastName}`.trim();
  const memoParts = [`BigCommerce order #${order.id}`];
  if (order.shipping.length > 1) {
    // One ship-to per sales order: the ERP gets the first; the rest are listed for the warehouse.
    memoParts.push(`${order.shipping.length} shipping destinations; also ship to consignments ${order.shipping.slice(1).map((s) => s.id).join(', ')}`);
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
    lines: order.lines.map((line) => ({
      sku: line.sku,
      description: line.name,
      quantity: line.quantity,
      rate: line.unitPriceExTax,
      amount: line.totalExTax,
      sourceLineId: line.id,
    })),
    shippingCost: addMoney(order.shippingExTax, order.handlingExTax, order.wrappingExTax),
    discount: order.discount,
    taxTotal: order.totalTax,
    expectedTotal: order.totalIncTax,
    source: { storeHash, orderId: order.id, statusId: order.statusId, status: order.status },
  };
}
