import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AllowList, allowListSchema, findingsOf, judgeAdvisories, judgeLockfile, packageName } from '../../.ci/audit';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const TODAY = '2026-12-03';

/** `npm audit --omit=dev --json` as npm 11 prints it: one advisory on a direct and a transitive path. */
const REPORT = JSON.stringify({
  auditReportVersion: 2,
  vulnerabilities: {
    cookie: {
      name: 'cookie',
      severity: 'low',
      isDirect: false,
      via: [
        {
          source: 1103907,
          name: 'cookie',
          dependency: 'cookie',
          title: 'cookie accepts cookie name, path, and domain with out of bounds characters',
          url: 'https://github.com/advisories/GHSA-pxg6-pf52-xh8x',
          severity: 'low',
          range: '<0.7.0',
        },
      ],
      effects: ['express'],
      range: '<0.7.0',
      nodes: ['node_modules/cookie'],
      fixAvailable: true,
    },
    express: { name: 'express', severity: 'low', isDirect: true, via: ['cookie'], effects: [], range: '<=4.21.0', nodes: ['node_modules/express'], fixAvailable: true },
  },
  metadata: { vulnerabilities: { low: 2, total: 2 } },
});

const allow = (over: Partial<AllowList> = {}): AllowList => ({ advisories: [], installScripts: [], ...over });
const cookieAllowed = { id: 'GHSA-pxg6-pf52-xh8x', package: 'cookie', reason: 'we never parse cookies: no route reads them', reviewBy: '2027-01-31' };

describe('npm audit against the allow-list', () => {
  it('reads each advisory once, by its GitHub id, from the report', () => {
    const read = findingsOf(REPORT);
    expect(read).toEqual({
      findings: [
        {
          id: 'GHSA-pxg6-pf52-xh8x',
          package: 'cookie',
          severity: 'low',
          title: 'cookie accepts cookie name, path, and domain with out of bounds characters',
          url: 'https://github.com/advisories/GHSA-pxg6-pf52-xh8x',
        },
      ],
    });
    expect(findingsOf(JSON.stringify({ auditReportVersion: 2, vulnerabilities: {}, metadata: {} }))).toEqual({ findings: [] });
  });

  it('tells an unreachable endpoint from a clean report', () => {
    const unreachable = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405 });
    expect(findingsOf(unreachable)).toEqual({ notRun: expect.stringContaining('405') });
    expect(findingsOf('npm error network')).toEqual({ notRun: expect.stringContaining('no JSON') });
  });

  it('fails an advisory not allowed, passes an allowed one, fails one past its review date, notes a stale entry', () => {
    const findings = (findingsOf(REPORT) as { findings: Parameters<typeof judgeAdvisories>[0] }).findings;
    expect(judgeAdvisories(findings, allow(), TODAY).failures).toEqual([expect.stringMatching(/^cookie: GHSA-pxg6-pf52-xh8x \(low\) .* not allowed/)]);
    const allowed = judgeAdvisories(findings, allow({ advisories: [cookieAllowed] }), TODAY);
    expect(allowed.failures).toEqual([]);
    expect(allowed.notes).toEqual([expect.stringContaining('allowed until 2027-01-31')]);
    expect(judgeAdvisories(findings, allow({ advisories: [{ ...cookieAllowed, reviewBy: '2026-12-02' }] }), TODAY).failures).toEqual([
      expect.stringContaining('was allowed until 2026-12-02: review it again'),
    ]);
    expect(judgeAdvisories([], allow({ advisories: [cookieAllowed] }), TODAY)).toEqual({ failures: [], notes: [expect.stringContaining('no longer reported')] });
  });

  it('refuses an allow-list entry without a GitHub id, a reason or a date', () => {
    expect(allowListSchema.safeParse({ advisories: [cookieAllowed], installScripts: [] }).success).toBe(true);
    for (const bad of [
      { ...cookieAllowed, id: '1103907' },
      { ...cookieAllowed, reason: 'ok' },
      { ...cookieAllowed, reviewBy: 'soon' },
      { ...cookieAllowed, extra: 1 },
    ])
      expect(allowListSchema.safeParse({ advisories: [bad], installScripts: [] }).success, JSON.stringify(bad)).toBe(false);
  });

  it("the repository's allow-list is valid", () => {
    expect(allowListSchema.parse(JSON.parse(read('audit-allowlist.json')))).toBeDefined();
  });
});

describe('the lockfile, offline', () => {
  const lock = (packages: Record<string, object>) => JSON.stringify({ lockfileVersion: 3, packages: { '': {}, ...packages } });
  const ok = { version: '1.0.0', integrity: 'sha512-abc' };
  const manifests = [{ file: 'package.json', text: JSON.stringify({ dependencies: { a: '1.0.0' } }) }];

  it('passes registry packages with sha512 hashes, and ignores dev packages and workspace links', () => {
    const verdict = judgeLockfile(
      lock({ 'node_modules/a': ok, 'node_modules/dev-only': { version: '1.0.0', dev: true, resolved: 'git+ssh://x' }, 'node_modules/@s/w': { link: true } }),
      manifests,
      allow(),
      TODAY,
    );
    expect(verdict).toEqual({ failures: [], notes: [], checked: 1 });
  });

  it('fails a non-registry source, a missing or weak hash, an install script not allowed, a range', () => {
    const verdict = judgeLockfile(
      lock({
        'node_modules/a': { ...ok, resolved: 'https://example.com/a-1.0.0.tgz' },
        'node_modules/b': { version: '1.0.0' },
        'node_modules/c': { version: '1.0.0', integrity: 'sha1-abc' },
        'node_modules/x/node_modules/@s/d': { ...ok, hasInstallScript: true },
      }),
      [{ file: 'package.json', text: JSON.stringify({ dependencies: { a: '^1.0.0', b: 'latest', c: 'github:o/c', d: '1.0.0' } }) }],
      allow(),
      TODAY,
    );
    expect(verdict.failures).toEqual([
      expect.stringContaining('node_modules/a: comes from https://example.com'),
      expect.stringContaining('node_modules/b: no sha512'),
      expect.stringContaining('node_modules/c: no sha512'),
      expect.stringContaining('@s/d@1.0.0: runs an install script and is not allowed'),
      expect.stringContaining('dependency a is "^1.0.0"'),
      expect.stringContaining('dependency b is "latest"'),
      expect.stringContaining('dependency c is "github:o/c"'),
    ]);
    const scripts = { installScripts: [{ package: '@s/d', reason: 'checks its native binding loads', reviewBy: '2027-01-01' }] };
    expect(
      judgeLockfile(
        lock({ 'node_modules/d': { ...ok, hasInstallScript: true } }),
        [],
        allow({ ...scripts, installScripts: [{ ...scripts.installScripts[0]!, package: 'd' }] }),
        TODAY,
      ).failures,
    ).toEqual([]);
    expect(packageName('node_modules/x/node_modules/@s/d')).toBe('@s/d');
  });

  it("the repository's lockfile and manifests pass, and the image ships no dev-only package", () => {
    const manifestsOf = ['package.json', 'sandbox/package.json'].map((file) => ({ file, text: read(file) }));
    const verdict = judgeLockfile(read('package-lock.json'), manifestsOf, allowListSchema.parse(JSON.parse(read('audit-allowlist.json'))), TODAY);
    expect(verdict.failures).toEqual([]);
    expect(verdict.checked).toBeGreaterThan(100);
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const devOnly of ['pino-pretty', '@temporalio/testing', 'vitest', 'tsx', 'typescript', 'ajv', 'autocannon']) expect(Object.keys(pkg.dependencies)).not.toContain(devOnly);
    const locked = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean }> };
    for (const devOnly of ['pino-pretty', '@temporalio/testing']) expect(locked.packages[`node_modules/${devOnly}`]?.dev, devOnly).toBe(true);
  });
});

describe('product code and dev dependencies', () => {
  /** Every .ts file under the product folders (what the image compiles and runs). */
  const productFiles = (): string[] => {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(rel);
        else if (entry.name.endsWith('.ts')) out.push(rel);
      }
    };
    for (const dir of ['activities', 'api', 'cli', 'clients', 'config', 'connectors', 'domain', 'lib', 'workers', 'workflows']) walk(dir);
    return out;
  };

  it('imports no dev dependency at load time (type-only imports and lazy import() inside a dev command are fine)', () => {
    const dev = Object.keys((JSON.parse(read('package.json')) as { devDependencies: Record<string, string> }).devDependencies);
    const files = productFiles();
    expect(files.length).toBeGreaterThan(100);
    const offending: string[] = [];
    for (const file of files) {
      const text = read(file);
      for (const m of text.matchAll(/^\s*import\s+(?!type\s)[^;]*?from\s+'([^']+)'|^\s*export\s+(?!type\s)[^;]*?from\s+'([^']+)'|require\('([^']+)'\)/gms)) {
        const spec = m[1] ?? m[2] ?? m[3]!;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (dev.includes(name)) offending.push(`${file}: ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });
});

describe('the image', () => {
  it('is built on Node 24 bookworm-slim pinned by digest, overridable by one build argument', () => {
    const dockerfile = read('Dockerfile');
    const arg = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(arg).toMatch(/^node:24-bookworm-slim@sha256:[0-9a-f]{64}$/);
    const froms = dockerfile.split('\n').filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^FROM \$\{NODE_IMAGE\} AS \w+$/);
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production$/m);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });
});
