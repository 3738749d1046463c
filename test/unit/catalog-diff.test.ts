import { describe, expect, it } from 'vitest';
import { chunk, minCalls, priceRecordBatches, productBatches, variantBatches } from '../../domain/catalog/batches';
import { planCatalogChanges, productSkusOf, resolveDeferredPrices } from '../../domain/catalog/diff';
import { textDigest, type BcProductState, type CatalogItem } from '../../domain/catalog/item';

const item = (sku: string, over: Partial<CatalogItem> = {}): CatalogItem => ({
  erpId: sku.replace(/\D/g, '') || '1',
  sku,
  name: `Item ${sku}`,
  description: '',
  weight: 1,
  active: true,
  matrix: null,
  parentSku: null,
  options: [],
  price: 10,
  levelPrices: {},
  modifiedMs: 1,
  ...over,
});
const product = (id: number, sku: string, over: Partial<BcProductState> = {}): BcProductState => ({
  id,
  sku,
  name: `Item ${sku}`,
  descriptionDigest: textDigest(''),
  price: 10,
  weight: 1,
  isVisible: true,
  baseVariantId: id * 10,
  variants: [{ id: id * 10, sku, price: 10, options: [] }],
  ...over,
});

describe('catalog diff', () => {
  it('writes nothing for items BigCommerce already has as the ERP says', () => {
    const plan = planCatalogChanges([item('A1'), item('A2', { levelPrices: { Wholesale: 8 } })], [product(1, 'A1'), product(2, 'A2')], { '7': { '20': 8 } }, { Wholesale: 7 });
    expect(plan).toMatchObject({ items: 2, unchanged: 2, productCreates: [], productUpdates: [], variantWrites: [], priceRecords: [], deferredPrices: [], parked: [] });
  });

  it('updates only the fields that differ, compares money to the cent, and finds SKUs whatever their case', () => {
    const plan = planCatalogChanges(
      [item('A1', { price: 12.5, name: 'New name' }), item('a2', { price: 10.004, name: 'Item A2' }), item('A3', { active: false })],
      [product(1, 'A1'), product(2, 'A2'), product(3, 'A3')],
      {},
      {},
    );
    expect(plan.productUpdates).toEqual([
      { sku: 'A1', id: 1, fields: { name: 'New name', price: 12.5 } },
      { sku: 'A3', id: 3, fields: { is_visible: false } },
    ]);
    expect(plan.unchanged).toBe(1);
  });

  it('creates a missing matrix product with its variants inline and defers their prices until the ids are known', () => {
    const parent = item('P1', { matrix: 'parent', levelPrices: {} });
    const kids = ['S', 'M'].map((size, i) =>
      item(`P1-${size}`, { erpId: String(10 + i), matrix: 'child', parentSku: 'P1', options: [{ name: 'Size', value: size }], price: 11, levelPrices: { Wholesale: 9 } }),
    );
    expect(productSkusOf([parent, ...kids])).toEqual(['P1']);
    const plan = planCatalogChanges([parent, ...kids], [], {}, { Wholesale: 3 });
    expect(plan.productCreates).toHaveLength(1);
    expect(plan.productCreates[0]!.body.variants).toEqual([
      { sku: 'P1-S', price: 11, option_values: [{ option_display_name: 'Size', label: 'S' }] },
      { sku: 'P1-M', price: 11, option_values: [{ option_display_name: 'Size', label: 'M' }] },
    ]);
    expect(plan.deferredPrices).toEqual([
      { sku: 'P1-S', priceListId: 3, price: 9 },
      { sku: 'P1-M', priceListId: 3, price: 9 },
    ]);
    const resolved = resolveDeferredPrices(plan.deferredPrices, { 'p1-s': 501 });
    expect(resolved.records).toEqual([{ sku: 'P1-S', priceListId: 3, variantId: 501, price: 9 }]);
    expect(resolved.missing.map((m) => m.sku)).toEqual(['P1-M']);
  });

  it('adds a new child to an existing product as a variant create and updates a changed variant price', () => {
    const existing = product(5, 'P5', { baseVariantId: null, variants: [{ id: 51, sku: 'P5-S', price: null, options: [{ name: 'Size', value: 'S' }] }] });
    const plan = planCatalogChanges(
      [
        item('P5-S', { matrix: 'child', parentSku: 'P5', options: [{ name: 'Size', value: 'S' }], price: 12 }),
        item('P5-L', { matrix: 'child', parentSku: 'P5', options: [{ name: 'Size', value: 'L' }], price: 10 }),
      ],
      [existing],
      {},
      {},
    );
    expect(plan.variantWrites).toEqual([
      { sku: 'P5-S', id: 51, product_id: 5, price: 12 },
      { sku: 'P5-L', product_id: 5, price: 10, option_values: [{ option_display_name: 'Size', label: 'L' }] },
    ]);
  });

  it('compares descriptions by digest and sends the text only when it changed', () => {
    const long = '<p>'.padEnd(20_000, 'x');
    const same = planCatalogChanges([item('A1', { description: long })], [product(1, 'A1', { descriptionDigest: textDigest(long) })], {}, {});
    expect(same.unchanged).toBe(1);
    const changed = planCatalogChanges([item('A1', { description: `${long}y` })], [product(1, 'A1', { descriptionDigest: textDigest(long) })], {}, {});
    expect(changed.productUpdates).toEqual([{ sku: 'A1', id: 1, fields: { description: `${long}y` } }]);
    expect(textDigest('ab')).not.toBe(textDigest('ba'));
  });

  it('writes only the price records that differ, per price list', () => {
    const plan = planCatalogChanges(
      [item('A1', { levelPrices: { Wholesale: 8, VIP: 7 } })],
      [product(1, 'A1')],
      { '7': { '10': 8 }, '9': { '10': 6.5 } },
      { Wholesale: 7, VIP: 9 },
    );
    expect(plan.priceRecords).toEqual([{ sku: 'A1', priceListId: 9, variantId: 10, price: 7 }]);
  });

  it('parks items that cannot map before any call: a child without options or without its parent', () => {
    const plan = planCatalogChanges(
      [item('C1', { matrix: 'child', parentSku: 'P9', options: [] }), item('C2', { matrix: 'child', parentSku: 'P9', options: [{ name: 'Size', value: 'S' }] })],
      [],
      {},
      {},
    );
    expect(plan.parked.map((p) => [p.sku, p.type])).toEqual([
      ['C1', 'ErpMappingDrift'],
      ['C2', 'ErpMappingDrift'],
    ]);
    expect(plan.productCreates).toEqual([]);
  });
});

describe('catalog batches', () => {
  it('keeps to BigCommerce caps: 10 products, 50 variants, 1000 records per list', () => {
    const updates = Array.from({ length: 25 }, (_, i) => ({ sku: `S${i}`, id: i + 1, fields: { price: i } }));
    expect(productBatches(updates).map((b) => b.length)).toEqual([10, 10, 5]);
    expect(variantBatches(Array.from({ length: 120 }, (_, i) => ({ sku: `V${i}`, id: i, product_id: 1 }))).map((b) => b.length)).toEqual([50, 50, 20]);
    const records = [...Array.from({ length: 1500 }, (_, i) => ({ sku: `R${i}`, priceListId: 1, variantId: i, price: 1 })), { sku: 'X', priceListId: 2, variantId: 1, price: 1 }];
    expect(priceRecordBatches(records).map((b) => [b.priceListId, b.records.length])).toEqual([
      [1, 1000],
      [1, 500],
      [2, 1],
    ]);
    expect(chunk([], 10)).toEqual([]);
  });

  it('sends a product once per batch, its changes merged', () => {
    const batches = productBatches([
      { sku: 'A', id: 1, fields: { price: 1 } },
      { sku: 'A', id: 1, fields: { name: 'x' } },
    ]);
    expect(batches).toEqual([[{ sku: 'A', id: 1, fields: { price: 1, name: 'x' } }]]);
  });

  it('counts the fewest calls a change set needs', () => {
    // 2,001 SKUs read (9 calls), 1,000 records read on one list (4), 1,500 product updates (150), 1 create, 120 variants (3), 1,001 records (2).
    expect(minCalls({ productSkus: 2001, recordReadsPerList: [1000], productUpdates: 1500, productCreates: 1, variantWrites: 120, priceRecordsPerList: [1001] })).toBe(
      9 + 4 + 150 + 1 + 3 + 2,
    );
  });
});
