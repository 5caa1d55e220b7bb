// Where a `node --cpu-prof` profile spends its time: self time by function and by package, as text.
// `node scripts/bench/profile-summary.ts <file.cpuprofile> [top]` prints it for any profile.
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The package (or area) a script URL belongs to, to group self time. */
function area(url: string): string {
  if (url === '') return '(native / V8)';
  if (url.startsWith('node:')) return 'node: internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1).replace(/^src\//, '') : path.basename(url);
}

/**
 * `window` (one or several) restricts the summary to samples taken within [from, to] (µs of the monotonic clock, which both
 * V8's profile timestamps and `process.hrtime` read on Linux): the measured phase, without start-up.
 */
export function summarizeProfile(
  file: string,
  top = 30,
  window?: { from: number; to: number } | readonly { from: number; to: number }[],
): string {
  const windows = window === undefined ? [] : Array.isArray(window) ? window : [window];
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (windows.length > 0 && !windows.some((w) => t >= w.from && t <= w.to)) return;
    self.set(id, (self.get(id) ?? 0) + delta);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${area(url)}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonyme)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const a = node.callFrame.functionName === '(idle)' ? '(idle)' : area(url);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const idle = byArea.get('(idle)') ?? 0;
  const busy = total - idle;
  const pct = (us: number): string => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  const lines = [
    `temps actif ${(busy / 1000).toFixed(0)} ms sur ${(total / 1000).toFixed(0)} ms échantillonnés (inactif exclu des %)`,
    '',
    'par zone (temps propre) :',
  ];
  for (const [a, us] of [...byArea]
    .filter(([a]) => a !== '(idle)')
    .sort((x, y) => y[1] - x[1])
    .slice(0, 15))
    lines.push(`  ${pct(us)}  ${a}`);
  lines.push('', `par fonction (temps propre, ${top} premières) :`);
  for (const [f, us] of [...byFunction]
    .filter(([f]) => !f.startsWith('(idle)'))
    .sort((x, y) => y[1] - x[1])
    .slice(0, top))
    lines.push(`  ${pct(us)}  ${f}`);
  return lines.join('\n');
}

if (import.meta.filename === process.argv[1] && process.argv[2]) {
  console.log(summarizeProfile(process.argv[2], Number(process.argv[3] ?? 30)));
}
