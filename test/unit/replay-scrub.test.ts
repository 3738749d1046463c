import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { type JSONPayload, payloadToJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { Faker, scrubHistory } from '../../cli/replay/scrub';
import { staticKeyring } from '../../lib/temporal/keyring';
import { ENCRYPTED_ENCODING, EncryptionCodec } from '../../lib/temporal/payload-codec';
import type { Json } from '../support/json';

/**
 * `bcsync history export --scrub`: a history's payloads decoded, personal data replaced by stable
 * fakes of the same shape, written back in clear. The history here has the shapes our workflows
 * put in payloads (the order read from BigCommerce, the ERP sales order, the OMS order with its
 * warehouse note, an ERP error quoting the shopper, a failure message in clear as histories made
 * before encryption have), encrypted as production encrypts them. That the scrubbed export of a real
 * run still replays is test/integration/replay-cli.test.ts and test/replay/scrubbed-histories.test.ts.
 */
const codec = new EncryptionCodec(staticKeyring([{ id: 'k1', key: randomBytes(32) }]));
const clear = (v: unknown): JSONPayload => payloadToJSON(defaultPayloadConverter.toPayload(v));
const sealed = async (v: unknown): Promise<JSONPayload> => payloadToJSON((await codec.encode([defaultPayloadConverter.toPayload(v)]))[0]!);
const decode = (p: JSONPayload): string => Buffer.from(p.data ?? '', 'base64').toString('utf8');
const encodingOf = (p: JSONPayload): string => Buffer.from(p.metadata?.encoding ?? '', 'base64').toString('utf8');

const C = {
  email: 'Wilhelmina.Quist.7f3a@example.org',
  firstName: 'Wilhelmina',
  lastName: 'Quistgaard',
  company: 'Quistgaard Textiles ApS',
  phone: '+1 415 555 0142',
  street1: '4471 Larkspur Hollow',
  street2: 'Apt 9',
  message: 'Please leave it with the neighbour at 4471, call 4155550142',
};
const address = {
  firstName: C.firstName,
  lastName: C.lastName,
  company: C.company,
  street1: C.street1,
  street2: C.street2,
  city: 'Springfield',
  state: 'Oregon',
  zip: '97477',
  countryIso2: 'US',
  phone: C.phone,
  email: C.email,
};
const order = {
  id: 250,
  customerId: 0,
  billingAddress: address,
  shipping: [{ id: 11, address, method: 'Flat Rate', lineIds: [1] }],
  lines: [{ id: 1, sku: 'SOCK-MER', name: 'Merino Woolen Socks', quantity: 2, totalExTax: '24.0000' }],
  customerMessage: C.message,
  totalIncTax: '26.4000',
};
const salesOrder = {
  externalId: 'bc-s-250',
  customer: { externalId: 'bc-s-customer-0', email: C.email, name: `${C.firstName} ${C.lastName}` },
  memo: `BigCommerce order #250. Customer note: ${C.message}`,
  billTo: address,
  lines: [{ sku: 'SOCK-MER', description: 'Merino Woolen Socks', quantity: 2, amount: '24.0000' }],
};
const omsOrder = {
  orderKey: 'bc-s-250',
  customerEmail: C.email.toLowerCase(),
  // ShipStation's wire shape: one `name` for the person.
  shipTo: { name: `${C.firstName} ${C.lastName}`, company: C.company, street1: C.street1, city: 'Springfield', phone: C.phone },
  internalNotes: `Lines 1 to ${C.firstName} ${C.lastName.toUpperCase()}, ${C.street1}, Springfield`,
  items: [{ sku: 'SOCK-MER', name: 'Merino Woolen Socks', quantity: 2 }],
};
const PATCH = { id: 'order-v3', deprecated: false };

async function history(): Promise<Json> {
  return {
    events: [
      {
        eventId: '1',
        eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
        workflowExecutionStartedEventAttributes: { workflowType: { name: 'orderSync' }, input: { payloads: [await sealed({ storeHash: 's', orderId: 250 })] } },
      },
      {
        eventId: '2',
        eventType: 'EVENT_TYPE_MARKER_RECORDED',
        markerRecordedEventAttributes: { markerName: 'core_patch', details: { 'patch-data': { payloads: [clear(PATCH)] } } },
      },
      {
        eventId: '3',
        eventType: 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
        upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { BcOrderId: clear(250) } } },
      },
      { eventId: '4', eventType: 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED', activityTaskCompletedEventAttributes: { result: { payloads: [await sealed({ order, readAtS: 1 })] } } },
      {
        eventId: '5',
        eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
        activityTaskScheduledEventAttributes: { activityType: { name: 'upsertSalesOrder' }, input: { payloads: [await sealed(salesOrder)] } },
      },
      {
        eventId: '6',
        eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
        activityTaskScheduledEventAttributes: { activityType: { name: 'upsertOmsOrder' }, input: { payloads: [await sealed(omsOrder)] } },
      },
      {
        eventId: '7',
        eventType: 'EVENT_TYPE_ACTIVITY_TASK_FAILED',
        activityTaskFailedEventAttributes: {
          failure: {
            message: 'Encoded failure',
            encodedAttributes: await sealed({ message: `USER_ERROR: customer ${C.email} at ${C.street1} already exists`, stack_trace: 'Error: USER_ERROR\n    at upsert' }),
          },
        },
      },
      {
        eventId: '8',
        eventType: 'EVENT_TYPE_ACTIVITY_TASK_FAILED',
        // A history from before encryption: the failure message in clear, outside any payload.
        activityTaskFailedEventAttributes: { failure: { message: `422: ${C.email.toLowerCase()} is not valid for ${C.firstName}`, stackTrace: '' } },
      },
    ],
  };
}

/** Every personal value, and the forms a copy of it may take (lower-case email, the phone's digits). */
const needles = [...Object.values(C), C.email.toLowerCase(), C.phone.replace(/\D/g, ''), C.lastName.toUpperCase()];

/** Where a needle shows: in any string, and in any string's base64 decoding (payload data). */
function leaks(node: unknown, at = '$', found: string[] = []): string[] {
  if (typeof node === 'string') {
    const texts = [node, /^[A-Za-z0-9+/]+={0,2}$/.test(node) ? Buffer.from(node, 'base64').toString('utf8') : ''];
    for (const n of needles) if (texts.some((t) => t.toLowerCase().includes(n.toLowerCase()))) found.push(`${n} at ${at}`);
  } else if (Array.isArray(node)) node.forEach((v, i) => void leaks(v, `${at}[${i}]`, found));
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) leaks(v, `${at}.${k}`, found);
  return found;
}

const payloadAt = (h: Json, event: number): JSONPayload => {
  const attrs = Object.entries(h.events[event - 1]).find(([k]) => k.endsWith('EventAttributes'))![1] as Json;
  return (attrs.result ?? attrs.input).payloads[0];
};
const valueAt = (h: Json, event: number): Json => JSON.parse(decode(payloadAt(h, event)));

describe('scrubbing a history for the replay test set', () => {
  it('leaves no personal value anywhere, in clear or base64, and no ciphertext: every payload is json/plain', async () => {
    const input = await history();
    // Not vacuous: the input holds the values (sealed, so the search sees them only once decoded) and ciphertext.
    expect(leaks(input).length).toBeGreaterThan(0); // the clear failure message of event 8
    const { history: out, report } = await scrubHistory(input, [codec]);
    expect(leaks(out)).toEqual([]);
    const h = out as Json;
    const encodings = [1, 4, 5, 6].map((e) => encodingOf(payloadAt(h, e)));
    expect(encodings).toEqual(['json/plain', 'json/plain', 'json/plain', 'json/plain']);
    expect(JSON.stringify(out)).not.toContain(Buffer.from(ENCRYPTED_ENCODING).toString('base64'));
    expect(report).toMatchObject({ payloads: 7 });
    expect(report.personalValues).toBeGreaterThanOrEqual(8);
  });

  it('fakes have the shape of what they replace, and the same value gets the same fake everywhere', async () => {
    const h = (await scrubHistory(await history(), [codec])).history as Json;
    const o = valueAt(h, 4).order;
    const so = valueAt(h, 5);
    const oms = valueAt(h, 6);
    const b = o.billingAddress;
    // Shapes: an email at example.com with a local part as long as the original's; letters, case, digits and spaces in place.
    expect(b.email).toMatch(/^[A-Z][a-z]{9}\.[A-Z][a-z]{4}\.\d[a-z]\d[a-z]@example\.com$/);
    expect(b.firstName).toMatch(/^[A-Z][a-z]{9}$/);
    expect(b.phone).toMatch(/^\+\d \d{3} \d{3} \d{4}$/);
    expect(b.street1).toMatch(/^\d{4} [A-Z][a-z]{7} [A-Z][a-z]{5}$/);
    expect(b.company).toMatch(/^[A-Z][a-z]{9} [A-Z][a-z]{7} [A-Z][a-z][A-Z]$/);
    for (const [k, v] of Object.entries(C)) expect(JSON.stringify(o), k).not.toContain(v);
    // Stable: each value has one fake across payloads and inside free text.
    expect(so.customer.email).toBe(b.email);
    expect(so.customer.name).toBe(`${b.firstName} ${b.lastName}`);
    expect(so.billTo).toEqual(b);
    expect(o.shipping[0].address).toEqual(b);
    // The OMS has the email lower-cased: its fake is the same, lower-cased.
    expect(oms.customerEmail).toBe(b.email.toLowerCase());
    expect(oms.shipTo).toMatchObject({ name: `${b.firstName} ${b.lastName}`, company: b.company, street1: b.street1, phone: b.phone });
    expect(oms.internalNotes).toBe(`Lines 1 to ${b.firstName} ${b.lastName.toUpperCase()}, ${b.street1}, Springfield`);
    expect(so.memo).toBe(`BigCommerce order #250. Customer note: ${o.customerMessage}`);
    const failure = JSON.parse(decode(h.events[6].activityTaskFailedEventAttributes.failure.encodedAttributes));
    expect(failure.message).toBe(`USER_ERROR: customer ${b.email} at ${b.street1} already exists`);
    expect(h.events[7].activityTaskFailedEventAttributes.failure.message).toMatch(new RegExp(`^422: [a-z.0-9]+@example\\.com is not valid for ${b.firstName}$`));
  });

  it('keeps what is not personal: amounts, SKUs, product names, city and postcode, the patch marker, search attributes, the events', async () => {
    const input = await history();
    const h = (await scrubHistory(input, [codec])).history as Json;
    const o = valueAt(h, 4).order;
    expect(o.lines).toEqual(order.lines); // "Merino Woolen Socks": a product's `name`, not a person's
    expect(o).toMatchObject({ id: 250, totalIncTax: '26.4000', customerId: 0 });
    expect(o.billingAddress).toMatchObject({ city: 'Springfield', state: 'Oregon', zip: '97477', countryIso2: 'US' });
    expect(valueAt(h, 6).items).toEqual(omsOrder.items);
    expect(valueAt(h, 1)).toEqual({ storeHash: 's', orderId: 250 });
    expect(h.events[1]).toEqual(input.events[1]); // the patch marker, byte for byte
    expect(h.events[2]).toEqual(input.events[2]); // search attributes
    expect(h.events.map((e: Json) => [e.eventId, e.eventType])).toEqual(input.events.map((e: Json) => [e.eventId, e.eventType]));
    expect(h.events[4].activityTaskScheduledEventAttributes.activityType).toEqual({ name: 'upsertSalesOrder' });
  });

  it('the fakes depend on the export key: the same key gives the same file, another key other fakes', async () => {
    const input = await history();
    const key = randomBytes(32);
    const a = await scrubHistory(input, [codec], new Faker(key));
    const b = await scrubHistory(input, [codec], new Faker(key));
    const c = await scrubHistory(input, [codec], new Faker(randomBytes(32)));
    expect(a.history).toEqual(b.history);
    expect(valueAt(c.history as Json, 4).order.billingAddress.email).not.toBe(valueAt(a.history as Json, 4).order.billingAddress.email);
    const before = JSON.stringify(input);
    await scrubHistory(input, [codec]);
    expect(JSON.stringify(input)).toBe(before); // the input is left as it was
  });

  it('refuses a history whose payloads the keys cannot open', async () => {
    const other = new EncryptionCodec(staticKeyring([{ id: 'other', key: randomBytes(32) }]));
    await expect(scrubHistory(await history(), [other])).rejects.toThrow('payload encrypted with key k1, which this process does not hold');
  });
});
