// Workload K — reconnect storm after kill -9: our server holds `docs` × `clients` connections that have
// been typing; it is killed with SIGKILL in the middle of it (frames in flight, a group commit perhaps
// half done), started again on the same port and data folder, and every client reconnects at once — each
// after a small random delay, like y-websocket's first backoff step — and asks for the whole document.
// Measured: how long until every client has its sync step 2 again; checked: nothing any client had
// received before the kill is missing (the state vector of each answer reaches, for every writer, the end
// of the last update of it that the other client of the document had received).
//
// The reference server keeps nothing across a kill (memory only): not applicable.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import {
  EMPTY_STEP1,
  WriterFrames,
  isSyncStep2,
  isSyncUpdate,
  readHead,
  stateVectorOf,
  syncPayload,
} from './frames.ts';
import type { DocTarget } from './load.ts';
import type { ServerProcess } from './servers.ts';
import { percentiles, type Percentiles } from './sync-client.ts';

export interface KillStormConfig {
  docs: number;
  clientsPerDoc: number;
  /** Updates per second per document while typing. */
  rate: number;
  /** Seconds of typing before the kill. */
  seconds: number;
  /** Each client waits a random 0–`jitter` ms before reconnecting (and before each retry). */
  jitter: number;
  /** Characters per typing frame. */
  chunk: string;
}

export interface KillStormResult {
  clients: number;
  /** Updates written while typing, and those the other client of the document had received at the kill. */
  sent: number;
  received: number;
  /** kill -9 → the restarted server listens (the process start-up: SQLite recovery, the app). */
  restartMs: number;
  /** The restarted server listens → every client has its sync step 2. */
  resyncMs: number;
  /** kill -9 → every client has its sync step 2. */
  totalMs: number;
  /** Per client, from the restarted server listening to its sync step 2. */
  perClient: Percentiles;
  /** Failed reconnection attempts (refused, 429, closed before the answer), retried with backoff. */
  retries: number;
  failures: Record<string, number>;
  /** Clients whose answer missed something some client had received before the kill. */
  lostClients: number;
  /** Updates received before the kill and missing after (counted once per writer, in frames). */
  lostUpdates: number;
  /** Updates written but never relayed before the kill (allowed to be lost), and how many survived. */
  unconfirmed: number;
  unconfirmedKept: number;
}

interface Client {
  ws: WebSocket | null;
  doc: number;
  writer: WriterFrames;
  synced: boolean;
  attempts: number;
  /** The answer to the step 1 sent after the restart. */
  answer: Uint8Array | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** y-websocket's backoff after `attempts` failed connections (200 ms doubling, at most 2.5 s). */
const backoffMs = (attempts: number): number => Math.min(2 ** attempts * 100, 2500);

export class KillStorm {
  readonly #config: KillStormConfig;
  readonly #targets: DocTarget[];
  readonly #clients: Client[] = [];
  readonly #idBase: number;
  /** Per writer: end clock (exclusive) of its latest update that the other client(s) received. */
  readonly #received: Float64Array;
  /** Per writer: end clock of its latest update written on the socket. */
  readonly #sent: Float64Array;
  readonly #head = { client: 0, clock: 0 };
  #delivered = 0;
  #killed = false;
  /** Failed reconnection attempts after the kill, by reason. */
  readonly failures: Record<string, number> = {};

  constructor(targets: DocTarget[], config: KillStormConfig) {
    this.#config = config;
    this.#targets = targets;
    this.#idBase = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
    const count = targets.length * config.clientsPerDoc;
    this.#received = new Float64Array(count);
    this.#sent = new Float64Array(count);
    for (let i = 0; i < count; i++)
      this.#clients.push({
        ws: null,
        doc: Math.floor(i / config.clientsPerDoc),
        writer: new WriterFrames(this.#idBase + i, config.chunk),
        synced: false,
        attempts: 0,
        answer: null,
      });
  }

  /** Opens every socket (100 handshakes at a time), then every writer creates its paragraph. */
  async connect(): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < this.#clients.length) {
        const i = next++;
        await this.#open(i);
      }
    };
    await Promise.all(Array.from({ length: Math.min(100, this.#clients.length) }, worker));
    const expected = this.#clients.length * (this.#config.clientsPerDoc - 1);
    for (let i = 0; i < this.#clients.length; i++) {
      const c = this.#clients[i]!;
      c.ws!.send(c.writer.setup);
      this.#sent[i] = 2;
    }
    const deadline = performance.now() + 30_000;
    while (this.#delivered < expected && performance.now() < deadline) await sleep(20);
    if (this.#delivered < expected) throw new Error(`setup: ${this.#delivered}/${expected} relayed`);
  }

  /** One connection attempt; resolves true on the sync step 2, false on any failure. */
  #open(i: number): Promise<boolean> {
    const client = this.#clients[i]!;
    const target = this.#targets[client.doc]!;
    const ownId = this.#idBase + i;
    const ws = new WebSocket(target.url, { headers: target.headers, perMessageDeflate: false });
    client.ws = ws;
    client.synced = false;
    return new Promise<boolean>((resolve, reject) => {
      let failed = false;
      const fail = (reason: string): void => {
        // 'error' is followed by 'close': one failure per attempt.
        if (client.synced || failed) return;
        failed = true;
        if (!this.#killed) reject(new Error(`client ${i}: ${reason}`));
        else {
          this.failures[reason] = (this.failures[reason] ?? 0) + 1;
          resolve(false);
        }
      };
      ws.on('error', (error) => {
        const status = /Unexpected server response: (\d+)/.exec(error.message)?.[1];
        fail(status ? `HTTP ${status}` : ((error as Error & { code?: string }).code ?? error.message));
      });
      ws.once('close', (code) => fail(`fermée ${code}`));
      ws.once('open', () => ws.send(EMPTY_STEP1));
      ws.on('message', (data: Buffer) => {
        if (isSyncUpdate(data)) {
          if (this.#killed || !readHead(data, this.#head) || this.#head.client === ownId) return;
          const w = this.#head.client - this.#idBase;
          if (w < 0 || w >= this.#received.length) return;
          // The setup update holds clocks 0 and 1 (paragraph, text); a typing update one string.
          const end = this.#head.clock === 0 ? 2 : this.#head.clock + this.#config.chunk.length;
          if (end > this.#received[w]!) this.#received[w] = end;
          this.#delivered++;
        } else if (!client.synced && isSyncStep2(data)) {
          client.synced = true;
          if (this.#killed) client.answer = Uint8Array.from(syncPayload(data) ?? []);
          resolve(true);
        }
      });
    });
  }

  /**
   * Types at `rate` updates per second per document for `seconds`, then kills the server (SIGKILL) while
   * still typing, restarts it with `restart` and lets every client reconnect.
   */
  async run(
    server: ServerProcess,
    restart: () => Promise<ServerProcess>,
  ): Promise<{
    result: KillStormResult;
    server: ServerProcess;
  }> {
    const { rate, seconds, clientsPerDoc, jitter } = this.#config;
    const docs = this.#targets.length;
    const perWriter = Math.ceil((rate * (seconds + 2)) / clientsPerDoc) + 1;
    for (const c of this.#clients) c.writer.ensure(perWriter);
    const next = new Int32Array(this.#clients.length);
    let sent = 0;
    const start = performance.now();
    // Typing goes on until the kill: updates are in flight (sent, not yet stored or relayed) when it lands.
    const typing = new Promise<void>((resolve) => {
      const tick = (): void => {
        if (this.#killed) return resolve();
        const due = Math.floor(((performance.now() - start) / 1000) * rate * docs);
        while (sent < due) {
          const doc = sent % docs;
          const round = Math.floor(sent / docs);
          const i = doc * clientsPerDoc + (round % clientsPerDoc);
          const c = this.#clients[i]!;
          const seq = next[i]!;
          if (seq >= c.writer.typing.length) break;
          next[i] = seq + 1;
          c.ws!.send(c.writer.typing[seq]!);
          this.#sent[i] = 2 + (seq + 1) * this.#config.chunk.length;
          sent++;
        }
        setTimeout(tick, 1);
      };
      tick();
    });
    await sleep(seconds * 1000);
    const closed = this.#clients.map(
      (c) =>
        new Promise<void>((resolve) =>
          c.ws!.readyState === WebSocket.CLOSED ? resolve() : c.ws!.once('close', () => resolve()),
        ),
    );
    const killAt = performance.now();
    this.#killed = true;
    await server.kill();
    await typing;
    await Promise.all(closed);
    const received = Float64Array.from(this.#received);
    const receivedCount = this.#clients.reduce(
      (sum, _, i) => sum + Math.max(0, (received[i]! - 2) / this.#config.chunk.length),
      0,
    );
    const restarted = await restart();
    const readyAt = performance.now();
    let retries = 0;
    const times: number[] = [];
    await Promise.all(
      this.#clients.map(async (c, i) => {
        for (;;) {
          await sleep(
            c.attempts === 0 ? Math.random() * jitter : backoffMs(c.attempts + 1) + Math.random() * jitter,
          );
          if (await this.#open(i)) break;
          c.attempts++;
          retries++;
          c.ws?.terminate();
        }
        times.push(performance.now() - readyAt);
      }),
    );
    const doneAt = performance.now();
    // Every answer must reach, for each writer of its document, what any client had received.
    let lostClients = 0;
    // Per writer, the most any answer missed (both clients of a document see the same loss).
    const lostByWriter = new Float64Array(this.#clients.length);
    let unconfirmed = 0;
    let unconfirmedKept = 0;
    const chunk = this.#config.chunk.length;
    for (let i = 0; i < this.#clients.length; i++) {
      const c = this.#clients[i]!;
      const sv = stateVectorOf(c.answer ?? new Uint8Array());
      let lost = false;
      for (let k = 0; k < clientsPerDoc; k++) {
        const w = c.doc * clientsPerDoc + k;
        const have = sv.get(this.#idBase + w) ?? 0;
        if (have < received[w]!) {
          lost = true;
          lostByWriter[w] = Math.max(lostByWriter[w]!, Math.ceil((received[w]! - have) / chunk));
        }
        // Counted once per writer, on its own answer.
        if (w === i) {
          const pending = Math.max(0, (this.#sent[w]! - received[w]!) / chunk);
          unconfirmed += pending;
          unconfirmedKept += Math.max(0, Math.min(pending, (have - received[w]!) / chunk));
        }
      }
      if (lost) lostClients++;
    }
    return {
      server: restarted,
      result: {
        clients: this.#clients.length,
        sent,
        received: receivedCount,
        restartMs: readyAt - killAt,
        resyncMs: doneAt - readyAt,
        totalMs: doneAt - killAt,
        perClient: percentiles(times),
        retries,
        failures: this.failures,
        lostClients,
        lostUpdates: lostByWriter.reduce((sum, n) => sum + n, 0),
        unconfirmed,
        unconfirmedKept,
      },
    };
  }

  async close(): Promise<void> {
    this.#killed = true;
    const closed = this.#clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (!c.ws || c.ws.readyState === WebSocket.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          setTimeout(resolve, 3000).unref();
        }),
    );
    for (const c of this.#clients) c.ws?.close();
    await Promise.all(closed);
    for (const c of this.#clients) c.ws?.terminate();
  }
}
