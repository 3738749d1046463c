import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxRefusal } from '../../cli/sandbox';
import { eventually } from '../support/stack';

/**
 * The sandboxes never start in a production profile: `bcsync sandbox`, as built (dist/, what the
 * image runs with NODE_ENV=production), refuses there unless BCSYNC_PROFILE=sandbox names a sandbox
 * deployment (docker-compose.sandbox.yml sets it).
 */
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli/bcsync.js');
const PORTS = ['--bc-port', '0', '--erp-port', '0', '--oms-port', '0'];

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Runs `bcsync sandbox` with exactly `env` (and PATH, HOME) until it exits or logs that it listens. */
async function sandbox(env: Record<string, string>): Promise<{ exitCode: number | null; output: string }> {
  expect(existsSync(CLI), `${CLI} is missing: npm test builds it first (npm run build)`).toBe(true);
  child = spawn(process.execPath, [CLI, 'sandbox', ...PORTS], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const c = child;
  await eventually(() => (c.exitCode !== null || output.includes('sandboxes listening') ? true : undefined), '`bcsync sandbox` to exit or listen', 60_000);
  return { exitCode: c.exitCode, output };
}

describe('sandboxes in a production profile', () => {
  it('the rule: production (NODE_ENV or BCSYNC_PROFILE) refuses, BCSYNC_PROFILE=sandbox allows, development allows', () => {
    expect(sandboxRefusal({})).toBeUndefined();
    expect(sandboxRefusal({ NODE_ENV: 'development' })).toBeUndefined();
    expect(sandboxRefusal({ NODE_ENV: 'production' })).toMatch(/^BCSYNC_PROFILE: .*NODE_ENV=production/);
    expect(sandboxRefusal({ BCSYNC_PROFILE: 'production' })).toMatch(/BCSYNC_PROFILE=production/);
    expect(sandboxRefusal({ NODE_ENV: 'production', BCSYNC_PROFILE: 'prod' })).toBeDefined();
    expect(sandboxRefusal({ NODE_ENV: 'production', BCSYNC_PROFILE: 'sandbox' })).toBeUndefined();
  });

  it('`bcsync sandbox` with NODE_ENV=production exits with the reason and listens on nothing', async () => {
    const run = await sandbox({ NODE_ENV: 'production' });
    expect(run.exitCode).toBe(2);
    expect(run.output).toContain('does not start in a production profile (NODE_ENV=production)');
    expect(run.output).toContain('BCSYNC_PROFILE=sandbox');
    expect(run.output).not.toContain('sandboxes listening');
  }, 90_000);

  it('`bcsync sandbox` with NODE_ENV=production and BCSYNC_PROFILE=sandbox starts (the compose sandbox override)', async () => {
    const run = await sandbox({ NODE_ENV: 'production', BCSYNC_PROFILE: 'sandbox' });
    expect(run.exitCode, run.output).toBeNull();
    expect(run.output).toContain('sandboxes listening');
  }, 90_000);
});
