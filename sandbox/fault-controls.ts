import type { Router } from 'express';
import { z } from 'zod';
import { invalidControlRequest } from './control-errors';
import type { FaultRegistry } from './faults';

const faultBody = z.object({
  method: z.string().default('*'),
  path: z.string().min(1),
  status: z.number().int().min(100).max(599).optional(),
  body: z.unknown().optional(),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  times: z.number().int().positive().optional(),
  rate: z.number().min(0).max(1).optional(),
  /** Carry the request out, then answer `status` anyway (a lost answer). */
  lostAnswer: z.boolean().optional(),
});

/** `GET`/`POST`/`DELETE /faults` on a sandbox's control router, the shape every sandbox shares (faults.ts). */
export function mountFaultControls(router: Router, faults: FaultRegistry): void {
  router.get('/faults', (_req, res) => {
    res.json({ faults: faults.list() });
  });
  router.post('/faults', (req, res) => {
    const parsed = faultBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    try {
      res.status(201).json(faults.add(parsed.data));
    } catch (err) {
      res.status(400).json({ error: 'invalid control request', reason: `path is not a valid regular expression: ${(err as Error).message}` });
    }
  });
  router.delete('/faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });
}
