import { describe, expect, it } from 'vitest';
import { runChurn } from '../../../scripts/churn/churn.ts';

describe('durability under churn, short form (the full one is `pnpm churn:sync`)', () => {
  it('[PERSIST3] [SYNC2] 5 kill -9 of the server while clients write: every update a client received is in the reloaded documents', async () => {
    const report = await runChurn({
      seed: Number(process.env['CHURN_SEED'] ?? 20_261_127),
      cycles: 5,
      docs: 2,
      clientsPerDoc: 2,
      writeEveryMs: 30,
      minUpMs: 50,
      maxUpMs: 400,
      log: () => {},
    });
    expect(report.violations).toEqual([]);
    expect(report.cycles).toBe(5);
    expect(report.received).toBeGreaterThan(0);
  }, 180_000);
});
