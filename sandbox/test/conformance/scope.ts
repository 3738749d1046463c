/**
 * The BigCommerce operations the sandbox serves (issue 3), as "METHOD /vN<spec path template>".
 * The conformance summary reports how many of these the tests exercised.
 */
export const IN_SCOPE_OPERATIONS = [
  // store information
  'GET /v2/store',
  'GET /v2/time',
  // orders V2
  'GET /v2/orders',
  'POST /v2/orders',
  'GET /v2/orders/count',
  'GET /v2/orders/{order_id}',
  'PUT /v2/orders/{order_id}',
  'DELETE /v2/orders/{order_id}',
  'GET /v2/orders/{order_id}/products',
  'GET /v2/orders/{order_id}/products/{product_id}',
  'GET /v2/orders/{order_id}/shipping_addresses',
  'GET /v2/orders/{order_id}/shipments',
  'POST /v2/orders/{order_id}/shipments',
  'GET /v2/orders/{order_id}/shipments/{shipment_id}',
  'GET /v2/order_statuses',
  // order metafields V3
  'GET /v3/orders/{order_id}/metafields',
  'POST /v3/orders/{order_id}/metafields',
  'PUT /v3/orders/{order_id}/metafields/{metafield_id}',
  // refunds V3
  'POST /v3/orders/{order_id}/payment_actions/refund_quotes',
  'POST /v3/orders/{order_id}/payment_actions/refunds',
  'GET /v3/orders/{order_id}/payment_actions/refunds',
  'GET /v3/orders/payment_actions/refunds',
  'GET /v3/orders/payment_actions/refunds/{refund_id}',
  // catalog V3
  'GET /v3/catalog/products',
  'POST /v3/catalog/products',
  'PUT /v3/catalog/products',
  'DELETE /v3/catalog/products',
  'GET /v3/catalog/products/{product_id}',
  'PUT /v3/catalog/products/{product_id}',
  'GET /v3/catalog/products/{product_id}/variants',
  'POST /v3/catalog/products/{product_id}/variants',
  'PUT /v3/catalog/variants',
  'GET /v3/catalog/variants',
  'GET /v3/catalog/products/{product_id}/options',
  'POST /v3/catalog/products/{product_id}/options',
  'POST /v3/catalog/products/{product_id}/options/{option_id}/values',
  // inventory and locations V3
  'PUT /v3/inventory/adjustments/absolute',
  'POST /v3/inventory/adjustments/relative',
  'GET /v3/inventory/items',
  'GET /v3/inventory/locations/{location_id}/items',
  'GET /v3/inventory/locations',
  // customers V3
  'GET /v3/customers',
  'POST /v3/customers',
  'PUT /v3/customers',
  // price lists V3
  'GET /v3/pricelists',
  'PUT /v3/pricelists/{price_list_id}/records',
  'GET /v3/pricelists/{price_list_id}/records',
  // webhooks V3
  'POST /v3/hooks',
  'GET /v3/hooks',
  'GET /v3/hooks/{webhook_id}',
  'PUT /v3/hooks/{webhook_id}',
  'DELETE /v3/hooks/{webhook_id}',
  'GET /v3/hooks/admin',
  'PUT /v3/hooks/admin',
];
