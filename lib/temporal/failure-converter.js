// @ts-check
/**
 * Failure messages and stack traces go into the failure's encoded attributes, which the payload
 * codec encrypts: an error text can quote a shopper's email or address (a 422 from an API, a
 * validation message).
 *
 * The SDK loads this module by path (`failureConverterPath`): webpack puts it in the workflow bundle,
 * and the worker's main thread `require`s it for activity failures. It is plain CommonJS, not
 * TypeScript, because that `require` is Node's own: under the test runner there is no compiled copy.
 */
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
