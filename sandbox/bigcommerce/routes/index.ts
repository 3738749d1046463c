import type { Router } from 'express';
import type { SandboxContext } from '../context';
import { hooksRouter } from './hooks';
import { ordersRouter } from './orders';

/** Every BigCommerce API route the sandbox serves, mounted below /stores/<hash>. */
export function storeRouters(ctx: SandboxContext): Router[] {
  return [ordersRouter(ctx), hooksRouter(ctx)];
}
