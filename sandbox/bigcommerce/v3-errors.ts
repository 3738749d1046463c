import type express from 'express';
import type { z } from 'zod';
import { v3Error } from './format';

/** V3 error answers shared by the catalog, inventory, customer and price-list routes (FACTS.md section 5). */

/** Thrown inside a handler to answer with a V3 error body; routes catch it with `sendV3Failure`. */
export class V3Failure extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly errors: Record<string, string> = {},
    /** Inventory and locations answer errors as `application/problem+json` (inventory.v3.yml). */
    readonly problem = false,
  ) {
    super(title);
  }
}

/** The 404 V3 routes answer for a resource that does not exist. */
export const v3NotFound = (errors: Record<string, string> = {}): V3Failure => new V3Failure(404, 'The requested resource was not found.', errors);

export function sendV3(res: express.Response, status: number, title: string, errors: Record<string, string> = {}, problem = false): void {
  res.status(status);
  if (problem) res.type('application/problem+json').send(JSON.stringify(v3Error(status, title, errors)));
  else res.json(v3Error(status, title, errors));
}

/** Answers a `V3Failure`; anything else is rethrown to the app's 500 handler. */
export function sendV3Failure(res: express.Response, err: unknown): void {
  if (!(err instanceof V3Failure)) throw err;
  sendV3(res, err.status, err.title, err.errors, err.problem);
}

/** "The request payload is too large. The maximum items allowed in the array is 10." (products_catalog.v3.yml PUT 413 example). */
export const tooManyItems = (max: number, period = true) =>
  new V3Failure(413, `The request payload is too large. The maximum items allowed in the array is ${max}${period ? '.' : ''}`);

const PLAY_TYPES: Record<string, string> = { string: 'jsstring', number: 'jsnumber', int: 'jsnumber', boolean: 'jsboolean', array: 'jsarray', object: 'jsobject' };

const valueAt = (body: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), body);

/**
 * zod issues as BigCommerce's `errors` map: the field's path as key and a Play-JSON style code where
 * BigCommerce uses one (`{"name":"error.path.missing"}`, `{"price":"error.expected.jsnumber"}`,
 * FACTS.md section 5), else the validation message. `prefix` names the item of a batch ("0.email").
 */
export function zodErrors(error: z.ZodError, body: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || 'body';
    if (key in out) continue;
    const present = issue.path.length === 0 || valueAt(body, issue.path) !== undefined;
    if (!present && issue.code !== 'custom') {
      out[key] = 'error.path.missing';
    } else if (issue.code === 'invalid_type') {
      out[key] = `error.expected.${PLAY_TYPES[issue.expected] ?? issue.expected}`;
    } else {
      out[key] = issue.message;
    }
  }
  return out;
}

/** 422 "JSON data is missing or invalid" naming every bad field. */
export const invalidJson = (error: z.ZodError, body: unknown, opts: { prefix?: string; problem?: boolean } = {}) =>
  new V3Failure(422, 'JSON data is missing or invalid', zodErrors(error, body, opts.prefix), opts.problem ?? false);

/** Wraps a route so a thrown `V3Failure` becomes its error answer (sync or async handlers). */
export const v3Route =
  (handler: (req: express.Request, res: express.Response) => void | Promise<void>) =>
  async (req: express.Request, res: express.Response): Promise<void> => {
    try {
      await handler(req, res);
    } catch (err) {
      sendV3Failure(res, err);
    }
  };
