/**
 * The catalog a fresh sandbox store starts with: a small outdoor-gear shop, with simple products
 * and one product with variants, so orders look like the real thing in the ERP and the Web UI.
 */
export interface SandboxVariant {
  id: number;
  sku: string;
  /** Ten-thousandths; null means the product's price. */
  priceUnits: number | null;
  optionLabel: string;
}

export interface SandboxProduct {
  id: number;
  name: string;
  sku: string;
  priceUnits: number;
  weight: number;
  variants: SandboxVariant[];
}

export const SEED_PRODUCTS: SandboxProduct[] = [
  { id: 111, name: 'Trailhead Daypack 22L', sku: 'PACK-22', priceUnits: 790_000, weight: 1.1, variants: [] },
  { id: 112, name: 'Merino Hiking Socks', sku: 'SOCK-MER', priceUnits: 190_000, weight: 0.2, variants: [] },
  {
    id: 113,
    name: 'Ridge Rain Jacket',
    sku: 'JKT-RDG',
    priceUnits: 1_490_000,
    weight: 0.6,
    variants: [
      { id: 201, sku: 'JKT-RDG-S', priceUnits: null, optionLabel: 'Size: S' },
      { id: 202, sku: 'JKT-RDG-M', priceUnits: null, optionLabel: 'Size: M' },
      { id: 203, sku: 'JKT-RDG-L', priceUnits: 1_540_000, optionLabel: 'Size: L' },
    ],
  },
  { id: 114, name: 'Titanium Camp Mug', sku: 'MUG-TI', priceUnits: 345_000, weight: 0.1, variants: [] },
  { id: 115, name: 'Headlamp 400', sku: 'LAMP-400', priceUnits: 425_000, weight: 0.1, variants: [] },
  { id: 116, name: 'Trekking Poles (pair)', sku: 'POLE-CF', priceUnits: 1_199_900, weight: 0.5, variants: [] },
];

/** Every SKU a seeded order can carry: the ERP sandbox seeds its items from this list. */
export const SEED_SKUS: string[] = SEED_PRODUCTS.flatMap((p) => (p.variants.length ? p.variants.map((v) => v.sku) : [p.sku]));
