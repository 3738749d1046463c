import { randomUUID } from 'node:crypto';
import type { z } from 'zod';

/**
 * HubSpot's error bodies (FACTS.md section 7): `{status: "error", message, correlationId, category,
 * subCategory?, context?, errors?: [{message, code?, in?, context?}]}`. Batch answers with partial
 * failures list each failure as a StandardError: `{status: "error", category, message, context,
 * errors, links}`.
 */
export interface HsErrorDetail {
  message: string;
  code?: string;
  in?: string;
  context?: Record<string, string[]>;
}

export class HsRequestError extends Error {
  constructor(
    readonly status: number,
    readonly category: string,
    message: string,
    readonly extra: { context?: Record<string, string[]>; errors?: HsErrorDetail[]; subCategory?: string } = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return hsErrorBody(this.category, this.message, this.extra);
  }
}

export function hsErrorBody(
  category: string,
  message: string,
  extra: { context?: Record<string, string[]>; errors?: HsErrorDetail[]; subCategory?: string } = {},
): Record<string, unknown> {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

export const validationError = (message: string, errors?: HsErrorDetail[]): HsRequestError => new HsRequestError(400, 'VALIDATION_ERROR', message, errors ? { errors } : {});

export const notFound = (message: string, context?: Record<string, string[]>): HsRequestError => new HsRequestError(404, 'OBJECT_NOT_FOUND', message, context ? { context } : {});

/** A body that fails its zod schema: HubSpot's VALIDATION_ERROR with one detail per issue (at most five). */
export function bodyError(error: z.ZodError): HsRequestError {
  const errors = error.issues.slice(0, 5).map((i) => ({ message: `${i.path.map(String).join('.') || 'body'}: ${i.message}`, in: i.path.map(String).join('.') || 'body' }));
  return validationError(`Invalid input JSON on line 1: ${errors.map((e) => e.message).join('; ')}`, errors);
}

/** One failed input of a batch, as the StandardError of a 207 answer. */
export interface BatchFailure {
  status: 'error';
  category: string;
  message: string;
  context: Record<string, string[]>;
  errors: HsErrorDetail[];
  links: Record<string, string>;
  id?: string;
}

export const batchFailure = (category: string, message: string, context: Record<string, string[]> = {}, errors: HsErrorDetail[] = []): BatchFailure => ({
  status: 'error',
  category,
  message,
  context,
  errors,
  links: {},
});
