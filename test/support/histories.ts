import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import { inject } from 'vitest';
import { ENCRYPTED_ENCODING } from '../../lib/temporal/payload-codec';
import { testDataConverter } from './temporal';

/** Histories recorded before payload encryption: clear payloads, kept so they keep replaying. */
export const CLEAR_HISTORIES = path.resolve(__dirname, '../histories');
/** Histories recorded since: every payload sealed with the test key (test/support/temporal.ts). */
export const ENCRYPTED_HISTORIES = path.join(CLEAR_HISTORIES, 'encrypted');

/** The encrypted recording this process wrote last for a workflow run, by run id (see recordHistory). */
const recordedRuns = new Map<string, string>();

/**
 * With RECORD_HISTORIES=1 (`npm run record-histories`), keeps the run's history for the replay
 * tests: under test/histories/encrypted when its payloads are encrypted (what every test worker and
 * client writes now), else under test/histories. Recorded histories are never overwritten by a later
 * version of the workflow: a new version records under a new name, and every old one must keep
 * replaying.
 *
 * A test that records one run under several names (its older versions' names first, kept for the
 * clear recordings made then) leaves one encrypted recording of it, under the last name: the others
 * would be the same history under a version it was not recorded by.
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const history = await handle.fetchHistory();
  const json = historyToJSON(history);
  const encrypted = payloadsOf(JSON.parse(json)).some((p) => p.encoding === ENCRYPTED_ENCODING);
  const dir = encrypted ? ENCRYPTED_HISTORIES : CLEAR_HISTORIES;
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-sdk-1.24.0.json`);
  const runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.originalExecutionRunId;
  const earlier = runId ? recordedRuns.get(runId) : undefined;
  // Only a file this process wrote, for this same run: never one recorded by an earlier version.
  if (encrypted && earlier && earlier !== file) {
    rmSync(earlier, { force: true });
    recordedRuns.delete(runId!);
  }
  // A history recorded by an earlier version of the code is what proves that version still replays.
  if (existsSync(file)) return;
  writeFileSync(file, json);
  if (encrypted && runId) recordedRuns.set(runId, file);
}

/** The recorded histories of a folder, as Worker.runReplayHistories takes them (the file name as workflow id). */
export function recordedHistories(dir: string): Array<{ workflowId: string; history: unknown }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ workflowId: file, history: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as unknown }));
}

/**
 * What a replay needs: the workflow bundle of this run and the test key's data converter, so an
 * encrypted history's payloads decode (clear ones pass the codec unchanged).
 */
export function replayOptions(): ReplayWorkerOptions {
  return { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testDataConverter() };
}

/** A payload found in a history as JSON: where it is (field names from the root), its metadata as text, its data decoded. */
export interface HistoryPayload {
  path: string;
  encoding: string;
  /** Every metadata entry as text (`encryption-key-id` names the key of an encrypted payload). */
  metadata: Record<string, string>;
  data: Buffer;
}

/**
 * Every payload of a history as JSON (historyToJSON, or the CLI's `--output json`: metadata values
 * and data are base64), with its encoding and data decoded: what anyone who can read the history sees.
 */
export function payloadsOf(history: unknown): HistoryPayload[] {
  const found: HistoryPayload[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, at);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const metadata = record.metadata as Record<string, unknown> | undefined;
    if (metadata !== null && typeof metadata === 'object' && typeof metadata.encoding === 'string') {
      const data = typeof record.data === 'string' ? Buffer.from(record.data, 'base64') : Buffer.alloc(0);
      const text = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : '']));
      found.push({ path: at, encoding: text.encoding!, metadata: text, data });
    }
    for (const [key, value] of Object.entries(record)) walk(value, at ? `${at}.${key}` : key);
  };
  walk(history, '');
  return found;
}
