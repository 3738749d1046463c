import { readFileSync } from 'node:fs';
import { apiSettings } from './api';
import { bigcommerceSettings, loadStores, signatureMode } from './bigcommerce';
import { catalogSettings } from './catalog';
import { codecSettings } from './codec';
import { erpSettings } from './erp';
import { erpGovernanceSettings } from './erp-governance';
import { ConfigError } from './errors';
import { inventorySettings } from './inventory';
import { alertSettings, healthSettings, reconcileSettings } from './monitoring';
import { omsSettings } from './oms';
import { orderSettings } from './orders';
import { refusePlaceholderSecrets } from './placeholder-secrets';
import { processSettings } from './process';
import { erpRefundSettings, refundSettings } from './refunds';
import type { GroupValue, Setting, SettingsGroup, Source } from './setting';
import { temporalSettings } from './temporal';
import { workerSettings } from './worker';

/**
 * Every setting the processes read, validated once at start-up. A bad value stops the process with
 * a message naming every bad variable, instead of surfacing later as a confusing runtime error.
 * Each flow declares its variables in config/<flow>.ts; this module composes them.
 */

export { ConfigError } from './errors';
export { parseDurationMs } from './setting';
export { PLAN_QUOTAS, type BcPlan, type SignatureMode, type StoreConfig } from './bigcommerce';

/** The groups, in the reference's order (docs/configuration.md), by their place in the Config. */
const groups = {
  temporal: temporalSettings,
  codec: codecSettings,
  bigcommerce: bigcommerceSettings,
  erp: erpSettings,
  erpGovernance: erpGovernanceSettings,
  oms: omsSettings,
  api: apiSettings,
  process: processSettings,
  worker: workerSettings,
  orders: orderSettings,
  refunds: refundSettings,
  erpRefunds: erpRefundSettings,
  inventory: inventorySettings,
  catalog: catalogSettings,
  health: healthSettings,
  reconcile: reconcileSettings,
  alerts: alertSettings,
};

/** Every settings group, in the reference's order. */
export const settingGroups: readonly SettingsGroup[] = Object.values(groups);

/** Every setting of every group. */
export const allSettings: readonly Setting<unknown>[] = settingGroups.flatMap((g) => Object.values(g.settings));

for (const [i, s] of allSettings.entries()) {
  if (allSettings.findIndex((other) => other.env === s.env) !== i) throw new Error(`${s.env} is declared twice in config/`);
}

/** The values `bcsync dev` runs with (the sandbox profile): the sandboxes on their default ports, no credentials needed. */
export const DEV_DEFAULTS: Readonly<Record<string, string>> = Object.fromEntries(allSettings.flatMap((s) => (s.sandbox === undefined ? [] : [[s.env, s.sandbox]])));

type Groups = typeof groups;
type Values = { [K in keyof Groups]: GroupValue<Groups[K]> };

function compose(v: Values, readFile: (path: string) => string) {
  const stores = loadStores(v.bigcommerce, readFile);
  return {
    logLevel: v.process.logLevel,
    temporal: v.temporal,
    /** `bcsync codec-server` (config/codec.ts); the other processes do not serve it. */
    codec: v.codec,
    stores,
    /** How `POST /webhooks/bigcommerce` checks BigCommerce's signatures (config/bigcommerce.ts). */
    webhookSignatures: signatureMode(v.bigcommerce, stores),
    erp: v.erp,
    /** The ERP share's split among worker processes, the API's budget, the login-rejection alert (config/erp-governance.ts). */
    erpGovernance: v.erpGovernance,
    oms: v.oms,
    api: v.api,
    metricsPort: v.process.metricsPort,
    /** The workflow worker's cache, task concurrency and sticky queue timeout (config/worker.ts). */
    worker: v.worker,
    orders: v.orders,
    refunds: v.refunds,
    erpRefunds: v.erpRefunds,
    health: v.health,
    reconcile: v.reconcile,
    inventory: v.inventory,
    catalog: v.catalog,
    alerts: v.alerts,
  };
}

export type Config = ReturnType<typeof compose>;

export function loadConfig(source: Source = process.env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Config {
  const values: Record<string, unknown> = {};
  const issues: string[] = [];
  for (const [name, group] of Object.entries(groups)) {
    const parsed = group.parse(source);
    if (parsed.ok) values[name] = parsed.value;
    else issues.push(...parsed.issues);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  // Every group parsed, each into the value its type names.
  const config = compose(values as Values, readFile);
  // A secret everybody knows (a sandbox or example value) is refused while a store is a real one (config/placeholder-secrets.ts).
  refusePlaceholderSecrets(allSettings, source, config);
  return config;
}
