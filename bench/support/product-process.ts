import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The product's own commands as separate processes, started from the sources the way `npm run
 * bench` runs (tsx): `bcsync cluster ...` run to completion, and `bcsync worker` / `bcsync api`
 * kept running, killed and restarted by the bench as an orchestrator would.
 */
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'cli', 'bcsync.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return `(no ${file})`;
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** `bcsync <args>` to completion; throws with its output when it exits non-zero or takes longer than `timeoutMs`. */
export function bcsync(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(
          // Its stdout too: a command that reports and then exits non-zero (a replay gate) still said what it found.
          Object.assign(
            new Error(
              `bcsync ${args.join(' ')} ${signal ? `was killed (${signal}, over ${timeoutMs / 1000} s)` : `exited ${code}`}:\n${stderr.trim().split('\n').slice(-15).join('\n')}`,
            ),
            { stdout },
          ),
        );
    });
  });
}

/**
 * One `bcsync worker` or `bcsync api` process. `ready(pid)` says when it serves (a worker: the
 * Temporal server lists it as a poller; an API: /healthz answers). With `supervise`, an exit nobody
 * asked for is counted and the process started again after a second, as systemd or Kubernetes would.
 */
export class ProductProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  starts = 0;
  kills = 0;
  /** Exits nobody asked for. */
  crashes = 0;
  readonly crashLog: string[] = [];

  constructor(
    readonly name: string,
    private readonly command: 'worker' | 'api',
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
    private readonly ready: (pid: number) => Promise<boolean>,
    private readonly opts: { supervise?: boolean; readyTimeoutMs?: number } = {},
  ) {}

  get pid(): number | undefined {
    return this.child && this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** Starts the process and waits until it is ready; throws (with its log's end) when it exits first or takes too long. */
  async start(): Promise<number> {
    this.stopping = false;
    const out = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', CLI, this.command], { cwd: ROOT, env: this.env, stdio: ['ignore', out, out] });
    } finally {
      closeSync(out);
    }
    this.child = child;
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${this.name}: could not start bcsync ${this.command}`);
    let exited = false;
    child.once('exit', (code, signal) => {
      exited = true;
      if (this.stopping || this.child !== child || signal === 'SIGKILL') return;
      this.crashes++;
      // The fatal line (a thrown error, a V8 or Node fatal error) rather than the native stack under it.
      const last = tail(this.logFile, 80).split('\n');
      const fatal = last.filter((l) => /(^|\s)(Error|FATAL|Fatal|Uncaught)\b|error":/.test(l)).pop() ?? last.pop() ?? '';
      this.crashLog.push(`${new Date().toISOString()} ${this.name} (pid ${pid}) exited on its own (${signal ?? code}): ${fatal.slice(0, 300)}`);
      if (this.opts.supervise) setTimeout(() => void this.start().catch(() => undefined), 1_000);
    });
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 120_000);
    for (;;) {
      if (exited) throw new Error(`${this.name}: bcsync ${this.command} exited before it was ready; ${this.logFile} ends with:\n${tail(this.logFile)}`);
      if (await this.ready(pid).catch(() => false)) break;
      if (Date.now() > deadline)
        throw new Error(
          `${this.name}: bcsync ${this.command} not ready after ${(this.opts.readyTimeoutMs ?? 120_000) / 1000} s; ${this.logFile} ends with:\n${tail(this.logFile)}`,
        );
      await sleep(250);
    }
    this.starts++;
    return pid;
  }

  /** SIGKILL: no shutdown, no drain; resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || this.pid === undefined) throw new Error(`${this.name}: nothing to kill (not running)`);
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    this.kills++;
  }

  /** SIGTERM (the product's graceful stop), SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<'stopped' | 'killed' | 'not running'> {
    this.stopping = true;
    const child = this.child;
    if (!child || this.pid === undefined) return 'not running';
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const stopped = await Promise.race([gone.then(() => true), sleep(graceMs).then(() => false)]);
    if (stopped) return 'stopped';
    child.kill('SIGKILL');
    await gone;
    return 'killed';
  }
}
