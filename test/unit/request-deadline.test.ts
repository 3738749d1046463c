import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { requestDeadline } from '../../api/shared/ingress';

describe('requestDeadline', () => {
  it('answers 503 with Retry-After when the route is too slow, and drops the late answer without throwing', async () => {
    const late: Array<unknown> = [];
    const app = express();
    app.use(requestDeadline(100));
    app.get('/slow', async (_req, res) => {
      await new Promise((r) => setTimeout(r, 300));
      try {
        res.set('x-late', '1').status(200).json({ late: true });
        late.push('ignored');
      } catch (err) {
        late.push(err);
      }
    });
    app.get('/fast', (_req, res) => void res.json({ ok: true }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const slow = await fetch(`${url}/slow`);
      expect(slow.status).toBe(503);
      expect(slow.headers.get('retry-after')).toBe('30');
      expect(((await slow.json()) as { reason: string }).reason).toMatch(/within 0.1 s/);
      const fast = await fetch(`${url}/fast`);
      expect(fast.status).toBe(200);
      await new Promise((r) => setTimeout(r, 350));
      expect(late).toEqual(['ignored']);
    } finally {
      server.close();
    }
  });
});
