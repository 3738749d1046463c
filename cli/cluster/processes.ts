import { spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The long-running processes of a cluster run detached (their own session, so a Ctrl-C at the
 * terminal that ran `bcsync cluster up` does not reach them), each with a pid file and a log file in
 * the data directory.
 */

/** Starts `command` detached, its output appended to `logFile`; writes its pid to `pidFile`. */
export function startDetached(opts: { command: string; args: string[]; env: NodeJS.ProcessEnv; logFile: string; pidFile: string; cwd?: string }): number {
  const out = openSync(opts.logFile, 'a', 0o600);
  try {
    const child = spawn(opts.command, opts.args, { detached: true, stdio: ['ignore', out, out], env: opts.env, cwd: opts.cwd });
    child.on('error', () => {}); // a spawn failure leaves child.pid undefined: reported below
    if (child.pid === undefined) throw new Error(`could not start ${opts.command}`);
    child.unref();
    // The executable too: a pid reused by another program (after a reboot) is not ours.
    writeFileSync(opts.pidFile, `${child.pid}\n${opts.command}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped) is not running.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): kill(0) is all we know
  }
}

/** argv[0] of a running process, where /proc tells. */
function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
  } catch {
    return undefined;
  }
}

/**
 * The pid in `pidFile` if that process still runs the executable it was started as (a pid reused by
 * another program after a reboot does not count); a stale pid file is removed.
 */
export function runningPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const [pidText, executable] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidText);
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
    const command = commandOf(pid);
    if (command === undefined || !executable || command === executable) return pid;
  }
  rmSync(pidFile, { force: true });
  return undefined;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopPid(pid: number, graceMs = 20_000): Promise<'stopped' | 'killed'> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'stopped';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return 'stopped';
    await sleep(200);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
  while (alive(pid)) await sleep(100);
  return 'killed';
}

/** Whether something accepts TCP connections on host:port. */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `check` until it returns a value, `timeoutMs` passes (throws), or `abort` says the wait is hopeless. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  opts: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    const reason = opts.abort?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${Math.round(opts.timeoutMs / 1000)} s${last instanceof Error ? ` (${last.message})` : ''}`);
    await sleep(opts.intervalMs ?? 500);
  }
}

/** The last lines of a log file, for an error message. */
export function tail(file: string, lines = 20): string {
  if (!existsSync(file)) return `(no ${file})`;
  const text = readFileSync(file, 'utf8').trimEnd().split('\n');
  return text.slice(-lines).join('\n');
}

/** Runs a command to completion, its output captured; in its own session (`detached`) unless told. */
export function run(
  command: string,
  args: string[],
  opts: SpawnOptions & { timeoutMs?: number; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { timeoutMs, input, ...spawnOptions } = opts;
    const child = spawn(command, args, { detached: true, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...spawnOptions });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    const timer = timeoutMs
      ? setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${command} ${args.join(' ')}: no answer after ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs)
      : undefined;
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) {
      child.stdin?.on('error', () => {}); // a command that exits without reading its input
      child.stdin?.end(input);
    }
  });
}

/** Resident memory of a process in MB (Linux /proc), undefined elsewhere. */
export function rssMb(pid: number): number | undefined {
  try {
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One `bcsync cluster` command per data directory at a time: a lock file holding our pid (a lock
 * left by a process that is gone is taken over).
 */
export function lock(file: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
        throw new Error(`another bcsync cluster command (pid ${holder}) is working on this data directory; wait for it (or remove ${file} if that process is not bcsync)`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take ${file}`);
}
