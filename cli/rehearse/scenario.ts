import { z } from 'zod';
import { PLAN_QUOTAS } from '../../config/env';
import { totalOrders } from './curve';

/**
 * A sale as a merchant describes it for `bcsync rehearse`: the store's plan (or its quota), the
 * orders per minute over time as a curve (points joined by straight lines), what an order looks
 * like, the ERP's other stock changes, and the catalog. Times in the description are the store's
 * (BigCommerce's 30 s window, the sale's minutes); `timeScale` compresses them for the rehearsal.
 */

/** BigCommerce counts every plan's quota over a 30 s window (shared/bigcommerce/FACTS.md section 2). */
export const STORE_WINDOW_S = 30;
/** What this machine carries in a rehearsal: more orders would take hours of compressed time. */
export const MAX_ORDERS = 20_000;

const curvePoint = z.strictObject({
  minute: z.number().min(0),
  ordersPerMinute: z.number().min(0).max(100_000),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).max(80).default('custom'),
    description: z.string().max(500).optional(),
    plan: z.enum(['standard', 'plus', 'pro', 'enterprise']).default('standard'),
    /** Calls per 30 s window; required on enterprise, overrides the plan's quota otherwise. */
    quota: z.number().int().positive().max(100_000).optional(),
    /** Share of the quota left to the store's other apps (the product's BC_QUOTA_HEADROOM; its default 0.1). */
    headroom: z.number().min(0).max(0.9).default(0.1),
    /** K: the rehearsal runs K times faster than the sale (the 30 s window lasts 30/K s). */
    timeScale: z.number().min(1).max(60).default(1),
    /** Order lag (placed in BigCommerce -> sales order in the ERP) the merchant accepts, store seconds. */
    lagThresholdS: z.number().positive().max(86_400).default(300),
    curve: z.array(curvePoint).min(2).max(1_000),
    /** Physical catalog lines per order (the generator adds a digital item or a gift certificate sometimes). */
    linesPerOrder: z.number().int().min(1).max(9).default(3),
    /** Orders paid at checkout (Awaiting Fulfillment); the rest await payment (Awaiting Payment) all through the rehearsal. */
    paidShare: z.number().min(0).max(1).default(0.9),
    /** ERP stock changes per minute (receipts, counts) over the curve's span, each on a random SKU of the catalog. */
    inventoryChangesPerMinute: z.number().min(0).max(10_000).default(0),
    /** The product's stock sync (INVENTORY_SYNC): off, orders send no inventory notes and ERP stock changes are ignored. */
    inventorySync: z.enum(['on', 'off']).default('on'),
    /** SKUs orders pick from (the sandbox's seeded SKUs included). */
    catalogSize: z.number().int().min(10).max(20_000).default(200),
    /** Makes the orders (shapes, SKUs, shoppers) and stock changes repeatable. */
    seed: z.number().int().default(1),
  })
  .superRefine((s, ctx) => {
    if (s.plan === 'enterprise' && s.quota === undefined)
      ctx.addIssue({ code: 'custom', path: ['quota'], message: 'the enterprise plan has no fixed quota: give quota (calls per 30 s)' });
    if (s.curve[0]!.minute !== 0) ctx.addIssue({ code: 'custom', path: ['curve', 0, 'minute'], message: 'the curve starts at minute 0' });
    for (let i = 1; i < s.curve.length; i++) {
      if (s.curve[i]!.minute <= s.curve[i - 1]!.minute) ctx.addIssue({ code: 'custom', path: ['curve', i, 'minute'], message: 'minutes must increase along the curve' });
    }
    if (ctx.issues?.length) return;
    const n = totalOrders(s.curve);
    if (n < 1) ctx.addIssue({ code: 'custom', path: ['curve'], message: 'the curve places no order (orders per minute x minutes < 1)' });
    if (n > MAX_ORDERS)
      ctx.addIssue({
        code: 'custom',
        path: ['curve'],
        message: `the curve places ${n} orders; a rehearsal takes at most ${MAX_ORDERS} (scale the curve down, or rehearse the busiest part)`,
      });
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;

/**
 * The presets. Both compress time 2x (150 calls per 15 s): on a 2-core machine running the whole
 * stack, 5x left bcsync using 43% of its usable calls while a backlog waited (the Temporal dev
 * server and the one process could not carry a flash sale's webhooks, signals and workflow tasks
 * at 5x), 2x 95% (docs/rehearse.md). A faster machine can pass --time-scale 5.
 */
export const PRESETS = {
  /**
   * A product drop announced by email: 400 orders a minute for the first two minutes, falling off
   * over ten; 1,560 orders. At 2 calls an order, 3x what a Standard store's quota carries at the
   * start: a backlog is certain, and how fast it drains is the question.
   */
  'flash-sale': {
    name: 'flash-sale',
    description: 'A product drop: 400 orders/min for 2 minutes, tailing off over 10 minutes (1,560 orders) on a Standard store.',
    plan: 'standard',
    headroom: 0.1,
    timeScale: 2,
    lagThresholdS: 300,
    curve: [
      { minute: 0, ordersPerMinute: 400 },
      { minute: 2, ordersPerMinute: 400 },
      { minute: 4, ordersPerMinute: 100 },
      { minute: 8, ordersPerMinute: 20 },
      { minute: 10, ordersPerMinute: 0 },
    ],
    linesPerOrder: 2,
    paidShare: 0.95,
    inventoryChangesPerMinute: 30,
    catalogSize: 150,
    seed: 1,
  },
  /**
   * Black Friday's busiest hour on a Plus store: 40 orders a minute rising to 160 for a quarter of
   * an hour, then easing; 6,600 orders, 3 lines each, a 2,000-SKU catalog, the warehouse receiving
   * goods all along (120 ERP stock changes a minute). About 30 minutes of wall-clock time at 2x.
   */
  'black-friday': {
    name: 'black-friday',
    description: "Black Friday's busiest hour: 40 orders/min rising to 160 for 15 minutes, then easing (6,600 orders) on a Plus store, stock changing in the ERP all along.",
    plan: 'plus',
    headroom: 0.1,
    timeScale: 2,
    lagThresholdS: 300,
    curve: [
      { minute: 0, ordersPerMinute: 40 },
      { minute: 15, ordersPerMinute: 160 },
      { minute: 30, ordersPerMinute: 160 },
      { minute: 45, ordersPerMinute: 80 },
      { minute: 60, ordersPerMinute: 40 },
    ],
    linesPerOrder: 3,
    paidShare: 0.9,
    inventoryChangesPerMinute: 120,
    catalogSize: 2_000,
    seed: 1,
  },
} as const satisfies Record<string, ScenarioInput>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** Flags that override the preset or file. */
export interface ScenarioOverrides {
  plan?: Scenario['plan'];
  quota?: number;
  timeScale?: number;
  headroom?: number;
  lagThresholdS?: number;
  inventorySync?: 'on' | 'off';
}

export class ScenarioError extends Error {}

/** The preset or the file's description, with the flags on top, validated. */
export function resolveScenario(base: unknown, overrides: ScenarioOverrides = {}): Scenario {
  if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new ScenarioError('a sale description is an object (see docs/rehearse.md)');
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  // A plan given on the command line replaces the file's quota unless a quota is given too.
  const merged: Record<string, unknown> = { ...base, ...defined };
  if (overrides.plan !== undefined && overrides.quota === undefined && overrides.plan !== 'enterprise') delete merged.quota;
  const parsed = scenarioSchema.safeParse(merged);
  if (!parsed.success) throw new ScenarioError(`invalid sale description: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function presetScenario(name: string, overrides: ScenarioOverrides = {}): Scenario {
  if (!(PRESET_NAMES as string[]).includes(name)) throw new ScenarioError(`unknown preset ${name}: ${PRESET_NAMES.join(', ')}`);
  return resolveScenario(PRESETS[name as PresetName], overrides);
}

/** Calls per 30 s window of the store: the scenario's quota, else its plan's. */
export function quotaOf(s: Pick<Scenario, 'plan' | 'quota'>): number {
  if (s.quota !== undefined) return s.quota;
  if (s.plan === 'enterprise') throw new ScenarioError('the enterprise plan needs a quota');
  return PLAN_QUOTAS[s.plan];
}

/**
 * Calls the product leaves to the store's other apps in every window: its quota pacer keeps
 * max(1, ceil(quota x headroom)) back (connectors/bigcommerce/quota-pacer.ts).
 */
export function reserveOf(quota: number, headroom: number): number {
  return Math.max(1, Math.ceil(quota * headroom));
}

/** Calls per window the product may use: the quota less the reserve. */
export function usablePerWindow(quota: number, headroom: number): number {
  return quota - reserveOf(quota, headroom);
}

/** The sandbox's and the product's window in wall-clock ms at this compression (whole ms), and the exact factor that gives. */
export function compressedWindow(timeScale: number): { windowMs: number; factor: number } {
  const windowMs = Math.round((STORE_WINDOW_S * 1000) / timeScale);
  return { windowMs, factor: (STORE_WINDOW_S * 1000) / windowMs };
}
