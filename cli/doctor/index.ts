import { type Config, ConfigError, loadConfig } from '../../config/env';
import { checkBigCommerce } from './bigcommerce';
import { type Check, type DoctorReport, fail, ok } from './check';
import { checkNetSuite } from './erp';
import { checkOms } from './oms';
import { formatJson, formatTable } from './print';
import { doctorEnvironment } from './profile';
import { checkSecrets } from './secrets';
import { checkTemporal } from './temporal';

export type { Check, DoctorReport } from './check';

export interface DoctorOptions {
  /** Deadline of each probe (Temporal's connection, each HTTP call). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * `bcsync doctor`: every configured connection checked, read-only (no hook repaired, no record
 * written, no search attribute registered). `ok` only when no check failed.
 */
export async function runDoctor(config: Config, opts: DoctorOptions = {}): Promise<DoctorReport> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const groups = await Promise.all([
    // A short deadline for Temporal: an unreachable frontend is retried until it, and says nothing new.
    checkTemporal(config, { timeoutMs: Math.min(timeoutMs, 5_000) }),
    checkBigCommerce(config, { timeoutMs, fetch: opts.fetch }),
    checkNetSuite(config, { timeoutMs, fetch: opts.fetch }),
    checkOms(config, { timeoutMs, fetch: opts.fetch }),
    Promise.resolve(checkSecrets(config)),
  ]);
  return report(groups.flat(), secretValues(config));
}

function report(checks: Check[], secrets: readonly string[]): DoctorReport {
  // A second line of defence: no check quotes a secret, but an upstream error message might.
  const scrub = (text: string) => secrets.reduce((t, s) => t.split(s).join('<redacted>'), text);
  const scrubbed = checks.map((c) => ({ ...c, detail: scrub(c.detail), ...(c.fix !== undefined ? { fix: scrub(c.fix) } : {}) }));
  return { checks: scrubbed, ok: scrubbed.every((c) => c.status !== 'fail') };
}

/** Every credential in the configuration, longest first (so a secret containing another is scrubbed whole). */
function secretValues(config: Config): string[] {
  const values = [
    ...config.stores.flatMap((s) => [s.accessToken, ...s.clientSecrets]),
    config.erp.accessToken,
    config.erp.consumerKey,
    config.erp.consumerSecret,
    config.erp.tokenId,
    config.erp.tokenSecret,
    config.erp.webhookToken,
    ...config.erp.webhookSigningSecrets,
    config.oms.apiKey,
    config.oms.apiSecret,
    config.oms.webhookToken,
    config.api.webhookSecret,
    config.api.opsToken,
    ...(config.api.opsTokens ?? []).map((t) => t.token),
    config.api.metricsToken,
    config.temporal.apiKey,
  ];
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= 4))].sort((a, b) => b.length - a.length);
}

/** The CLI: prints the table (or JSON) and sets the exit code; a configuration that does not load is a failed check too. */
export async function runDoctorCommand(opts: { json: boolean; env?: NodeJS.ProcessEnv; dataDir?: string }): Promise<number> {
  let result: DoctorReport;
  const { env, sandboxProfile } = await doctorEnvironment(opts.env ?? process.env, opts.dataDir);
  try {
    const config = loadConfig(env);
    result = await runDoctor(config);
    if (sandboxProfile) result.checks.unshift(ok('config', 'config.profile', 'no connection configured: checking the sandbox profile of `npm start` (bcsync dev) on its ports'));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // ConfigError's issues name variables and rules, never values.
    result = report(
      err.issues.map((issue, i) => fail('config', `config.${i + 1}`, issue, 'Correct the variable named (docs/configuration.md lists every one)')),
      [],
    );
  }
  console.log(opts.json ? formatJson(result) : formatTable(result));
  return result.ok ? 0 : 1;
}
