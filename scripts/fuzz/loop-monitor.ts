// Preloaded into the server under test (`node --import <this file> sync-server/src/main.ts`) by the fuzzer:
// measures how long the server spends on each incoming WebSocket message, and the event loop's delay, and
// writes them as JSON to `FUZZ_MONITOR_FILE` every 200 ms. SIGUSR2 starts the figures afresh. Nothing of
// the server is changed: `ws`'s `emit` is wrapped to time the 'message' listeners (our handler).
//
// Wall time inside a handler also counts the moments the OS ran something else (two busy cores); the
// thread's own CPU time does not, so the verdict on a frame is its CPU time, its wall time is reported.
import { renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env['FUZZ_MONITOR_FILE'];
const require = createRequire(path.resolve(import.meta.dirname, '../../sync-server/package.json'));
const { WebSocket } = require('ws') as {
  WebSocket: { prototype: { emit: (...args: unknown[]) => boolean } };
};

interface Figures {
  messages: number;
  maxWallMs: number;
  maxCpuMs: number;
  /** The first bytes (message type, sub-type) and size of the message that cost the most CPU. */
  slowest: { head: string; bytes: number } | null;
  over10msWall: number;
  over50msCpu: number;
  /** Longest stretch the loop did not turn (ms, wall time). */
  maxBlockWallMs: number;
  /** Longest stretch the loop did not turn while this thread computed (the CPU it spent meanwhile). */
  maxBusyBlockMs: number;
  /** Longest garbage-collection pause, and the pauses over 20 ms. */
  maxGcMs: number;
  gcOver20ms: number;
  /** The longest busy stretches (ms, wall time since start) with the GC pauses that fell in them. */
  blocks: { at: number; busyMs: number; gcMs: number }[];
}

const fresh = (): Figures => ({
  messages: 0,
  maxWallMs: 0,
  maxCpuMs: 0,
  slowest: null,
  over10msWall: 0,
  over50msCpu: 0,
  maxBlockWallMs: 0,
  maxBusyBlockMs: 0,
  maxGcMs: 0,
  gcOver20ms: 0,
  blocks: [],
});
let figures = fresh();
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();

const cpuMs = (): number => {
  const usage = process.threadCpuUsage();
  return (usage.user + usage.system) / 1000;
};

const emit = WebSocket.prototype.emit;
WebSocket.prototype.emit = function (this: unknown, ...args: unknown[]): boolean {
  if (args[0] !== 'message') return emit.apply(this, args);
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  try {
    return emit.apply(this, args);
  } finally {
    const wall = performance.now() - wall0;
    const cpu = cpuMs() - cpu0;
    figures.messages++;
    if (wall > figures.maxWallMs) figures.maxWallMs = wall;
    if (cpu > figures.maxCpuMs) {
      figures.maxCpuMs = cpu;
      const data = args[1];
      if (data instanceof Uint8Array)
        figures.slowest = { head: Buffer.from(data.subarray(0, 4)).toString('hex'), bytes: data.length };
    }
    if (wall > 10) figures.over10msWall++;
    if (cpu > 50) figures.over50msCpu++;
  }
};

let recentGc: { end: number; ms: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.duration > figures.maxGcMs) figures.maxGcMs = entry.duration;
    if (entry.duration > 20) figures.gcOver20ms++;
    recentGc.push({ end: entry.startTime + entry.duration, ms: entry.duration });
  }
}).observe({ entryTypes: ['gc'] });

// A 5 ms tick: a late tick means the loop was held; the CPU spent meanwhile says by whom.
let lastWall = performance.now();
let lastCpu = cpuMs();
setInterval(() => {
  const wall = performance.now();
  const cpu = cpuMs();
  const held = wall - lastWall - 5;
  if (held > figures.maxBlockWallMs) figures.maxBlockWallMs = held;
  const busy = Math.min(held, cpu - lastCpu);
  if (busy > figures.maxBusyBlockMs) figures.maxBusyBlockMs = busy;
  // The ten longest, with the GC that ran in them.
  if (busy > 20 && (figures.blocks.length < 10 || busy > figures.blocks.at(-1)!.busyMs)) {
    const gcMs = recentGc.filter((g) => g.end >= lastWall).reduce((sum, g) => sum + g.ms, 0);
    figures.blocks.push({ at: Math.round(wall), busyMs: Math.round(busy), gcMs: Math.round(gcMs) });
    figures.blocks.sort((a, b) => b.busyMs - a.busyMs);
    figures.blocks.length = Math.min(figures.blocks.length, 10);
  }
  recentGc = recentGc.filter((g) => g.end >= wall - 1000);
  lastWall = wall;
  lastCpu = cpu;
}, 5).unref();

// The server's error lines (with their stacks), the first few: what made a room drop, for instance.
const errors: string[] = [];
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]): void => {
  if (errors.length < 20) errors.push(args.map(String).join(' ').slice(0, 2000));
  consoleError(...args);
};

function write(): void {
  if (!file) return;
  const snapshot = {
    ...figures,
    loopDelay: {
      p50: delay.percentile(50) / 1e6,
      p99: delay.percentile(99) / 1e6,
      max: delay.max / 1e6,
    },
    errors,
    pid: process.pid,
    at: Date.now(),
  };
  writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
  renameSync(`${file}.tmp`, file);
}

setInterval(write, 200).unref();
process.on('exit', write);
process.on('SIGUSR2', () => {
  figures = fresh();
  delay.reset();
  write();
});
