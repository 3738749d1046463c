import { z } from 'zod';

/**
 * How a setting is declared. Each flow lists its environment variables once, in config/<flow>.ts:
 * `setting(name, kind, { default | required, description })` inside a `defineSettings()` group.
 * config/env.ts composes the groups into the Config every process reads, and config/reference.ts
 * renders docs/configuration.md from the same declarations (`npm run docs:config`).
 */

/** The environment, or any map of variable names to text. */
export type Source = Readonly<Record<string, string | undefined>>;

/** How a value is written (`type`, shown in the reference) and how its text is parsed. */
export interface Kind<T> {
  readonly type: string;
  /** The parser; given the variable's name for messages that name it. */
  readonly schema: (env: string) => z.ZodType<T>;
}

export function kind<T>(type: string, schema: z.ZodType<T> | ((env: string) => z.ZodType<T>)): Kind<T> {
  return { type, schema: typeof schema === 'function' ? schema : () => schema };
}

export function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new Error(`invalid duration: ${text}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

const durationMs = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration such as 500ms, 30s, 10m, 1h or 7d')
  .transform(parseDurationMs);

/** A duration such as `500ms`, `30s`, `10m`, `1h` or `7d`, read as milliseconds. */
export const duration = kind('duration', durationMs);

/** Comma-separated durations, e.g. `10m,1h,6h`, read as milliseconds. */
export const durationList = kind(
  'durations, comma-separated',
  z.string().transform((v, ctx) => {
    const parts = v
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => durationMs.safeParse(p));
    const ms: number[] = [];
    for (const p of parts) {
      if (!p.success) {
        ctx.addIssue({ code: 'custom', message: 'a comma-separated list of durations, e.g. 10m,1h,6h' });
        return z.NEVER;
      }
      ms.push(p.data);
    }
    return ms;
  }),
);

export const text = kind('text', z.string().min(1));
export const url = kind('URL', z.url());
export const positiveInt = kind('integer > 0', z.coerce.number().int().positive());

/** `true`, `false`, `1` or `0`, read as a boolean. */
export const flag = kind(
  '`true`, `false`, `1` or `0`',
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
);

/** One of the listed words. */
export function oneOf<const V extends readonly [string, ...string[]]>(values: V): Kind<V[number]> {
  return kind(values.map((v) => `\`${v}\``).join(', '), z.enum(values));
}

/** A shared secret of at least `length` characters; a shorter one is refused with the variable's name. */
export function token(length: number): Kind<string> {
  return kind(`text, at least ${length} characters`, (env) => z.string().min(length, `${env} must be at least ${length} characters`));
}

interface SettingOptions {
  /** What the variable does, for the reference. */
  description: string;
  /** A credential, or a value holding one: it never has a default, only a value in the sandbox profile. */
  secret?: boolean;
  /** Its value in the sandbox profile (`bcsync dev`, the demo): no credentials needed there. */
  sandbox?: string;
}

/** One environment variable: its name, kind, default and description, declared once. */
export interface Setting<T> {
  readonly env: string;
  readonly type: string;
  /** The default as written in the environment; undefined when there is none. */
  readonly default?: string;
  /** Unset is an error. */
  readonly required: boolean;
  /** What leaving an optional variable unset means, for the reference. */
  readonly unset?: string;
  readonly description: string;
  readonly secret: boolean;
  readonly sandbox?: string;
  /** Parses the variable's text (undefined when unset), default applied. */
  readonly schema: z.ZodType<T>;
}

export function setting<T>(env: string, kind: Kind<T>, options: SettingOptions & { default: string; secret?: false }): Setting<T>;
export function setting<T>(env: string, kind: Kind<T>, options: SettingOptions & { required: true; unset?: string }): Setting<T>;
export function setting<T>(env: string, kind: Kind<T>, options: SettingOptions & { unset?: string }): Setting<T | undefined>;
export function setting<T>(env: string, kind: Kind<T>, options: SettingOptions & { default?: string; required?: boolean; unset?: string }): Setting<T> | Setting<T | undefined> {
  // The overloads refuse a secret with a default; this keeps a cast or a plain-JS caller from slipping one in.
  if (options.secret && options.default !== undefined) throw new Error(`${env}: a secret has no default (give it a sandbox value instead)`);
  const base = kind.schema(env);
  // The default is text, parsed like a value from the environment, so the reference shows what one would write.
  const schema: z.ZodType<T | undefined> = options.default !== undefined ? (base.prefault(options.default) as z.ZodType<T>) : options.required ? base : base.optional();
  return {
    env,
    type: kind.type,
    default: options.default,
    required: options.required === true,
    unset: options.unset,
    description: options.description,
    secret: options.secret === true,
    sandbox: options.sandbox,
    schema,
  };
}

type Fields = Record<string, Setting<unknown>>;
type ValueOf<S> = S extends Setting<infer T> ? T : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** A group's parsed values by field: a setting that may be unset is an optional field. */
export type SettingValues<F extends Fields> = Simplify<
  { -readonly [K in keyof F as undefined extends ValueOf<F[K]> ? never : K]: ValueOf<F[K]> } & {
    -readonly [K in keyof F as undefined extends ValueOf<F[K]> ? K : never]?: ValueOf<F[K]>;
  }
>;

/** A problem a group's check finds across its settings, reported under one of them. */
export interface SettingIssue<F extends Fields> {
  setting: keyof F & string;
  message: string;
}

/** The settings of one part of a flow, parsed together into one value of the Config. */
export interface SettingsGroup<F extends Fields = Fields, Out = unknown> {
  /** The flow the group belongs to: the reference's section. */
  readonly flow: string;
  readonly title: string;
  /** The module declaring it, e.g. `config/orders.ts`. */
  readonly module: string;
  readonly about?: string;
  readonly settings: F;
  /** The group's value, or every problem found (each naming its variable). */
  parse(source: Source): { ok: true; value: Out } | { ok: false; issues: string[] };
}

/** The value a group parses to. */
export type GroupValue<G> = G extends SettingsGroup<Fields, infer Out> ? Out : never;

export function defineSettings<F extends Fields, Out = SettingValues<F>>(group: {
  flow: string;
  title: string;
  module: string;
  about?: string;
  settings: F;
  /**
   * Rules across settings. Runs on the values that parsed (a failed one is missing), so one start-up
   * error names every problem; an issue under a variable that already failed is dropped.
   */
  check?: (values: Partial<SettingValues<F>>) => SettingIssue<F>[];
  /** The group's value in the Config, when it is more than the values by field. */
  derive?: (values: SettingValues<F>) => Out;
}): SettingsGroup<F, Out> {
  const { settings, check, derive } = group;
  return {
    flow: group.flow,
    title: group.title,
    module: group.module,
    about: group.about,
    settings,
    parse(source) {
      const values: Record<string, unknown> = {};
      const issues: string[] = [];
      const failed = new Set<string>();
      for (const [field, s] of Object.entries(settings)) {
        const parsed = s.schema.safeParse(source[s.env]);
        if (parsed.success) values[field] = parsed.data;
        else {
          failed.add(field);
          for (const issue of parsed.error.issues) issues.push(`${[s.env, ...issue.path.map(String)].join('.')}: ${issue.message}`);
        }
      }
      // values holds each field's parsed value (the failed ones missing), which is what the types say.
      for (const issue of check?.(values as Partial<SettingValues<F>>) ?? []) {
        if (!failed.has(issue.setting)) issues.push(`${settings[issue.setting]!.env}: ${issue.message}`);
      }
      if (issues.length > 0) return { ok: false, issues };
      const complete = values as SettingValues<F>;
      // Without derive, Out is SettingValues<F> (its default): the values are the group's value.
      return { ok: true, value: derive ? derive(complete) : (complete as Out) };
    },
  };
}
