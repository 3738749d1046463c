import type { z } from 'zod';

/** What was wrong with a response that failed its schema, for an error message: the first five issues, `path: message; ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.')}: ${i.message}`)
    .join('; ');
}
