import { locationDefaults, productDefaults, variantDefaults } from './catalog-defaults';
import type { BcSandboxData, V3Customer } from './state';

/**
 * What a fresh sandbox store holds: a small outdoor-gear shop with simple products, one product
 * with size variants, one digital product, two warehouses, stock, three customers (one in a B2B
 * group) and a wholesale price list. Enough for orders, inventory and catalog flows to look real.
 */

interface SeedProduct {
  id: number;
  name: string;
  sku: string;
  price: number;
  weight: number;
  type?: 'physical' | 'digital';
  tracking: 'none' | 'product' | 'variant';
  variants?: Array<{ id: number; sku: string; price: number | null; label: string }>;
  baseVariantId?: number;
  stock?: number;
}

const PRODUCTS: SeedProduct[] = [
  { id: 111, name: 'Trailhead Daypack 22L', sku: 'PACK-22', price: 79, weight: 1.1, tracking: 'product', baseVariantId: 1, stock: 120 },
  { id: 112, name: 'Merino Hiking Socks', sku: 'SOCK-MER', price: 19, weight: 0.2, tracking: 'product', baseVariantId: 2, stock: 400 },
  {
    id: 113,
    name: 'Ridge Rain Jacket',
    sku: 'JKT-RDG',
    price: 149,
    weight: 0.6,
    tracking: 'variant',
    variants: [
      { id: 201, sku: 'JKT-RDG-S', price: null, label: 'S' },
      { id: 202, sku: 'JKT-RDG-M', price: null, label: 'M' },
      { id: 203, sku: 'JKT-RDG-L', price: 154, label: 'L' },
    ],
    stock: 30,
  },
  { id: 114, name: 'Titanium Camp Mug', sku: 'MUG-TI', price: 34.5, weight: 0.1, tracking: 'product', baseVariantId: 4, stock: 75 },
  { id: 115, name: 'Headlamp 400', sku: 'LAMP-400', price: 42.5, weight: 0.1, tracking: 'product', baseVariantId: 5, stock: 60 },
  { id: 116, name: 'Trekking Poles (pair)', sku: 'POLE-CF', price: 119.99, weight: 0.5, tracking: 'product', baseVariantId: 6, stock: 25 },
  { id: 117, name: 'Trail Map Bundle (PDF)', sku: 'MAP-PDF', price: 12, weight: 0, type: 'digital', tracking: 'none', baseVariantId: 7 },
];

/** Every SKU a seeded order can carry: the ERP sandbox seeds its items from this list. */
export const SEED_SKUS: string[] = PRODUCTS.flatMap((p) => (p.variants ? p.variants.map((v) => v.sku) : [p.sku]));

/** On hand per seeded SKU at locations 1 and 2, as seeded below: the ERP sandbox starts its stock from the same figures. */
export const SEED_STOCK: Array<{ sku: string; location: string; onHand: number }> = PRODUCTS.filter((p) => p.tracking !== 'none').flatMap((p) =>
  (p.variants ? p.variants.map((v) => v.sku) : [p.sku]).flatMap((sku) => [
    { sku, location: '1', onHand: p.stock ?? 0 },
    { sku, location: '2', onHand: Math.floor((p.stock ?? 0) / 3) },
  ]),
);

const iso = (ms: number) => new Date(ms).toISOString();

export function seedCatalog(data: BcSandboxData, nowMs: number): void {
  // Location 1 is the store's default location: catalog stock writes land there (locations.v3.yml).
  data.locations['1'] = locationDefaults(
    {
      id: 1,
      code: 'BC-LOCATION-1',
      label: 'Austin warehouse',
      description: 'Default location',
      time_zone: 'America/Chicago',
      address: {
        address1: '100 Congress Ave',
        address2: '',
        city: 'Austin',
        state: 'Texas',
        zip: '78701',
        email: 'austin@example.com',
        phone: '512-555-0100',
        geo_coordinates: { latitude: 30.2639, longitude: -97.7446 },
        country_code: 'US',
      },
    },
    nowMs,
  );
  data.locations['2'] = locationDefaults(
    {
      id: 2,
      code: 'RENO-3PL',
      label: 'Reno 3PL',
      description: 'Third-party warehouse',
      time_zone: 'America/Los_Angeles',
      storefront_visibility: false,
      address: {
        address1: '1 Logistics Way',
        address2: '',
        city: 'Reno',
        state: 'Nevada',
        zip: '89502',
        email: 'reno@example.com',
        phone: '775-555-0100',
        geo_coordinates: { latitude: 39.5296, longitude: -119.8138 },
        country_code: 'US',
      },
    },
    nowMs,
  );
  data.nextIds.location = 3;

  for (const p of PRODUCTS) {
    const product = productDefaults({ id: p.id, name: p.name, sku: p.sku, price: p.price, weight: p.weight, type: p.type ?? 'physical', inventory_tracking: p.tracking }, nowMs);
    product.categories = [23];
    data.products[String(p.id)] = product;
    const variants = p.variants
      ? p.variants.map((v) =>
          variantDefaults({
            id: v.id,
            product_id: p.id,
            sku: v.sku,
            price: v.price,
            option_values: [{ id: 60 + v.id, label: v.label, option_id: 50, option_display_name: 'Size' }],
          }),
        )
      : [variantDefaults({ id: p.baseVariantId!, product_id: p.id, sku: p.sku, price: p.price, option_values: [] })];
    if (!p.variants) product.base_variant_id = p.baseVariantId!;
    for (const v of variants) {
      data.variants[String(v.id)] = v;
      if (p.tracking !== 'none') {
        // Most stock in Austin, some at the 3PL.
        data.inventory[`1:${v.id}`] = { onHand: p.stock ?? 0, safetyStock: 2, warningLevel: 5, isInStock: true, binPickingNumber: '' };
        data.inventory[`2:${v.id}`] = { onHand: Math.floor((p.stock ?? 0) / 3), safetyStock: 0, warningLevel: 0, isInStock: true, binPickingNumber: '' };
      }
    }
  }
  data.nextIds.product = 118;
  data.nextIds.variant = 204;

  const customer = (id: number, first: string, last: string, email: string, group: number, company = ''): V3Customer => ({
    id,
    email,
    first_name: first,
    last_name: last,
    company,
    phone: '',
    registration_ip_address: '',
    notes: '',
    tax_exempt_category: '',
    customer_group_id: group,
    authentication: { force_password_reset: false },
    addresses: [],
    attributes: [],
    form_fields: [],
    store_credit_amounts: [{ amount: 0 }],
    accepts_product_review_abandoned_cart_emails: false,
    origin_channel_id: 1,
    channel_ids: [1],
    date_created: iso(nowMs),
    date_modified: iso(nowMs),
  });
  data.customers['11'] = customer(11, 'Jane', 'Doe', 'jane.doe@example.com', 0);
  data.customers['11'].addresses.push({
    id: 1,
    customer_id: 11,
    first_name: 'Jane',
    last_name: 'Doe',
    company: '',
    address1: '12 Main St',
    address2: '',
    city: 'Austin',
    state_or_province: 'Texas',
    postal_code: '78701',
    country_code: 'US',
    country: 'United States',
    phone: '',
    address_type: 'residential',
  });
  data.nextIds.customerAddress = 2;
  data.customers['27'] = customer(27, 'Amara', 'Okafor', 'amara@okafor.example', 2, 'Okafor Outfitters');
  data.customers['31'] = customer(31, 'Kenji', 'Watanabe', 'kenji@summit-supply.example', 2, 'Summit Supply Co');
  data.customers['31'].store_credit_amounts = [{ amount: 25 }];
  data.nextIds.customer = 32;

  const record = (variantId: number, price: number) => ({
    variant_id: variantId,
    currency: 'usd',
    price,
    bulk_pricing_tiers: [],
    date_created: iso(nowMs),
    date_modified: iso(nowMs),
  });
  data.priceLists['1'] = {
    id: 1,
    name: 'Wholesale',
    active: true,
    date_created: iso(nowMs),
    date_modified: iso(nowMs),
    records: { '1:usd': record(1, 59), '2:usd': record(2, 14), '202:usd': record(202, 119) },
  };
  data.nextIds.priceList = 2;
}

/** A fresh store: empty but for the seeded catalog, customers, locations and price list. */
export function freshData(nowMs: number = Date.now()): BcSandboxData {
  const data: BcSandboxData = {
    schemaVersion: 4,
    nextIds: {
      order: 100,
      orderProduct: 1,
      orderAddress: 1,
      hook: 1,
      shipment: 1,
      refund: 1,
      refundPayment: 1,
      product: 111,
      variant: 1,
      customer: 1,
      customerAddress: 1,
      location: 1,
      priceList: 1,
      transaction: 1,
      metafield: 1,
    },
    products: {},
    variants: {},
    productOptions: {},
    locations: {},
    inventory: {},
    customers: {},
    priceLists: {},
    orders: {},
    refunds: {},
    hooks: {},
    hookAdminEmails: {},
    orderMetafields: {},
  };
  seedCatalog(data, nowMs);
  return data;
}

/** Data saved by an older sandbox (another schemaVersion) is not migrated: it starts fresh. */
export function loadOrFresh(saved: unknown, nowMs: number = Date.now()): BcSandboxData {
  if (saved && typeof saved === 'object' && (saved as { schemaVersion?: unknown }).schemaVersion === 4) return saved as BcSandboxData;
  return freshData(nowMs);
}
