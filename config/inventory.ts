import { z } from 'zod';
import { parseLocationMap } from '../domain/inventory/batches';
import { defineSettings, duration, kind, setting } from './setting';

const locationMap = z.string().transform((v, ctx) => {
  try {
    return parseLocationMap(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** Inventory (ERP -> BigCommerce): which locations, what level is pushed, when writes go, the sweep. */
export const inventorySettings = defineSettings({
  flow: 'Inventory',
  title: 'Inventory',
  module: 'config/inventory.ts',
  settings: {
    enabled: setting(
      'INVENTORY_SYNC',
      kind(
        '`on`, `off`',
        z.enum(['on', 'off']).transform((v) => v === 'on'),
      ),
      {
        default: 'on',
        description:
          '`off` for a store whose stock is kept in BigCommerce: no inventory hooks (webhook health removes ours), no sweep schedule, orders send no inventory notes (fewer billable actions per order), ERP stock events acknowledged and ignored.',
      },
    ),
    locations: setting('INVENTORY_LOCATIONS', kind('`erp:bc` pairs, comma-separated', locationMap), {
      default: '1:1',
      description: 'ERP location -> BigCommerce location id, e.g. `1:1,2:5`; ERP locations not listed are not synced.',
    }),
    orderLocation: setting('INVENTORY_ORDER_LOCATION', kind('ERP location id', z.string().min(1)), {
      default: '1',
      description: 'The ERP location BigCommerce orders take their stock from: units sold but not yet booked in the ERP count there.',
    }),
    safetyBuffer: setting('INVENTORY_SAFETY_BUFFER', kind('integer ≥ 0', z.coerce.number().int().min(0)), {
      default: '0',
      description: 'Units kept back from the storefront per item and location: the level pushed is ERP available - unbooked sales - this.',
    }),
    quietMs: setting('INVENTORY_QUIET', duration, {
      default: '3s',
      description: "Pending stock changes are written after this much quiet in the ERP's changes (a burst coalesces into few calls)...",
    }),
    maxWaitMs: setting('INVENTORY_MAX_WAIT', duration, { default: '60s', description: '...but never later than this after the first unwritten change.' }),
    bookingWaitMs: setting('INVENTORY_BOOKING_WAIT', duration, {
      default: '15s',
      description: 'How much longer than the quiet window a write waits for an order\'s "booked" note when the ERP\'s commit came first (within `INVENTORY_MAX_WAIT`).',
    }),
    stallAfterMs: setting('INVENTORY_STALL_AFTER', duration, {
      default: '15m',
      description: 'An ERP stock change unwritten this long (or an inventory sync that does not answer) raises `inventory-stalled:<store>`.',
    }),
    sweepIntervalMs: setting('INVENTORY_SWEEP_INTERVAL', duration, {
      default: '10m',
      description: "How often the ERP's levels changed since the watermark are swept (lost change events): schedule `bcsync-inventory-sweep-<store>`.",
    }),
    sweepOverlapMs: setting('INVENTORY_SWEEP_OVERLAP', duration, { default: '1m', description: 'Each stock sweep re-reads this much before its watermark.' }),
    sweepLookbackMs: setting('INVENTORY_SWEEP_LOOKBACK', duration, { default: '1h', description: "Where a store's first stock sweep starts." }),
    pendingTtlMs: setting('INVENTORY_PENDING_TTL', duration, {
      default: '1h',
      description: 'A BigCommerce sale whose booking in the ERP we never hear of stops counting after this.',
    }),
    applyMarginMs: setting('INVENTORY_APPLY_MARGIN', duration, {
      default: '1s',
      description: 'How long after our write BigCommerce may still apply it (its Inventory API is asynchronous).',
    }),
  },
});
