// Totals the JSON reports of every suite into the one closing line CI reads: "N passed, N failed, N skipped".
// A missing report counts as a failed suite, so a runner that crashed cannot look green.
import { existsSync, readFileSync } from 'node:fs';

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

function vitest(file: string): Totals {
  const r = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
}

function playwright(file: string): Totals {
  const r = JSON.parse(readFileSync(file, 'utf8')) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
    errors?: unknown[];
  };
  const s = r.stats;
  return { passed: s.expected + s.flaky, failed: s.unexpected + (r.errors?.length ?? 0), skipped: s.skipped };
}

// Reports are named by their runner: `vitest:<file>` or `playwright:<file>` (several of each may be given).
const args = process.argv.slice(2);
const checkArg = args.find((a) => a.startsWith('--check='));
const readers = { vitest, playwright } as const;
// The static checks (format, lint, types) count as one suite-level test, so a failing check shows in the total.
const total: Totals = { passed: 0, failed: 0, skipped: 0 };
if (checkArg === '--check=passed') total.passed += 1;
else if (checkArg === '--check=failed') total.failed += 1;
let missing = false;
for (const arg of args.filter((a) => !a.startsWith('--'))) {
  const [kind, file] = [arg.slice(0, arg.indexOf(':')), arg.slice(arg.indexOf(':') + 1)];
  const read = readers[kind as keyof typeof readers];
  if (!read || !file || !existsSync(file)) {
    console.error(`rapport absent : ${arg}`);
    total.failed += 1;
    missing = true;
    continue;
  }
  const t = read(file);
  total.passed += t.passed;
  total.failed += t.failed;
  total.skipped += t.skipped;
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || missing ? 1 : 0);
