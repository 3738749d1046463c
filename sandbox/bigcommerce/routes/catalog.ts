import express, { type Router } from 'express';
import type { SandboxContext } from '../context';

/** Catalog V3 (products_catalog.v3.yml, product-variants_catalog.v3.yml). */
export function catalogRouter(_ctx: SandboxContext): Router {
  return express.Router();
}
