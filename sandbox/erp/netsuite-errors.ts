import type { Request, Response } from 'express';
import type { z } from 'zod';

/** NetSuite's REST error body (ns:section_156570709583). */
export function netSuiteError(status: number, title: string, detail: string, errorCode: string) {
  return {
    type: `https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.${status === 404 ? 5 : status === 401 ? 2 : 1}`,
    title,
    status,
    'o:errorDetails': [{ detail, 'o:errorCode': errorCode }],
  };
}

/** NetSuite's answer for a record id or external id that names nothing. */
export function recordNotFound(res: Response): void {
  res.status(404).json(netSuiteError(404, 'Not Found', 'The record instance does not exist. Provide a valid record instance ID.', 'NONEXISTENT_ID'));
}

/**
 * An upsert's external id (`PUT /<record>/eid:<externalId>`), or undefined after answering 405:
 * NetSuite upserts only by external id.
 */
export function upsertExternalId(req: Request, res: Response): string | undefined {
  const key = String(req.params.key);
  if (key.startsWith('eid:')) return decodeURIComponent(key.slice(4));
  res.status(405).json(netSuiteError(405, 'Method Not Allowed', 'Upsert with PUT requires an external id in the URL (eid:<externalId>).', 'METHOD_NOT_ALLOWED'));
  return undefined;
}

/** A record body parsed by `schema`, or undefined after answering 400 with the first issue, as NetSuite words it. */
export function parseRecordBody<T>(schema: z.ZodType<T>, body: unknown, res: Response): T | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const i = parsed.error.issues[0];
  res.status(400).json(netSuiteError(400, 'Bad Request', `Error while accessing a resource. ${i?.path.join('.')}: ${i?.message}`, 'USER_ERROR'));
  return undefined;
}

export class NetSuiteInputError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly errorCode: string,
    detail: string,
  ) {
    super(detail);
  }
  body() {
    return netSuiteError(this.status, this.title, this.message, this.errorCode);
  }
}
