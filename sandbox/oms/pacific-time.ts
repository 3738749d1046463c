/**
 * ShipStation V1 reads and returns dates in Pacific time (PST/PDT) without an offset
 * (connectors FACTS.md section 3), e.g. "2015-06-29T08:46:27.0000000". The sandbox does the same:
 * instants it creates are written as Pacific wall-clock time; dates it is sent are taken as
 * Pacific when they carry no offset and converted to Pacific when they do ("...Z", "+02:00").
 *
 * Kept separate from the connector's conversions on purpose: if both sides shared one helper, a
 * bug in it would cancel out and no test would see it.
 */
const PACIFIC = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function pacificParts(ms: number): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const p of PACIFIC.formatToParts(new Date(ms))) parts[p.type] = p.value;
  return parts;
}

/** Epoch ms -> "2015-06-29T08:46:27.1230000" in Pacific time, ShipStation's 7-digit fraction. */
export function pacificDateTime(ms: number): string {
  const p = pacificParts(ms);
  const fraction = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${fraction}0000`;
}

/** Epoch ms -> "2015-06-29", the Pacific calendar date (shipDate). */
export function pacificDate(ms: number): string {
  const p = pacificParts(ms);
  return `${p.year}-${p.month}-${p.day}`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;
const WITH_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A date as a client sent it -> how ShipStation stores and returns it, or undefined when it is not
 * a date. Without an offset it already is Pacific wall-clock time and is only reformatted.
 */
export function toPacificDateTime(input: string): string | undefined {
  const text = input.trim();
  if (WITH_OFFSET.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : pacificDateTime(ms);
  }
  const m = LOCAL.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', f = ''] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}.${f.padEnd(7, '0')}`;
}
