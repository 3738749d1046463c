import { z } from 'zod';
import type { SandboxContext } from './context';
import { nextId, type V3Customer, type V3CustomerAddress } from './state';
import { invalidJson, tooManyItems, V3Failure } from './v3-errors';
import { csv, csvInts, date, oneOf, withinRange, type Query } from './v3-query';

/**
 * Customers V3 (customers.v3.yml; FACTS.md sections 3, 10): create and update in batches of up to
 * 10, all or nothing; sub-resources (addresses, store credit, attributes, form fields) appear in a
 * read only with `include=`.
 */

export const CUSTOMER_BATCH_MAX = 10;

/** A few country names for `address.country`; others are answered with their code. */
const COUNTRY_NAMES: Record<string, string> = {
  US: 'United States',
  CA: 'Canada',
  MX: 'Mexico',
  GB: 'United Kingdom',
  IE: 'Ireland',
  DE: 'Germany',
  FR: 'France',
  NL: 'Netherlands',
  AU: 'Australia',
  NZ: 'New Zealand',
};

const formField = z.object({ name: z.string().min(1), value: z.union([z.string(), z.number(), z.array(z.string())]) });

/** customerAddresses_CustomerPost: first_name, last_name, address1, city and country_code required. */
const addressInput = z.object({
  first_name: z.string().min(1).max(255),
  last_name: z.string().min(1).max(255),
  company: z.string().max(255).optional(),
  address1: z.string().min(1),
  address2: z.string().optional(),
  city: z.string().min(1).max(100),
  state_or_province: z.string().max(100).optional(),
  postal_code: z.string().max(30).optional(),
  country_code: z.string().length(2),
  phone: z.string().max(50).optional(),
  address_type: z.enum(['residential', 'commercial']).optional(),
  form_fields: z.array(formField).optional(),
});

const customerFields = {
  email: z.email().min(3).max(250),
  first_name: z.string().min(1).max(100),
  last_name: z.string().min(1).max(100),
  company: z.string().max(255),
  phone: z.string().max(50),
  notes: z.string(),
  tax_exempt_category: z.string().max(255),
  customer_group_id: z.number().int().min(0),
  authentication: z.object({ force_password_reset: z.boolean().optional(), new_password: z.string().optional() }),
  accepts_product_review_abandoned_cart_emails: z.boolean(),
  store_credit_amounts: z.array(z.object({ amount: z.number().min(0) })),
  // "This array cannot be empty" (customer_Post notes).
  channel_ids: z.array(z.number().int()).min(1).nullable(),
  form_fields: z.array(formField),
};

/** customer_Post: email, first_name and last_name required. */
const customerCreate = z
  .object(customerFields)
  .partial()
  .extend({
    email: customerFields.email,
    first_name: customerFields.first_name,
    last_name: customerFields.last_name,
    addresses: z.array(addressInput).max(10).optional(),
    attributes: z
      .array(z.object({ attribute_id: z.number().int(), attribute_value: z.string().max(255) }))
      .max(10)
      .optional(),
    origin_channel_id: z.number().int().optional(),
    trigger_account_created_notification: z.boolean().optional(),
  });

/** customer_Put: id required; registration_ip_address, origin_channel_id and the dates are read-only and dropped. */
const customerUpdate = z.object(customerFields).partial().extend({ id: z.number().int() });

/** The sandbox store has one channel, 1. */
function checkChannels(channels: number[] | null | undefined, field: string): void {
  if (channels?.some((c) => c !== 1)) throw new V3Failure(422, 'Channel not found.', { [field]: 'the store has only channel 1' });
}

function readBatch(body: unknown): unknown[] {
  const parsed = z.array(z.unknown()).safeParse(body);
  if (!parsed.success) throw invalidJson(parsed.error, body);
  if (parsed.data.length > CUSTOMER_BATCH_MAX) throw tooManyItems(CUSTOMER_BATCH_MAX);
  if (!parsed.data.length) throw new V3Failure(422, 'JSON data is missing or invalid', { body: 'at least one customer is required' });
  return parsed.data;
}

const emailOwner = (ctx: SandboxContext, email: string, exceptId?: number) =>
  Object.values(ctx.data.customers).find((c) => c.id !== exceptId && c.email.toLowerCase() === email.toLowerCase());

export function createCustomers(ctx: SandboxContext, body: unknown): V3Customer[] {
  const items = z.array(customerCreate).safeParse(readBatch(body));
  if (!items.success) throw invalidJson(items.error, body);
  const seen = new Set<string>();
  items.data.forEach((c, i) => {
    const email = c.email.toLowerCase();
    if (emailOwner(ctx, email) || seen.has(email)) {
      // The spec's 422 for a failed create (customers.v3.yml), naming the field.
      throw new V3Failure(422, 'Create customers failed.', {
        '.customer_create': 'Error creating customers',
        [`${i}.email`]: `The email address ${c.email} is already in use by another customer.`,
      });
    }
    seen.add(email);
    if (c.attributes?.length)
      throw new V3Failure(422, 'Create customers failed.', { [`${i}.attributes`]: `Attribute ${c.attributes[0]!.attribute_id} does not exist: create customer attributes first.` });
    checkChannels(c.channel_ids, `${i}.channel_ids`);
  });

  const nowIso = new Date(ctx.now()).toISOString();
  const created = items.data.map((c) => {
    const id = nextId(ctx.data, 'customer');
    const customer: V3Customer = {
      id,
      email: c.email,
      first_name: c.first_name,
      last_name: c.last_name,
      company: c.company ?? '',
      phone: c.phone ?? '',
      // "If the customer was created using the API, then registration address is blank."
      registration_ip_address: '',
      notes: c.notes ?? '',
      tax_exempt_category: c.tax_exempt_category ?? '',
      customer_group_id: c.customer_group_id ?? 0,
      authentication: { force_password_reset: c.authentication?.force_password_reset ?? false },
      addresses: (c.addresses ?? []).map((a): V3CustomerAddress => {
        const { form_fields: addressFields, ...address } = a;
        return {
          id: nextId(ctx.data, 'customerAddress'),
          customer_id: id,
          company: '',
          address2: '',
          state_or_province: '',
          postal_code: '',
          phone: '',
          address_type: 'residential',
          ...address,
          country_code: a.country_code.toUpperCase(),
          country: COUNTRY_NAMES[a.country_code.toUpperCase()] ?? a.country_code.toUpperCase(),
          ...(addressFields ? { form_fields: addressFields } : {}),
        };
      }),
      attributes: [],
      form_fields: (c.form_fields ?? []).map((f) => ({ ...f, customer_id: id })),
      store_credit_amounts: c.store_credit_amounts ?? [{ amount: 0 }],
      accepts_product_review_abandoned_cart_emails: c.accepts_product_review_abandoned_cart_emails ?? false,
      origin_channel_id: c.origin_channel_id ?? 1,
      channel_ids: c.channel_ids ?? [1],
      date_created: nowIso,
      date_modified: nowIso,
    };
    ctx.data.customers[String(id)] = customer;
    return customer;
  });
  ctx.changed();
  for (const c of created) ctx.emit('store/customer/created', { type: 'customer', id: c.id });
  return created;
}

export function updateCustomers(ctx: SandboxContext, body: unknown): V3Customer[] {
  const raw = readBatch(body);
  const items = z.array(customerUpdate).safeParse(raw);
  if (!items.success) throw invalidJson(items.error, raw);
  const ids = items.data.map((c) => c.id);
  if (new Set(ids).size !== ids.length) throw new V3Failure(422, 'JSON data is missing or invalid', { id: 'each customer may appear once per batch' });
  const nowIso = new Date(ctx.now()).toISOString();
  const next = items.data.map((c, i) => {
    const current = ctx.data.customers[String(c.id)];
    if (!current) throw new V3Failure(422, 'Update customers failed.', { [`${i}.id`]: `Customer ${c.id} does not exist.` });
    if (c.email !== undefined && (emailOwner(ctx, c.email, c.id) || items.data.some((o, j) => j !== i && o.email?.toLowerCase() === c.email!.toLowerCase()))) {
      throw new V3Failure(422, 'Update customers failed.', { [`${i}.email`]: `The email address ${c.email} is already in use by another customer.` });
    }
    checkChannels(c.channel_ids, `${i}.channel_ids`);
    const { id: _id, authentication, form_fields: fields, ...rest } = c;
    return {
      ...current,
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      ...(authentication?.force_password_reset !== undefined ? { authentication: { force_password_reset: authentication.force_password_reset } } : {}),
      ...(fields ? { form_fields: fields.map((f) => ({ ...f, customer_id: c.id })) } : {}),
      // null means "global access": every channel, which in the sandbox is channel 1.
      ...(rest.channel_ids === null ? { channel_ids: [1] } : {}),
      date_modified: nowIso,
    } as V3Customer;
  });
  for (const c of next) ctx.data.customers[String(c.id)] = c;
  ctx.changed();
  for (const c of next) ctx.emit('store/customer/updated', { type: 'customer', id: c.id });
  return next;
}

/** "A query is required to delete customers. If not provided, a 204 is returned, with no changes to the data." */
export function deleteCustomers(ctx: SandboxContext, query: Query): void {
  const ids = csvInts(query, 'id:in');
  if (!ids) return;
  for (const id of ids) {
    if (!ctx.data.customers[String(id)]) continue;
    delete ctx.data.customers[String(id)];
    ctx.emit('store/customer/deleted', { type: 'customer', id });
  }
  ctx.changed();
}

export const CUSTOMER_INCLUDES = ['addresses', 'storecredit', 'attributes', 'formfields'] as const;

export function serializeCustomer(c: V3Customer, include: ReadonlySet<string>): Record<string, unknown> {
  const { addresses, attributes, form_fields, store_credit_amounts, ...rest } = c;
  const withFields = include.has('formfields');
  return {
    ...rest,
    address_count: addresses.length,
    attribute_count: attributes.length,
    ...(include.has('addresses') ? { addresses: addresses.map(({ form_fields: f, ...a }) => (withFields ? { ...a, form_fields: f ?? [] } : a)) } : {}),
    ...(include.has('storecredit') ? { store_credit_amounts } : {}),
    ...(include.has('attributes') ? { attributes } : {}),
    ...(withFields ? { form_fields } : {}),
  };
}

export const CUSTOMER_SORTS = ['date_created:asc', 'date_created:desc', 'last_name:asc', 'last_name:desc', 'date_modified:asc', 'date_modified:desc'] as const;

/** GET /v3/customers filters, then `sort` (by id when absent). */
export function findCustomers(ctx: SandboxContext, query: Query): V3Customer[] {
  const ids = csvInts(query, 'id:in');
  const emails = csv(query, 'email:in')?.map((e) => e.toLowerCase());
  const names = csv(query, 'name:in')?.map((n) => n.toLowerCase());
  // "Filter items by substring in first_name and last_name ... Concatenates the first_name and last_name fields."
  const likes = csv(query, 'name:like')?.map((n) => n.toLowerCase());
  const companies = csv(query, 'company:in')?.map((n) => n.toLowerCase());
  const groups = csvInts(query, 'customer_group_id:in');
  const phones = csv(query, 'phone:in');
  const ips = csv(query, 'registration_ip_address:in');
  const createdMin = date(query, 'date_created:min');
  const createdMax = date(query, 'date_created:max');
  const modifiedMin = date(query, 'date_modified:min');
  const modifiedMax = date(query, 'date_modified:max');
  const created = date(query, 'date_created');
  const modified = date(query, 'date_modified');
  const sort = oneOf(query, 'sort', CUSTOMER_SORTS);
  const fullName = (c: V3Customer) => `${c.first_name} ${c.last_name}`.toLowerCase();

  const matching = Object.values(ctx.data.customers).filter(
    (c) =>
      (!ids || ids.includes(c.id)) &&
      (!emails || emails.includes(c.email.toLowerCase())) &&
      (!names || names.includes(fullName(c))) &&
      (!likes || likes.some((l) => fullName(c).includes(l) || `${c.first_name}${c.last_name}`.toLowerCase().includes(l))) &&
      (!companies || companies.includes(String(c.company).toLowerCase())) &&
      (!groups || groups.includes(c.customer_group_id)) &&
      (!phones || phones.includes(String(c.phone))) &&
      (!ips || ips.includes(String(c.registration_ip_address))) &&
      (created === undefined || Date.parse(c.date_created) === created) &&
      (modified === undefined || Date.parse(c.date_modified) === modified) &&
      withinRange(Date.parse(c.date_created), createdMin, createdMax) &&
      withinRange(Date.parse(c.date_modified), modifiedMin, modifiedMax),
  );
  const [field, direction] = (sort ?? 'id:asc').split(':') as [string, 'asc' | 'desc'];
  const key = (c: V3Customer): number | string => (field === 'id' ? c.id : field === 'last_name' ? c.last_name.toLowerCase() : Date.parse(String(c[field])));
  const sign = direction === 'desc' ? -1 : 1;
  return matching.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -sign : ka > kb ? sign : a.id - b.id;
  });
}
