import express, { type Router } from 'express';
import type { SandboxContext } from '../context';

/** Store information V2 (store_information.v2.yml): GET /v2/store, GET /v2/time. */
export function storeInfoRouter(_ctx: SandboxContext): Router {
  return express.Router();
}
