import type { Router } from 'express';
import type { ErpEventPusher } from './events';
import type { ErpItem, ErpSalesOrder, ErpSalesOrderLine, ErpSandboxData } from './state';
import type { SuiteQlRegistry } from './suiteql';

/**
 * What a part of the ERP sandbox (stock, catalog, ERP-side refunds) gets to plug itself in with.
 * Each part keeps its own records in its own field of `data` (their shapes are declared with the rest
 * of the data in state.ts), its own routes and SuiteQL answers, so the parts stay in separate files;
 * app.ts lists the parts and plugs each one in.
 */
export interface ErpSandboxContext {
  data: ErpSandboxData;
  now: () => number;
  random: () => number;
  /** Call after changing `data` (persists it in `bcsync dev`). */
  changed: () => void;
  events: ErpEventPusher;
  suiteql: SuiteQlRegistry;
  /** Behind authentication and governance, mounted at /services/rest/record/v1. */
  records: Router;
  /** Mounted at /__sandbox (no authentication: test and bench controls). */
  controls: Router;
  /** The item with this SKU (itemId), created when missing. */
  ensureItem: (sku: string) => ErpItem;
  /** Called after every sales-order write with the lines before it (stock commits on them). */
  onSalesOrderWritten: Array<(order: ErpSalesOrder, previousLines: ErpSalesOrderLine[]) => void>;
  /** Called when a sales order is closed (its lines released). */
  onSalesOrderClosed: Array<(order: ErpSalesOrder) => void>;
}

export type ErpSandboxExtension = (ctx: ErpSandboxContext) => void;
