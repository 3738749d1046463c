import { describe, expect, it } from 'vitest';
import { ensurePriceLists, upsertPriceRecords } from '../../connectors/bigcommerce/catalog/price-records';
import { createProduct, updateProducts } from '../../connectors/bigcommerce/catalog/write-products';
import { writeVariants } from '../../connectors/bigcommerce/catalog/write-variants';
import { BigCommerceClient } from '../../connectors/bigcommerce/client';
import { writeAbsoluteLevels } from '../../connectors/bigcommerce/inventory/absolute-adjustment';
import { ensureRefund } from '../../connectors/bigcommerce/refunds/create-refund';
import type { FetchLike } from '../../connectors/http';
import { planCatalogChanges, resolveDeferredPrices, type PriceRecordWrite } from '../../domain/catalog/diff';
import type { BcProductState, CatalogItem } from '../../domain/catalog/item';
import { mapErpRefundToBcItems, type ErpRefund } from '../../domain/refunds/erp-refund';
import type { AbsoluteItem } from '../../domain/inventory/batches';
import type { Address, BcOrder } from '../../domain/orders/order';
import { SpecValidator, specsAvailable, SPEC_DIR, type RequestCheckResult } from '../../sandbox/test/conformance/spec-validator';
import type { Json } from '../support/json';

/**
 * The request bodies our BigCommerce connectors send, checked against the `requestBody` schemas of
 * BigCommerce's own OpenAPI specs (../shared/bigcommerce/openapi). The connectors run against a
 * recording stand-in for BigCommerce (the client's injected fetch): every outgoing method, path and
 * JSON body is captured, then validated with ajv, and every property the schema does not declare
 * is listed. Inputs go through the same domain functions the workflows use (planCatalogChanges,
 * resolveDeferredPrices, mapErpRefundToBcItems), so the bodies are the ones a real sync sends.
 * Without ../shared the checks are skipped, loudly.
 */

interface Sent {
  method: string;
  path: string;
  body: unknown;
}

/** A BigCommerce stand-in: answers each request with `answer`, keeps every request it got. */
function recordingClient(answer: (req: Sent) => { status: number; body?: unknown }) {
  const sent: Sent[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const req: Sent = { method: init?.method ?? 'GET', path: url.pathname, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined };
    sent.push(req);
    const res = answer(req);
    return new Response(res.body === undefined ? null : JSON.stringify(res.body), { status: res.status, headers: { 'content-type': 'application/json' } });
  }) as FetchLike;
  const client = new BigCommerceClient({ apiUrl: 'https://api.bigcommerce.test', storeHash: 'abc123', accessToken: 'test-token', fetch: fetchImpl });
  return { client, sent };
}

/**
 * Properties the connectors send that the operation's schema does not declare, each with where the
 * spec nevertheless asks for it. Anything else undeclared fails the test.
 */
const DOCUMENTED_UNDECLARED: Record<string, Array<{ field: RegExp; why: string }>> = {
  'PUT /v3/catalog/variants': [
    {
      field: /^\/\d+\/(product_id|sku|option_values)$/,
      why: 'the operation\'s description: "To create a new variant: product_id, sku, option_values - id (option_value ID) - option_id (Option ID)"; its Variant Put schema declares only the Variant Base fields and `id` (the test checks option_values are exactly {id, option_id})',
    },
  ],
};

const undeclaredLeft = (r: RequestCheckResult): string[] => r.undeclared.filter((f) => !(DOCUMENTED_UNDECLARED[r.operation ?? ''] ?? []).some((d) => d.field.test(f)));

if (!specsAvailable()) console.warn(`\n!!! ${SPEC_DIR} is missing: BigCommerce request-body conformance checks are SKIPPED in request-bodies.\n`);

describe.skipIf(!specsAvailable())("request bodies our connectors send, against BigCommerce's request schemas", () => {
  let validator: SpecValidator;
  const checked: Array<RequestCheckResult & { method: string; path: string }> = [];
  const check = (sent: Sent[]) => {
    validator ??= new SpecValidator();
    const writes = sent.filter((s) => s.method !== 'GET');
    expect(writes.length, 'the connectors sent no write at all').toBeGreaterThan(0);
    for (const s of writes) {
      const r = validator.checkRequest(s.method, s.path, s.body);
      checked.push({ ...r, method: s.method, path: s.path });
      expect(r.outcome, `${s.method} ${s.path}: ${JSON.stringify(r.errors)}\nbody: ${JSON.stringify(s.body)}`).toBe('valid');
      expect(undeclaredLeft(r), `${s.method} ${s.path} sends properties its schema does not declare\nbody: ${JSON.stringify(s.body)}`).toEqual([]);
    }
  };

  it('inventory: PUT /v3/inventory/adjustments/absolute, items tracked by product and by variant', async () => {
    const { client, sent } = recordingClient((req) =>
      req.method === 'PUT' && req.path.endsWith('/v3/inventory/adjustments/absolute') ? { status: 200, body: { transaction_id: 'b7c9e0f2-1a' } } : { status: 404, body: {} },
    );
    const items: AbsoluteItem[] = [
      { bcLocationId: 1, sku: 'PACK-22', ref: { productId: 111 }, quantity: 120 },
      { bcLocationId: 1, sku: 'JKT-RDG-M', ref: { variantId: 8 }, quantity: 0 },
      { bcLocationId: 2, sku: 'JKT-RDG-L', ref: { variantId: 9 }, quantity: 37 },
    ];
    // The reason the inventory sync writes, and one longer than BigCommerce keeps (cut to 255).
    await writeAbsoluteLevels(client, items, `bcsync: ERP levels (${items.length} items)`);
    await writeAbsoluteLevels(client, items.slice(0, 1), 'x'.repeat(400));
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual(Array(2).fill('PUT /stores/abc123/v3/inventory/adjustments/absolute'));
    expect((sent[0]!.body as Json).items).toEqual([
      { location_id: 1, product_id: 111, quantity: 120 },
      { location_id: 1, variant_id: 8, quantity: 0 },
      { location_id: 2, variant_id: 9, quantity: 37 },
    ]);
    check(sent);
  });

  it('refunds: POST .../payment_actions/refund_quotes and .../refunds for goods, shipping and an amount', async () => {
    const address: Address = {
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: '',
      street1: '1 Main St',
      street2: '',
      city: 'Austin',
      state: 'Texas',
      zip: '78701',
      countryIso2: 'US',
      phone: '',
      email: 'ada@example.com',
    };
    const line = (id: number, sku: string, quantity: number) => ({
      id,
      productId: 111,
      variantId: null,
      sku,
      name: sku,
      quantity,
      unitPriceExTax: '25.0000',
      totalExTax: (25 * quantity).toFixed(4),
      totalTax: '0.0000',
    });
    const order: BcOrder = {
      id: 120,
      statusId: 11,
      status: 'Awaiting Fulfillment',
      paymentStatus: 'captured',
      paymentMethod: 'Credit Card',
      customerId: 7,
      currency: 'USD',
      dateCreated: '2026-04-01T10:00:00Z',
      dateModified: '2026-04-01T10:05:00Z',
      billingAddress: address,
      shipping: [{ id: 31, address, method: 'Flat Rate', lineIds: [55, 56] }],
      lines: [line(55, 'PACK-22', 2), line(56, 'JKT-RDG-M', 1)],
      subtotalExTax: '75.0000',
      shippingExTax: '10.0000',
      handlingExTax: '0.0000',
      wrappingExTax: '0.0000',
      discount: '0.0000',
      totalTax: '6.1900',
      totalIncTax: '91.1900',
      customerMessage: '',
      isDeleted: false,
    };
    const erpRefund = (recordType: ErpRefund['recordType'], recordId: string, patch: Partial<ErpRefund>): ErpRefund => ({
      recordType,
      recordId,
      tranId: `${recordType === 'cashRefund' ? 'CR' : 'RMA'}${recordId}`,
      salesOrderExternalId: 'bc-abc123-120',
      authorized: true,
      status: 'Refunded',
      lines: [],
      shippingAmount: '0.00',
      total: '0.00',
      goodsReceived: null,
      bcRefundId: null,
      memo: '',
      ...patch,
    });
    const refunds = [
      // A return of two units of one line and one of another.
      erpRefund('returnAuthorization', '1006', {
        lines: [
          { lineId: 55, sku: 'PACK-22', description: '', quantity: 2, amount: '50.00' },
          { lineId: 56, sku: 'JKT-RDG-M', description: '', quantity: 1, amount: '25.00' },
        ],
        goodsReceived: true,
      }),
      // A cash refund of one unit, the shipping and a goodwill amount (a line that is not goods).
      erpRefund('cashRefund', '1005', {
        lines: [
          { lineId: 55, sku: 'PACK-22', description: '', quantity: 1, amount: '25.00' },
          { lineId: null, sku: 'Goodwill', description: 'Goodwill', quantity: 1, amount: '4.50' },
        ],
        shippingAmount: '10.00',
      }),
    ];
    let refundId = 40;
    const { client, sent } = recordingClient((req) => {
      const b = req.body as Json;
      if (req.method === 'GET' && /\/v3\/orders\/120\/payment_actions\/refunds$/.test(req.path)) return { status: 200, body: { data: [], meta: {} } };
      if (req.method === 'POST' && req.path.endsWith('/payment_actions/refund_quotes')) {
        return {
          status: 201,
          body: {
            data: {
              order_id: 120,
              total_refund_amount: 39.5,
              total_refund_tax_amount: 0,
              rounding: 0,
              adjustment: 0,
              tax_inclusive: false,
              refund_methods: [[{ provider_id: 'braintree', provider_description: 'Braintree', amount: 39.5, offline: false, offline_provider: false, offline_reason: '' }]],
            },
          },
        };
      }
      if (req.method === 'POST' && req.path.endsWith('/payment_actions/refunds')) {
        return {
          status: 201,
          body: {
            data: {
              id: refundId++,
              order_id: 120,
              created: '2026-04-02T09:00:00Z',
              reason: '',
              total_amount: 39.5,
              total_tax: 0,
              items: b.items.map((i: Json) => ({ ...i, quantity: i.quantity ?? null })),
              payments: b.payments.map((p: Json, n: number) => ({ id: n + 1, ...p, is_declined: false, declined_message: '' })),
            },
          },
        };
      }
      return { status: 404, body: {} };
    });
    for (const r of refunds) {
      const items = mapErpRefundToBcItems(r, order);
      const out = await ensureRefund(client, order.id, items, () => undefined);
      expect(out.created).toBe(true);
    }
    expect(sent.map((s) => `${s.method} ${s.path.replace('/stores/abc123', '')}`)).toEqual(
      Array(2).fill(['GET /v3/orders/120/payment_actions/refunds', 'POST /v3/orders/120/payment_actions/refund_quotes', 'POST /v3/orders/120/payment_actions/refunds']).flat(),
    );
    const cash = sent[5]!.body as Json;
    expect(cash.items.map((i: Json) => i.item_type)).toEqual(['PRODUCT', 'SHIPPING', 'ORDER']);
    expect(cash.payments).toEqual([{ provider_id: 'braintree', amount: 39.5, offline: false }]);
    check(sent);
  });

  it('catalog: price lists, product creates (with variants), batch product and variant writes, price records', async () => {
    const item = (sku: string, patch: Partial<CatalogItem> = {}): CatalogItem => ({
      erpId: String(1000 + sku.length),
      sku,
      name: sku,
      description: `<p>${sku}</p>`,
      weight: 0.5,
      active: true,
      matrix: null,
      parentSku: null,
      options: [],
      price: 20,
      levelPrices: {},
      modifiedMs: Date.parse('2026-04-01T10:00:00Z'),
      ...patch,
    });
    const child = (parentSku: string, size: string, patch: Partial<CatalogItem> = {}) =>
      item(`${parentSku}-${size}`, { matrix: 'child', parentSku, options: [{ name: 'Size', value: size }], name: `${parentSku} ${size}`, ...patch });
    const items: CatalogItem[] = [
      // New in the ERP: a plain item with price levels, and a matrix item (one child without a price of its own).
      item('MUG-01', { name: 'Camp mug', price: 12.5, levelPrices: { Wholesale: 9, Trade: 8.75 } }),
      item('CT-M', { name: 'Catalog tee', matrix: 'parent', price: null, weight: 0.3 }),
      child('CT-M', 'S', { price: 20, levelPrices: { Wholesale: 15 } }),
      child('CT-M', 'M', { price: null, levelPrices: { Wholesale: 15 } }),
      child('CT-M', 'L', { price: 22, levelPrices: { Wholesale: 16 } }),
      // In BigCommerce already: a plain product whose name, price, description and visibility changed, and its price level.
      item('PACK-22', { name: 'Trail pack 22L', price: 84, active: false, levelPrices: { Wholesale: 60 } }),
      // A product whose SKU another product has, refused by BigCommerce (a 207 names it).
      item('BOTTLE-1', { name: 'Bottle', price: 15 }),
      // A matrix product in BigCommerce: one variant's price changed, one variant is new (a size its Size option lacks).
      item('JKT-RDG', { name: 'Ridge jacket', matrix: 'parent', price: 149, weight: 1.2 }),
      child('JKT-RDG', 'M', { price: 151, weight: 1.2, levelPrices: { Wholesale: 120 } }),
      child('JKT-RDG', 'XL', { price: 154, weight: 1.2, levelPrices: { Wholesale: 125 } }),
      // A matrix product in BigCommerce without options yet: its first variant needs the option made.
      child('HAT-1', 'OS', { price: 19 }),
    ];
    const products: BcProductState[] = [
      { id: 111, sku: 'PACK-22', name: 'Pack 22', descriptionDigest: 'stale', price: 79, weight: 0.5, isVisible: true, baseVariantId: 1, variants: [] },
      { id: 112, sku: 'BOTTLE-1', name: 'Old bottle', descriptionDigest: 'stale', price: 15, weight: 0.5, isVisible: true, baseVariantId: 2, variants: [] },
      {
        id: 113,
        sku: 'JKT-RDG',
        name: 'Ridge jacket',
        descriptionDigest: 'stale',
        price: 149,
        weight: 1.2,
        isVisible: true,
        baseVariantId: null,
        variants: [
          { id: 7, sku: 'JKT-RDG-S', price: null, options: [{ name: 'Size', value: 'S' }] },
          { id: 8, sku: 'JKT-RDG-M', price: null, options: [{ name: 'Size', value: 'M' }] },
        ],
      },
      { id: 120, sku: 'HAT-1', name: 'Hat', descriptionDigest: 'stale', price: 19, weight: 0.1, isVisible: true, baseVariantId: null, variants: [] },
    ];

    let nextId = 500;
    const { client, sent } = recordingClient((req) => {
      const b = req.body as Json;
      const p = req.path.replace('/stores/abc123', '');
      if (req.method === 'GET' && p === '/v3/pricelists') return { status: 200, body: { data: [{ id: 1, name: 'Wholesale', active: true }], meta: {} } };
      if (req.method === 'POST' && p === '/v3/pricelists') return { status: 200, body: { data: { id: 2, name: b.name, active: true } } };
      if (req.method === 'POST' && p === '/v3/catalog/products') {
        const id = nextId++;
        const variants = (b.variants ?? []).map((v: Json) => ({ id: nextId++, product_id: id, sku: v.sku, price: v.price, option_values: v.option_values }));
        return {
          status: 200,
          body: {
            data: {
              id,
              sku: b.sku,
              name: b.name,
              description: b.description,
              price: b.price,
              weight: b.weight,
              is_visible: b.is_visible,
              base_variant_id: variants.length ? null : nextId++,
              variants,
            },
          },
        };
      }
      if (req.method === 'PUT' && p === '/v3/catalog/products') {
        const ok = b.filter((x: Json) => x.id !== 112);
        const failed = b.findIndex((x: Json) => x.id === 112);
        return {
          status: failed >= 0 ? 207 : 200,
          body: {
            data: ok.map((x: Json) => ({ id: x.id, ...x })),
            ...(failed >= 0 ? { errors: { status: 409, title: 'Duplicate SKU', errors: { [`${failed}.sku`]: 'error.sku.duplicate' } } } : {}),
            meta: {},
          },
        };
      }
      // Product 113's Size option has S and M; product 120 has no option yet.
      if (req.method === 'GET' && p === '/v3/catalog/products/113/options') {
        return {
          status: 200,
          body: {
            data: [
              {
                id: 50,
                product_id: 113,
                display_name: 'Size',
                type: 'rectangles',
                sort_order: 0,
                option_values: [
                  { id: 61, label: 'S', sort_order: 0 },
                  { id: 62, label: 'M', sort_order: 1 },
                ],
              },
            ],
            meta: {},
          },
        };
      }
      if (req.method === 'GET' && p === '/v3/catalog/products/120/options') return { status: 200, body: { data: [], meta: {} } };
      if (req.method === 'POST' && p === '/v3/catalog/products/113/options/50/values') return { status: 200, body: { data: { id: 63, ...b }, meta: {} } };
      if (req.method === 'POST' && p === '/v3/catalog/products/120/options') {
        return { status: 200, body: { data: { id: 70, product_id: 120, ...b, option_values: b.option_values.map((v: Json, i: number) => ({ id: 80 + i, ...v })) }, meta: {} } };
      }
      if (req.method === 'PUT' && p === '/v3/catalog/variants') {
        return {
          status: 200,
          body: { data: b.map((v: Json) => ({ id: v.id ?? nextId++, product_id: v.product_id, sku: v.sku ?? 'JKT-RDG-M', price: v.price ?? null })), meta: {} },
        };
      }
      if (req.method === 'PUT' && /^\/v3\/pricelists\/\d+\/records$/.test(p)) return { status: 200, body: { data: [], meta: {} } };
      return { status: 404, body: { status: 404, title: `no stand-in for ${req.method} ${p}` } };
    });

    const levels = [...new Set(items.flatMap((i) => Object.keys(i.levelPrices)))];
    const { lists } = await ensurePriceLists(client, levels);
    expect(lists).toEqual({ Wholesale: 1, Trade: 2 });
    const plan = planCatalogChanges(items, products, { '1': { '1': 55 } }, lists);
    expect(plan.parked).toEqual([]);
    expect(plan.productCreates.map((c) => c.sku)).toEqual(['MUG-01', 'CT-M']);
    expect(plan.productUpdates.map((u) => u.sku)).toEqual(['PACK-22', 'BOTTLE-1', 'JKT-RDG']);
    expect(plan.variantWrites.map((v) => [v.sku, v.id])).toEqual([
      ['JKT-RDG-M', 8],
      ['JKT-RDG-XL', undefined],
      ['HAT-1-OS', undefined],
    ]);

    const created: Record<string, number> = {};
    for (const create of plan.productCreates) {
      const r = await createProduct(client, create);
      if (!r.ok) throw new Error(JSON.stringify(r.parked));
      Object.assign(created, r.variantIds);
    }
    const updated = await updateProducts(client, plan.productUpdates);
    expect(updated.parked.map((x) => x.sku)).toEqual(['BOTTLE-1']);
    const variants = await writeVariants(client, plan.variantWrites);
    expect(variants.parked).toEqual([]);
    // Two reads of options, a value and an option created, one batch PUT.
    expect(variants.calls).toBe(5);
    Object.assign(created, variants.variantIds);
    const deferred = resolveDeferredPrices(plan.deferredPrices, created);
    expect(deferred.missing).toEqual([]);
    const byList = new Map<number, PriceRecordWrite[]>();
    for (const r of [...plan.priceRecords, ...deferred.records]) byList.set(r.priceListId, [...(byList.get(r.priceListId) ?? []), r]);
    for (const [listId, records] of byList) await upsertPriceRecords(client, listId, records, 'usd');

    const ops = sent.filter((s) => s.method !== 'GET').map((s) => `${s.method} ${s.path.replace('/stores/abc123', '').replace(/\/pricelists\/\d+\//, '/pricelists/{id}/')}`);
    expect(ops).toEqual([
      'POST /v3/pricelists',
      'POST /v3/catalog/products',
      'POST /v3/catalog/products',
      'PUT /v3/catalog/products',
      'POST /v3/catalog/products/113/options/50/values',
      'POST /v3/catalog/products/120/options',
      'PUT /v3/catalog/variants',
      'PUT /v3/pricelists/{id}/records',
      'PUT /v3/pricelists/{id}/records',
    ]);
    expect(sent.filter((s) => s.method === 'GET' && s.path.endsWith('/options')).map((s) => s.path.replace('/stores/abc123', ''))).toEqual([
      '/v3/catalog/products/113/options',
      '/v3/catalog/products/120/options',
    ]);
    expect(sent.find((s) => s.path.endsWith('/options/50/values'))!.body).toEqual({ label: 'XL', sort_order: 2 });
    expect(sent.find((s) => s.method === 'POST' && s.path.endsWith('/products/120/options'))!.body).toEqual({
      display_name: 'Size',
      type: 'rectangles',
      option_values: [{ label: 'OS', sort_order: 0 }],
    });
    // Creates name their option values by id ("option_values - id (option_value ID) - option_id (Option ID)"), never by label.
    const variantPut = sent.find((s) => s.method === 'PUT' && s.path.endsWith('/v3/catalog/variants'))!.body as Json[];
    expect(variantPut.filter((v) => v.id === undefined)).toEqual([
      { product_id: 113, sku: 'JKT-RDG-XL', price: 154, option_values: [{ id: 63, option_id: 50 }] },
      { product_id: 120, sku: 'HAT-1-OS', price: 19, option_values: [{ id: 80, option_id: 70 }] },
    ]);
    const tee = sent.find((s) => s.method === 'POST' && (s.body as Json).sku === 'CT-M')!.body as Json;
    expect(tee.variants.map((v: Json) => [v.sku, v.price])).toEqual([
      ['CT-M-S', 20],
      ['CT-M-M', null],
      ['CT-M-L', 22],
    ]);
    check(sent);
  });

  it('the validator rejects bodies the specs do not allow, and names properties they do not declare', () => {
    validator ??= new SpecValidator();
    const at = (p: string) => `/stores/abc123${p}`;
    // A quantity sent as text, and an item with two identifiers and none of the three shapes' required sets.
    const absolute = validator.checkRequest('PUT', at('/v3/inventory/adjustments/absolute'), { reason: 'r', items: [{ location_id: 1, product_id: 111, quantity: '5' }] });
    expect(absolute.outcome).toBe('invalid');
    expect(validator.checkRequest('PUT', at('/v3/inventory/adjustments/absolute'), { reason: 'r', items: [{ location_id: 1, quantity: 5 }] }).outcome).toBe('invalid');
    // Shipping refunded by quantity: SHIPPING is an amount-bound item type.
    expect(validator.checkRequest('POST', at('/v3/orders/120/payment_actions/refund_quotes'), { items: [{ item_type: 'SHIPPING', item_id: 31, quantity: 1 }] }).outcome).toBe(
      'invalid',
    );
    // A refund without its payments.
    expect(validator.checkRequest('POST', at('/v3/orders/120/payment_actions/refunds'), { items: [{ item_type: 'PRODUCT', item_id: 55, quantity: 1 }] }).outcome).toBe('invalid');
    // A batch product update without ids, a negative price, a product create without its price.
    expect(validator.checkRequest('PUT', at('/v3/catalog/products'), [{ name: 'x' }]).outcome).toBe('invalid');
    expect(validator.checkRequest('PUT', at('/v3/catalog/products'), [{ id: 1, price: -1 }]).outcome).toBe('invalid');
    expect(validator.checkRequest('POST', at('/v3/catalog/products'), { name: 'x', type: 'physical', weight: 1 }).outcome).toBe('invalid');
    // A variant created inline with option values missing their label.
    expect(
      validator.checkRequest('POST', at('/v3/catalog/products'), {
        name: 'x',
        type: 'physical',
        weight: 1,
        price: 1,
        variants: [{ sku: 'x-s', option_values: [{ option_display_name: 'Size' }] }],
      }).outcome,
    ).toBe('invalid');
    // A price record whose price is text.
    expect(validator.checkRequest('PUT', at('/v3/pricelists/1/records'), [{ variant_id: 1, price: '9.00', currency: 'usd' }]).outcome).toBe('invalid');

    // Schema-valid but misspelt: properties the schema does not declare are reported.
    const camel = validator.checkRequest('PUT', at('/v3/pricelists/1/records'), [{ variantId: 1, price: 9, currency: 'usd' }]);
    expect(camel).toMatchObject({ outcome: 'valid', undeclared: ['/0/variantId'] });
    // Only the alternatives a value matches count: `quantity` is not part of an amount-bound SHIPPING item.
    const quote = validator.checkRequest('POST', at('/v3/orders/120/payment_actions/refund_quotes'), { items: [{ item_type: 'SHIPPING', item_id: 31, amount: 10, quantity: 1 }] });
    expect(quote).toMatchObject({ outcome: 'valid', undeclared: ['/items/0/quantity'] });
    expect(undeclaredLeft(validator.checkRequest('PUT', at('/v3/catalog/variants'), [{ id: 8, price: 1, inventory: 4 }]))).toEqual(['/0/inventory']);
    expect(validator.checkRequest('PUT', at('/v3/catalog/nothing-here'), []).outcome).toBe('no-operation');
  });

  it('covered every write the connectors make', () => {
    const covered = [...new Set(checked.map((c) => c.operation))].sort();
    console.log(
      `[conformance] request bodies: ${checked.length} checked over ${covered.length} operations (${covered.join(', ')}); ` +
        `undeclared but documented: ${[...new Set(checked.flatMap((c) => c.undeclared.map((u) => `${c.operation} ${u.replace(/^\/\d+/, '/*')}`)))].join(', ') || 'none'}`,
    );
    expect(covered).toEqual([
      'POST /v3/catalog/products',
      'POST /v3/catalog/products/{product_id}/options',
      'POST /v3/catalog/products/{product_id}/options/{option_id}/values',
      'POST /v3/orders/{order_id}/payment_actions/refund_quotes',
      'POST /v3/orders/{order_id}/payment_actions/refunds',
      'POST /v3/pricelists',
      'PUT /v3/catalog/products',
      'PUT /v3/catalog/variants',
      'PUT /v3/inventory/adjustments/absolute',
      'PUT /v3/pricelists/{price_list_id}/records',
    ]);
  });
});
