/** What the API passes to an order's workflow for each BigCommerce webhook: a trigger, never data. */
export interface OrderEvent {
  scope: string;
  /** BigCommerce's payload hash: identical when the same event is delivered twice. */
  hash: string;
  /** Event time, Unix seconds, as BigCommerce sent it. */
  createdAt: number;
}
