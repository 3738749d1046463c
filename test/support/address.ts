import type { Address } from '../../domain/orders/order';

/** A BigCommerce order address as our model reads it (the one the unit tests share). */
export const testAddress = (overrides: Partial<Address> = {}): Address => ({
  firstName: 'Jane',
  lastName: 'Doe',
  company: '',
  street1: '555 East Street',
  street2: '',
  city: 'Austin',
  state: 'Texas',
  zip: '78108',
  countryIso2: 'US',
  phone: '5125550100',
  email: 'janedoe@example.com',
  ...overrides,
});
