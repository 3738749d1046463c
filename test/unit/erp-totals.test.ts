import { describe, expect, it } from 'vitest';
import { compareTotals } from '../../domain/orders/erp-total-repair';
import { erpTotalMismatch, totalMismatchMessage } from '../../domain/orders/lifecycle';

describe('the ERP total against BigCommerce’s', () => {
  it('agrees to the cent, whatever the precision', () => {
    expect(erpTotalMismatch('1178.3700', '1178.37')).toBeNull();
    expect(erpTotalMismatch('10.0049', '10.00')).toBeNull();
    expect(erpTotalMismatch('1178.3700', '1153.37')).toEqual({ bigcommerce: '1178.3700', erp: '1153.37' });
    expect(erpTotalMismatch('10.00', '10.01')).not.toBeNull();
  });

  it('tells ops both figures, the difference and what to do', () => {
    const message = totalMismatchMessage({ bigcommerce: '1178.3700', erp: '1153.3700' });
    expect(message).toContain('1153.3700');
    expect(message).toContain('1178.3700');
    expect(message).toContain('short by 25.00');
    expect(message).toMatch(/retry.*resolve/);
    expect(totalMismatchMessage({ bigcommerce: '10.0000', erp: '12.5000' })).toContain('over by 2.50');
  });
});

describe('the repair of ERP totals compares a page of orders', () => {
  const orders = [
    { orderId: 100, statusId: 11, totalIncTax: '50.0000' }, // agrees
    { orderId: 101, statusId: 11, totalIncTax: '75.0000' }, // short: rewrite
    { orderId: 102, statusId: 5, totalIncTax: '30.0000' }, // cancelled and different: report only
    { orderId: 103, statusId: 11, totalIncTax: '20.0000' }, // not in the ERP
    { orderId: 104, statusId: 0, totalIncTax: '99.0000' }, // incomplete: not an order
  ];
  const erp = { 'bc-s-100': { total: '50.00' }, 'bc-s-101': { total: '50.00' }, 'bc-s-102': { total: '5.00' }, 'bc-s-104': { total: '1.00' } };

  it('rewrites open orders that differ, reports cancelled ones, counts the ones not in the ERP, skips incomplete checkouts', () => {
    expect(compareTotals('s', orders, erp)).toEqual({
      checked: 4,
      notInErp: 1,
      toRewrite: [{ orderId: 101, bigcommerce: '75.0000', erp: '50.00' }],
      closedDifferent: [{ orderId: 102, bigcommerce: '30.0000', erp: '5.00' }],
    });
  });
});
