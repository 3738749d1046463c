import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isExecutable } from '../temporal-binary';
import { run } from './processes';

/**
 * Temporal's server, its SQL tool and the Web UI, built from the Go module proxy with `go install`
 * (no registry, no Docker) once, then cached by version: ~/.cache/bcsync-cluster/bin (or
 * BCSYNC_CLUSTER_BIN_DIR, or --bin-dir), shared by every data directory and by the tests.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_UI_VERSION = 'v2.41.0';

interface GoModule {
  /** What the module's packages are built as (`go install` names a binary after its package folder). */
  packages: { pkg: string; built: string; name: string }[];
  version: string;
}

const SERVER: GoModule = {
  version: TEMPORAL_SERVER_VERSION,
  packages: [
    { pkg: 'go.temporal.io/server/cmd/server', built: 'server', name: 'temporal-server' },
    { pkg: 'go.temporal.io/server/cmd/tools/sql', built: 'sql', name: 'temporal-sql-tool' },
  ],
};
const UI: GoModule = {
  version: TEMPORAL_UI_VERSION,
  packages: [{ pkg: 'github.com/temporalio/ui-server/v2/cmd/server', built: 'server', name: 'temporal-ui-server' }],
};

export function binDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  if (env.BCSYNC_CLUSTER_BIN_DIR) return path.resolve(env.BCSYNC_CLUSTER_BIN_DIR);
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'bcsync-cluster', 'bin');
}

const binaryPath = (dir: string, name: string, version: string) => path.join(dir, `${name}-${version}`);

/** The cached server binary, when built (a machine without Go can still run a cluster with it). */
export function cachedServerBinary(dir: string): string | undefined {
  const file = binaryPath(dir, 'temporal-server', TEMPORAL_SERVER_VERSION);
  return isExecutable(file) ? file : undefined;
}

export const GO_HINT =
  'Go 1.21 or newer is needed to build Temporal from the Go module proxy (it fetches the toolchain the module asks for): install it from https://go.dev/dl (or your OS packages if new enough) and put `go` on PATH.';

/** `go` on PATH, or where the official archive puts it. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/local/go/bin']) {
    if (isExecutable(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  return undefined;
}

/** Builds every package of `mod` that is not cached yet; returns name -> binary path. */
async function ensureModule(mod: GoModule, dir: string, say: (line: string) => void): Promise<Record<string, string>> {
  const paths = Object.fromEntries(mod.packages.map((p) => [p.name, binaryPath(dir, p.name, mod.version)]));
  const missing = mod.packages.filter((p) => !isExecutable(paths[p.name]!));
  if (missing.length === 0) return paths;
  const go = findGo();
  if (!go) throw new Error(`${missing.map((p) => p.name).join(', ')} ${mod.version} not in ${dir} and no Go to build it. ${GO_HINT}`);
  mkdirSync(dir, { recursive: true });
  // Each build installs into a folder of its own, then moves the binaries in: a build cut short (or
  // one running in parallel) never leaves a half-written binary under the name `up` trusts.
  const gobin = mkdtempSync(path.join(dir, '.build-'));
  try {
    const started = Date.now();
    say(`building ${missing.map((p) => p.name).join(' and ')} ${mod.version} from the Go module proxy (once; cached in ${dir}; minutes on a cold Go cache)`);
    const build = await run(go, ['install', ...missing.map((p) => `${p.pkg}@${mod.version}`)], {
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' },
      detached: false,
      timeoutMs: 45 * 60_000,
    });
    if (build.code !== 0) throw new Error(`go install ${mod.version} failed:\n${build.stderr.trim().split('\n').slice(-20).join('\n')}`);
    for (const p of missing) renameSync(path.join(gobin, p.built), paths[p.name]!);
    say(`built in ${Math.round((Date.now() - started) / 1000)} s`);
    return paths;
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
}

export async function ensureServerBinaries(dir: string, say: (line: string) => void): Promise<{ server: string; sqlTool: string }> {
  const paths = await ensureModule(SERVER, dir, say);
  return { server: paths['temporal-server']!, sqlTool: paths['temporal-sql-tool']! };
}

export async function ensureUiBinary(dir: string, say: (line: string) => void): Promise<string> {
  return (await ensureModule(UI, dir, say))['temporal-ui-server']!;
}
