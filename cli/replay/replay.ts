import type { DataConverter, Payload } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker, type ReplayResult, type ReplayWorkerOptions } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { type Divergence, parseDeterminismMessage } from './determinism';
import type { FetchedHistory } from './fetch';

export type ReplayStatus = 'ok' | 'nondeterministic' | 'failed';

/** What replaying one run against the code at hand came to. */
export interface ReplayOutcome {
  workflowId: string;
  runId?: string;
  workflowType?: string;
  status: ReplayStatus;
  /** For a non-deterministic run: where and how the code differs from the history. */
  divergence?: Divergence;
  /** For a failed run: why (the SDK's message, shortened, or the codec's when a payload does not decode). */
  message?: string;
}

export interface ReplayDeps {
  /** The workflow code to replay against: the code at hand (bundleWorkflows()), or another build (tests). */
  workflowBundle: NonNullable<ReplayWorkerOptions['workflowBundle']>;
  /** The data converter of the workers (temporalDataConverter): it decodes the encrypted payloads. */
  dataConverter: DataConverter;
}

const MESSAGE_MAX = 400;

/**
 * Replays each history against the workflow code, one at a time (Worker.runReplayHistories), and
 * says per run: ok, non-deterministic (at which event, which command), or failed otherwise (a
 * history that could not be fetched, a payload the keys cannot open, a workflow type the code does
 * not export). Outcomes come as the replay goes, in the order of the histories.
 */
export async function* replayHistories(histories: AsyncIterable<FetchedHistory> | Iterable<FetchedHistory>, deps: ReplayDeps): AsyncGenerator<ReplayOutcome> {
  const unfetched: ReplayOutcome[] = [];
  let current: Extract<FetchedHistory, { history: History }> | undefined;
  async function* replayable() {
    for await (const item of histories) {
      if ('error' in item) {
        unfetched.push({ workflowId: item.workflowId, runId: item.runId, status: 'failed', message: short(`could not fetch its history: ${item.error.message}`) });
        continue;
      }
      current = item;
      yield { workflowId: item.workflowId, history: item.history };
    }
  }
  const results = Worker.runReplayHistories({ workflowBundle: deps.workflowBundle, dataConverter: deps.dataConverter }, replayable());
  for await (const result of results) {
    yield* unfetched.splice(0);
    // The SDK replays one history at a time: the result is the one handed over last.
    if (current) yield await outcomeOf(result, current, deps.dataConverter);
  }
  yield* unfetched.splice(0);
}

async function outcomeOf(result: ReplayResult, item: Extract<FetchedHistory, { history: History }>, dataConverter: DataConverter): Promise<ReplayOutcome> {
  const base = { workflowId: item.workflowId, runId: item.runId ?? result.runId, ...(item.workflowType ? { workflowType: item.workflowType } : {}) };
  if (!result.error) return { ...base, status: 'ok' };
  if (result.error instanceof DeterminismViolationError) return { ...base, status: 'nondeterministic', divergence: parseDeterminismMessage(result.error.message, item.history) };
  // The SDK's message carries the workflow's failure encrypted; when a payload does not decode, the
  // codec's own message (which key is missing) says more, and names no customer.
  const undecodable = await decodeError(item.history, dataConverter);
  return { ...base, status: 'failed', message: short(undecodable ? `a payload does not decode: ${undecodable}` : result.error.message) };
}

/** The codec's error for the first payload of the history it cannot decode, if any. */
async function decodeError(history: History, dataConverter: DataConverter): Promise<string | undefined> {
  const codecs = dataConverter.payloadCodecs ?? [];
  if (codecs.length === 0) return undefined;
  try {
    for (const payload of payloadsOf(history)) {
      let decoded: Payload[] = [payload];
      for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
    }
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Every payload object in a history (proto form: metadata values and data are bytes). */
export function payloadsOf(node: unknown, found: Payload[] = []): Payload[] {
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return found;
  if (Array.isArray(node)) {
    for (const n of node) payloadsOf(n, found);
    return found;
  }
  const record = node as Record<string, unknown>;
  const metadata = record.metadata as Record<string, unknown> | null | undefined;
  if (metadata && typeof metadata === 'object' && metadata.encoding instanceof Uint8Array) {
    found.push(record as Payload);
    return found;
  }
  for (const value of Object.values(record)) payloadsOf(value, found);
  return found;
}

function short(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX)}…` : line;
}
