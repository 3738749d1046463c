import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every relative link in README.md and docs/*.md points at a file that exists, and a link to a
 * heading (`page.md#heading`, `#heading`) at a heading that exists: pages move and headings get
 * renamed, and a README that sends readers to nothing is a defect.
 */

const ROOT = path.resolve(__dirname, '../..');

interface Link {
  file: string;
  line: number;
  target: string;
}

/** Markdown text outside fenced code blocks, line by line (links and headings in code are examples). */
function proseLines(markdown: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*(```|~~~)/.test(text)) {
      fenced = !fenced;
      return;
    }
    if (!fenced) out.push({ line: i + 1, text });
  });
  return out;
}

/** Inline links `[text](target)` outside code spans, with their line. */
function linksOf(file: string, markdown: string): Link[] {
  const links: Link[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const prose = text.replace(/`[^`]*`/g, '``');
    for (const m of prose.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ file, line, target: m[1]! });
  }
  return links;
}

/**
 * GitHub's heading anchors: the heading's text, lower-cased, without punctuation (letters, digits,
 * spaces, `-` and `_` stay), spaces as `-`; a repeated anchor gets `-1`, `-2`, ...
 */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const rendered = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const base = rendered
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** What is wrong with each link: a missing file, or a missing heading in a Markdown file. */
function brokenLinks(links: Link[], read: (file: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const link of links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // https:, mailto: ...
    const [rawPath, anchor] = link.target.split('#', 2) as [string, string | undefined];
    const where = `${link.file}:${link.line}: ${link.target}`;
    const target = rawPath === '' ? link.file : path.posix.normalize(path.posix.join(path.posix.dirname(link.file), decodeURI(rawPath)));
    if (target.startsWith('../')) {
      problems.push(`${where}: points outside the repository`);
      continue;
    }
    const text = read(target);
    if (text === undefined) {
      problems.push(`${where}: no such file ${target}`);
      continue;
    }
    if (anchor && target.endsWith('.md') && !headingAnchors(text).has(anchor)) problems.push(`${where}: no heading #${anchor} in ${target}`);
  }
  return problems;
}

function readRepoFile(relative: string): string | undefined {
  const full = path.join(ROOT, relative);
  if (!existsSync(full)) return undefined;
  return statSync(full).isDirectory() ? '' : readFileSync(full, 'utf8');
}

const pages = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('links in README.md and docs/', () => {
  it('every relative link points at an existing file, and every anchor at an existing heading', () => {
    const links = pages.flatMap((page) => linksOf(page, readFileSync(path.join(ROOT, page), 'utf8')));
    // The README alone links every docs page: finding fewer links means the extraction broke.
    expect(links.filter((l) => l.file === 'README.md' && l.target.startsWith('docs/')).length).toBeGreaterThanOrEqual(10);
    expect(brokenLinks(links, readRepoFile)).toEqual([]);
  });

  it('the README links each docs page', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const linked = new Set(linksOf('README.md', readme).map((l) => l.target.split('#')[0]));
    expect(pages.filter((p) => p.startsWith('docs/') && !linked.has(p))).toEqual([]);
  });

  it('reports a missing file, a missing heading and a link out of the repository (the check can fail)', () => {
    const files: Record<string, string> = { 'docs/a.md': '# A page\n\n## The `bcsync` CLI\n## Same\n## Same\n', 'README.md': '' };
    const markdown = [
      '[ok](a.md) [ok](a.md#the-bcsync-cli) [ok](#a-page) [ok](a.md#same-1) [web](https://example.com/x#y)',
      '[gone](missing.md) [bad anchor](a.md#nothing-here) [out](../../etc/passwd)',
      '`[in code](missing-too.md)`',
      '```',
      '[in a fence](missing-three.md)',
      '```',
    ].join('\n');
    const problems = brokenLinks(linksOf('docs/a.md', `# A page\n${markdown}`), (f) => files[f]);
    expect(problems).toEqual([
      'docs/a.md:3: missing.md: no such file docs/missing.md',
      'docs/a.md:3: a.md#nothing-here: no heading #nothing-here in docs/a.md',
      'docs/a.md:3: ../../etc/passwd: points outside the repository',
    ]);
  });
});
