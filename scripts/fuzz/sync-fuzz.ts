// `pnpm fuzz:sync`: the frame fuzzer against a live server (see fuzz.ts and the README's "Robustness" part).
// FUZZ_SEED (default: random, printed) replays a run; FUZZ_FRAMES (default 1,000,000) sizes it.
import { FULL, describeReport, runFuzz } from './fuzz.ts';

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

const seed = envNumber('FUZZ_SEED', Math.floor(Math.random() * 2 ** 31));
const frames = envNumber('FUZZ_FRAMES', FULL.frames);
const concurrency = envNumber('FUZZ_CONCURRENCY', FULL.concurrency);
const maxP99Ms = envNumber('FUZZ_MAX_P99_MS', FULL.maxP99Ms);
console.log(`Fuzz du protocole de synchronisation — FUZZ_SEED=${seed} FUZZ_FRAMES=${frames}`);
const report = await runFuzz({
  ...FULL,
  seed,
  frames,
  concurrency,
  maxP99Ms,
  log: (line) => console.log(line),
});
for (const line of describeReport(report)) console.log(line);
if (report.violations.length > 0) {
  console.log(`✗ ${report.violations.length} violation(s) :`);
  for (const v of report.violations) console.log(`  - ${v}`);
  console.log(`Rejouer : FUZZ_SEED=${seed} FUZZ_FRAMES=${frames} pnpm fuzz:sync`);
  process.exit(1);
}
console.log('✓ aucune violation');
