import express, { type Router } from 'express';
import type { SandboxContext } from './context';

/** Order controls (`POST /__sandbox/orders/generate`, state changes a shopper or merchant makes). */
export function orderControls(_ctx: SandboxContext): Router {
  return express.Router();
}
