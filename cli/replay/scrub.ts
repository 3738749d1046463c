import { createHmac, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { JSONToPayload, type JSONPayload, payloadToJSON } from '@temporalio/common/lib/proto-utils';

/**
 * Personal data out of a workflow history (proto JSON, the format of test/histories), so it can
 * join the replay test set. Every payload is decoded with the workers' codecs; in the JSON ones:
 *
 * - a value under a personal key, at any depth, is replaced by a fake of the same shape (letters
 *   stay letters in the same case, digits stay digits, spaces and punctuation stay; an email becomes
 *   `<same-shaped local part>@example.com`), word by word, so a full name is the fake first name
 *   and the fake last name. The keys are those of our order, sales order and OMS
 *   order models and of BigCommerce's, NetSuite's and ShipStation's wire shapes (domain/orders,
 *   connectors/*): names, emails, phones, street lines, company, addressee, customer messages, notes;
 *   `name` too, in an object that also holds an email, phone or street (a customer, an address);
 * - every other string (memos, notes, error messages, the clear failure messages of histories made
 *   before encryption) has each email, and each personal value found under those keys anywhere in
 *   the history, replaced by the same fake.
 *
 * The same value always gets the same fake within one export (a keyed hash, its key random per
 * export unless given), so a workflow that compares or fingerprints values replays the same way.
 * Payloads are written back in clear (json/plain): the export holds no ciphertext, and no personal
 * data. Kept as they are: cities, states, postcodes, countries, amounts, SKUs and ids, and payloads
 * that are not JSON (binary; none of ours are).
 */

/** Keys (compared lower-case, without `_`/`-`) whose string value is personal. */
export const PERSONAL_KEYS = new Set([
  'email',
  'emailaddress',
  'customeremail',
  'firstname',
  'lastname',
  'middlename',
  'fullname',
  'username',
  'company',
  'companyname',
  'street',
  'street1',
  'street2',
  'street3',
  'streetaddress',
  'address1',
  'address2',
  'address3',
  'addressline1',
  'addressline2',
  'addr1',
  'addr2',
  'addr3',
  'addressee',
  'attention',
  'phone',
  'phonenumber',
  'addrphone',
  'mobile',
  'ipaddress',
  'customermessage',
  'customernotes',
  'note',
  'notes',
]);

/** An object with one of these keys is a person or an address: its `name` is personal too. */
const PERSON_MARKERS = new Set(['email', 'customeremail', 'phone', 'street1', 'addr1', 'firstname', 'addressee']);

export const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/;

const normalKey = (key: string) => key.toLowerCase().replace(/[_-]/g, '');
const isPersonalKey = (key: string, siblings: Record<string, unknown>) =>
  PERSONAL_KEYS.has(normalKey(key)) || (normalKey(key) === 'name' && Object.keys(siblings).some((k) => PERSON_MARKERS.has(normalKey(k))));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Same-shaped, stable fakes: one keyed hash per value. */
export class Faker {
  private readonly key: Buffer;
  constructor(key: Buffer = randomBytes(32)) {
    this.key = key;
  }

  /** A fake with the value's shape; an email keeps the form of an email, at example.com. */
  fake(value: string): string {
    const email = /^([^@\s]+)@[^@\s]+$/.exec(value);
    if (email) return `${this.shape(email[1]!)}@example.com`;
    return this.shape(value);
  }

  /**
   * Word by word (runs of letters and digits), each word keyed on its lower-case form: the full name
   * is the fake first name and the fake last name, "QUIST" gets the letters "Quist" got, each in its
   * own case; spaces and punctuation stay.
   */
  private shape(value: string): string {
    return value.replace(/[\p{L}\p{N}]+/gu, (word) => {
      const bytes = this.stream(word.toLowerCase(), word.length);
      let out = '';
      for (let i = 0; i < word.length; i++) {
        const c = word[i]!;
        const b = bytes[i]!;
        if (/\p{N}/u.test(c)) out += String.fromCharCode(48 + (b % 10));
        else if (/\p{Lu}/u.test(c)) out += String.fromCharCode(65 + (b % 26));
        else out += String.fromCharCode(97 + (b % 26));
      }
      return out;
    });
  }

  private stream(seed: string, length: number): Buffer {
    const blocks: Buffer[] = [];
    for (let i = 0; blocks.length * 32 < length; i++) blocks.push(createHmac('sha256', this.key).update(`${i}:${seed}`).digest());
    return Buffer.concat(blocks);
  }
}

export interface ScrubReport {
  /** Payloads decoded and written back in clear. */
  payloads: number;
  /** Distinct personal values found under personal keys (each replaced wherever it occurs). */
  personalValues: number;
  /** Strings changed, in payloads and failure messages. */
  replaced: number;
}

/**
 * Scrubs a history given as proto JSON (historyToJSON's output, parsed). Returns a new object; the
 * input is left as it was. Throws when a payload does not decode (a key missing): a history that
 * cannot be read cannot be scrubbed.
 */
export async function scrubHistory(history: unknown, codecs: PayloadCodec[], faker = new Faker()): Promise<{ history: unknown; report: ScrubReport }> {
  const copy = structuredClone(history) as Json;
  const slots = findPayloads(copy);

  // Decode every payload (codecs in reverse, as the SDK does); parse the JSON ones.
  const decoded = await Promise.all(
    slots.map(async (slot) => {
      let payloads: Payload[] = [JSONToPayload(slot as JSONPayload)];
      for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
      const payload = payloads[0]!;
      const encoding = payload.metadata?.encoding ? Buffer.from(payload.metadata.encoding).toString('utf8') : '';
      const value = encoding === 'json/plain' || encoding === 'json/protobuf' ? (JSON.parse(Buffer.from(payload.data ?? new Uint8Array()).toString('utf8')) as Json) : undefined;
      return { slot, payload, value };
    }),
  );

  // The personal values, from every decoded payload, so free text anywhere can be checked for them.
  const known = new Set<string>();
  for (const { value } of decoded) if (value !== undefined) collectPersonal(value, known);
  // A phone also as its digits only: a normalised copy would leak it as well.
  const words = new Set(known);
  for (const v of known) {
    const digits = v.replace(/\D/g, '');
    if (/^[\d\s()+.-]+$/.test(v) && digits.length >= 7 && digits !== v) words.add(digits);
  }
  const pattern = freeTextPattern([...words]);
  let replaced = 0;
  // The fake of what matched, in its own case: "QUIST" in a note gets the letters "Quist" got.
  const freeText = (text: string): string => {
    const out = text.replace(pattern, (match) => faker.fake(match));
    if (out !== text) replaced++;
    return out;
  };
  const scrub = (node: Json): Json => {
    if (typeof node === 'string') return freeText(node);
    if (Array.isArray(node)) return node.map(scrub);
    if (node === null || typeof node !== 'object') return node;
    const out: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && value !== '' && isPersonalKey(key, node)) {
        out[key] = faker.fake(value);
        replaced++;
      } else out[freeText(key)] = scrub(value);
    }
    return out;
  };

  for (const { slot, payload, value } of decoded) {
    const data = value === undefined ? (payload.data ?? new Uint8Array()) : Buffer.from(JSON.stringify(scrub(value)), 'utf8');
    const clear = payloadToJSON({ metadata: payload.metadata, data });
    for (const key of Object.keys(slot)) delete slot[key];
    Object.assign(slot, clear);
  }
  // Outside the payloads: failure messages and stack traces written in clear (before encryption).
  const outside = (node: Json, inPayload: Set<object>): void => {
    if (node === null || typeof node !== 'object' || inPayload.has(node)) return;
    if (Array.isArray(node)) {
      for (const n of node) outside(n, inPayload);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'message' || key === 'stackTrace') && typeof value === 'string') node[key] = freeText(value);
      else outside(value, inPayload);
    }
  };
  outside(copy, new Set(slots));
  return { history: copy, report: { payloads: slots.length, personalValues: known.size, replaced } };
}

/** The payload objects of a proto JSON history: `{ metadata: { encoding: <base64> }, data?: <base64> }`. */
function findPayloads(node: Json, found: Array<{ [key: string]: Json }> = []): Array<{ [key: string]: Json }> {
  if (node === null || typeof node !== 'object') return found;
  if (Array.isArray(node)) {
    for (const n of node) findPayloads(n, found);
    return found;
  }
  const metadata = node.metadata;
  if (metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) && typeof metadata.encoding === 'string') {
    found.push(node);
    return found;
  }
  for (const value of Object.values(node)) findPayloads(value, found);
  return found;
}

function collectPersonal(node: Json, into: Set<string>): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) collectPersonal(n, into);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    // Only values with a letter or a digit: "", "-", "N/A"-like fillers would match everywhere.
    if (typeof value === 'string' && isPersonalKey(key, node) && /[\p{L}\p{N}]{2}/u.test(value)) into.add(value);
    else collectPersonal(value, into);
  }
}

/** Emails, and the known values as whole words (not inside a longer word), case-insensitively; longest first. */
function freeTextPattern(values: string[]): RegExp {
  const escaped = values.sort((a, b) => b.length - a.length).map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const known = escaped.length ? `|(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})(?![\\p{L}\\p{N}])` : '';
  return new RegExp(`${EMAIL.source}${known}`, 'giu');
}
