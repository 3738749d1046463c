import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BEGIN, END, README_PATH, benchOrder, extractBlock, loadResults, renderResults, replaceBlock } from '../../bench/report';
import type { BenchResult } from '../../bench/support/result';

const result = (over: Partial<BenchResult> = {}): BenchResult => ({
  name: 'alpha',
  line: 'alpha: calls=12 lost=0',
  command: 'npm run bench -- alpha',
  figures: {
    calls: { value: 12, witness: 'sandbox request log (GET /__sandbox/requests)', goal: '<= 1.2 x min_calls (10.8)', met: false },
    lost: { value: 0, witness: 'ERP sandbox records | OMS sandbox records', goal: '0', met: true },
    min_calls: { value: 9, witness: "BigCommerce's documented limits <items> per call" },
  },
  baseline: 'naive: calls=40',
  details: ['phase 1: 3 adjustments', 'a `code` span'],
  startedAt: '2026-12-03T09:43:32.785Z',
  durationS: 174,
  machine: '2 cores, 24 GiB, Node 20.20.2',
  ...over,
});

describe('bench report', () => {
  it('the committed README shows exactly what the committed bench/results render to (run `npm run bench -- report` after a bench)', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    expect(extractBlock(readme), 'bench/README.md Results differ from bench/results/*.json: run `npm run bench -- report` and commit both').toBe(
      renderResults(loadResults(), benchOrder(readme)),
    );
  });

  it('renders a summary row per bench, a figure table with goal, met and witness, and the line, baseline and details in a fence', () => {
    const block = renderResults(
      [result(), result({ name: 'beta', line: 'beta: rps=9000', baseline: undefined, details: undefined, figures: { rps: { value: 9000, witness: 'autocannon' } } })],
      ['gamma', 'beta'],
    );
    const lines = block.split('\n');
    expect(lines[0]).toBe(BEGIN);
    expect(lines.at(-1)).toBe(END);
    // README order first (gamma has a section but no result), then the others by name.
    const rows = lines.filter((l) => /^\| (\[?(alpha|beta|gamma))/.test(l));
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| gamma', '| [beta](#results-beta)', '| [alpha](#results-alpha)']);
    expect(rows[0]).toContain('no result yet: `npm run bench -- gamma`');
    expect(rows[2]).toBe('| [alpha](#results-alpha) | `alpha: calls=12 lost=0` | 1 of 2 | 2026-12-03 09:43 UTC | 174 s | 2 cores, 24 GiB, Node 20.20.2 |');
    expect(rows[1]).toContain('| no goals |');
    expect(block).toContain('### Results: alpha');
    expect(block).toContain('| `calls` | 12 | <= 1.2 x min_calls (10.8) | no | sandbox request log (GET /__sandbox/requests) |');
    // A pipe in a witness is escaped; a `<word` is not left for a renderer to take as a tag.
    expect(block).toContain('| `lost` | 0 | 0 | yes | ERP sandbox records \\| OMS sandbox records |');
    expect(block).toContain("| `min_calls` | 9 |  |  | BigCommerce's documented limits &lt;items> per call |");
    const alpha = block.slice(block.indexOf('### Results: alpha'));
    expect(alpha).toContain(['```', 'alpha: calls=12 lost=0', 'baseline: naive: calls=40', 'phase 1: 3 adjustments', 'a `code` span', '```'].join('\n'));
    expect(block.slice(block.indexOf('### Results: beta'), block.indexOf('### Results: alpha'))).not.toContain('baseline:');
    // Pure: the same input renders the same text.
    expect(renderResults([result()], [])).toBe(renderResults([result()], []));
  });

  it('replaces only the generated block and refuses a README without exactly one', () => {
    const readme = `# Benchmarks\n\nprose\n\n${BEGIN}\nold\n${END}\n\n## \`npm run bench -- alpha\`: more prose\n`;
    const next = replaceBlock(readme, renderResults([result()], benchOrder(readme)));
    expect(next.startsWith('# Benchmarks\n\nprose\n\n')).toBe(true);
    expect(next.endsWith(`${END}\n\n## \`npm run bench -- alpha\`: more prose\n`)).toBe(true);
    expect(next).not.toContain('\nold\n');
    expect(benchOrder(readme)).toEqual(['alpha']);
    expect(() => extractBlock('# no block')).toThrow(/exactly one/);
    expect(() => extractBlock(`${BEGIN}\n${END}\n${BEGIN}\n${END}`)).toThrow(/exactly one/);
  });

  it('refuses a result file whose figure names no witness, has a goal without met, or is misnamed', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
    const write = (file: string, r: unknown) => writeFileSync(path.join(dir, file), JSON.stringify(r));
    write('alpha.json', result());
    expect(loadResults(dir).map((r) => r.name)).toEqual(['alpha']);
    write('alpha.json', result({ figures: { calls: { value: 1, witness: ' ' } } }));
    expect(() => loadResults(dir)).toThrow(/not a bench result/);
    write('alpha.json', { ...result(), figures: { calls: { value: 1, witness: 'log', goal: '0' } } });
    expect(() => loadResults(dir)).toThrow(/goal and met together/);
    write('alpha.json', result({ name: 'beta' }));
    expect(() => loadResults(dir)).toThrow(/holds the result of bench "beta"/);
  });
});
