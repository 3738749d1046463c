import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

/**
 * With RECORD_HISTORIES=1 (`npm run record-histories`), keeps the run's history under
 * test/histories for the replay tests. Recorded histories are never overwritten by a later version
 * of the workflow: a new version records under a new name, and every old one must keep replaying.
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const dir = path.resolve(__dirname, '../histories');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-sdk-1.24.0.json`);
  // A history recorded by an earlier version of the code is what proves that version still replays.
  if (existsSync(file)) return;
  writeFileSync(file, historyToJSON(await handle.fetchHistory()));
}
