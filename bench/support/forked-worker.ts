import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * A worker process (bench/support/worker-process.ts) the benches start, SIGKILL and restart. `env`
 * is its configuration on top of this process's environment (with BENCH_BUNDLE, the workflow bundle).
 */
export class ForkedWorker {
  private child: ChildProcess | undefined;
  kills = 0;
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  async start(): Promise<void> {
    const env = { ...process.env, ...this.env, METRICS_PORT: '0' };
    const child = fork(path.join(__dirname, 'worker-process.ts'), [], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    });
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
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.send({ stop: true });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
