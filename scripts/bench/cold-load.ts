// Workload L — cold load: how long a client waits for its first sync of a document with a long history
// that no room holds (the server just started).
//
// Our server: each document's history (`edits.ts`, ~29-byte updates of two people typing) is written as
// log rows with the storage layer into a copy of the fixture's data folder, before the server starts.
// "raw" is the first pass over those rows as appended (one row per update: a log no compaction has
// touched); the server is then stopped with SIGTERM, which unloads every room and so compacts each
// document to one row by its own rule (SYNC5, PERSIST2), and started again: "compacted" is the pass over
// those snapshots. Each document is measured alone, one after the other: from the connection attempt to
// the sync step 2 ("cold": the first client, the room is built from storage during the upgrade, SYNC1),
// then a second client of the same, now loaded, document ("warm"). A few warm-up documents of the same
// size go first after each start (the process's first loads also compile the code paths) and are reported
// apart.
//
// The reference keeps documents in memory only: a client sends it the same history as individual update
// frames, leaves, and the first client to join afterwards is timed ("memory"): no load from storage.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStorage } from '../../sync-server/src/storage/storage.ts';
import { editingHistory, historyStateVector } from './edits.ts';
import { stateVectorOf, updateFrame } from './frames.ts';
import type { DocTarget } from './load.ts';
import {
  cpuMs,
  isOurs,
  machineBusyMs,
  removeDir,
  type Fixture,
  type ServerKind,
  type ServerProcess,
} from './servers.ts';
import { firstSync, missingClients, percentiles, sendAll, type Percentiles } from './sync-client.ts';

export interface ColdLoadConfig {
  /** Stored updates per document, one set of documents per size. */
  sizes: number[];
  /** Measured documents per size. */
  docs: number;
  /** Documents loaded (and reported apart) before the measured ones, after each start. */
  warmup: number;
  /** People typing in each document. */
  writers: number;
}

/** The targets for the compacted variant: first sync p99 (ms) by stored updates. */
export const COLD_TARGETS: ReadonlyMap<number, number> = new Map([
  [10_000, 20],
  [100_000, 120],
]);

/** Documents of the fixture the workload uses: sizes × (warm-up + measured). */
export const coldDocCount = (c: ColdLoadConfig): number => c.sizes.length * (c.warmup + c.docs);

export interface ColdLoadRun {
  kind: ServerKind;
  fixture: Fixture | null;
  config: ColdLoadConfig;
  /** Starts the server under test (ours on `dataDir`; the reference ignores it). */
  start(dataDir: string | null): Promise<ServerProcess>;
  target(server: ServerProcess, docIndex: number): DocTarget;
  label: string;
  record(row: Record<string, unknown>): void;
  /** Where the measured phases were, on the monotonic clock (µs), for the CPU profile. */
  windows: { from: number; to: number }[];
}

interface Prepared {
  history: Uint8Array[];
  /** The state vector a sync answer must reach, by size. */
  expected: Map<number, Map<number, number>>;
  /** Our servers' data folder with every history appended (copied for each pass). */
  templateDir: string | null;
}

let prepared: Prepared | null = null;

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

function history(config: ColdLoadConfig): Pick<Prepared, 'history' | 'expected'> {
  if (prepared) return prepared;
  const largest = Math.max(...config.sizes);
  const started = performance.now();
  // One history; a smaller size is its beginning. The documents of a size all hold the same rows.
  const updates = editingHistory(largest, config.writers);
  const expected = new Map(config.sizes.map((size) => [size, historyStateVector(updates, size)]));
  const bytes = updates.reduce((sum, u) => sum + u.length, 0);
  console.log(
    `  historique de ${largest} mises à jour (${fmt(bytes / largest)} o en moyenne) fait en ${fmt((performance.now() - started) / 1000)} s`,
  );
  prepared = { history: updates, expected, templateDir: null };
  return prepared;
}

/** The fixture's data folder with each L document's history appended as log rows, made once. */
async function template(fixture: Fixture, config: ColdLoadConfig): Promise<string> {
  const h = history(config);
  if (prepared?.templateDir) return prepared.templateDir;
  const started = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'compagnon-bench-l-'));
  cpSync(fixture.templateDir, dir, { recursive: true });
  const storage = openStorage(dir);
  try {
    const perSize = config.warmup + config.docs;
    for (let s = 0; s < config.sizes.length; s++) {
      const size = config.sizes[s]!;
      for (let j = 0; j < perSize; j++) {
        const name = fixture.docs[s * perSize + j]!.name;
        const rows = h.history.slice(0, size).map((u) => [name, u] as const);
        await storage.transaction(() => storage.docs.appendMany(rows));
      }
    }
  } finally {
    await storage.close();
  }
  console.log(
    `  ${coldDocCount(config)} documents écrits dans le journal en ${fmt((performance.now() - started) / 1000)} s`,
  );
  prepared!.templateDir = dir;
  return dir;
}

export function cleanupColdLoad(): void {
  if (prepared?.templateDir) removeDir(prepared.templateDir);
  prepared = null;
}

interface SizeResult {
  size: number;
  cold: Percentiles;
  afterOpen: Percentiles;
  warm: Percentiles;
  warmup: number[];
  /**
   * Server CPU (user + system, all its threads) per measured connection, ms: on a shared machine the
   * latencies also hold the time the server waited for its core, this does not.
   */
  cpuMs: { cold: number; warm: number };
  /** Share of a core the rest of the machine (other processes) used meanwhile. */
  otherShare: number;
  /** Documents whose answer missed part of the history. */
  incomplete: number;
}

/** Measures every size's documents one after the other on a freshly started server. */
async function pass(run: ColdLoadRun, server: ServerProcess): Promise<SizeResult[]> {
  const { config } = run;
  const expected = history(config).expected;
  const perSize = config.warmup + config.docs;
  const results: SizeResult[] = [];
  const from = nowUs();
  for (let s = 0; s < config.sizes.length; s++) {
    const size = config.sizes[s]!;
    const cold: number[] = [];
    const afterOpen: number[] = [];
    const warm: number[] = [];
    const warmup: number[] = [];
    let incomplete = 0;
    let coldCpu = 0;
    let warmCpu = 0;
    const busy0 = machineBusyMs();
    const mine0 = cpuMs(server.pid) + cpuMs(process.pid);
    const wall0 = performance.now();
    for (let j = 0; j < perSize; j++) {
      const target = run.target(server, s * perSize + j);
      const cpu0 = cpuMs(server.pid);
      const first = await firstSync(target);
      const cpu1 = cpuMs(server.pid);
      if (missingClients(expected.get(size)!, stateVectorOf(first.update)).length > 0) incomplete++;
      if (j < config.warmup) {
        warmup.push(first.totalMs);
        continue;
      }
      cold.push(first.totalMs);
      afterOpen.push(first.afterOpenMs);
      coldCpu += cpu1 - cpu0;
      warm.push((await firstSync(target)).totalMs);
      warmCpu += cpuMs(server.pid) - cpu1;
    }
    results.push({
      size,
      cold: percentiles(cold),
      afterOpen: percentiles(afterOpen),
      warm: percentiles(warm),
      warmup,
      cpuMs: { cold: coldCpu / config.docs, warm: warmCpu / config.docs },
      otherShare:
        (machineBusyMs() - busy0 - (cpuMs(server.pid) + cpuMs(process.pid) - mine0)) /
        (performance.now() - wall0),
      incomplete,
    });
  }
  run.windows.push({ from, to: nowUs() });
  return results;
}

/** Rows of each measured document in the log (compaction leaves one). */
async function rowCounts(run: ColdLoadRun, dataDir: string): Promise<Percentiles> {
  const storage = openStorage(dataDir);
  try {
    const perSize = run.config.warmup + run.config.docs;
    const counts: number[] = [];
    for (let i = 0; i < run.config.sizes.length * perSize; i++)
      counts.push(await storage.docs.count(run.fixture!.docs[i]!.name));
    return percentiles(counts);
  } finally {
    await storage.close();
  }
}

function report(run: ColdLoadRun, variant: string, results: SizeResult[], extra: Record<string, unknown>) {
  for (const r of results) {
    const target = variant === 'compacted' ? COLD_TARGETS.get(r.size) : undefined;
    const verdict =
      target === undefined ? '' : `  cible p99 ≤ ${target} ms ${r.cold.p99 <= target ? '✓' : '✗'}`;
    console.log(
      `${run.label} ${variant.padEnd(9)} ${String(r.size).padStart(7)} màj : 1re synchro p50 ${fmt(r.cold.p50, 1)} ms` +
        ` p99 ${fmt(r.cold.p99, 1)} ms max ${fmt(r.cold.max, 1)} ms (${r.cold.samples} docs; après open p50 ${fmt(r.afterOpen.p50, 1)} ms;` +
        ` chargé p50 ${fmt(r.warm.p50, 1)} ms p99 ${fmt(r.warm.p99, 1)} ms; échauffement ${r.warmup.map((w) => fmt(w, 0)).join(', ')} ms;` +
        ` CPU serveur ${fmt(r.cpuMs.cold, 1)} ms par 1re synchro, ${fmt(r.cpuMs.warm, 1)} ms chargé; autres ${fmt(100 * r.otherShare, 0)} %)` +
        (r.incomplete ? `  ⚠ ${r.incomplete} réponses incomplètes` : '') +
        verdict,
    );
    run.record({
      variant,
      updates: r.size,
      docs: r.cold.samples,
      latencyMs: r.cold,
      afterOpenMs: r.afterOpen,
      warmMs: r.warm,
      warmupMs: r.warmup,
      serverCpuMs: r.cpuMs,
      otherCpuShare: r.otherShare,
      incomplete: r.incomplete,
      ...(target !== undefined ? { targetP99Ms: target, met: r.cold.p99 <= target } : {}),
      ...extra,
    });
  }
}

export async function runColdLoad(run: ColdLoadRun): Promise<void> {
  const { config } = run;
  if (!isOurs(run.kind)) {
    const h = history(config);
    const server = await run.start(null);
    try {
      // The same history, sent as individual frames by one client that then leaves; the document stays
      // in the reference's memory (it has no storage).
      const started = performance.now();
      const frames = h.history.map(updateFrame);
      const perSize = config.warmup + config.docs;
      for (let s = 0; s < config.sizes.length; s++)
        for (let j = 0; j < perSize; j++)
          await sendAll(run.target(server, s * perSize + j), frames.slice(0, config.sizes[s]!));
      console.log(`  historiques envoyés à la référence en ${fmt((performance.now() - started) / 1000)} s`);
      report(run, 'memory', await pass(run, server), {});
    } finally {
      await server.stop();
    }
    return;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'compagnon-bench-run-'));
  try {
    cpSync(await template(run.fixture!, config), dataDir, { recursive: true });
    const rawRows = await rowCounts(run, dataDir);
    let server = await run.start(dataDir);
    let results: SizeResult[];
    try {
      results = await pass(run, server);
    } finally {
      // SIGTERM: the server unloads every room, compacting each one's log (SYNC5, PERSIST2).
      const stopping = performance.now();
      await server.stop(600_000);
      console.log(
        `  arrêt du serveur (compaction des documents chargés) en ${fmt((performance.now() - stopping) / 1000)} s`,
      );
    }
    report(run, 'raw', results, { rows: rawRows });
    const compactedRows = await rowCounts(run, dataDir);
    server = await run.start(dataDir);
    try {
      results = await pass(run, server);
    } finally {
      await server.stop(600_000);
    }
    report(run, 'compacted', results, { rows: compactedRows });
  } finally {
    removeDir(dataDir);
  }
}
