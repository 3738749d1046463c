import { erpSettings } from './erp';
import { defineSettings, duration, positiveInt, type SettingsGroup, setting, type Source } from './setting';

/**
 * NetSuite's concurrency limit is one per account, shared by every integration (FACTS: SOAP, REST
 * and RESTlets together), and Temporal has no limit on activities in flight across worker processes.
 * So `ERP_CONCURRENCY` is this integration's share of the account's limit for all its worker
 * processes together, and each of the `ERP_WORKER_PROCESSES` processes polling the ERP queue takes
 * an equal whole part of it: its activity slots on that queue and its requests in flight (the
 * governed fetch, connectors/erp/netsuite/governed-fetch.ts). The API's own ERP reads come on top,
 * with their own small budget.
 */

/** Each worker process's whole part of the share: `floor(share / processes)`; a share smaller than the process count cannot be split. */
export function erpSlotsPerWorkerProcess(share: number, processes: number): number {
  const slots = Math.floor(share / processes);
  if (slots < 1)
    throw new RangeError(`ERP_CONCURRENCY=${share} cannot be split among ERP_WORKER_PROCESSES=${processes} worker processes (each needs at least one request in flight)`);
  return slots;
}

const group = defineSettings({
  flow: 'Connections',
  title: 'ERP account governance',
  module: 'config/erp-governance.ts',
  about:
    "`ERP_CONCURRENCY` is this integration's share of NetSuite's account-wide concurrency limit for every worker process together: each of the `ERP_WORKER_PROCESSES` processes runs at most `floor(ERP_CONCURRENCY / ERP_WORKER_PROCESSES)` ERP activities and requests at once. The API's ERP reads come on top (`ERP_API_CONCURRENCY` per API process). See docs/deployment.md.",
  settings: {
    workerProcesses: setting('ERP_WORKER_PROCESSES', positiveInt, {
      default: '1',
      description:
        'How many worker processes poll the ERP task queue (`bcsync worker` replicas; `bcsync dev` is one). Each takes `floor(ERP_CONCURRENCY / ERP_WORKER_PROCESSES)` ERP slots, so the replicas together stay within the share; a share smaller than the process count stops the start. Set the same value on every replica.',
    }),
    apiConcurrency: setting('ERP_API_CONCURRENCY', positiveInt, {
      default: '2',
      description:
        "ERP requests one `bcsync api` process makes at once (reading levels for `inventory.changed` hints, a refund record's store when there are several stores); more wait. On top of `ERP_CONCURRENCY`: keep `ERP_CONCURRENCY` + `ERP_API_CONCURRENCY` × API processes within the limit NetSuite gives this integration.",
    }),
    loginRejectedAfterMs: setting('ERP_LOGIN_REJECTED_ALERT_AFTER', duration, {
      default: '10m',
      description:
        'NetSuite answers 401 "Invalid login attempt" under load as well as to a bad credential, so such a 401 is retried as back-pressure. When every answer of a process has been that 401 for this long (5 answers at least, none accepted in between), it is a credentials problem: a critical alert is raised and ERP calls fail as `ErpAuth` (parked) until an answer is accepted again.',
    }),
  },
});

/** Where ERP_CONCURRENCY is declared; read here so the split is checked with this group's variables. */
const share = erpSettings.settings.concurrency;

type Parsed = ReturnType<typeof group.parse>;
type Split = Extract<Parsed, { ok: true }>['value'] & { share: number; slotsPerWorkerProcess: number };

/** The group's own parse, then the split of ERP_CONCURRENCY (an invalid one is reported by its own group). */
function parse(source: Source): { ok: true; value: Split } | { ok: false; issues: string[] } {
  const parsed = group.parse(source);
  if (!parsed.ok) return parsed;
  const shareParsed = share.schema.safeParse(source[share.env]);
  if (!shareParsed.success) return { ok: true, value: { ...parsed.value, share: 1, slotsPerWorkerProcess: 1 } };
  try {
    return { ok: true, value: { ...parsed.value, share: shareParsed.data, slotsPerWorkerProcess: erpSlotsPerWorkerProcess(shareParsed.data, parsed.value.workerProcesses) } };
  } catch (err) {
    return { ok: false, issues: [`${group.settings.workerProcesses.env}: ${(err as Error).message}`] };
  }
}

/** The ERP's governance settings, with the split: `share` (ERP_CONCURRENCY) and `slotsPerWorkerProcess`. */
export const erpGovernanceSettings: SettingsGroup<typeof group.settings, Split> = { ...group, parse };
