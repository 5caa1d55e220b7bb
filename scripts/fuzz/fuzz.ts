// The frame fuzzer (`pnpm fuzz:sync`, and its short form in the unit suite): our server as a child process
// with its own data folder, honest clients editing and timing their updates, then attackers in a worker
// thread sending mutated and random frames until the server has read `frames` of them. Checks, each
// failure a violation: the server never crashes; no frame costs it more than `maxFrameMs` of CPU, nor
// holds its event loop that long; every refused frame gets a proper close code (the exact one when the
// frame is broken in a known way); valid frames are never refused; what the honest clients receive always
// decodes; afterwards every stored row decodes and integrates, nothing is left pending, and the stored
// documents equal the honest clients' ones; the honest p99 stays under `maxP99Ms`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as Y from 'yjs';
import {
  cpuMs,
  prepareFixture,
  removeDir,
  rssMiB,
  startServer,
  type ServerProcess,
} from '../bench/servers.ts';
import type { AttackConfig, AttackReport } from './attacker.ts';
import { HonestClient, LatencyBook, percentiles } from './honest.ts';
import { readStoredDocs, sameState } from './stored.ts';

export interface FuzzOptions {
  seed: number;
  /** Fuzz frames the server must read (valid filler not counted). */
  frames: number;
  docs: number;
  honestPerDoc: number;
  /** Honest updates per second per document. */
  ratePerDoc: number;
  /** Attacker connections at once. */
  concurrency: number;
  baselineMs: number;
  maxFramesPerConnection: number;
  realOversizeEvery: number;
  /** Most CPU one frame may cost the server, and longest the loop may be held by it (ms). */
  maxFrameMs: number;
  /** Highest honest fan-out p99 accepted during the attack (ms). */
  maxP99Ms: number;
  log: (line: string) => void;
}

export const FULL: Omit<FuzzOptions, 'seed' | 'log'> = {
  frames: 1_000_000,
  docs: 4,
  honestPerDoc: 3,
  ratePerDoc: 5,
  concurrency: 8,
  baselineMs: 5000,
  maxFramesPerConnection: 6,
  realOversizeEvery: 200,
  maxFrameMs: 50,
  maxP99Ms: 50,
};

export interface MonitorFigures {
  messages: number;
  maxWallMs: number;
  maxCpuMs: number;
  slowest: { head: string; bytes: number } | null;
  over10msWall: number;
  over50msCpu: number;
  maxBlockWallMs: number;
  maxBusyBlockMs: number;
  maxOwnBlockMs: number;
  maxGcMs: number;
  gcOver20ms: number;
  blocks: { at: number; busyMs: number; gcMs: number }[];
  loopDelay: { p50: number; p99: number; max: number };
  /** The server's error lines (first few). */
  errors: string[];
  /** With FUZZ_MONITOR_CALLBACKS=1: the costliest callbacks of the event loop, by kind. */
  callbacks: { kind: string; cpuMs: number }[];
}

export interface FuzzReport {
  attack: AttackReport;
  server: MonitorFigures | null;
  honest: {
    before: ReturnType<typeof percentiles>;
    during: ReturnType<typeof percentiles>;
    closes: Record<string, number>;
    errors: string[];
  };
  stored: { docs: number; rows: number; bytes: number };
  /** CPU time the server spent during the attack (ms). */
  serverCpuMs: number;
  /** The server's resident memory before and after the attack (MiB). */
  serverRss: { before: number; after: number };
  crashed: boolean;
  violations: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const MONITOR = pathToFileURL(path.join(import.meta.dirname, 'loop-monitor.ts')).href;
/** 127.0.0.2 … : each attacker slot has its own client address (SYNC9), the honest clients 127.0.0.1. */
const LOCAL_ADDRESSES = Array.from({ length: 16 }, (_, i) => `127.0.0.${i + 2}`);
const UNAUTHENTICATED_ADDRESS = '127.0.0.66';
/** The server's defaults (sync-server/src/sync/limits.ts and hub.ts). */
const FAILED_UPGRADE_BUDGET = 30;
const MAX_FRAME_BYTES = 5 * 1024 * 1024;

function attack(config: AttackConfig, log: (line: string) => void): Promise<AttackReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./attacker.ts', import.meta.url), { workerData: config });
    worker.on(
      'message',
      (message: { type: string; handled?: number; report?: AttackReport; error?: string }) => {
        if (message.type === 'progress') log(`  … ${message.handled!.toLocaleString('fr-FR')} trames lues`);
        else if (message.type === 'done') resolve(message.report!);
        else reject(new Error(message.error));
      },
    );
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`attaquants : sortie ${code}`));
    });
  });
}

function readMonitor(file: string): MonitorFigures | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MonitorFigures) : null;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { log } = options;
  const violations: string[] = [];
  const fixture = await prepareFixture(options.docs);
  const dataDir = fixture.templateDir;
  const monitorFile = path.join(dataDir, 'monitor.json');
  process.env['FUZZ_MONITOR_FILE'] = monitorFile;
  let server: ServerProcess | null = null;
  const honest: HonestClient[] = [];
  let typing: NodeJS.Timeout | null = null;
  try {
    // FUZZ_NODE_ARGS: more flags for the server's Node (e.g. `--cpu-prof --cpu-prof-dir=…`).
    const extra = (process.env['FUZZ_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
    server = await startServer('ours', { dataDir, core: null, nodeArgs: ['--import', MONITOR, ...extra] });
    const url = new URL(server.httpUrl);
    let crashed = false;
    const pid = server.pid;
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const book = new LatencyBook();
    const byDoc = fixture.docs.map((doc) =>
      Array.from(
        { length: options.honestPerDoc },
        () =>
          new HonestClient({
            url: () => server!.wsBase + encodeURIComponent(doc.name),
            cookie: doc.cookie,
            book,
          }),
      ),
    );
    honest.push(...byDoc.flat());
    await Promise.all(honest.map((c) => c.whenSynced()));

    // Round robin over documents, then over each document's clients: `ratePerDoc` updates/s per document.
    let turn = 0;
    typing = setInterval(
      () => {
        const doc = turn % byDoc.length;
        const clients = byDoc[doc]!;
        clients[Math.floor(turn / byDoc.length) % clients.length]!.type('frappe! ');
        turn++;
      },
      1000 / (options.ratePerDoc * options.docs),
    );
    log(`Mesure sans attaque (${options.baselineMs / 1000} s)…`);
    await sleep(options.baselineMs);
    const before = percentiles(book.take());
    process.kill(pid, 'SIGUSR2');
    const cpuBefore = cpuMs(pid);
    const rssBefore = rssMiB(pid);

    log(`Attaque : ${options.frames.toLocaleString('fr-FR')} trames (graine ${options.seed})…`);
    const report = await attack(
      {
        seed: options.seed,
        frames: options.frames,
        concurrency: options.concurrency,
        host: url.hostname,
        port: Number(url.port),
        docs: fixture.docs,
        localAddresses: LOCAL_ADDRESSES,
        unauthenticatedAddress: UNAUTHENTICATED_ADDRESS,
        failedUpgradeBudget: FAILED_UPGRADE_BUDGET,
        maxFrameBytes: MAX_FRAME_BYTES,
        realOversizeEvery: options.realOversizeEvery,
        maxFramesPerConnection: options.maxFramesPerConnection,
      },
      log,
    );
    const during = percentiles(book.take());
    const serverCpuMs = cpuMs(pid) - cpuBefore;
    const serverRss = { before: rssBefore, after: rssMiB(pid) };
    clearInterval(typing);
    typing = null;
    await sleep(300);
    const figures = readMonitor(monitorFile);
    if (!alive()) crashed = true;

    // Every honest client of a document ends with the same state as a fresh one (the server's).
    const checkers = fixture.docs.map(
      (doc) =>
        new HonestClient({
          url: () => server!.wsBase + encodeURIComponent(doc.name),
          cookie: doc.cookie,
          paragraph: false,
        }),
    );
    let converged = false;
    for (let waited = 0; waited < 15_000 && !converged; waited += 100) {
      await sleep(100);
      converged = byDoc.every(
        (clients, d) =>
          checkers[d]!.synced && clients.every((c) => c.synced && sameState(c.doc, checkers[d]!.doc)),
      );
    }
    if (!converged) {
      violations.push('les clients honnêtes n’ont pas convergé avec le serveur en 15 s');
      byDoc.forEach((clients, d) =>
        violations.push(...divergence(fixture.docs[d]!.name, checkers[d]!, clients)),
      );
    }
    for (const c of [...honest, ...checkers])
      if (c.pending) violations.push('un client honnête garde des structures en attente');
    await Promise.all([...honest, ...checkers].map((c) => c.stop()));
    if (!alive()) crashed = true;
    await server.stop();
    server = null;

    const stored = readStoredDocs(
      dataDir,
      fixture.docs.map((d) => d.name),
    );
    let rows = 0;
    let bytes = 0;
    stored.forEach((s, d) => {
      rows += s.rows;
      bytes += s.bytes;
      for (const bad of s.bad) violations.push(`${s.name} : ${bad}`);
      if (s.pending) violations.push(`${s.name} : le journal stocké laisse des structures en attente`);
      if (!sameState(s.doc, checkers[d]!.doc))
        violations.push(`${s.name} : le document stocké diffère des clients`);
    });

    const closes: Record<string, number> = {};
    const errors: string[] = [];
    for (const c of honest) {
      for (const [code, n] of c.closes) closes[code] = (closes[code] ?? 0) + n;
      errors.push(...c.errors);
    }
    for (const error of errors) violations.push(`reçu par un client honnête : ${error}`);
    for (const code of Object.keys(closes))
      if (code !== '1011') violations.push(`un client honnête a été fermé avec ${code}`);

    if (crashed) violations.push('le serveur s’est arrêté pendant l’attaque');
    if (report.handled < options.frames) violations.push(`seulement ${report.handled} trames lues`);
    violations.push(...report.violations);
    if (report.violationCount > report.violations.length)
      violations.push(`… et ${report.violationCount - report.violations.length} autres`);
    if (!figures) violations.push('aucune mesure du serveur (moniteur absent)');
    else if (figures.errors.length > 0)
      violations.push(`le serveur a journalisé des erreurs : ${figures.errors[0]}`);
    else {
      if (figures.maxCpuMs > options.maxFrameMs)
        violations.push(`une trame a coûté ${figures.maxCpuMs.toFixed(1)} ms de CPU au serveur`);
      // The loop held by the server's own code (GC pauses apart: they are the runtime's, not a frame's).
      if (figures.maxOwnBlockMs > options.maxFrameMs)
        violations.push(
          `la boucle du serveur a été tenue ${figures.maxOwnBlockMs.toFixed(1)} ms hors ramasse-miettes`,
        );
    }
    if (!(during.p99 <= options.maxP99Ms))
      violations.push(`p99 des clients honnêtes pendant l’attaque : ${during.p99.toFixed(1)} ms`);
    if (during.samples === 0) violations.push('aucune mise à jour honnête mesurée pendant l’attaque');

    return {
      attack: report,
      server: figures,
      honest: { before, during, closes, errors },
      stored: { docs: stored.length, rows, bytes },
      serverCpuMs,
      serverRss,
      crashed,
      violations,
    };
  } finally {
    if (typing) clearInterval(typing);
    await Promise.all(honest.map((c) => c.stop()));
    if (server) await server.stop();
    delete process.env['FUZZ_MONITOR_FILE'];
    removeDir(dataDir);
  }
}

/** What differs between a document's fresh reader and its honest clients, to say why they did not converge. */
function divergence(name: string, checker: HonestClient, clients: HonestClient[]): string[] {
  const lines: string[] = [];
  const state = (doc: Y.Doc): Map<number, number> => Y.decodeStateVector(Y.encodeStateVector(doc));
  const reference = state(checker.doc);
  if (!checker.synced)
    lines.push(`${name} : le lecteur n’est pas synchronisé (${checker.connections} connexions)`);
  clients.forEach((client, i) => {
    if (!client.synced) lines.push(`${name} client ${i} : pas synchronisé`);
    const mine = state(client.doc);
    const differ = [...new Set([...reference.keys(), ...mine.keys()])]
      .filter((id) => reference.get(id) !== mine.get(id))
      .map((id) => `${id}: serveur ${reference.get(id) ?? 0}, client ${mine.get(id) ?? 0}`);
    if (differ.length > 0) lines.push(`${name} client ${i} : horloges ${differ.slice(0, 5).join(' ; ')}`);
    else if (!sameState(client.doc, checker.doc))
      lines.push(`${name} client ${i} : mêmes horloges, suppressions différentes`);
  });
  return lines;
}

const ms = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : '—');

/** The report as printed by `pnpm fuzz:sync`. */
export function describeReport(r: FuzzReport): string[] {
  const a = r.attack;
  const lines = [
    `Trames de fuzz lues par le serveur : ${a.handled.toLocaleString('fr-FR')} (écrites ${a.sent.toLocaleString('fr-FR')}, ` +
      `valides intercalées ${a.validHandled.toLocaleString('fr-FR')}) sur ${a.connections.toLocaleString('fr-FR')} connexions ` +
      `en ${(a.durationMs / 1000).toFixed(1)} s`,
    'Par catégorie (lues / acceptées / refusées : codes) :',
  ];
  for (const [category, s] of Object.entries(a.byCategory).sort())
    lines.push(
      `  ${category.padEnd(17)} ${String(s.handled).padStart(8)} ${String(s.accepted).padStart(8)} ${String(s.refused).padStart(8)} : ` +
        Object.entries(s.codes)
          .map(([code, n]) => `${code}×${n}`)
          .join(' '),
    );
  lines.push(
    `Fermetures par code : ${Object.entries(a.closes)
      .map(([k, n]) => `${k} ×${n}`)
      .join(', ')}`,
  );
  lines.push(`Fermetures collatérales (document rechargé…) : ${a.collateral}`);
  lines.push(
    `Sans session, depuis une adresse : ${a.unauthenticated.statuses.join(' ')} (Retry-After ${a.unauthenticated.retryAfter ?? '—'} s)`,
  );
  if (Object.keys(a.upgradeStatuses).length > 0)
    lines.push(`Ouvertures refusées aux attaquants : ${JSON.stringify(a.upgradeStatuses)}`);
  lines.push(
    `Fermeture après la dernière trame (côté client) : p50 ${ms(a.closeLatency.p50)}, p99 ${ms(a.closeLatency.p99)}, max ${ms(a.closeLatency.max)}`,
  );
  lines.push(
    `CPU du serveur pendant l’attaque : ${(r.serverCpuMs / 1000).toFixed(1)} s, ` +
      `${((r.serverCpuMs * 1000) / Math.max(1, a.connections)).toFixed(0)} µs par connexion ; ` +
      `mémoire résidente ${r.serverRss.before.toFixed(0)} Mio avant, ${r.serverRss.after.toFixed(0)} Mio après`,
  );
  const s = r.server;
  if (s)
    lines.push(
      `Serveur : ${s.messages.toLocaleString('fr-FR')} messages ; par message max ${ms(s.maxCpuMs)} CPU, ${ms(s.maxWallMs)} réel ` +
        `(${s.over10msWall} au-delà de 10 ms réels) ; boucle tenue au plus ${ms(s.maxOwnBlockMs)} par le code du ` +
        `serveur, ${ms(s.maxBusyBlockMs)} ramasse-miettes compris (${ms(s.maxBlockWallMs)} réels) ; retard de boucle p99 ${ms(s.loopDelay.p99)}, max ${ms(s.loopDelay.max)} ; ` +
        `pause du ramasse-miettes max ${ms(s.maxGcMs)} (${s.gcOver20ms} au-delà de 20 ms)`,
    );
  if (s && s.callbacks.length > 0)
    lines.push(`Rappels les plus coûteux : ${s.callbacks.map((c) => `${c.kind} ${c.cpuMs} ms`).join(', ')}`);
  if (s?.slowest)
    lines.push(`Message le plus coûteux : ${s.slowest.bytes} octets commençant par ${s.slowest.head}`);
  if (s && s.blocks.length > 0)
    lines.push(
      `Boucle tenue plus de 20 ms : ${s.blocks.map((b) => `${b.busyMs} ms (dont ramasse-miettes ${b.gcMs})`).join(', ')}`,
    );
  const h = r.honest;
  lines.push(
    `Clients honnêtes, latence de diffusion : avant p50 ${ms(h.before.p50)} p99 ${ms(h.before.p99)} max ${ms(h.before.max)} (${h.before.samples}) ; ` +
      `pendant p50 ${ms(h.during.p50)} p99 ${ms(h.during.p99)} max ${ms(h.during.max)} (${h.during.samples})`,
  );
  lines.push(`Fermetures subies par les clients honnêtes : ${JSON.stringify(h.closes)}`);
  for (const hex of a.unintegrable) lines.push(`Mise à jour décodable mais inapplicable : ${hex}`);
  for (const error of r.server?.errors ?? []) lines.push(`Erreur du serveur : ${error}`);
  lines.push(
    `Stocké : ${r.stored.rows} lignes pour ${r.stored.docs} documents (${(r.stored.bytes / 1024).toFixed(0)} Kio), toutes relues`,
  );
  return lines;
}
