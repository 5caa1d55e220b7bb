// Preloaded into the server under test (`node --import <this file> sync-server/src/main.ts`) by the fuzzer:
// measures how long the server spends on each incoming WebSocket message, and the event loop's delay, and
// writes them as JSON to `FUZZ_MONITOR_FILE` every 200 ms. SIGUSR2 starts the figures afresh. Nothing of
// the server is changed: `ws`'s `emit` is wrapped to time the 'message' listeners (our handler).
//
// Wall time inside a handler also counts the moments the OS ran something else (two busy cores); the
// thread's own CPU time does not, so the verdict on a frame is its CPU time, its wall time is reported.
import { createHook } from 'node:async_hooks';
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
  /** The same without the garbage-collection pauses in it: the server's own code. */
  maxOwnBlockMs: number;
  /** Longest garbage-collection pause, and the pauses over 20 ms. */
  maxGcMs: number;
  gcOver20ms: number;
  /** The ten longest busy stretches not spent in GC (ms; `at`: since start) with the GC within them. */
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
  maxOwnBlockMs: 0,
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

// Garbage-collection pauses of the last seconds (their entries arrive a little after the pause).
let gcLog: { start: number; end: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.duration > figures.maxGcMs) figures.maxGcMs = entry.duration;
    if (entry.duration > 20) figures.gcOver20ms++;
    if (entry.duration >= 1) gcLog.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  }
}).observe({ entryTypes: ['gc'] });

const gcWithin = (start: number, end: number): number =>
  gcLog.reduce((sum, g) => sum + Math.max(0, Math.min(end, g.end) - Math.max(start, g.start)), 0);

// A 5 ms tick: a late tick means the loop was held; the CPU spent meanwhile says by whom. A long stretch
// is attributed half a second later, once the GC entries of that moment have arrived: what is not GC is
// the server's own code (`maxOwnBlockMs`).
let lastWall = performance.now();
let lastCpu = cpuMs();
let unattributed: { start: number; end: number; busy: number }[] = [];
setInterval(() => {
  const wall = performance.now();
  const cpu = cpuMs();
  const held = wall - lastWall - 5;
  if (held > figures.maxBlockWallMs) figures.maxBlockWallMs = held;
  const busy = Math.min(held, cpu - lastCpu);
  if (busy > figures.maxBusyBlockMs) figures.maxBusyBlockMs = busy;
  if (busy > 20) unattributed.push({ start: lastWall, end: wall, busy });
  unattributed = unattributed.filter((block) => {
    if (block.end > wall - 500) return true;
    const gcMs = Math.min(block.busy, gcWithin(block.start, block.end));
    const own = block.busy - gcMs;
    if (own > figures.maxOwnBlockMs) figures.maxOwnBlockMs = own;
    figures.blocks.push({
      at: Math.round(block.end),
      busyMs: Math.round(block.busy),
      gcMs: Math.round(gcMs),
    });
    figures.blocks.sort((a, b) => b.busyMs - b.gcMs - (a.busyMs - a.gcMs));
    figures.blocks.length = Math.min(figures.blocks.length, 10);
    return false;
  });
  gcLog = gcLog.filter((g) => g.end >= wall - 10_000);
  lastWall = wall;
  lastCpu = cpu;
}, 5).unref();

// FUZZ_MONITOR_CALLBACKS=1: also times every callback the event loop runs (timers, immediates, sockets,
// promise jobs) and keeps the ten costliest with their kind — to find what held the loop. Costly itself.
const callbacks: { kind: string; cpuMs: number }[] = [];
if (process.env['FUZZ_MONITOR_CALLBACKS'] === '1') {
  const kinds = new Map<number, string>();
  const running: { id: number; cpu: number }[] = [];
  createHook({
    init: (id, type) => void kinds.set(id, type),
    destroy: (id) => void kinds.delete(id),
    promiseResolve: (id) => void kinds.delete(id),
    before: (id) => void running.push({ id, cpu: cpuMs() }),
    after: (id) => {
      const top = running.pop();
      if (!top || top.id !== id) return;
      const cpu = cpuMs() - top.cpu;
      if (cpu < 20 || (callbacks.length >= 10 && cpu <= callbacks.at(-1)!.cpuMs)) return;
      callbacks.push({ kind: kinds.get(id) ?? '?', cpuMs: Math.round(cpu) });
      callbacks.sort((a, b) => b.cpuMs - a.cpuMs);
      callbacks.length = Math.min(callbacks.length, 10);
    },
  }).enable();
}

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
    callbacks,
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
