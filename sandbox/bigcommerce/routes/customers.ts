import express, { type Router } from 'express';
import type { SandboxContext } from '../context';

/** Customers V3 (customers.v3.yml). */
export function customersRouter(_ctx: SandboxContext): Router {
  return express.Router();
}
