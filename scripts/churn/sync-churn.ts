// `pnpm churn:sync`: durability under churn (see churn.ts and the README's "Robustness" part).
// CHURN_SEED (default: random, printed) replays the kill timings; CHURN_CYCLES (default 200) sizes the run.
import { FULL, runChurn } from './churn.ts';

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`✗ ${name} invalide : ${raw}`);
    process.exit(2);
  }
  return n;
}

const seed = envNumber('CHURN_SEED', Math.floor(Math.random() * 2 ** 31));
const cycles = envNumber('CHURN_CYCLES', FULL.cycles);
console.log(`Arrêts brutaux du serveur pendant l’écriture — CHURN_SEED=${seed} CHURN_CYCLES=${cycles}`);
const started = performance.now();
const report = await runChurn({ ...FULL, seed, cycles, log: (line) => console.log(line) });
console.log(
  `${report.cycles} arrêts brutaux (kill -9) en ${((performance.now() - started) / 1000).toFixed(0)} s ; ` +
    `${report.typed} modifications tapées, ${report.received} mises à jour reçues du serveur par les clients`,
);
console.log(
  `Resynchronisation de tous les clients après un redémarrage : p50 ${report.resync.p50.toFixed(0)} ms, max ${report.resync.max.toFixed(0)} ms`,
);
if (report.violations.length > 0) {
  console.log(`✗ ${report.violations.length} violation(s) :`);
  for (const v of report.violations) console.log(`  - ${v}`);
  console.log(`Rejouer : CHURN_SEED=${seed} CHURN_CYCLES=${cycles} pnpm churn:sync`);
  process.exit(1);
}
console.log('✓ rien de perdu');
