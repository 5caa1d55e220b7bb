/**
 * Sign-in throttling (AUTH6): failures are counted per e-mail and per client address. Past the free
 * attempts, each further failure locks the key for an exponentially growing delay; while locked, attempts
 * are refused with 429 and Retry-After before any password is hashed. A success clears the e-mail's count.
 */
export interface ThrottleOptions {
  /** Failures allowed per e-mail before locking (default 5). */
  freeAttemptsPerEmail?: number;
  /** Failures allowed per client address before locking (default 20: several people behind one NAT). */
  freeAttemptsPerAddress?: number;
  /** First lock duration; doubles with every further failure (default 15 s). */
  baseDelayMs?: number;
  /** Longest lock (default 15 min). */
  maxDelayMs?: number;
  /** Forget a key this long after its last failure (default 1 h). */
  forgetAfterMs?: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export class LoginThrottle {
  readonly #entries = new Map<string, Entry>();
  readonly #freeEmail: number;
  readonly #freeAddress: number;
  readonly #base: number;
  readonly #max: number;
  readonly #forget: number;
  #sweepAt = 0;

  constructor(options: ThrottleOptions = {}) {
    this.#freeEmail = options.freeAttemptsPerEmail ?? 5;
    this.#freeAddress = options.freeAttemptsPerAddress ?? 20;
    this.#base = options.baseDelayMs ?? 15_000;
    this.#max = options.maxDelayMs ?? 15 * 60_000;
    this.#forget = options.forgetAfterMs ?? 60 * 60_000;
  }

  /** Seconds to wait when one of the keys is locked, else 0. */
  retryAfter(email: string, address: string, now = Date.now()): number {
    this.#sweep(now);
    let until = 0;
    for (const key of [`e:${email}`, `a:${address}`]) {
      const entry = this.#entries.get(key);
      if (entry && entry.lockedUntil > until) until = entry.lockedUntil;
    }
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  fail(email: string, address: string, now = Date.now()): void {
    this.#fail(`e:${email}`, this.#freeEmail, now);
    this.#fail(`a:${address}`, this.#freeAddress, now);
  }

  succeed(email: string): void {
    this.#entries.delete(`e:${email}`);
  }

  #fail(key: string, free: number, now: number): void {
    const entry = this.#entries.get(key) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
    entry.failures++;
    entry.lastFailure = now;
    if (entry.failures >= free) {
      const delay = Math.min(this.#max, this.#base * 2 ** (entry.failures - free));
      entry.lockedUntil = now + delay;
    }
    this.#entries.set(key, entry);
  }

  #sweep(now: number): void {
    if (now < this.#sweepAt) return;
    this.#sweepAt = now + 60_000;
    for (const [key, entry] of this.#entries)
      if (entry.lockedUntil < now && now - entry.lastFailure > this.#forget) this.#entries.delete(key);
  }
}
