import { z } from 'zod';
import { locationDefaults } from './catalog-defaults';
import type { SandboxContext } from './context';
import { DEFAULT_LOCATION_ID } from './inventory';
import { nextId, type V3Location } from './state';
import { invalidJson, tooManyItems, V3Failure } from './v3-errors';
import { bool, csv, csvInts, type Query } from './v3-query';

/**
 * Locations V3 (locations.v3.yml): list with filters, create and update in batches of up to 1000,
 * at most 100 active locations. Writes answer `{transaction_id}`; errors are problem+json.
 */

export const LOCATIONS_MAX_ITEMS = 1000;
const MAX_ACTIVE_LOCATIONS = 100;

const day = z.object({ open: z.boolean(), opening: z.string().regex(/^\d{2}:\d{2}$/), closing: z.string().regex(/^\d{2}:\d{2}$/) }).partial();
const operatingHours = z.object({ sunday: day, monday: day, tuesday: day, wednesday: day, thursday: day, friday: day, saturday: day }).partial();
const specialHours = z.array(
  z.object({
    label: z.string(),
    date: z.iso.date(),
    open: z.boolean(),
    opening: z.string().optional(),
    closing: z.string().optional(),
    all_day: z.boolean().optional(),
    annual: z.boolean().optional(),
  }),
);
const geo = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });
const address = z.object({
  address1: z.string().min(1),
  address2: z.string().optional(),
  city: z.string().min(1),
  state: z.string().min(1),
  zip: z.string().min(1),
  email: z.email(),
  phone: z.string().optional(),
  geo_coordinates: geo,
  country_code: z.string().length(2),
});

const optional = {
  code: z.string().min(1).max(255).optional(),
  description: z.string().optional(),
  managed_by_external_source: z.boolean().optional(),
  type_id: z.enum(['PHYSICAL', 'VIRTUAL']).optional(),
  enabled: z.boolean().optional(),
  operating_hours: operatingHours.optional(),
  storefront_visibility: z.boolean().optional(),
  special_hours: specialHours.optional(),
};

/**
 * LocationsCreateRequest lists label, managed_by_external_source, type_id, time_zone and address as
 * required, but on the array instead of its items (a spec defect); the sandbox requires label,
 * time_zone and address, and fills the two that have documented defaults.
 */
const createItem = z.object({ ...optional, label: z.string().min(1).max(255), time_zone: z.string().min(1), address });
const updateItem = z.object({
  ...optional,
  id: z.number().int(),
  label: z.string().min(1).max(255).optional(),
  time_zone: z.string().min(1).optional(),
  // An address sent on update needs its country_code (LocationsUpdateRequest).
  address: address
    .partial()
    .extend({ country_code: z.string().length(2) })
    .optional(),
});

const problem = (title: string, errors: Record<string, string> = {}) => new V3Failure(422, title, errors, true);

function readBatch<T>(body: unknown, schema: z.ZodType<T>): T[] {
  const array = z.array(z.unknown()).safeParse(body);
  if (!array.success) throw invalidJson(array.error, body, { problem: true });
  if (array.data.length > LOCATIONS_MAX_ITEMS) throw tooManyItems(LOCATIONS_MAX_ITEMS);
  if (!array.data.length) throw problem('Payload contains invalid fields', { body: 'at least one location is required' });
  const items = z.array(schema).safeParse(body);
  if (!items.success) throw invalidJson(items.error, body, { problem: true });
  return items.data;
}

const codeTaken = (ctx: SandboxContext, code: string, exceptId?: number) =>
  Object.values(ctx.data.locations).some((l) => l.id !== exceptId && l.code.toLowerCase() === code.toLowerCase());

const activeCount = (locations: V3Location[]) => locations.filter((l) => l.enabled).length;

export function createLocations(ctx: SandboxContext, body: unknown): V3Location[] {
  const items = readBatch(body, createItem);
  const codes = new Set<string>();
  items.forEach((it, i) => {
    if (it.code !== undefined && (codeTaken(ctx, it.code) || codes.has(it.code.toLowerCase())))
      throw problem(`Location code "${it.code}" is already in use`, { [`${i}.code`]: 'duplicate' });
    if (it.code !== undefined) codes.add(it.code.toLowerCase());
  });
  const after = activeCount(Object.values(ctx.data.locations)) + items.filter((i) => i.enabled !== false).length;
  if (after > MAX_ACTIVE_LOCATIONS) throw problem(`A store can have at most ${MAX_ACTIVE_LOCATIONS} active locations`);
  const created = items.map((it) => {
    const id = nextId(ctx.data, 'location');
    const location = locationDefaults({ ...it, id, code: it.code ?? `BC-LOCATION-${id}`, label: it.label }, ctx.now());
    ctx.data.locations[String(id)] = location;
    return location;
  });
  ctx.changed();
  for (const l of created) ctx.emit('store/inventory/location/created', { location_id: l.id });
  return created;
}

export function updateLocations(ctx: SandboxContext, body: unknown): V3Location[] {
  const items = readBatch(body, updateItem);
  const next = new Map<number, V3Location>();
  items.forEach((it, i) => {
    const current = next.get(it.id) ?? ctx.data.locations[String(it.id)];
    if (!current) throw problem(`Location with id ${it.id} does not exist`, { [`${i}.id`]: 'not found' });
    const code = it.code;
    if (code !== undefined && codeTaken(ctx, code, it.id)) throw problem(`Location code "${code}" is already in use`, { [`${i}.code`]: 'duplicate' });
    if (it.id === DEFAULT_LOCATION_ID && it.enabled === false) throw problem('The default location cannot be disabled', { [`${i}.enabled`]: 'default location' });
    const { address: addr, ...fields } = it;
    next.set(it.id, {
      ...current,
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      ...(addr ? { address: { ...(current.address as Record<string, unknown>), ...addr } } : {}),
      updated_at: new Date(ctx.now()).toISOString(),
    } as V3Location);
  });
  if (activeCount(Object.values({ ...ctx.data.locations, ...Object.fromEntries([...next].map(([id, l]) => [String(id), l])) })) > MAX_ACTIVE_LOCATIONS) {
    throw problem(`A store can have at most ${MAX_ACTIVE_LOCATIONS} active locations`);
  }
  for (const [id, location] of next) ctx.data.locations[String(id)] = location;
  ctx.changed();
  for (const id of next.keys()) ctx.emit('store/inventory/location/updated', { location_id: id });
  return [...next.values()];
}

/** GET /v3/inventory/locations filters. */
export function locationFilters(query: Query): Array<(l: V3Location) => boolean> {
  const tests: Array<(l: V3Location) => boolean> = [];
  const ids = csvInts(query, 'location_id:in');
  const codes = csv(query, 'location_code:in');
  const types = csv(query, 'type_id:in');
  const isDefault = bool(query, 'is_default');
  const external = bool(query, 'managed_by_external_source');
  const active = bool(query, 'is_active');
  const visible = bool(query, 'storefront_visibility');
  if (ids) tests.push((l) => ids.includes(l.id));
  if (codes) tests.push((l) => codes.includes(l.code));
  if (types) tests.push((l) => types.includes(l.type_id));
  if (isDefault !== undefined) tests.push((l) => (l.id === DEFAULT_LOCATION_ID) === isDefault);
  if (external !== undefined) tests.push((l) => l.managed_by_external_source === external);
  if (active !== undefined) tests.push((l) => l.enabled === active);
  if (visible !== undefined) tests.push((l) => l.storefront_visibility === visible);
  return tests;
}
