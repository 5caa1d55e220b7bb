import { describe, expect, it } from 'vitest';
import { runConvergence } from './convergence.ts';

// `npm test` runs a short pass; `pnpm fuzz:long` runs thousands of seeds. FUZZ_SEED replays one seed.
const runs = Number(process.env.FUZZ_RUNS ?? 60);
const only = process.env.FUZZ_SEED;
const base = Number(process.env.FUZZ_BASE ?? Date.now() % 1_000_000);

describe('[MODEL4] convergence fuzz', () => {
  // Seeds that once failed stay here as named regressions.
  // 3554: a rename's deletion of the old title applied before the new title left a step invisible, so removing
  // its parent deleted a sub-step nobody could see.
  it.each([1, 2, 3, 42, 3554])('regression seed %i converges', (seed) => {
    // Without exercises the seed replays exactly the scenario it was recorded with; with them, a richer one.
    expect(() => runConvergence(seed, { exercises: false })).not.toThrow();
    expect(() => runConvergence(seed)).not.toThrow();
  });

  it('exercise operations really run: placed, answered of every kind, commented', () => {
    const totals = { exercises: 0, comments: 0, answered: 0 };
    for (let seed = 1; seed <= 3; seed++) {
      const summary = runConvergence(seed);
      totals.exercises += summary.exercises;
      totals.comments += summary.comments;
      totals.answered += summary.answered;
    }
    expect(totals.exercises).toBeGreaterThan(0);
    expect(totals.comments).toBeGreaterThan(0);
    expect(totals.answered).toBeGreaterThan(totals.exercises);
    expect(runConvergence(7, { exercises: false }).exercises).toBe(0);
  });

  it(
    `random peers converge (${only ? `seed ${only}` : `${runs} seeds from ${base}`})`,
    () => {
      const seeds = only ? [Number(only)] : Array.from({ length: runs }, (_, i) => base + i);
      for (const seed of seeds) {
        try {
          runConvergence(seed);
        } catch (error) {
          // The seed is in the message; replay it with FUZZ_SEED=<seed>.
          console.error(`convergence fuzz failed — replay with FUZZ_SEED=${seed}`);
          throw error;
        }
      }
      expect(seeds.length).toBeGreaterThan(0);
    },
    30_000 + runs * 20,
  );
});
