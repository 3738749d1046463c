import express, { type Router } from 'express';
import type { SandboxContext } from '../context';

/** Inventory and locations V3 (inventory.v3.yml, locations.v3.yml). */
export function inventoryRouter(_ctx: SandboxContext): Router {
  return express.Router();
}
