/** The server's notion of "now" (ms since epoch), injected so tests can move time forward (CLOCK1). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that follows another one plus an offset that only grows. Used when `COMPAGNON_CLOCK_CONTROL=1`
 * (tests only): `POST /api/test/clock` calls `advance`.
 */
export class AdjustableClock implements Clock {
  readonly #base: Clock;
  #offset = 0;

  constructor(base: Clock = systemClock) {
    this.#base = base;
  }

  now(): number {
    return this.#base.now() + this.#offset;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance: a non-negative duration is expected');
    this.#offset += ms;
    return this.now();
  }
}
