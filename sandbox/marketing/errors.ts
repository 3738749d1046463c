import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { z } from 'zod';

/**
 * Klaviyo's error envelope (the specs' ClientError/ServerError): `{"errors": [{id, status, code,
 * title, detail, source: {pointer | parameter}, meta}]}`, one entry per problem, `id` a fresh UUID.
 */
export interface KlErrorEntry {
  status: number;
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; parameter?: string };
  meta?: Record<string, unknown>;
}

/** A request the sandbox refuses: thrown by the routes' logic, answered by the error handler. */
export class KlRequestError extends Error {
  readonly entries: KlErrorEntry[];

  constructor(entries: KlErrorEntry | KlErrorEntry[]) {
    const list = Array.isArray(entries) ? entries : [entries];
    super(list[0]?.detail ?? 'error');
    this.entries = list;
  }

  get status(): number {
    return this.entries[0]?.status ?? 400;
  }
}

export function klErrorBody(entries: KlErrorEntry[]): { errors: Array<KlErrorEntry & { id: string }> } {
  return { errors: entries.map((e) => ({ id: randomUUID(), ...e, source: e.source ?? { pointer: '/data/' }, meta: e.meta ?? {} })) };
}

export function sendKlError(res: Response, entries: KlErrorEntry | KlErrorEntry[]): void {
  const list = Array.isArray(entries) ? entries : [entries];
  res
    .status(list[0]?.status ?? 400)
    .type('application/vnd.api+json')
    .send(JSON.stringify(klErrorBody(list)));
}

export const invalid = (detail: string, source?: KlErrorEntry['source']): KlRequestError =>
  new KlRequestError({ status: 400, code: 'invalid', title: 'Invalid input.', detail, source });

export const notFound = (detail: string): KlRequestError => new KlRequestError({ status: 404, code: 'not_found', title: 'Not found.', detail });

/** A body that fails its zod schema: one entry per issue (at most five), pointing into the body. */
export function bodyErrors(error: z.ZodError): KlRequestError {
  return new KlRequestError(
    error.issues.slice(0, 5).map((i) => {
      const pointer = `/${i.path.map(String).join('/')}`;
      const detail =
        i.code === 'unrecognized_keys'
          ? `${i.keys.map((k) => `'${k}'`).join(', ')} is not a valid field for the resource '${String(i.path.at(-1) ?? 'data')}'.`
          : `${pointer === '/' ? 'body' : pointer}: ${i.message}`;
      return { status: 400, code: 'invalid', title: 'Invalid input.', detail, source: { pointer } };
    }),
  );
}
