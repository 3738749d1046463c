import { z } from 'zod';
import { defineSettings, duration, kind, positiveInt, setting } from './setting';

/**
 * What bounds a worker process's memory: the workflow worker's cache of workflow runs, how many
 * workflow tasks it runs at once, and how long the server keeps a cached run's task for it (its
 * sticky queue). The Node heap itself is set outside the process (`NODE_OPTIONS`), see
 * docs/deployment.md#worker-memory, where each default is measured (`npm run bench -- memory`).
 */

/** `auto`: the SDK's own cache size, from the heap limit (about 2,300 runs on a 4 GiB heap). */
const cacheSize = kind(
  'integer ≥ 0, or `auto`',
  z
    .string()
    .regex(/^(auto|\d+)$/, 'expected an integer ≥ 0 or auto')
    .transform((v) => (v === 'auto' ? undefined : Number(v))),
);

export const workerSettings = defineSettings({
  flow: 'Worker memory',
  title: 'Worker memory',
  module: 'config/worker.ts',
  about:
    'The workflow worker of `bcsync worker`. Its memory grows with the runs it keeps cached, not with the workflows open: a run not in the cache is rebuilt from its history (fetched from Temporal and replayed) when its next event comes. Give the worker process `NODE_OPTIONS=--max-old-space-size=256 --max-semi-space-size=2` (limits of the V8 heap, for the main thread and the workflow thread each). Defaults, their measured cost and when to change them: docs/deployment.md#worker-memory.',
  settings: {
    maxCachedWorkflows: setting('WORKER_MAX_CACHED_WORKFLOWS', cacheSize, {
      default: '250',
      description:
        "Workflow runs kept in memory between their tasks (the SDK's `maxCachedWorkflows`). An event for a run outside the cache costs a history fetch and a replay. `0` turns the cache off; `auto` is the SDK's choice from the heap limit (2,309 on a 4 GiB heap: a worker with it held 10,000 waiting orders in 898 MB).",
    }),
    maxConcurrentWorkflowTasks: setting('WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', positiveInt, {
      default: '10',
      description:
        "Workflow tasks one worker process runs at once (the SDK's `maxConcurrentWorkflowTaskExecutions`, 40 by default). Each holds a run, and on a cache miss its whole history, in memory. At most `WORKER_MAX_CACHED_WORKFLOWS` and at least 2 while the cache is on.",
    }),
    stickyQueueTimeoutMs: setting('WORKER_STICKY_QUEUE_TIMEOUT', duration, {
      default: '10s',
      description:
        "How long the server holds a task for the worker that has the run cached before any worker may take it with the whole history (the SDK's `stickyQueueScheduleToStartTimeout`): the wait for a run whose worker died.",
    }),
  },
  check: (v) => {
    const issues: { setting: 'maxCachedWorkflows' | 'maxConcurrentWorkflowTasks'; message: string }[] = [];
    const cache = v.maxCachedWorkflows;
    if (cache === 1) issues.push({ setting: 'maxCachedWorkflows', message: 'must be 0 (no cache), 2 or more, or auto' });
    const tasks = v.maxConcurrentWorkflowTasks;
    if (tasks !== undefined && cache !== undefined && cache > 1) {
      if (tasks > cache) issues.push({ setting: 'maxConcurrentWorkflowTasks', message: `must be at most WORKER_MAX_CACHED_WORKFLOWS (${cache})` });
      if (tasks < 2) issues.push({ setting: 'maxConcurrentWorkflowTasks', message: 'must be at least 2 while the workflow cache is on' });
    }
    return issues;
  },
});
