/**
 * The catalog as the sync sees it: an ERP item (our model, whatever the ERP's shape) and the
 * BigCommerce state it is compared with, reduced to the fields the sync owns.
 */

export interface CatalogOption {
  /** BigCommerce option display name, e.g. "Size". */
  name: string;
  /** The value's label, e.g. "M". */
  value: string;
}

export interface CatalogItem {
  erpId: string;
  sku: string;
  name: string;
  description: string;
  weight: number;
  active: boolean;
  /** A matrix parent becomes a product with variants; its children become those variants. */
  matrix: 'parent' | 'child' | null;
  /** A matrix child's parent SKU (its BigCommerce product's SKU). */
  parentSku: string | null;
  options: CatalogOption[];
  /** The store price (the ERP's base price level); null when the ERP has none. */
  price: number | null;
  /** Other price levels by name -> price: records of the BigCommerce price list of that name. */
  levelPrices: Record<string, number>;
  modifiedMs: number;
}

/** Keyset position in the ERP's change feed: everything up to (modifiedMs, erpId) has been read. */
export interface CatalogCursor {
  modifiedMs: number;
  erpId: number;
}

export interface BcVariantState {
  id: number;
  sku: string;
  /** null = the product's price. */
  price: number | null;
  options: CatalogOption[];
}

export interface BcProductState {
  id: number;
  sku: string;
  name: string;
  /** A digest of the description (textDigest), not its text: descriptions are long HTML, and 250 of them would swell the history. */
  descriptionDigest: string;
  price: number;
  weight: number;
  isVisible: boolean;
  /** The variant of a product without options (it carries the product's SKU); null with options. */
  baseVariantId: number | null;
  variants: BcVariantState[];
}

/** Current price-list records: price list id -> variant id -> price. */
export type BcPriceRecords = Record<string, Record<string, number>>;

/** An item the sync could not write, kept for ops with the reason; the rest of its batch landed. */
export interface ParkedItem {
  sku: string;
  /** BcConflict (409: duplicate name or SKU), BcValidation (422: invalid value), ErpMappingDrift, ... */
  type: string;
  reason: string;
  /** ISO time it was parked (set by the workflow). */
  at?: string;
}

/**
 * A 64-bit digest of a text (two 32-bit FNV-1a passes), fast enough to run in a workflow over a
 * page of long descriptions. For telling "same text" apart, not for security.
 */
export function textDigest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** Same amount to the cent: the ERP and BigCommerce round differently in the last digits. */
export const sameMoney = (a: number | null | undefined, b: number | null | undefined): boolean =>
  (a ?? null) === null ? (b ?? null) === null : (b ?? null) !== null && Math.round(a! * 100) === Math.round(b! * 100);
