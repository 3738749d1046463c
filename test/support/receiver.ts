// The webhook receiver the sandbox's own tests use, shared with the product's tests.
export { startReceiver, type Received } from '../../sandbox/test/support/receiver';
export { seededRandom } from '../../sandbox/random';
