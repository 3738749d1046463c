import type express from 'express';
import type { SandboxContext } from '../context';
import { v2Error } from '../format';
import { OrderInputError } from '../order-create';
import type { SandboxOrder } from '../state';

/** What the V2 order routes share: finding an order by path id, and turning input errors into V2 400s. */

export const notFound = (res: express.Response) => res.status(404).json(v2Error(404, 'The requested resource was not found.'));

export function findOrder(ctx: SandboxContext, id: string | undefined): SandboxOrder | undefined {
  return id !== undefined && /^\d+$/.test(id) ? ctx.data.orders[String(Number(id))] : undefined;
}

/** Runs a mutation; an OrderInputError becomes BigCommerce's V2 error array with its status. */
export function withInputErrors(res: express.Response, action: () => void): void {
  try {
    action();
  } catch (err) {
    if (err instanceof OrderInputError) {
      res.status(err.status).json(v2Error(err.status, err.message));
      return;
    }
    throw err;
  }
}

/** V2 collections: a bare array, or 204 with no body when the page is empty (FACTS.md section 7). */
export function sendV2Page(res: express.Response, items: unknown[]): void {
  if (!items.length) {
    res.status(204).end();
    return;
  }
  res.json(items);
}
