import { invalid } from './errors';
import type { KlProfile } from './state';

/**
 * Klaviyo's `filter` query parameter for GET /api/profiles, as far as the sandbox serves it:
 * `equals(field,'value')` and `any(field,['a','b'])` on id, email, phone_number and external_id;
 * `greater-than(field,<date-time>)` and `less-than(...)` on created and updated; several
 * conditions joined by commas at the top level or inside `and(...)` must all hold. Anything else
 * is 400 with `source.parameter: "filter"`, as Klaviyo answers a filter it does not allow.
 */
type Condition = (p: KlProfile) => boolean;

const STRING_FIELDS = new Set(['id', 'email', 'phone_number', 'external_id']);
const DATE_FIELDS = new Set(['created', 'updated']);

export function parseProfileFilter(text: string): Condition {
  const parser = new Parser(text);
  const conditions = parser.list();
  parser.end();
  return (p) => conditions.every((c) => c(p));
}

class Parser {
  private i = 0;

  constructor(private readonly s: string) {}

  private fail(why: string): never {
    throw invalid(`Invalid filter provided: ${why}`, { parameter: 'filter' });
  }

  private ws(): void {
    while (this.s[this.i] === ' ') this.i++;
  }

  end(): void {
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected '${this.s.slice(this.i)}'`);
  }

  /** Conditions separated by commas. */
  list(): Condition[] {
    const out = [this.condition()];
    this.ws();
    while (this.s[this.i] === ',') {
      this.i++;
      out.push(this.condition());
      this.ws();
    }
    return out;
  }

  private name(): string {
    this.ws();
    const m = /^[a-z_.-]+/i.exec(this.s.slice(this.i));
    if (!m) this.fail(`expected an operator or a field at ${this.i}`);
    this.i += m[0].length;
    return m[0];
  }

  private expect(c: string): void {
    this.ws();
    if (this.s[this.i] !== c) this.fail(`expected '${c}' at ${this.i}`);
    this.i++;
  }

  private condition(): Condition {
    const op = this.name();
    this.expect('(');
    if (op === 'and') {
      const inner = this.list();
      this.expect(')');
      return (p) => inner.every((c) => c(p));
    }
    const field = this.name();
    this.expect(',');
    let cond: Condition;
    if (op === 'equals' && STRING_FIELDS.has(field)) {
      const value = this.string();
      cond = (p) => matches(field, p, [value]);
    } else if (op === 'any' && STRING_FIELDS.has(field)) {
      const values = this.stringList();
      cond = (p) => matches(field, p, values);
    } else if ((op === 'greater-than' || op === 'less-than') && DATE_FIELDS.has(field)) {
      const at = this.date();
      const value = (p: KlProfile) => Date.parse(field === 'created' ? p.created : p.updated);
      cond = op === 'greater-than' ? (p) => value(p) > at : (p) => value(p) < at;
    } else {
      this.fail(`'${op}' is not an allowed operator for '${field}'`);
    }
    this.expect(')');
    return cond;
  }

  private string(): string {
    this.ws();
    const quote = this.s[this.i];
    if (quote !== "'" && quote !== '"') this.fail(`expected a quoted value at ${this.i}`);
    const close = this.s.indexOf(quote, this.i + 1);
    if (close < 0) this.fail('unterminated string');
    const value = this.s.slice(this.i + 1, close);
    this.i = close + 1;
    return value;
  }

  private stringList(): string[] {
    this.expect('[');
    const out = [this.string()];
    this.ws();
    while (this.s[this.i] === ',') {
      this.i++;
      out.push(this.string());
      this.ws();
    }
    this.expect(']');
    return out;
  }

  private date(): number {
    this.ws();
    const m = /^[0-9T:.+Z-]+/.exec(this.s.slice(this.i));
    const at = m ? Date.parse(m[0]) : Number.NaN;
    if (!m || Number.isNaN(at)) this.fail(`expected a date-time at ${this.i}`);
    this.i += m[0].length;
    return at;
  }
}

function matches(field: string, p: KlProfile, values: string[]): boolean {
  if (field === 'id') return values.includes(p.id);
  const v = p.fields[field as 'email' | 'phone_number' | 'external_id'];
  if (v === null) return false;
  return field === 'email' ? values.some((x) => x.toLowerCase() === v.toLowerCase()) : values.includes(v);
}
