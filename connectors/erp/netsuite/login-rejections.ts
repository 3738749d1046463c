/**
 * Whether NetSuite's 401 "Invalid login attempt" still looks like load or has become a credentials
 * problem. NetSuite answers that 401 both to a bad credential and, under load, to a good one, so one
 * answer says nothing: what tells them apart is persistence. A streak starts at the first such 401
 * and ends at the first answer that proves the credential works (any answer but a 401, a 429 or a
 * 5xx). A streak of at least `minRejections` answers lasting at least `persistAfterMs` is
 * persistent: the process alerts once per streak, and ERP calls then fail as `ErpAuth` (parked for a
 * person) instead of being retried as back-pressure.
 *
 * One watch per process (`erpLoginRejections`): every request of the process feeds it, whichever
 * activity made it. Nothing here knows Temporal.
 */
export interface LoginRejectionStreak {
  /** 401 "Invalid login attempt" answers since the last answer that proved the credential. */
  rejections: number;
  sinceMs: number;
}

export interface LoginRejectionOptions {
  /** How long the streak must last before it counts as a credentials problem. */
  persistAfterMs: number;
  /** And how many answers it must hold (a single slow 401 does not make a streak old). */
  minRejections: number;
}

export const DEFAULT_LOGIN_REJECTION_OPTIONS: LoginRejectionOptions = { persistAfterMs: 10 * 60_000, minRejections: 5 };

export class LoginRejectionWatch {
  private streak: LoginRejectionStreak | undefined;
  private alerted = false;
  private readonly listeners: Array<(streak: LoginRejectionStreak) => void> = [];

  constructor(
    private options: LoginRejectionOptions = DEFAULT_LOGIN_REJECTION_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sets the thresholds (from the configuration, at the process's start). */
  configure(options: LoginRejectionOptions): void {
    this.options = options;
  }

  /** Called once per persistent streak, when it becomes persistent. */
  onPersistent(listener: (streak: LoginRejectionStreak) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** A 401 "Invalid login attempt". */
  rejected(): void {
    const now = this.now();
    this.streak = this.streak ? { ...this.streak, rejections: this.streak.rejections + 1 } : { rejections: 1, sinceMs: now };
    if (!this.alerted && this.persistent()) {
      this.alerted = true;
      const streak = { ...this.streak };
      for (const listener of [...this.listeners]) listener(streak);
    }
  }

  /** An answer that proves the credential works: the streak, if any, was load. */
  accepted(): void {
    this.streak = undefined;
    this.alerted = false;
  }

  /** The current streak, if any. */
  current(): LoginRejectionStreak | undefined {
    return this.streak ? { ...this.streak } : undefined;
  }

  /** Whether the current streak has lasted long enough, with enough answers, to be a credentials problem. */
  persistent(): boolean {
    const s = this.streak;
    return s !== undefined && s.rejections >= this.options.minRejections && this.now() - s.sinceMs >= this.options.persistAfterMs;
  }
}

/** The process's watch: fed by the governed fetch (governed-fetch.ts), read by the activities' failure classification. */
export const erpLoginRejections = new LoginRejectionWatch();
