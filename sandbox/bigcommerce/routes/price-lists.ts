import express, { type Router } from 'express';
import type { SandboxContext } from '../context';

/** Price lists V3 (price_lists.v3.yml). */
export function priceListsRouter(_ctx: SandboxContext): Router {
  return express.Router();
}
