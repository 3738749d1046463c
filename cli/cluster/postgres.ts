import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isExecutable } from '../temporal-binary';
import type { ClusterLayout } from './layout';
import { run, tail } from './processes';

/**
 * PostgreSQL from the OS packages (Debian's `postgresql`), in a private data directory: its own
 * port, TCP on 127.0.0.1 only (no Unix socket), password authentication (scram-sha-256) for the one
 * role Temporal uses, with a password generated at `initdb` and kept 0600 in the cluster's data
 * directory. initdb and postgres refuse to run as root: as root they run as the `postgres` user
 * the package creates.
 */
export const DB_USER = 'temporal';

export interface PgInstall {
  binDir: string;
  version: string;
}

/** The newest /usr/lib/postgresql/<version>/bin (Debian's layout), or BCSYNC_PG_BIN_DIR. */
export function findPostgres(env: NodeJS.ProcessEnv = process.env): PgInstall | undefined {
  if (env.BCSYNC_PG_BIN_DIR) {
    const binDir = path.resolve(env.BCSYNC_PG_BIN_DIR);
    return isExecutable(path.join(binDir, 'initdb')) ? { binDir, version: 'custom' } : undefined;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && isExecutable(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? { binDir: path.join(root, versions[0], 'bin'), version: versions[0] } : undefined;
}

export const PG_HINT = 'PostgreSQL is not installed: `apt-get install -y postgresql` (Debian/Ubuntu), or set BCSYNC_PG_BIN_DIR to the folder holding initdb, pg_ctl and postgres.';

/** Finds PostgreSQL, installing Debian's package when it is absent and we may (root, apt-get). */
export async function ensurePostgres(say: (line: string) => void): Promise<PgInstall> {
  const found = findPostgres();
  if (found) return found;
  if (process.getuid?.() !== 0 || !isExecutable('/usr/bin/apt-get')) throw new Error(PG_HINT);
  say('installing PostgreSQL from the OS packages (apt-get install -y postgresql)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let install = await run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env, detached: false, timeoutMs: 15 * 60_000 });
  if (install.code !== 0) {
    await run('apt-get', ['update'], { env, detached: false, timeoutMs: 10 * 60_000 });
    install = await run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env, detached: false, timeoutMs: 15 * 60_000 });
  }
  const installed = findPostgres();
  if (install.code !== 0 || !installed) throw new Error(`apt-get install postgresql failed:\n${install.stderr.trim().split('\n').slice(-10).join('\n')}\n${PG_HINT}`);
  return installed;
}

/** Who runs PostgreSQL: ourselves, or as root the unprivileged `postgres` user. */
export interface RunAs {
  uid: number;
  gid: number;
}

export function postgresRunAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let entry: string;
  try {
    entry = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' });
  } catch {
    throw new Error(
      'PostgreSQL refuses to run as root and there is no `postgres` user to run it as: install the OS package (it creates one), `useradd --system postgres`, or run bcsync as an unprivileged user.',
    );
  }
  const [, , uid, gid] = entry.trim().split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function own(file: string, as: RunAs | undefined): void {
  if (as) chownSync(file, as.uid, as.gid);
}

function pgCommand(pg: PgInstall, name: string, args: string[], as: RunAs | undefined, timeoutMs = 120_000) {
  // A clean environment: PG* variables of the caller's shell must not steer these commands.
  return run(path.join(pg.binDir, name), args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' }, ...(as ?? {}), timeoutMs, cwd: '/' });
}

/** initdb, once: returns false when the data directory already holds a cluster. */
export async function initPostgres(layout: ClusterLayout, pg: PgInstall, as: RunAs | undefined, password: string): Promise<boolean> {
  if (existsSync(path.join(layout.pgDir, 'PG_VERSION'))) return false;
  rmSync(layout.pgDir, { recursive: true, force: true }); // a previous initdb cut short
  mkdirSync(layout.pgDir, { mode: 0o700 });
  own(layout.pgDir, as);
  // initdb reads the password from a file the postgres user can read; removed right after.
  const pwfile = path.join(layout.dir, '.initdb-password');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  own(pwfile, as);
  try {
    const init = await pgCommand(
      pg,
      'initdb',
      ['-D', layout.pgDir, '-U', DB_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale', '--no-instructions'],
      as,
    );
    if (init.code !== 0) {
      rmSync(layout.pgDir, { recursive: true, force: true });
      throw new Error(
        `initdb failed (${init.code}): ${(init.stderr || init.stdout).trim()}${as ? `\n(it runs as the postgres user, which must be able to reach ${layout.dir}: every folder above it needs o+x)` : ''}`,
      );
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
  appendFileSync(path.join(layout.pgDir, 'postgresql.conf'), "\n# bcsync cluster: its settings, rewritten on every `bcsync cluster up`\ninclude = 'bcsync.conf'\n");
  return true;
}

/** Listening settings, rewritten on every start (the port may have changed). */
function writeConf(layout: ClusterLayout, port: number, as: RunAs | undefined): void {
  const file = path.join(layout.pgDir, 'bcsync.conf');
  writeFileSync(
    file,
    [
      '# Written by `bcsync cluster up` (cli/cluster/postgres.ts) on every start.',
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      "unix_socket_directories = ''",
      // Temporal's services each keep their own pools (20 + 10 connections per service, four services).
      'max_connections = 200',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  own(file, as);
}

/** The postmaster's pid while the data directory's server runs. */
export async function postgresPid(layout: ClusterLayout, pg: PgInstall, as: RunAs | undefined): Promise<number | undefined> {
  if (!existsSync(path.join(layout.pgDir, 'postmaster.pid'))) return undefined;
  const status = await pgCommand(pg, 'pg_ctl', ['-D', layout.pgDir, 'status'], as, 30_000);
  if (status.code !== 0) return undefined;
  return Number(/PID: (\d+)/.exec(status.stdout)?.[1] ?? readFileSync(path.join(layout.pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** The port a running server listens on (from its postmaster.pid). */
export function runningPostgresPort(layout: ClusterLayout): number | undefined {
  const file = path.join(layout.pgDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const port = Number(readFileSync(file, 'utf8').split('\n')[3]);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

export async function startPostgres(layout: ClusterLayout, pg: PgInstall, as: RunAs | undefined, port: number): Promise<number> {
  writeConf(layout, port, as);
  mkdirSync(layout.logDir, { recursive: true });
  if (!existsSync(layout.pgLog)) writeFileSync(layout.pgLog, '', { mode: 0o600 });
  own(layout.pgLog, as);
  const start = await pgCommand(pg, 'pg_ctl', ['-D', layout.pgDir, '-l', layout.pgLog, '-w', '-t', '60', 'start'], as);
  if (start.code !== 0) throw new Error(`PostgreSQL did not start (pg_ctl ${start.code}); ${layout.pgLog} ends with:\n${tail(layout.pgLog)}`);
  const ready = await pgCommand(pg, 'pg_isready', ['-h', '127.0.0.1', '-p', String(port), '-U', DB_USER, '-d', 'postgres', '-t', '30'], as);
  if (ready.code !== 0) throw new Error(`PostgreSQL started but does not answer on 127.0.0.1:${port}: ${ready.stdout.trim()}\n${tail(layout.pgLog)}`);
  const pid = await postgresPid(layout, pg, as);
  if (!pid) throw new Error(`PostgreSQL started but pg_ctl status does not see it:\n${tail(layout.pgLog)}`);
  return pid;
}

export async function stopPostgres(layout: ClusterLayout, pg: PgInstall, as: RunAs | undefined): Promise<boolean> {
  if (!(await postgresPid(layout, pg, as))) return false;
  const stop = await pgCommand(pg, 'pg_ctl', ['-D', layout.pgDir, '-m', 'fast', '-w', '-t', '60', 'stop'], as);
  if (stop.code !== 0) throw new Error(`pg_ctl stop failed (${stop.code}): ${(stop.stderr || stop.stdout).trim()}`);
  return true;
}

/** The database password: generated once, 0600 in the data directory. */
export function databasePassword(layout: ClusterLayout, generate: () => string): string {
  if (existsSync(layout.passwordFile)) {
    const existing = readFileSync(layout.passwordFile, 'utf8').trim();
    if (existing) return existing;
  }
  const password = generate();
  mkdirSync(layout.dir, { recursive: true });
  writeFileSync(layout.passwordFile, `${password}\n`, { mode: 0o600 });
  chmodSync(layout.passwordFile, 0o600);
  return password;
}
