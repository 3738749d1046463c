import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { BigCommerceClient } from '../../connectors/bigcommerce/client';
import { ensurePriceLists, readPriceRecords, upsertPriceRecords } from '../../connectors/bigcommerce/catalog/price-records';
import { readProductsBySku } from '../../connectors/bigcommerce/catalog/read-products';
import { createProduct, updateProducts } from '../../connectors/bigcommerce/catalog/write-products';
import { writeVariants } from '../../connectors/bigcommerce/catalog/write-variants';
import { getItemsBySku, listChangedItems } from '../../connectors/erp/netsuite/catalog-items';
import type { NetSuiteClient } from '../../connectors/erp/netsuite/client';
import type { Config } from '../../config/env';
import type { PriceRecordWrite, ProductCreate, ProductUpdate, VariantWrite } from '../../domain/catalog/diff';
import type { BcProductState, CatalogCursor, CatalogItem } from '../../domain/catalog/item';
import { requestCatalogRun } from '../../clients/catalog';
import type { CatalogRunRequest } from '../../workflows/catalog/catalog-sync.contract';
import { bigCommerceFailure, erpFailure } from '../shared/failures';

/**
 * Beats twice a second while one call runs, so a worker killed mid-call is noticed within the
 * heartbeat timeout (seconds) rather than the start-to-close timeout, and the call goes to another worker.
 */
async function beating<T>(fn: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), 500);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/**
 * Catalog calls to BigCommerce, one call per activity (plus the resend of a batch without its bad
 * items, and the option reads and creates new variants need before their batch): each is
 * dispatched by the store's rate-limited queue at batch priority, so orders go first
 * and a retry after a worker kill repeats one call, never a page. Per-item refusals (207, 409, 422)
 * come back as parked items, not failures: the rest of the batch has landed.
 */
export function createCatalogBcActivities(deps: { client: BigCommerceClient; currency: string }) {
  const { client } = deps;
  const call = async <T>(fn: (opts: { signal: AbortSignal; priority?: number }) => Promise<T>): Promise<T> => {
    const { cancellationSignal, info } = Context.current();
    try {
      return await beating(() => fn({ signal: cancellationSignal, priority: info.priority?.priorityKey }));
    } catch (err) {
      // Every catalog write is idempotent or checks before it repeats (creates adopt their own SKU).
      throw bigCommerceFailure(err, { idempotent: true, attempt: info.attempt });
    }
  };
  return {
    async catalogEnsurePriceLists(names: string[]): Promise<{ lists: Record<string, number>; calls: number }> {
      return call((opts) => ensurePriceLists(client, names, opts));
    },
    async catalogReadProducts(skus: string[]): Promise<BcProductState[]> {
      return call((opts) => readProductsBySku(client, skus, opts));
    },
    async catalogReadPriceRecords(priceListId: number, variantIds: number[]): Promise<Record<string, number>> {
      return call((opts) => readPriceRecords(client, priceListId, variantIds, deps.currency, opts));
    },
    async catalogUpdateProducts(batch: ProductUpdate[]) {
      return call((opts) => updateProducts(client, batch, opts));
    },
    async catalogCreateProduct(create: ProductCreate) {
      return call((opts) => createProduct(client, create, opts));
    },
    async catalogWriteVariants(batch: VariantWrite[]) {
      return call((opts) => writeVariants(client, batch, opts));
    },
    async catalogUpsertPriceRecords(priceListId: number, records: PriceRecordWrite[]) {
      return call((opts) => upsertPriceRecords(client, priceListId, records, deps.currency, opts));
    },
  };
}

/** Reads of the ERP's catalog (SuiteQL), on the ERP's queue under its concurrency cap. */
export function createCatalogErpActivities(deps: { netsuite: NetSuiteClient }) {
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await beating(fn);
    } catch (err) {
      throw erpFailure(err, { idempotent: true, attempt: Context.current().info.attempt });
    }
  };
  return {
    async catalogReadChanges(cursor: CatalogCursor, limit: number): Promise<{ items: CatalogItem[]; more: boolean; next: CatalogCursor }> {
      return guard(() => listChangedItems(deps.netsuite, cursor, limit));
    },
    async catalogReadItems(skus: string[]): Promise<CatalogItem[]> {
      return guard(() => getItemsBySku(deps.netsuite, skus));
    },
  };
}

/** Run by the catalog schedule's tick, on the workflow queue: wakes the store's catalog sync. */
export function createCatalogControlActivities(deps: { client: Client; config: Config }) {
  return {
    async requestCatalogRun(storeHash: string, request: CatalogRunRequest): Promise<void> {
      await requestCatalogRun(deps.client, deps.config, storeHash, request);
    },
  };
}

export type CatalogBcActivities = ReturnType<typeof createCatalogBcActivities>;
export type CatalogErpActivities = ReturnType<typeof createCatalogErpActivities>;
export type CatalogControlActivities = ReturnType<typeof createCatalogControlActivities>;
