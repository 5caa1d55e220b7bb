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

const [vitestFile, playwrightFile] = process.argv.slice(2);
const total: Totals = { passed: 0, failed: 0, skipped: 0 };
let missing = false;
for (const [file, read] of [
  [vitestFile, vitest],
  [playwrightFile, playwright],
] as const) {
  if (!file || !existsSync(file)) {
    console.error(`rapport absent : ${file ?? '(non fourni)'}`);
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
