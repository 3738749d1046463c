import type { Response } from 'express';
import type { z } from 'zod';

/** 400 for a control request the sandbox cannot take: its first five issues, `path: message` each. */
export function invalidControlRequest(res: Response, error: z.ZodError): void {
  res.status(400).json({
    error: 'invalid control request',
    reason: error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; '),
  });
}
