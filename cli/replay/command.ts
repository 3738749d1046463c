import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { ConfigError } from '../../config/errors';
import { temporalSettings } from '../../config/temporal';
import { createLogger } from '../../lib/logger';
import { installTemporalRuntime } from '../../workers/runtime';
import { bundleWorkflows } from '../../workers/start-workers';
import { connectClient, type TemporalConfig, temporalDataConverter } from '../../workers/temporal-connection';
import { exportHistory, ScrubBrokeReplayError } from './export';
import { fetchHistories, type ReplayTarget } from './fetch';
import { type ReplayDeps, type ReplayOutcome, replayHistories } from './replay';
import { countOutcomes, gatePasses, outcomeLines, type ReplayCounts, summaryLine } from './report';

/**
 * `bcsync replay <workflowId>... | --query '<visibility query>' [--limit N] [--json]` and
 * `bcsync history export <workflowId> [--run-id ID] [--out FILE] [--scrub] [--no-verify]`.
 * Only the Temporal settings are read (TEMPORAL_*, the payload keys included): an engineer's
 * terminal or a CI job needs no store or ERP credentials. docs/replay.md.
 */
export class ReplayUsageError extends Error {}

export const DEFAULT_LIMIT = 100;

/** Downloads the target's histories and replays them against `deps.workflowBundle`, printing each outcome as it comes. */
export async function replayTarget(
  client: Client,
  target: ReplayTarget,
  deps: ReplayDeps,
  print: (outcome: ReplayOutcome) => void = () => {},
): Promise<{ outcomes: ReplayOutcome[]; counts: ReplayCounts }> {
  const outcomes: ReplayOutcome[] = [];
  for await (const outcome of replayHistories(fetchHistories(client, target), deps)) {
    outcomes.push(outcome);
    print(outcome);
  }
  return { outcomes, counts: countOutcomes(outcomes) };
}

/** Returns the exit code: 0 when every history replayed, 1 otherwise (or when nothing matched). */
export async function runReplayCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { query: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const usage = "usage: bcsync replay <workflowId>... | --query '<visibility query>' [--limit N] [--json]";
  if ((values.query === undefined) === (positionals.length === 0)) throw new ReplayUsageError(usage);
  if (values.limit !== undefined && values.query === undefined) throw new ReplayUsageError(`--limit goes with --query\n${usage}`);
  const limit = values.limit === undefined ? DEFAULT_LIMIT : Number(values.limit);
  if (!Number.isInteger(limit) || limit <= 0) throw new ReplayUsageError(`--limit must be a positive whole number, got ${values.limit}`);
  const target: ReplayTarget = values.query !== undefined ? { query: values.query, limit } : { workflowIds: positionals };

  const temporalConfig = temporalFromEnv();
  quietSdk();
  // The code at hand, bundled once, as the workers bundle it (failure converter included).
  const workflowBundle = await bundleWorkflows();
  const { client, close } = await connectClient(temporalConfig);
  try {
    const print = (o: ReplayOutcome) => {
      if (!values.json) for (const line of outcomeLines(o)) console.log(line);
    };
    const { outcomes, counts } = await replayTarget(client, target, { workflowBundle, dataConverter: temporalDataConverter(temporalConfig) }, print);
    if (values.json) console.log(JSON.stringify({ outcomes, summary: counts, passed: gatePasses(counts) }, null, 2));
    else {
      console.log(summaryLine(counts));
      if (counts.histories === 0) console.error('nothing to replay: no workflow matched (a gate that replays nothing proves nothing)');
    }
    return gatePasses(counts) ? 0 : 1;
  } finally {
    await close();
  }
}

export async function runHistoryExportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'run-id': { type: 'string' },
      out: { type: 'string' },
      scrub: { type: 'boolean', default: false },
      'no-verify': { type: 'boolean', default: false },
    },
  });
  const [action, workflowId, ...extra] = positionals;
  if (action !== 'export' || !workflowId || extra.length > 0)
    throw new ReplayUsageError('usage: bcsync history export <workflowId> [--run-id ID] [--out FILE] [--scrub] [--no-verify]');

  const temporalConfig = temporalFromEnv();
  quietSdk();
  const dataConverter: DataConverter = temporalDataConverter(temporalConfig);
  const verify = values['no-verify'] ? undefined : { workflowBundle: await bundleWorkflows() };
  const { client, close } = await connectClient(temporalConfig);
  try {
    let exported: Awaited<ReturnType<typeof exportHistory>>;
    try {
      exported = await exportHistory(client, workflowId, { runId: values['run-id'], scrub: values.scrub, dataConverter, verify });
    } catch (err) {
      if (err instanceof ScrubBrokeReplayError) {
        console.error(err.message);
        return 1;
      }
      throw err;
    }
    if (values.out) writeFileSync(values.out, exported.json);
    else process.stdout.write(exported.json);
    // What was done goes to stderr: stdout may be the history itself.
    const notes = [
      `${workflowId} (run ${exported.runId ?? '?'}) ${values.out ? `written to ${values.out}` : 'written to stdout'}`,
      exported.scrub
        ? `scrubbed: ${exported.scrub.payloads} payloads decoded and written in clear, ${exported.scrub.personalValues} personal values and every email replaced by fakes (${exported.scrub.replaced} strings changed)`
        : 'payloads as Temporal stores them (encrypted: the file replays only with these payload keys; --scrub writes a clear copy without personal data)',
      exported.replay === undefined
        ? 'not replayed (--no-verify)'
        : exported.replay.status === 'ok'
          ? 'replays against the code at hand: ok'
          : `does not replay against the code at hand${exported.originalReplay ? ' (nor does the original history)' : ''}: ${outcomeLines(exported.replay).join('\n')}`,
    ];
    for (const n of notes) console.error(n);
    return 0;
  } finally {
    await close();
  }
}

function temporalFromEnv(): TemporalConfig {
  const parsed = temporalSettings.parse(process.env);
  if (!parsed.ok) throw new ConfigError(parsed.issues);
  return parsed.value;
}

/** The SDK's own logs at ERROR only, on stderr: the report is on stdout, and a determinism error is in it already. */
function quietSdk(): void {
  installTemporalRuntime(createLogger(process.env.LOG_LEVEL ?? 'warn', 'bcsync-replay', { destination: process.stderr }), 'ERROR');
}
