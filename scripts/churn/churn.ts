// Durability under churn (`pnpm churn:sync`, and its short form in the unit suite): the real server
// (`node sync-server/src/main.ts`, its own data folder) is killed with SIGKILL at random moments while
// clients keep writing, then restarted. Every update the server sent to any client — a relay or a sync
// answer, both only sent once stored (SYNC2, PERSIST3) — is merged into a witness document per document;
// after each restart a fresh reader loads the document from the new process, and the witness must add
// nothing to it. At the end every client converges with the stored state.
import path from 'node:path';
import * as Y from 'yjs';
import { encodeIntegratedState } from '../../sync-server/src/sync/protocol.ts';
import { prepareFixture, removeDir, startServer, type ServerProcess } from '../bench/servers.ts';
import { Rng } from '../fuzz/mutations.ts';
import { HonestClient } from '../fuzz/honest.ts';
import { readStoredDocs, sameState } from '../fuzz/stored.ts';

export interface ChurnOptions {
  seed: number;
  cycles: number;
  docs: number;
  clientsPerDoc: number;
  /** Each client types every this many ms (± half), connected or not. */
  writeEveryMs: number;
  /** The server lives this long after every client is back in sync (uniform in [min, max], ms). */
  minUpMs: number;
  maxUpMs: number;
  log: (line: string) => void;
}

export const FULL: Omit<ChurnOptions, 'seed' | 'log'> = {
  cycles: 200,
  docs: 4,
  clientsPerDoc: 3,
  writeEveryMs: 40,
  minUpMs: 50,
  maxUpMs: 1500,
};

export interface ChurnReport {
  cycles: number;
  /** Updates the clients received from the server, over all cycles. */
  received: number;
  /** Edits typed by the clients. */
  typed: number;
  /** Time from the restart to every client being back in sync (ms). */
  resync: { p50: number; max: number };
  violations: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * True when applying what `witness` integrated to a copy of `doc` would change it (or leave something
 * pending). A relay can reach a client just before the sync answer it depends on, so the witness may
 * hold something pending for a moment; that part is left out here and checked at the end.
 */
function adds(witness: Y.Doc, doc: Y.Doc): boolean {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  let changed = false;
  copy.on('update', () => (changed = true));
  Y.applyUpdate(copy, encodeIntegratedState(witness));
  return changed || copy.store.pendingStructs !== null || copy.store.pendingDs !== null;
}

/** Reads a document as the restarted server has it: a client that only syncs, then leaves. */
async function readFromServer(url: string, cookie: string, timeoutMs: number): Promise<Y.Doc | null> {
  const reader = new HonestClient({ url: () => url, cookie, paragraph: false });
  const synced = await Promise.race([
    reader.whenSynced().then(() => true),
    sleep(timeoutMs).then(() => false),
  ]);
  await reader.stop();
  return synced ? reader.doc : null;
}

export async function runChurn(options: ChurnOptions): Promise<ChurnReport> {
  const { log } = options;
  const rng = new Rng(options.seed);
  const violations: string[] = [];
  const fixture = await prepareFixture(options.docs);
  const dataDir = fixture.templateDir;
  // Every restart compiles the same modules: Node's compile cache makes the restarts quicker.
  const previousCache = process.env['NODE_COMPILE_CACHE'];
  process.env['NODE_COMPILE_CACHE'] = path.join(dataDir, 'compile-cache');
  let server: ServerProcess | null = null;
  const witnesses = fixture.docs.map(() => new Y.Doc());
  let received = 0;
  let typed = 0;
  const clients: HonestClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  const resyncs: number[] = [];
  try {
    const url = (d: number): string => server!.wsBase + encodeURIComponent(fixture.docs[d]!.name);
    server = await startServer('ours', { dataDir, core: null });
    fixture.docs.forEach((doc, d) => {
      for (let i = 0; i < options.clientsPerDoc; i++)
        clients.push(
          new HonestClient({
            url: () => url(d),
            cookie: doc.cookie,
            reconnectMs: 20,
            onServerUpdate: (update) => {
              received++;
              Y.applyUpdate(witnesses[d]!, update);
            },
          }),
        );
    });
    // Typing never stops, server up or down: what is typed while it is down is sent after the restart.
    clients.forEach((client, i) => {
      const tick = (): void => {
        client.type(`m${typed++} `);
        timers[i] = setTimeout(tick, options.writeEveryMs * (0.5 + rng.next()));
      };
      tick();
    });
    for (let cycle = 1; cycle <= options.cycles + 1; cycle++) {
      // Everything any client received before the kill must be in the documents as the new process loads
      // them, read before any writer is back (the first start follows no kill).
      for (let d = 0; cycle > 1 && d < fixture.docs.length; d++) {
        const reloaded = await readFromServer(url(d), fixture.docs[d]!.cookie, 10_000);
        if (!reloaded)
          violations.push(`cycle ${cycle} : ${fixture.docs[d]!.name} illisible après le redémarrage`);
        else if (adds(witnesses[d]!, reloaded))
          violations.push(
            `cycle ${cycle} : ${fixture.docs[d]!.name} a perdu des mises à jour que des clients avaient reçues`,
          );
      }
      const restartedAt = performance.now();
      for (const c of clients) c.release();
      const back = await Promise.race([
        Promise.all(clients.map((c) => c.whenSynced())).then(() => true),
        sleep(20_000).then(() => false),
      ]);
      if (!back) {
        violations.push(`cycle ${cycle} : les clients ne se sont pas resynchronisés en 20 s`);
        break;
      }
      resyncs.push(performance.now() - restartedAt);
      if (violations.length > 0 || cycle > options.cycles) break;
      await sleep(options.minUpMs + rng.next() * (options.maxUpMs - options.minUpMs));
      // Until the check below, no client reconnects: they would send again what the server lost.
      for (const c of clients) c.hold();
      process.kill(server.pid, 'SIGKILL');
      await server.stop();
      // Every client has seen its connection drop before the next server is up.
      for (let waited = 0; clients.some((c) => c.synced) && waited < 5000; waited += 5) await sleep(5);
      if (cycle % 10 === 0)
        log(`  … ${cycle} arrêts brutaux, ${received} mises à jour reçues par les clients`);
      server = await startServer('ours', { dataDir, core: null });
    }

    // The end: typing stops, every client converges with the server, and the server's files hold it all.
    for (const timer of timers) clearTimeout(timer);
    const finals: Y.Doc[] = [];
    for (let d = 0; d < fixture.docs.length; d++) {
      const mine = clients.slice(d * options.clientsPerDoc, (d + 1) * options.clientsPerDoc);
      let converged = false;
      let reloaded: Y.Doc | null = null;
      for (let waited = 0; waited < 10_000 && !converged; waited += 200) {
        await sleep(200);
        reloaded = await readFromServer(url(d), fixture.docs[d]!.cookie, 5000);
        converged = reloaded !== null && mine.every((c) => c.synced && sameState(c.doc, reloaded!));
      }
      if (!converged || !reloaded)
        violations.push(`${fixture.docs[d]!.name} : les clients n’ont pas convergé`);
      finals.push(reloaded ?? new Y.Doc());
    }
    await Promise.all(clients.map((c) => c.stop()));
    for (const c of clients) for (const error of c.errors) violations.push(`reçu par un client : ${error}`);
    if (clients.some((c) => c.pending) || witnesses.some((w) => w.store.pendingStructs || w.store.pendingDs))
      violations.push('un client a reçu des mises à jour dont les dépendances ne sont jamais arrivées');
    await server.stop();
    server = null;
    readStoredDocs(
      dataDir,
      fixture.docs.map((d) => d.name),
    ).forEach((stored, d) => {
      for (const bad of stored.bad) violations.push(`${stored.name} : ${bad}`);
      if (stored.pending)
        violations.push(`${stored.name} : le journal stocké laisse des structures en attente`);
      if (!sameState(stored.doc, finals[d]!))
        violations.push(`${stored.name} : le document stocké diffère des clients`);
      if (adds(witnesses[d]!, stored.doc))
        violations.push(`${stored.name} : le journal stocké a perdu des mises à jour reçues`);
    });
    resyncs.sort((a, b) => a - b);
    return {
      cycles: Math.max(0, resyncs.length - 1),
      received,
      typed,
      resync: { p50: resyncs[Math.floor(resyncs.length / 2)] ?? NaN, max: resyncs.at(-1) ?? NaN },
      violations,
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await Promise.all(clients.map((c) => c.stop()));
    if (server) {
      process.kill(server.pid, 'SIGKILL');
      await server.stop();
    }
    if (previousCache === undefined) delete process.env['NODE_COMPILE_CACHE'];
    else process.env['NODE_COMPILE_CACHE'] = previousCache;
    removeDir(dataDir);
  }
}
