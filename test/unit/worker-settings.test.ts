import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_DEFAULTS, loadConfig } from '../../config/env';
import { workerSettings } from '../../config/worker';

const parse = (source: Record<string, string>) => workerSettings.parse(source);

describe('worker memory settings', () => {
  it('default to a bounded cache, 10 workflow tasks at once and the 10 s sticky timeout', () => {
    expect(parse({})).toEqual({ ok: true, value: { maxCachedWorkflows: 250, maxConcurrentWorkflowTasks: 10, stickyQueueTimeoutMs: 10_000 } });
    expect(loadConfig({ ...DEV_DEFAULTS }).worker).toEqual({ maxCachedWorkflows: 250, maxConcurrentWorkflowTasks: 10, stickyQueueTimeoutMs: 10_000 });
  });

  it('read a cache size, 0 (no cache) and auto (the SDK decides: no value)', () => {
    expect(parse({ WORKER_MAX_CACHED_WORKFLOWS: '2000', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '40', WORKER_STICKY_QUEUE_TIMEOUT: '3s' })).toEqual({
      ok: true,
      value: { maxCachedWorkflows: 2000, maxConcurrentWorkflowTasks: 40, stickyQueueTimeoutMs: 3_000 },
    });
    // Without a cache every task replays the history: any concurrency goes.
    expect(parse({ WORKER_MAX_CACHED_WORKFLOWS: '0', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' })).toEqual({
      ok: true,
      value: { maxCachedWorkflows: 0, maxConcurrentWorkflowTasks: 1, stickyQueueTimeoutMs: 10_000 },
    });
    const auto = parse({ WORKER_MAX_CACHED_WORKFLOWS: 'auto', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '40' });
    expect(auto).toEqual({ ok: true, value: { maxCachedWorkflows: undefined, maxConcurrentWorkflowTasks: 40, stickyQueueTimeoutMs: 10_000 } });
  });

  it('refuse what is not a size, naming the variable', () => {
    for (const bad of ['', ' ', '-1', '1.5', '12abc', 'AUTO', 'unlimited']) {
      const r = parse({ WORKER_MAX_CACHED_WORKFLOWS: bad });
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      if (!r.ok) expect(r.issues.join('\n')).toMatch(/^WORKER_MAX_CACHED_WORKFLOWS: expected an integer ≥ 0 or auto/);
    }
    expect(parse({ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '0' }).ok).toBe(false);
    expect(parse({ WORKER_STICKY_QUEUE_TIMEOUT: '10' }).ok).toBe(false);
  });

  it('refuse a cache of one run and more concurrent tasks than cached runs (the SDK would quietly change them)', () => {
    expect(parse({ WORKER_MAX_CACHED_WORKFLOWS: '1' })).toEqual({
      ok: false,
      issues: ['WORKER_MAX_CACHED_WORKFLOWS: must be 0 (no cache), 2 or more, or auto'],
    });
    expect(parse({ WORKER_MAX_CACHED_WORKFLOWS: '8' })).toEqual({
      ok: false,
      issues: ['WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: must be at most WORKER_MAX_CACHED_WORKFLOWS (8)'],
    });
    expect(parse({ WORKER_MAX_CACHED_WORKFLOWS: '8', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '8' }).ok).toBe(true);
    expect(parse({ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' })).toEqual({
      ok: false,
      issues: ['WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: must be at least 2 while the workflow cache is on'],
    });
    // A bad cache size is reported once, under its own name, not again as a broken rule.
    expect(parse({ WORKER_MAX_CACHED_WORKFLOWS: 'x', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' })).toEqual({
      ok: false,
      issues: ['WORKER_MAX_CACHED_WORKFLOWS: expected an integer ≥ 0 or auto'],
    });
  });

  it('stop the process at start with every bad worker variable named', () => {
    expect(() => loadConfig({ ...DEV_DEFAULTS, WORKER_MAX_CACHED_WORKFLOWS: '4', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '6' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...DEV_DEFAULTS, WORKER_MAX_CACHED_WORKFLOWS: '4', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '6' })).toThrow(
      /WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: must be at most WORKER_MAX_CACHED_WORKFLOWS \(4\)/,
    );
  });
});
