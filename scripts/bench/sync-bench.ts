// `pnpm bench:sync`: our sync server (auth on, durable SQLite) against the reference y-websocket server
// (in memory, no auth), driven by the same load generator. See the README's "Benchmark" section.
//
// Options: `--name=value` flags or `BENCH_NAME` environment variables (e.g. `--a-docs=20`, `BENCH_A_DOCS=20`);
// `--short` is a < 1 min smoke form; `--profile` runs workload A (or those of `--workloads`) once against
// our server under `node --cpu-prof` and prints where its time goes. Workloads L (cold load) and K (kill -9
// and reconnect) are in cold-load.ts and kill-storm.ts.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  COLD_TARGETS,
  cleanupColdLoad,
  coldDocCount,
  runColdLoad,
  type ColdLoadConfig,
} from './cold-load.ts';
import { KillStorm } from './kill-storm.ts';
import { Load, type DocTarget, type PhaseResult } from './load.ts';
import { summarizeProfile } from './profile-summary.ts';
import {
  REPO_ROOT,
  copyDataDir,
  cpuMs,
  cpuTimes,
  hasTaskset,
  isOurs,
  machineBusyMs,
  prepareFixture,
  removeDir,
  rssMiB,
  startServer,
  type Fixture,
  type ServerKind,
  type ServerProcess,
} from './servers.ts';

const DEFAULTS = {
  workloads: 'A,B,C,D,R,L,K',
  servers: 'ours,reference',
  runs: 3,
  warmup: 2,
  /** Characters typed per update: 8 makes a ~30-byte frame. */
  chunk: 8,
  aDocs: 100,
  aClients: 10,
  aRate: 5,
  aSeconds: 20,
  bDocs: 1000,
  bClients: 2,
  bRate: 2,
  bSeconds: 20,
  cDocs: 100,
  cClients: 10,
  cStart: 10,
  cFactor: 1.5,
  cSeconds: 5,
  cMaxSteps: 14,
  cMaxP99: 50,
  cMinDelivery: 0.999,
  dDocs: 500,
  dClients: 10,
  dRate: 1,
  dSeconds: 20,
  rDocs: 100,
  rClients: 10,
  /** Seconds of typing at 5 updates/s per document before the storm, so that the documents hold content. */
  rSeconds: 5,
  /** L: stored updates per document (comma-separated sizes), measured documents per size, warm-up ones. */
  lSizes: '10000,100000',
  lDocs: 20,
  lWarmup: 2,
  /** L: people typing the history of each document. */
  lWriters: 2,
  /** K: clients on documents, typing at `kRate` updates/s per document for `kSeconds` before the kill. */
  kDocs: 1000,
  kClients: 2,
  kRate: 2,
  kSeconds: 5,
  /** K: each client reconnects after a random 0–`kJitter` ms (y-websocket's first backoff is 200 ms). */
  kJitter: 200,
  /** Before each pass, wait up to this many seconds for the rest of the machine to use < `quiet` of a core. */
  waitQuiet: 120,
  quiet: 0.25,
  /**
   * Scheduling priority (`nice`) of the servers and the generator, the same for all: a negative value
   * (needs root) shields the measurement from other jobs on a shared machine. 0 leaves it unchanged.
   */
  nice: 0,
  /**
   * Path of another checkout's `sync-server/src/main.ts`: that version of our server joins the runs as
   * `baseline` (before/after a change), set up and measured exactly like ours.
   */
  baseline: '',
  /** Extra Node flags for our server (space-separated), e.g. `--perf-basic-prof`. */
  nodeArgs: '',
  out: '',
  short: false,
  profile: false,
};
type Options = typeof DEFAULTS;

const SHORT: Partial<Options> = {
  runs: 1,
  warmup: 1,
  aDocs: 20,
  aSeconds: 3,
  bDocs: 200,
  bSeconds: 3,
  cDocs: 20,
  cStart: 20,
  cFactor: 3,
  cSeconds: 2,
  cMaxSteps: 2,
  dDocs: 50,
  dSeconds: 2,
  rDocs: 10,
  rSeconds: 1,
  lSizes: '1000,5000',
  lDocs: 2,
  lWarmup: 1,
  kDocs: 50,
  kSeconds: 1,
};

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (key: string): string => `BENCH_${kebab(key).replace(/-/g, '_').toUpperCase()}`;

function parseOptions(argv: string[]): Options {
  const given = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`Option inconnue : ${arg}`);
    given.set(match[1]!, match[2] ?? 'true');
  }
  const raw = (key: keyof Options): string | undefined => given.get(kebab(key)) ?? process.env[envName(key)];
  const isTrue = (v: string | undefined): boolean => v === 'true' || v === '1';
  const options: Options = { ...DEFAULTS, ...(isTrue(raw('short')) ? SHORT : {}) };
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(DEFAULTS) as (keyof Options)[]) {
    const value = raw(key);
    if (value === undefined) continue;
    const kind = typeof DEFAULTS[key];
    if (kind === 'boolean') record[key] = isTrue(value);
    else if (kind === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n) || (n < 0 && key !== 'nice'))
        throw new Error(`--${kebab(key)} : nombre positif attendu (${value})`);
      record[key] = n;
    } else record[key] = value;
  }
  for (const flag of given.keys())
    if (!(Object.keys(DEFAULTS) as string[]).map(kebab).includes(flag))
      throw new Error(`Option inconnue : --${flag}`);
  if (options.profile) {
    if (raw('workloads') === undefined) options.workloads = 'A';
    options.servers = 'ours';
    options.runs = 1;
  }
  return options;
}

const median = (values: number[]): number => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Measured {
  phase: PhaseResult;
  serverCpuMs: number;
  /** The part of it spent in the kernel (socket writes and reads, SQLite file writes). */
  serverSystemMs: number;
  generatorCpuMs: number;
  /** CPU time of everything else on the machine during the phase (other processes, the kernel). */
  otherCpuMs: number;
}

async function measure(pid: number, run: () => Promise<PhaseResult>): Promise<Measured> {
  const server0 = cpuTimes(pid);
  const gen0 = cpuMs(process.pid);
  const busy0 = machineBusyMs();
  const phase = await run();
  const server1 = cpuTimes(pid);
  const serverSystemMs = server1.system - server0.system;
  const serverCpuMs = server1.user - server0.user + serverSystemMs;
  const generatorCpuMs = cpuMs(process.pid) - gen0;
  const otherCpuMs = Math.max(0, machineBusyMs() - busy0 - serverCpuMs - generatorCpuMs);
  return { phase, serverCpuMs, serverSystemMs, generatorCpuMs, otherCpuMs };
}

interface Shape {
  docs: number;
  clients: number;
  rate: number;
  seconds: number;
}

function shapeOf(workload: string, o: Options): Shape {
  if (workload === 'A') return { docs: o.aDocs, clients: o.aClients, rate: o.aRate, seconds: o.aSeconds };
  if (workload === 'B') return { docs: o.bDocs, clients: o.bClients, rate: o.bRate, seconds: o.bSeconds };
  if (workload === 'C') return { docs: o.cDocs, clients: o.cClients, rate: o.cStart, seconds: o.cSeconds };
  if (workload === 'D') return { docs: o.dDocs, clients: o.dClients, rate: o.dRate, seconds: o.dSeconds };
  if (workload === 'R') return { docs: o.rDocs, clients: o.rClients, rate: 5, seconds: o.rSeconds };
  if (workload === 'L') return { docs: coldDocCount(coldConfig(o)), clients: 1, rate: 0, seconds: 0 };
  if (workload === 'K') return { docs: o.kDocs, clients: o.kClients, rate: o.kRate, seconds: o.kSeconds };
  throw new Error(`Charge inconnue : ${workload} (A, B, C, D, R, L ou K)`);
}

function coldConfig(o: Options): ColdLoadConfig {
  const sizes = o.lSizes.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--l-sizes : nombres de mises à jour séparés par des virgules attendus (${o.lSizes})`);
  return { sizes, docs: o.lDocs, warmup: o.lWarmup, writers: o.lWriters };
}

function targets(kind: ServerKind, wsBase: string, fixture: Fixture | null, count: number): DocTarget[] {
  return Array.from({ length: count }, (_, i): DocTarget => {
    if (isOurs(kind)) {
      const doc = fixture!.docs[i]!;
      return { url: wsBase + encodeURIComponent(doc.name), headers: { cookie: doc.cookie } };
    }
    // The same names, so that both servers route identical strings.
    const name = fixture?.docs[i]?.name ?? `banc-${i}`;
    return { url: wsBase + encodeURIComponent(name), headers: {} };
  });
}

interface RunContext {
  options: Options;
  fixture: Fixture | null;
  outFile: string;
  profileDir: string | null;
  /** The measured phases on the monotonic clock (µs), to cut the profile to them. */
  profileWindows: { from: number; to: number }[];
}

type Row = Record<string, unknown> & {
  workload: string;
  server: ServerKind;
  run: number;
};

const rows: Row[] = [];

function record(ctx: RunContext, row: Row): void {
  rows.push(row);
  appendFileSync(ctx.outFile, JSON.stringify(row) + '\n');
}

function phaseFields(m: Measured) {
  const p = m.phase;
  return {
    ratePerDoc: p.ratePerDoc,
    seconds: p.seconds,
    sent: p.sent,
    expected: p.expected,
    delivered: p.delivered,
    deliveryRatio: p.expected > 0 ? p.delivered / p.expected : NaN,
    updatesPerSecond: p.sent / p.seconds,
    deliveredPerSecond: p.delivered / p.seconds,
    latencyMs: p.latency,
    generatorLagMs: p.generatorLag,
    serverCpuMs: m.serverCpuMs,
    serverSystemMs: m.serverSystemMs,
    cpuMsPer1000: p.delivered > 0 ? (m.serverCpuMs / p.delivered) * 1000 : NaN,
    serverCpuShare: m.serverCpuMs / p.wallMs,
    generatorCpuMs: m.generatorCpuMs,
    generatorCpuShare: m.generatorCpuMs / p.wallMs,
    otherCpuMs: m.otherCpuMs,
  };
}

function printPhase(label: string, m: Measured): void {
  const p = m.phase;
  const pct = p.expected > 0 ? (100 * p.delivered) / p.expected : NaN;
  console.log(
    `${label} ${p.delivered}/${p.expected} (${fmt(pct, 3)} %)  latence p50 ${fmt(p.latency.p50, 2)} ms` +
      ` p99 ${fmt(p.latency.p99, 2)} ms max ${fmt(p.latency.max, 1)} ms  CPU ${fmt((m.serverCpuMs / p.delivered) * 1000, 1)} ms/1000` +
      ` (serveur ${fmt((100 * m.serverCpuMs) / p.wallMs, 0)} % dont noyau ${fmt((100 * m.serverSystemMs) / m.serverCpuMs, 0)} %, générateur ${fmt((100 * m.generatorCpuMs) / p.wallMs, 0)} %,` +
      ` autres ${fmt((100 * m.otherCpuMs) / p.wallMs, 0)} %, retard du générateur max ${fmt(p.generatorLag.max, 0)} ms)`,
  );
}

/** Waits (bounded) until other processes leave the machine nearly idle; returns their last CPU share. */
async function waitQuiet(o: Options): Promise<number> {
  const deadline = Date.now() + o.waitQuiet * 1000;
  let announced = false;
  for (;;) {
    const busy0 = machineBusyMs();
    const self0 = cpuMs(process.pid);
    await sleep(1000);
    const share = (machineBusyMs() - busy0 - (cpuMs(process.pid) - self0)) / 1000;
    if (share <= o.quiet || Date.now() >= deadline) {
      if (share > o.quiet)
        console.log(`  (machine toujours occupée : ${fmt(100 * share, 0)} % d’un cœur ailleurs)`);
      return share;
    }
    if (!announced)
      console.log(`  (attente d’une machine calme : ${fmt(100 * share, 0)} % d’un cœur ailleurs)`);
    announced = true;
  }
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Starts a server under test as every workload does: pinned, profiled when asked. */
function start(
  ctx: RunContext,
  kind: ServerKind,
  dataDir: string | null,
  port?: number,
): Promise<ServerProcess> {
  const o = ctx.options;
  const nodeArgs = ctx.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}`] : [];
  if (kind === 'ours' && o.nodeArgs) nodeArgs.push(...o.nodeArgs.split(' ').filter(Boolean));
  return startServer(kind, {
    dataDir: dataDir ?? undefined,
    core: 0,
    nodeArgs,
    nice: o.nice,
    entry: kind === 'baseline' ? path.resolve(o.baseline) : undefined,
    port,
  });
}

function baseRow(ctx: RunContext, workload: string, kind: ServerKind, run: number, order: number) {
  return {
    at: new Date().toISOString(),
    workload,
    server: kind,
    run,
    order,
    pinned: hasTaskset,
    nice: ctx.options.nice,
    node: process.version,
    cpus: os.cpus().length,
  };
}

async function runCold(ctx: RunContext, kind: ServerKind, run: number, order: number): Promise<void> {
  const base = baseRow(ctx, 'L', kind, run, order);
  await runColdLoad({
    kind,
    fixture: ctx.fixture,
    config: coldConfig(ctx.options),
    start: (dataDir) => start(ctx, kind, dataDir),
    target: (server, i) => targets(kind, server.wsBase, ctx.fixture, i + 1)[i]!,
    label: `L ${kind.padEnd(9)} #${run}`,
    record: (row) => record(ctx, { ...base, ...row }),
    windows: ctx.profileWindows,
  });
}

async function runKill(ctx: RunContext, kind: ServerKind, run: number, order: number): Promise<void> {
  const o = ctx.options;
  const label = `K ${kind.padEnd(9)} #${run}`;
  const base = { ...baseRow(ctx, 'K', kind, run, order), docs: o.kDocs, clientsPerDoc: o.kClients };
  if (!isOurs(kind)) {
    console.log(`${label} sans objet : la référence ne garde rien en mémoire après un kill -9`);
    record(ctx, { ...base, applicable: false });
    return;
  }
  const dataDir = copyDataDir(ctx.fixture!);
  let server = await start(ctx, kind, dataDir);
  const storm = new KillStorm(targets(kind, server.wsBase, ctx.fixture, o.kDocs), {
    docs: o.kDocs,
    clientsPerDoc: o.kClients,
    rate: o.kRate,
    seconds: o.kSeconds,
    jitter: o.kJitter,
    chunk: 'x'.repeat(o.chunk),
  });
  try {
    const rssIdle = rssMiB(server.pid);
    await storm.connect();
    const rssConnected = rssMiB(server.pid);
    const port = Number(new URL(server.httpUrl).port);
    let from = 0;
    let startupCpu = 0;
    let busy0 = 0;
    let gen0 = 0;
    const { result: r, server: restarted } = await storm.run(server, async () => {
      const s = await start(ctx, kind, dataDir, port);
      from = nowUs();
      startupCpu = cpuMs(s.pid);
      busy0 = machineBusyMs();
      gen0 = cpuMs(process.pid);
      return s;
    });
    server = restarted;
    ctx.profileWindows.push({ from, to: nowUs() });
    // From listening to the last client back (the rooms loaded again, the sessions and accesses checked).
    const resyncCpu = cpuMs(server.pid) - startupCpu;
    const otherShare =
      (machineBusyMs() - busy0 - resyncCpu - (cpuMs(process.pid) - gen0)) / Math.max(1, r.resyncMs);
    const ok = r.lostClients === 0 && r.totalMs <= 5000;
    console.log(
      `${label} ${r.clients} clients resynchronisés ${fmt(r.resyncMs, 0)} ms après le redémarrage` +
        ` (kill -9 → écoute ${fmt(r.restartMs, 0)} ms, total ${fmt(r.totalMs, 0)} ms)  par client p50 ${fmt(r.perClient.p50, 0)} ms` +
        ` p99 ${fmt(r.perClient.p99, 0)} ms max ${fmt(r.perClient.max, 0)} ms  CPU ${fmt((resyncCpu / r.clients) * 1000, 0)} ms/1000 reconnexions` +
        ` (démarrage ${fmt(startupCpu, 0)} ms), autres ${fmt(100 * otherShare, 0)} %  ${r.retries} nouvelles tentatives` +
        (r.retries
          ? ` (${Object.entries(r.failures)
              .map(([k, v]) => `${k} × ${v}`)
              .join(', ')})`
          : ''),
    );
    console.log(
      `${' '.repeat(label.length)} ${r.sent} màj écrites, ${r.received} reçues avant le kill : ` +
        (r.lostClients === 0 ? 'aucune perdue' : `⚠ ${r.lostUpdates} perdues (${r.lostClients} clients)`) +
        `; ${fmt(r.unconfirmed, 0)} écrites sans avoir été relayées, dont ${fmt(r.unconfirmedKept, 0)} gardées` +
        `  cible tous en ≤ 5 s depuis le kill, aucune perdue ${ok ? '✓' : '✗'}`,
    );
    record(ctx, {
      ...base,
      applicable: true,
      ...r,
      latencyMs: r.perClient,
      reconnectMs: r.totalMs,
      serverCpuMs: { startup: startupCpu, resync: resyncCpu },
      otherCpuShare: otherShare,
      cpuMsPer1000: (resyncCpu / r.clients) * 1000,
      met: ok,
      rssMiB: { idle: rssIdle, connected: rssConnected, after: rssMiB(server.pid) },
    });
  } finally {
    await storm.close();
    await server.stop();
    removeDir(dataDir);
  }
}

async function runOne(
  ctx: RunContext,
  workload: string,
  kind: ServerKind,
  run: number,
  order: number,
): Promise<void> {
  if (workload === 'L') return runCold(ctx, kind, run, order);
  if (workload === 'K') return runKill(ctx, kind, run, order);
  const o = ctx.options;
  const shape = shapeOf(workload, o);
  const dataDir = isOurs(kind) ? copyDataDir(ctx.fixture!) : null;
  const server = await start(ctx, kind, dataDir);
  const label = `${workload} ${kind.padEnd(9)} #${run}`;
  let load: Load | null = null;
  try {
    await sleep(300);
    const rssIdle = rssMiB(server.pid);
    load = new Load(
      targets(kind, server.wsBase, ctx.fixture, shape.docs),
      shape.clients,
      'x'.repeat(o.chunk),
    );
    await load.connect();
    await load.setup();
    const rssConnected = rssMiB(server.pid);
    const base = {
      ...baseRow(ctx, workload, kind, run, order),
      docs: shape.docs,
      clientsPerDoc: shape.clients,
      clients: shape.docs * shape.clients,
    };
    if (workload === 'R') {
      await load.phase(shape.rate, shape.seconds);
      const server0 = cpuTimes(server.pid);
      const from = Number(process.hrtime.bigint() / 1000n);
      const storm = await load.reconnectStorm();
      ctx.profileWindows.push({ from, to: Number(process.hrtime.bigint() / 1000n) });
      const server1 = cpuTimes(server.pid);
      const cpu = server1.user - server0.user + server1.system - server0.system;
      const clients = shape.docs * shape.clients;
      const t = storm.perClient;
      console.log(
        `${label} ${clients} clients reconnectés en ${fmt(storm.totalMs, 0)} ms  par client p50 ${fmt(t.p50, 0)} ms` +
          ` p99 ${fmt(t.p99, 0)} ms max ${fmt(t.max, 0)} ms  CPU ${fmt((cpu / clients) * 1000, 1)} ms/1000 reconnexions`,
      );
      record(ctx, {
        ...base,
        reconnectMs: storm.totalMs,
        latencyMs: t,
        serverCpuMs: cpu,
        cpuMsPer1000: (cpu / clients) * 1000,
        rssMiB: { idle: rssIdle, connected: rssConnected, after: rssMiB(server.pid) },
      });
      return;
    }
    if (workload !== 'C') {
      await load.phase(shape.rate, o.warmup);
      const from = Number(process.hrtime.bigint() / 1000n);
      const m = await measure(server.pid, () => load!.phase(shape.rate, shape.seconds));
      ctx.profileWindows.push({ from, to: Number(process.hrtime.bigint() / 1000n) });
      const rssAfter = rssMiB(server.pid);
      printPhase(label, m);
      console.log(
        `${' '.repeat(label.length)} RSS ${fmt(rssIdle)} MiB à vide, ${fmt(rssConnected)} MiB connecté, ${fmt(rssAfter)} MiB après` +
          `  trame ${fmt(load.frameBytes())} o` +
          (load.unexpectedCloses ? `  ⚠ ${load.unexpectedCloses} connexions fermées par le serveur` : ''),
      );
      record(ctx, {
        ...base,
        ...phaseFields(m),
        rssMiB: { idle: rssIdle, connected: rssConnected, after: rssAfter },
        frameBytes: load.frameBytes(),
        unexpectedCloses: load.unexpectedCloses,
      });
      return;
    }
    // C: the per-document rate grows step by step until delivery or p99 gives way.
    await load.phase(shape.rate, o.warmup);
    let rate = shape.rate;
    let sustained: Measured | null = null;
    let failedAt: Measured | null = null;
    for (let step = 0; step < o.cMaxSteps; step++) {
      const m = await measure(server.pid, () => load!.phase(rate, shape.seconds, 3000));
      const p = m.phase;
      const ok = p.delivered / p.expected >= o.cMinDelivery && p.latency.p99 <= o.cMaxP99;
      printPhase(`${label} ${fmt(rate, 0).padStart(5)}/s/doc ${ok ? '✓' : '✗'}`, m);
      record(ctx, { ...base, step, ok, ...phaseFields(m) });
      if (!ok) {
        failedAt = m;
        break;
      }
      sustained = m;
      rate = Math.round(rate * o.cFactor);
      // Lets the server settle (compactions, GC) between steps.
      await sleep(500);
    }
    const s = sustained?.phase;
    console.log(
      `${' '.repeat(label.length)} soutenu : ${s ? `${fmt(s.sent / s.seconds, 0)} mises à jour/s écrites, ${fmt(s.delivered / s.seconds, 0)}/s livrées` : 'aucun palier tenu'}` +
        (failedAt ? '' : ' (plafond des paliers atteint sans décrochage)'),
    );
    record(ctx, {
      ...base,
      summary: true,
      sustainedRatePerDoc: s?.ratePerDoc ?? 0,
      sustainedUpdatesPerSecond: s ? s.sent / s.seconds : 0,
      sustainedDeliveredPerSecond: s ? s.delivered / s.seconds : 0,
      cpuMsPer1000: sustained ? phaseFields(sustained).cpuMsPer1000 : NaN,
      latencyMs: s?.latency ?? null,
      limitReached: failedAt === null,
      rssMiB: { idle: rssIdle, connected: rssConnected, after: rssMiB(server.pid) },
    });
  } finally {
    await load?.close();
    await server.stop();
    if (dataDir) removeDir(dataDir);
  }
}

type Lat = { p50: number; p99: number; max: number };

/** L: per server, variant and size, the medians over the passes of the first sync's p50 / p99 / max. */
function summaryCold(outFile: string): void {
  const mine = rows.filter((r) => r.workload === 'L');
  const keys = [...new Set(mine.map((r) => `${r.server}|${String(r['variant'])}|${String(r['updates'])}`))];
  for (const key of keys) {
    const [server, variant, updates] = key.split('|') as [ServerKind, string, string];
    const rs = mine.filter(
      (r) => r.server === server && r['variant'] === variant && String(r['updates']) === updates,
    );
    const lat = (field: string, k: keyof Lat) => median(rs.map((r) => (r[field] as Lat)[k]));
    const stats = {
      p50: lat('latencyMs', 'p50'),
      p99: lat('latencyMs', 'p99'),
      max: lat('latencyMs', 'max'),
      warmP50: lat('warmMs', 'p50'),
      warmP99: lat('warmMs', 'p99'),
      cpuCold: median(rs.map((r) => (r['serverCpuMs'] as { cold: number } | undefined)?.cold ?? NaN)),
      cpuWarm: median(rs.map((r) => (r['serverCpuMs'] as { warm: number } | undefined)?.warm ?? NaN)),
    };
    const target = variant === 'compacted' ? COLD_TARGETS.get(Number(updates)) : undefined;
    console.log(
      `L ${server.padEnd(9)} ${variant.padEnd(9)} ${updates.padStart(7)} màj, ${rs.length} passe(s) : ` +
        `1re synchro p50 ${fmt(stats.p50, 1)} ms p99 ${fmt(stats.p99, 1)} ms max ${fmt(stats.max, 1)} ms;` +
        ` chargé p50 ${fmt(stats.warmP50, 1)} ms p99 ${fmt(stats.warmP99, 1)} ms;` +
        ` CPU serveur ${fmt(stats.cpuCold, 1)} ms par 1re synchro (${fmt(stats.cpuWarm, 1)} chargé)` +
        (target !== undefined ? `  cible p99 ≤ ${target} ms ${stats.p99 <= target ? '✓' : '✗'}` : ''),
    );
    appendFileSync(
      outFile,
      JSON.stringify({
        at: new Date().toISOString(),
        workload: 'L',
        summary: true,
        server,
        variant,
        updates: Number(updates),
        runs: rs.length,
        ...stats,
        ...(target !== undefined ? { targetP99Ms: target, met: stats.p99 <= target } : {}),
      }) + '\n',
    );
  }
}

/** K: medians over the passes; the reference is not applicable. */
function summaryKill(outFile: string): void {
  const rs = rows.filter((r) => r.workload === 'K' && r['applicable'] === true);
  if (rows.some((r) => r.workload === 'K' && r['applicable'] === false))
    console.log('K reference sans objet (rien n’est gardé après un kill -9)');
  if (rs.length === 0) return;
  const m = (field: string) => median(rs.map((r) => r[field] as number));
  const lost = Math.max(...rs.map((r) => r['lostUpdates'] as number));
  const stats = {
    resyncMs: m('resyncMs'),
    restartMs: m('restartMs'),
    totalMs: m('totalMs'),
    p50: median(rs.map((r) => (r['latencyMs'] as Lat).p50)),
    p99: median(rs.map((r) => (r['latencyMs'] as Lat).p99)),
    lostUpdates: lost,
  };
  const met = stats.totalMs <= 5000 && lost === 0;
  console.log(
    `K ours      ${rs.length} passe(s) : tous resynchronisés ${fmt(stats.resyncMs, 0)} ms après le redémarrage,` +
      ` ${fmt(stats.totalMs, 0)} ms après le kill -9 (dont démarrage ${fmt(stats.restartMs, 0)} ms);` +
      ` par client p50 ${fmt(stats.p50, 0)} ms p99 ${fmt(stats.p99, 0)} ms; ${lost === 0 ? 'aucune màj perdue' : `⚠ ${lost} màj perdues`}` +
      `  cible ≤ 5 s, aucune perdue ${met ? '✓' : '✗'}`,
  );
  appendFileSync(
    outFile,
    JSON.stringify({
      at: new Date().toISOString(),
      workload: 'K',
      summary: true,
      runs: rs.length,
      ...stats,
      met,
    }) + '\n',
  );
}

function summary(options: Options, outFile: string): void {
  console.log('\n— Synthèse (médianes des passes) —');
  const workloads = options.workloads.split(',');
  for (const workload of workloads) {
    if (workload === 'L') {
      summaryCold(outFile);
      continue;
    }
    if (workload === 'K') {
      summaryKill(outFile);
      continue;
    }
    const per = (server: ServerKind) =>
      rows.filter(
        (r) => r.workload === workload && r.server === server && (workload !== 'C' || r['summary']),
      );
    const stats = (server: ServerKind) => {
      const rs = per(server);
      if (rs.length === 0) return null;
      const lat = (key: 'p50' | 'p99' | 'max') =>
        median(rs.map((r) => (r['latencyMs'] as PhaseResult['latency'] | null)?.[key] ?? NaN));
      return {
        runs: rs.length,
        cpu: median(rs.map((r) => r['cpuMsPer1000'] as number)),
        p50: lat('p50'),
        p99: lat('p99'),
        max: lat('max'),
        delivery: Math.min(...rs.map((r) => (r['deliveryRatio'] as number | undefined) ?? 1)),
        rssIdle: median(rs.map((r) => (r['rssMiB'] as { idle: number }).idle)),
        rssConnected: median(rs.map((r) => (r['rssMiB'] as { connected: number }).connected)),
        sustained: median(rs.map((r) => (r['sustainedUpdatesPerSecond'] as number | undefined) ?? NaN)),
        sustainedDelivered: median(
          rs.map((r) => (r['sustainedDeliveredPerSecond'] as number | undefined) ?? NaN),
        ),
        reconnect: median(rs.map((r) => (r['reconnectMs'] as number | undefined) ?? NaN)),
      };
    };
    const ours = stats('ours');
    const ref = stats('reference');
    const baseline = stats('baseline');
    for (const [name, s] of [
      ['ours', ours],
      ['reference', ref],
      ['baseline', baseline],
    ] as const) {
      if (!s) continue;
      console.log(
        `${workload} ${name.padEnd(9)} ${s.runs} passe(s)  ` +
          (workload === 'C'
            ? `soutenu ${fmt(s.sustained, 0)} màj/s (${fmt(s.sustainedDelivered, 0)} livrées/s), `
            : workload === 'R'
              ? `tous reconnectés en ${fmt(s.reconnect, 0)} ms, par client `
              : `livré ≥ ${fmt(100 * s.delivery, 3)} %, `) +
          `p50 ${fmt(s.p50, 2)} ms p99 ${fmt(s.p99, 2)} ms max ${fmt(s.max, 1)} ms, ` +
          `CPU ${fmt(s.cpu, 1)} ms/1000 ${workload === 'R' ? 'reconnexions' : 'livrées'}, ` +
          `RSS ${fmt(s.rssIdle)} → ${fmt(s.rssConnected)} MiB`,
      );
    }
    if (ours && ref) {
      const cpuRatio = ours.cpu / ref.cpu;
      const p99Ratio = ours.p99 / ref.p99;
      const line =
        `${workload} ours/reference : CPU × ${fmt(cpuRatio, 2)} (cible ≤ 0,5 ${cpuRatio <= 0.5 ? '✓' : '✗'}),` +
        ` p99 × ${fmt(p99Ratio, 2)} (cible ≤ 1 ${p99Ratio <= 1 ? '✓' : '✗'})` +
        (workload === 'C' ? `, soutenu × ${fmt(ours.sustained / ref.sustained, 2)}` : '');
      console.log(line);
      appendFileSync(
        outFile,
        JSON.stringify({
          at: new Date().toISOString(),
          workload,
          ratio: { cpu: cpuRatio, p99: p99Ratio },
          ours,
          reference: ref,
          ...(baseline ? { baseline } : {}),
        }) + '\n',
      );
    }
    if (ours && baseline) {
      console.log(
        `${workload} ours/baseline : CPU × ${fmt(ours.cpu / baseline.cpu, 2)}, p99 × ${fmt(ours.p99 / baseline.p99, 2)}` +
          (workload === 'C' ? `, soutenu × ${fmt(ours.sustained / baseline.sustained, 2)}` : '') +
          (workload === 'R' ? `, reconnexion × ${fmt(ours.reconnect / baseline.reconnect, 2)}` : ''),
      );
    }
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // The load generator on the second core, the servers on the first, when the machine allows it.
  const pin = hasTaskset && os.cpus().length >= 2;
  if ((pin || options.nice !== 0) && process.env['BENCH_PINNED'] !== '1') {
    // Run again as the load generator proper, on the second core (and at the servers' priority).
    const chain = [
      ...(options.nice !== 0 ? ['nice', '-n', String(options.nice)] : []),
      ...(pin ? ['taskset', '-c', '1'] : []),
      process.execPath,
      ...process.execArgv,
      import.meta.filename,
      ...process.argv.slice(2),
    ];
    const [command, ...args] = chain as [string, ...string[]];
    const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, BENCH_PINNED: '1' } });
    process.exit(result.status ?? 1);
  }
  const servers = options.servers.split(',') as ServerKind[];
  for (const s of servers) if (s !== 'ours' && s !== 'reference') throw new Error(`Serveur inconnu : ${s}`);
  if (options.baseline) servers.push('baseline');
  const workloads = options.workloads.split(',');
  const resultsDir = path.join(REPO_ROOT, 'bench-results');
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outFile = options.out ? path.resolve(options.out) : path.join(resultsDir, `sync-${stamp}.jsonl`);
  const profileDir = options.profile ? path.join(resultsDir, `profile-${stamp}`) : null;
  const maxDocs = Math.max(...workloads.map((w) => shapeOf(w, options).docs));

  console.log(
    `Banc d’essai de synchronisation — ${os.cpus().length} cœurs, Node ${process.version}, ` +
      (hasTaskset && os.cpus().length >= 2
        ? 'serveur sur le cœur 0, générateur sur le cœur 1'
        : 'sans épinglage (taskset absent)') +
      (options.nice !== 0 ? `, priorité nice ${options.nice}` : ''),
  );
  const started = Date.now();
  const fixture = servers.some(isOurs) ? await prepareFixture(maxDocs) : null;
  if (fixture)
    console.log(
      `${fixture.docs.length} accompagnements créés par l’API en ${fmt((Date.now() - started) / 1000)} s`,
    );
  const ctx: RunContext = { options, fixture, outFile, profileDir, profileWindows: [] };
  try {
    for (const workload of workloads) {
      const shape = shapeOf(workload, options);
      const cold = coldConfig(options);
      console.log(
        workload === 'L'
          ? `\nL : ${cold.docs} documents (+ ${cold.warmup} d’échauffement) de ${cold.sizes.join(' et de ')} mises à jour stockées,` +
              ` première synchronisation à froid, chacun seul`
          : `\n${workload} : ${shape.docs} documents × ${shape.clients} clients, ` +
              (workload === 'C'
                ? `${shape.rate} màj/s par document puis × ${options.cFactor} par palier de ${shape.seconds} s`
                : workload === 'R'
                  ? `${shape.seconds} s de frappe puis tous coupés et reconnectés d’un coup`
                  : workload === 'K'
                    ? `${shape.rate} màj/s par document pendant ${shape.seconds} s, kill -9 du serveur, redémarrage, tous reconnectés`
                    : `${shape.rate} màj/s par document, ${shape.seconds} s`),
      );
      for (let run = 1; run <= options.runs; run++) {
        // Interleaved: the server that goes first alternates from one pass to the next.
        const order = run % 2 === 1 ? servers : [...servers].reverse();
        for (let i = 0; i < order.length; i++) {
          // K does not run the reference (nothing survives a kill -9 in memory): no need to wait for it.
          const measured = workload !== 'K' || isOurs(order[i]!);
          if (options.waitQuiet > 0 && measured) await waitQuiet(options);
          await runOne(ctx, workload, order[i]!, run, i);
        }
      }
    }
  } finally {
    if (fixture) removeDir(fixture.templateDir);
    cleanupColdLoad();
  }
  summary(options, outFile);
  console.log(
    `\nRésultats : ${path.relative(process.cwd(), outFile)} (${fmt((Date.now() - started) / 1000, 0)} s)`,
  );
  if (profileDir) {
    for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
      console.log(`\nProfil : ${path.relative(process.cwd(), path.join(profileDir, file))}`);
      console.log(summarizeProfile(path.join(profileDir, file), 40, ctx.profileWindows));
    }
  }
}

main().catch((error: unknown) => {
  console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
