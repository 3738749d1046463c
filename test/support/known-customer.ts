import { randomBytes } from 'node:crypto';
import { demoOrderBody } from '../../sandbox/demo-orders';

/**
 * A customer nobody else has, for tests that look for personal data where it must not be (a raw
 * Temporal history) or must be (the same history decoded): every value is unique to the run, so a hit
 * can only come from this order.
 */
export function knownCustomer() {
  const tag = randomBytes(3).toString('hex');
  const digits = String(1_000_000 + (randomBytes(3).readUIntBE(0, 3) % 9_000_000));
  return {
    email: `wilhelmina.quist.${tag}@example.org`,
    firstName: `Wilhelmina${tag}`,
    lastName: `Quistgaard${tag}`,
    phone: `+1 415 ${digits.slice(0, 3)} ${digits.slice(3)}`,
    billingStreet: `${digits.slice(0, 4)} Larkspur Hollow ${tag}`,
    shippingStreet: `${digits.slice(2, 6)} Juniper Crescent ${tag}`,
  };
}
export type KnownCustomer = ReturnType<typeof knownCustomer>;

/** A demo order (POST /v2/orders body) whose billing and shipping addresses are the customer's. */
export function orderFor(c: KnownCustomer, demo = 0) {
  const body = demoOrderBody(demo);
  const address = { ...body.billing_address, first_name: c.firstName, last_name: c.lastName, email: c.email, phone: c.phone };
  return {
    ...body,
    billing_address: { ...address, street_1: c.billingStreet },
    shipping_addresses: body.shipping_addresses.map((a) => ({ ...a, ...address, street_1: c.shippingStreet })),
  };
}
