import { z } from 'zod';
import { defineSettings, duration, kind, setting } from './setting';

/** The catalog and prices (ERP -> BigCommerce): its schedule, pages and stall limit. */
export const catalogSettings = defineSettings({
  flow: 'Catalog',
  title: 'Catalog',
  module: 'config/catalog.ts',
  about: 'Items and prices, ERP -> BigCommerce.',
  settings: {
    intervalMs: setting('CATALOG_INTERVAL', duration, {
      default: '15m',
      description: 'How often the schedule (`bcsync-catalog-<store>`) wakes the catalog sync to write what changed in the ERP.',
    }),
    pageSize: setting('CATALOG_PAGE_SIZE', kind('integer 1-1000', z.coerce.number().int().min(1).max(1000)), {
      default: '1000',
      description: "ERP items read per page (SuiteQL's maximum is 1000).",
    }),
    overlapMs: setting('CATALOG_OVERLAP', duration, {
      default: '5s',
      description: 'A catalog run re-reads changes this far before its watermark (ERP timestamps of one instant).',
    }),
    currency: setting(
      'CATALOG_CURRENCY',
      kind(
        'currency code (3 letters)',
        z
          .string()
          .regex(/^[A-Za-z]{3}$/)
          .transform((c) => c.toLowerCase()),
      ),
      {
        default: 'usd',
        description: 'Currency of the price-list records written from ERP price levels.',
      },
    ),
    stallAfterMs: setting('CATALOG_STALL_AFTER', duration, {
      default: '30m',
      description: 'A catalog run that checkpoints no page for this long (or a catalog sync that does not answer) raises `catalog-stalled:<store>`.',
    }),
  },
});
