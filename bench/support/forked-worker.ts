import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * A worker process (bench/support/worker-process.ts) the benches start, SIGKILL and restart. `env`
 * is its configuration on top of this process's environment (with BENCH_BUNDLE, the workflow bundle).
 */
export class ForkedWorker {
  private child: ChildProcess | undefined;
  private stopping = false;
  kills = 0;
  /** Exits nobody asked for (with `supervise`, each was followed by a restart). */
  crashes = 0;
  /**
   * `supervise`: restart the process when it exits on its own, as systemd or Kubernetes would (a
   * worker may give up while the Temporal server is down for longer than its retries last).
   */
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly opts: { supervise?: boolean } = {},
  ) {}

  async start(): Promise<void> {
    const env = { ...process.env, ...this.env, METRICS_PORT: '0' };
    const child = fork(path.join(__dirname, 'worker-process.ts'), [], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    });
    child.once('exit', (_code, signal) => {
      if (this.stopping || signal === 'SIGKILL' || this.child !== child) return;
      this.crashes++;
      if (this.opts.supervise) setTimeout(() => void this.startPatiently(), 1_000);
    });
  }

  /** Starts, trying again each second for up to a minute (the Temporal server may be restarting). */
  async startPatiently(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopping) return;
      try {
        await this.start();
        return;
      } catch (err) {
        if (attempt >= 60) throw err;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  /** SIGKILL: no shutdown, no drain, activities and workflow tasks cut mid-flight. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.kills++;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.send({ stop: true });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
