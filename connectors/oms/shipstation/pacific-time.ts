/**
 * ShipStation V1 reads and returns dates in Pacific time (PST/PDT) with no offset (FACTS.md
 * section 3): "2015-06-29T08:46:27.0000000" is 08:46 in Los Angeles. Our model keeps instants in
 * UTC, so every date crosses here on its way in and out. Sending local Pacific time without an
 * offset is what ShipStation reads correctly, whatever it does with offsets.
 */
const ZONE = 'America/Los_Angeles';
const FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function pacificParts(ms: number): Parts {
  const p: Record<string, string> = {};
  for (const part of FORMAT.formatToParts(new Date(ms))) p[part.type] = part.value;
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second) };
}

/** Pacific's offset from UTC at an instant, in ms (-7 h in summer, -8 h in winter). */
function offsetMs(ms: number): number {
  const p = pacificParts(ms);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2024-07-01T15:30:00.000Z" -> "2024-07-01T08:30:00.0000000" (PDT). */
export function toPacificLocal(isoUtc: string): string {
  const ms = Date.parse(isoUtc);
  if (Number.isNaN(ms)) throw new Error(`not an ISO-8601 instant: ${JSON.stringify(isoUtc)}`);
  const p = pacificParts(ms);
  const fraction = pad(((ms % 1000) + 1000) % 1000, 3);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}.${fraction}0000`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;

/**
 * A ShipStation date ("2015-06-29T08:46:27.0000000", or a bare date) -> ISO-8601 UTC. Dates that
 * already carry an offset are taken at their word. In the hour repeated when DST ends, the
 * earlier (PDT) reading is chosen; ShipStation's strings cannot say which was meant.
 */
export function fromPacificLocal(local: string): string {
  const text = local.trim();
  if (/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new Error(`not a date: ${JSON.stringify(local)}`);
    return new Date(ms).toISOString();
  }
  const m = LOCAL.exec(text);
  if (!m) throw new Error(`not a ShipStation date: ${JSON.stringify(local)}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', f = '0'] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Math.floor(Number(`0.${f}`) * 1000));
  // Two passes: the offset at "wall as if UTC" can differ from the offset at the true instant
  // near a DST change; the second reading is at (almost) the true instant.
  const first = wall - offsetMs(wall);
  const second = wall - offsetMs(first);
  const candidates = [first, second].filter(
    (ms) => toPacificLocal(new Date(ms).toISOString()).slice(0, 19) === `${y}-${mo}-${d}T${pad(Number(h))}:${pad(Number(mi))}:${pad(Number(s))}`,
  );
  return new Date(candidates.length ? Math.min(...candidates) : second).toISOString();
}
