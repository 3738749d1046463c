/**
 * The production dependencies' supply-chain check, run by .ci/run as `npx tsx .ci/audit.ts`
 * (docs/supply-chain.md says what it checks and how to allow an exception):
 *
 * 1. `npm audit --omit=dev`: every advisory against a package the image ships fails the run, unless
 *    audit-allowlist.json allows it by advisory id, with a reason and a review date that has not
 *    passed. An allowed advisory that no longer shows up is reported, so its entry can go.
 * 2. The lockfile, offline: every production package comes from the npm registry (no git, file or
 *    tarball URL) with a sha512 integrity hash; a production package that runs an install script is
 *    allowed by name in the same file (with a reason and a review date); every production
 *    dependency, ours and the sandbox workspace's, is an exact version.
 *
 * When the registry's audit endpoint cannot be reached, (1) is reported as NOT RUN, loudly, and
 * (2) still decides. Exit code 1 on any failure.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const ROOT = path.resolve(__dirname, '..');

const isoDate = z.iso.date();

/** An advisory allowed for a while: the GitHub advisory id npm reports, why, and when to look again. */
const advisoryEntry = z
  .object({
    id: z.string().regex(/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/, 'a GitHub advisory id, GHSA-xxxx-xxxx-xxxx'),
    package: z.string().min(1),
    reason: z.string().min(20, 'say why it does not affect us (at least 20 characters)'),
    reviewBy: isoDate,
  })
  .strict();

/** A production package allowed to run an install script. */
const installScriptEntry = z
  .object({
    package: z.string().min(1),
    reason: z.string().min(20, 'say what the script does and why it is needed (at least 20 characters)'),
    reviewBy: isoDate,
  })
  .strict();

export const allowListSchema = z
  .object({
    $comment: z.string().optional(),
    advisories: z.array(advisoryEntry),
    installScripts: z.array(installScriptEntry),
  })
  .strict();

export type AllowList = z.infer<typeof allowListSchema>;

/** One advisory npm audit reports against a production package. */
export interface Finding {
  id: string;
  package: string;
  severity: string;
  title: string;
  url: string;
}

const auditVia = z.object({ source: z.union([z.number(), z.string()]), name: z.string(), title: z.string(), url: z.string(), severity: z.string() }).loose();
const auditReport = z.object({ vulnerabilities: z.record(z.string(), z.object({ via: z.array(z.union([z.string(), auditVia])) }).loose()) }).loose();

/**
 * The advisories of `npm audit --json` output, each once; or why the audit did not run (the
 * endpoint answered an error, or the output is not an audit report).
 */
export function findingsOf(output: string): { findings: Finding[] } | { notRun: string } {
  let json: unknown;
  try {
    json = JSON.parse(output);
  } catch {
    return { notRun: `npm audit printed no JSON: ${output.slice(0, 200)}` };
  }
  const parsed = auditReport.safeParse(json);
  if (!parsed.success) {
    const message = (json as { message?: unknown; error?: { summary?: unknown } } | null)?.message ?? (json as { error?: { summary?: unknown } } | null)?.error?.summary;
    return { notRun: typeof message === 'string' && message !== '' ? message : 'npm audit answered without a report' };
  }
  const byId = new Map<string, Finding>();
  for (const vulnerability of Object.values(parsed.data.vulnerabilities)) {
    for (const via of vulnerability.via) {
      // A string names another vulnerable package: its own entry carries the advisory.
      if (typeof via === 'string') continue;
      const id = /GHSA(-[a-z0-9]{4}){3}/.exec(via.url)?.[0] ?? `npm-${via.source}`;
      byId.set(`${id} ${via.name}`, { id, package: via.name, severity: via.severity, title: via.title, url: via.url });
    }
  }
  return { findings: [...byId.values()] };
}

export interface Verdict {
  failures: string[];
  notes: string[];
}

const expired = (reviewBy: string, today: string) => reviewBy < today;

/** Findings against the allow-list: each one not allowed (or allowed past its review date) fails. */
export function judgeAdvisories(findings: readonly Finding[], allow: AllowList, today: string): Verdict {
  const failures: string[] = [];
  const notes: string[] = [];
  for (const f of findings) {
    const entry = allow.advisories.find((a) => a.id === f.id && a.package === f.package);
    if (!entry) failures.push(`${f.package}: ${f.id} (${f.severity}) ${f.title} ${f.url}: not allowed (update the package, or allow it in audit-allowlist.json)`);
    else if (expired(entry.reviewBy, today)) failures.push(`${f.package}: ${f.id} was allowed until ${entry.reviewBy}: review it again (update, or a new date and reason)`);
    else notes.push(`${f.package}: ${f.id} (${f.severity}) allowed until ${entry.reviewBy}: ${entry.reason}`);
  }
  for (const a of allow.advisories)
    if (!findings.some((f) => f.id === a.id && f.package === a.package)) notes.push(`${a.package}: ${a.id} is allowed but no longer reported: remove it from audit-allowlist.json`);
  return { failures, notes };
}

const lockPackage = z
  .object({
    version: z.string().optional(),
    resolved: z.string().optional(),
    integrity: z.string().optional(),
    dev: z.boolean().optional(),
    link: z.boolean().optional(),
    hasInstallScript: z.boolean().optional(),
  })
  .loose();
const lockfile = z.object({ lockfileVersion: z.number().int().min(2), packages: z.record(z.string(), lockPackage) }).loose();
const manifest = z.object({ name: z.string().optional(), dependencies: z.record(z.string(), z.string()).optional() }).loose();

const REGISTRY = 'https://registry.npmjs.org/';
/** An exact version: no range, tag, URL or path. */
const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** A lockfile key's package name: `node_modules/a/node_modules/@s/b` is `@s/b`. */
export function packageName(key: string): string {
  return key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/**
 * The lockfile's production packages and the manifests' production dependencies, offline. Dev
 * packages are not shipped (the image prunes them), so they are not judged here.
 */
export function judgeLockfile(lockText: string, manifests: readonly { file: string; text: string }[], allow: AllowList, today: string): Verdict & { checked: number } {
  const failures: string[] = [];
  const notes: string[] = [];
  const lock = lockfile.parse(JSON.parse(lockText));
  const production = Object.entries(lock.packages).filter(([key, p]) => key.startsWith('node_modules/') && p.dev !== true && p.link !== true);
  const scripted = new Set<string>();
  for (const [key, p] of production) {
    const name = packageName(key);
    if (p.resolved !== undefined && !p.resolved.startsWith(REGISTRY)) failures.push(`${key}: comes from ${p.resolved}, not the npm registry`);
    if (!p.integrity?.startsWith('sha512-')) failures.push(`${key}: no sha512 integrity hash in the lockfile`);
    if (p.hasInstallScript) {
      scripted.add(name);
      const entry = allow.installScripts.find((s) => s.package === name);
      if (!entry) failures.push(`${key}@${p.version}: runs an install script and is not allowed to (audit-allowlist.json installScripts)`);
      else if (expired(entry.reviewBy, today)) failures.push(`${name}: its install script was allowed until ${entry.reviewBy}: review it again`);
    }
  }
  for (const s of allow.installScripts) if (!scripted.has(s.package)) notes.push(`${s.package}: allowed to run an install script but no production package does: remove it`);
  for (const { file, text } of manifests) {
    for (const [name, spec] of Object.entries(manifest.parse(JSON.parse(text)).dependencies ?? {}))
      if (!EXACT.test(spec)) failures.push(`${file}: dependency ${name} is "${spec}", not an exact version`);
  }
  return { failures, notes, checked: production.length };
}

function runNpmAudit(): Promise<string> {
  return new Promise((resolve) => {
    // npm audit exits 1 when it finds something and when it fails: the JSON says which.
    execFile('npm', ['audit', '--omit=dev', '--json'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 180_000 }, (_err, stdout) => resolve(stdout));
  });
}

async function main(): Promise<number> {
  const today = new Date().toISOString().slice(0, 10);
  const allowParsed = allowListSchema.safeParse(JSON.parse(readFileSync(path.join(ROOT, 'audit-allowlist.json'), 'utf8')));
  if (!allowParsed.success) {
    for (const i of allowParsed.error.issues) console.error(`audit-allowlist.json ${i.path.join('.')}: ${i.message}`);
    return 1;
  }
  const allow = allowParsed.data;
  const failures: string[] = [];

  const audit = findingsOf(await runNpmAudit());
  if ('notRun' in audit) {
    console.log('*** npm audit --omit=dev: NOT RUN: the registry audit endpoint could not be reached ***');
    console.log(`    (${audit.notRun}); known advisories are not checked in this run, the lockfile checks below still are`);
  } else {
    const verdict = judgeAdvisories(audit.findings, allow, today);
    for (const n of verdict.notes) console.log(`npm audit: ${n}`);
    failures.push(...verdict.failures);
    console.log(`npm audit --omit=dev: ${audit.findings.length} advisories, ${verdict.failures.length} not allowed`);
  }

  const manifests = ['package.json', 'sandbox/package.json'].map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8') }));
  const lock = judgeLockfile(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'), manifests, allow, today);
  for (const n of lock.notes) console.log(`lockfile: ${n}`);
  failures.push(...lock.failures);
  console.log(
    `lockfile: ${lock.checked} production packages from the registry with sha512 hashes, install scripts allowed, exact versions: ${lock.failures.length === 0 ? 'ok' : 'FAILED'}`,
  );

  for (const f of failures) console.error(`FAIL ${f}`);
  return failures.length === 0 ? 0 : 1;
}

if (require.main === module)
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
