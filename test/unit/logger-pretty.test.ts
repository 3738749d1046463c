import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { prettyAvailable } from '../../lib/logger';

/**
 * pino-pretty is a dev dependency: a production install (the image) has none, and a process asking
 * for pretty output there must log JSON rather than fail to start. lib/logger.ts is compiled into
 * a folder whose node_modules has pino and, in one case, pino-pretty; the logger runs there with
 * `pretty: true`.
 */
const ROOT = path.resolve(__dirname, '../..');

function logWith(packages: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-logger-'));
  mkdirSync(path.join(dir, 'lib'));
  mkdirSync(path.join(dir, 'node_modules'));
  for (const name of packages) symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name), 'dir');
  const source = readFileSync(path.join(ROOT, 'lib/logger.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  writeFileSync(path.join(dir, 'lib/logger.js'), js);
  const run = spawnSync(
    process.execPath,
    ['-e', "const l = require('./lib/logger').createLogger('info', 'probe', { pretty: true }); l.info({ order: 101 }, 'hello from the probe'); l.flush?.();"],
    { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, timeout: 30_000 },
  );
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

describe('the logger without pino-pretty', () => {
  it('says whether pino-pretty resolves', () => {
    expect(prettyAvailable()).toBe(true);
    expect(
      prettyAvailable(() => {
        throw Object.assign(new Error("Cannot find module 'pino-pretty'"), { code: 'MODULE_NOT_FOUND' });
      }),
    ).toBe(false);
  });

  it('asked for pretty output, logs JSON when pino-pretty is not installed', () => {
    const out = logWith(['pino']).trim();
    const line = JSON.parse(out) as Record<string, unknown>;
    expect(line).toMatchObject({ name: 'probe', msg: 'hello from the probe', order: 101 });
  }, 60_000);

  it('and pretty lines when it is (the same probe, pino-pretty linked)', () => {
    const out = logWith(['pino', 'pino-pretty']);
    expect(out).toContain('hello from the probe');
    expect(() => JSON.parse(out.trim())).toThrow();
  }, 60_000);
});
