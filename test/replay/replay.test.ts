import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, inject, it } from 'vitest';

const HISTORIES = path.resolve(__dirname, '../histories');

function recordedHistories() {
  return readdirSync(HISTORIES)
    .filter((f) => f.endsWith('.json'))
    .map((file) => ({ workflowId: file, history: JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')) as unknown }));
}

describe('recorded workflow histories replay against the current code', () => {
  it('replays every history in test/histories without a determinism error', async () => {
    const histories = recordedHistories();
    expect(histories.length).toBeGreaterThanOrEqual(1);
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') } }, histories)) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
  });

  it('catches a non-deterministic change (the check can fail)', async () => {
    // The same workflow with one extra timer before its first step, as a careless edit would add.
    const changed = await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, 'fixtures/with-extra-timer.ts'), logger: silent });
    for (const { history, workflowId } of recordedHistories()) {
      await expect(Worker.runReplayHistory({ workflowBundle: changed }, history, workflowId), workflowId).rejects.toBeInstanceOf(DeterminismViolationError);
    }
  });
});

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
