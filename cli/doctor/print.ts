import type { Check, DoctorReport } from './check';

/** The report as JSON: `{checks: [{id, group, status, detail, fix?}], ok}`. */
export function formatJson(report: DoctorReport): string {
  return JSON.stringify(report, null, 2);
}

const MARK = { ok: 'ok  ', fail: 'FAIL', skip: 'skip' } as const;

/** A table for a terminal: one line per check, each failure's fix beneath it, and a verdict. */
export function formatTable(report: DoctorReport): string {
  const width = Math.min(48, Math.max(5, ...report.checks.map((c) => c.id.length)));
  const line = (c: Check) => {
    const head = `${MARK[c.status]}  ${c.id.padEnd(width)}  ${c.detail}`;
    return c.fix ? `${head}\n      ${''.padEnd(width)}  fix: ${c.fix}` : head;
  };
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const skipped = report.checks.filter((c) => c.status === 'skip').length;
  return [
    `${'    '}  ${'check'.padEnd(width)}  detail`,
    ...report.checks.map(line),
    '',
    report.ok
      ? `every check passed (${report.checks.length - skipped} ok, ${skipped} skipped)`
      : `${failed} of ${report.checks.length} checks failed: change what each fix says, then run bcsync doctor again`,
  ].join('\n');
}
