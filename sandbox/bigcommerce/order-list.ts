import type express from 'express';
import { parseDateInput } from './order-create';
import { orderTotals } from './order-totals';
import type { SandboxOrder } from './state';

/**
 * GET /v2/orders and /v2/orders/count filters (orders.v2.oas2.yml, components/parameters). Dates
 * take RFC-2822 or ISO-8601; `min_*`/`max_*` bounds are inclusive. Archived orders are left out
 * unless `is_deleted=true` asks for them (and then only they are listed).
 */

type Predicate = (o: SandboxOrder) => boolean;
export type Filtered = { matches: Predicate } | { error: string };

const SORT_FIELDS: Record<string, (o: SandboxOrder) => number | string> = {
  id: (o) => o.id,
  customer_id: (o) => o.customerId,
  date_created: (o) => o.createdMs,
  date_modified: (o) => o.modifiedMs,
  status_id: (o) => o.statusId,
  channel_id: (o) => o.channelId,
  // external_id is read-only and null on every sandbox order, so this sorts by id alone.
  external_id: () => '',
};

const bad = (name: string, expected: string) => ({ error: `The filter '${name}' is invalid: expected ${expected}.` });

export function orderFilter(query: express.Request['query']): Filtered {
  const predicates: Predicate[] = [];
  const str = (name: string): string | undefined => (typeof query[name] === 'string' ? (query[name] as string) : undefined);

  for (const [name, pick, cmp] of [
    ['min_id', (o: SandboxOrder) => o.id, 1],
    ['max_id', (o: SandboxOrder) => o.id, -1],
  ] as const) {
    const v = str(name);
    if (v === undefined) continue;
    if (!/^\d+$/.test(v)) return bad(name, 'an integer');
    predicates.push((o) => (cmp === 1 ? pick(o) >= Number(v) : pick(o) <= Number(v)));
  }
  for (const [name, cmp] of [
    ['min_total', 1],
    ['max_total', -1],
  ] as const) {
    const v = str(name);
    if (v === undefined) continue;
    if (!/^\d+(\.\d+)?$/.test(v)) return bad(name, 'a decimal amount such as 12.50');
    const units = Math.round(Number(v) * 10_000);
    predicates.push((o) => (cmp === 1 ? orderTotals(o).totalInc >= units : orderTotals(o).totalInc <= units));
  }
  for (const [name, pick] of [
    ['customer_id', (o: SandboxOrder) => o.customerId],
    ['status_id', (o: SandboxOrder) => o.statusId],
    ['channel_id', (o: SandboxOrder) => o.channelId],
  ] as const) {
    const v = str(name);
    if (v === undefined) continue;
    if (!/^\d+$/.test(v)) return bad(name, 'an integer');
    predicates.push((o) => pick(o) === Number(v));
  }
  const email = str('email');
  if (email !== undefined) predicates.push((o) => o.billing.email.toLowerCase() === email.toLowerCase());
  const paymentMethod = str('payment_method');
  if (paymentMethod !== undefined) predicates.push((o) => o.paymentMethod.toLowerCase() === paymentMethod.toLowerCase());
  const cartId = str('cart_id');
  if (cartId !== undefined) predicates.push((o) => o.cartId === cartId);
  const external = str('external_order_id');
  if (external !== undefined) predicates.push((o) => o.externalOrderId === external);

  for (const [name, pick, cmp] of [
    ['min_date_created', (o: SandboxOrder) => o.createdMs, 1],
    ['max_date_created', (o: SandboxOrder) => o.createdMs, -1],
    ['min_date_modified', (o: SandboxOrder) => o.modifiedMs, 1],
    ['max_date_modified', (o: SandboxOrder) => o.modifiedMs, -1],
  ] as const) {
    const v = str(name);
    if (v === undefined) continue;
    const ms = parseDateInput(v);
    if (ms === undefined) return bad(name, "an RFC-2822 ('Thu, 20 Apr 2017 11:32:00 -0400') or ISO-8601 date");
    // V2 dates have whole seconds: compare at that precision, so a date read back from an order matches it.
    const seconds = (t: number) => Math.floor(t / 1000);
    predicates.push((o) => (cmp === 1 ? seconds(pick(o)) >= seconds(ms) : seconds(pick(o)) <= seconds(ms)));
  }

  const deleted = str('is_deleted');
  if (deleted !== undefined && deleted !== 'true' && deleted !== 'false') return bad('is_deleted', 'true or false');
  const wantDeleted = deleted === 'true';
  predicates.push((o) => o.isDeleted === wantDeleted);

  return { matches: (o) => predicates.every((p) => p(o)) };
}

/** `sort=<field>[:asc|:desc]`; by id ascending by default ("The default sort is by order id, from lowest to highest"). */
export function orderSort(raw: unknown): { compare: (a: SandboxOrder, b: SandboxOrder) => number } | { error: string } {
  if (raw === undefined) return { compare: (a, b) => a.id - b.id };
  const m = typeof raw === 'string' ? /^([a-z_]+)(?::(asc|desc))?$/.exec(raw) : null;
  const key = m && SORT_FIELDS[m[1]!];
  if (!m || !key) return { error: `The sort '${String(raw)}' is invalid: use one of ${Object.keys(SORT_FIELDS).join(', ')}, optionally with :asc or :desc.` };
  const dir = m[2] === 'desc' ? -1 : 1;
  return {
    compare: (a, b) => {
      const x = key(a);
      const y = key(b);
      return (x < y ? -1 : x > y ? 1 : 0) * dir || a.id - b.id;
    },
  };
}
