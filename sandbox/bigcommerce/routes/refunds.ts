import express, { type Router } from 'express';
import type { SandboxContext } from '../context';

/** Refunds V3 (orders.v3.yml: payment_actions/refund_quotes, refunds). */
export function refundsRouter(_ctx: SandboxContext): Router {
  return express.Router();
}
