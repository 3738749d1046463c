/**
 * Realistic order bodies for `POST /v2/orders` (order_Post in orders.v2.oas2.yml): what `npm run
 * demo` sends, and what the integration tests send, so both exercise the same shapes.
 */
const CUSTOMERS = [
  {
    customer_id: 11,
    first_name: 'Jane',
    last_name: 'Doe',
    email: 'jane.doe@example.com',
    street_1: '555 East Street',
    city: 'Austin',
    state: 'Texas',
    zip: '78108',
    phone: '5125550100',
  },
  {
    customer_id: 0,
    first_name: 'Luis',
    last_name: 'Ortega',
    email: 'luis.ortega@example.net',
    street_1: '19 Pine Ridge Rd',
    city: 'Boulder',
    state: 'Colorado',
    zip: '80302',
    phone: '3035550142',
  },
  {
    customer_id: 27,
    first_name: 'Amara',
    last_name: 'Okafor',
    email: 'amara@okafor.example',
    street_1: '400 Harbor Blvd',
    city: 'Seattle',
    state: 'Washington',
    zip: '98101',
    phone: '2065550199',
  },
];

const BASKETS = [
  [
    { product_id: 111, quantity: 1 },
    { product_id: 112, quantity: 3 },
  ],
  [
    { product_id: 113, variant_id: 202, quantity: 1 },
    { product_id: 115, quantity: 2 },
  ],
  [
    { product_id: 116, quantity: 1 },
    { product_id: 114, quantity: 2 },
    { product_id: 113, variant_id: 203, quantity: 1 },
  ],
];

export function demoOrderBody(i: number) {
  const c = CUSTOMERS[i % CUSTOMERS.length]!;
  const address = {
    first_name: c.first_name,
    last_name: c.last_name,
    company: '',
    street_1: c.street_1,
    street_2: '',
    city: c.city,
    state: c.state,
    zip: c.zip,
    country: 'United States',
    country_iso2: 'US',
    phone: c.phone,
    email: c.email,
  };
  return {
    customer_id: c.customer_id,
    status_id: 11, // Awaiting Fulfillment: paid, ready for the warehouse
    billing_address: address,
    shipping_addresses: [{ ...address, shipping_method: i % 2 === 0 ? 'UPS Ground' : 'Free Shipping' }],
    products: BASKETS[i % BASKETS.length]!,
    shipping_cost_ex_tax: i % 2 === 0 ? 9.5 : 0,
    shipping_cost_inc_tax: i % 2 === 0 ? 10.26 : 0, // 8% tax, as the sandbox store charges
    discount_amount: i % 3 === 2 ? 10 : 0,
    payment_method: 'Credit Card',
    customer_message: i % 3 === 1 ? 'Please leave at the back door.' : '',
  };
}

/** Creates `count` orders in a BigCommerce sandbox; returns their ids. */
export async function createDemoOrders(opts: { apiUrl: string; storeHash: string; accessToken: string; count: number; offset?: number }): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < opts.count; i++) {
    const res = await fetch(`${opts.apiUrl}/stores/${opts.storeHash}/v2/orders`, {
      method: 'POST',
      headers: { 'x-auth-token': opts.accessToken, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(demoOrderBody((opts.offset ?? 0) + i)),
    });
    const body = (await res.json()) as { id?: number };
    if (!res.ok || typeof body.id !== 'number') throw new Error(`creating a demo order failed: ${res.status} ${JSON.stringify(body)}`);
    ids.push(body.id);
  }
  return ids;
}
