// The load generator: plain `ws` sockets writing pre-encoded frames on a schedule, receivers that only
// count, and one probe per document that reads the head of each relayed update to measure fan-out latency.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { EMPTY_STEP1, WriterFrames, isSyncStep2, isSyncUpdate, readHead } from './frames.ts';

export interface DocTarget {
  /** Full WebSocket URL of the document. */
  url: string;
  headers: Record<string, string>;
}

export interface PhaseResult {
  ratePerDoc: number;
  seconds: number;
  sent: number;
  expected: number;
  delivered: number;
  latency: { p50: number; p99: number; max: number; samples: number };
  /** Wall time from the first send to the end of the drain, in ms. */
  wallMs: number;
  /**
   * The generator's own event-loop delay (p99 and max, ms): when it is high, latencies were (also) made
   * by the generator or the machine, not by the server alone.
   */
  generatorLag: { p99: number; max: number };
}

class Latencies {
  values = new Float64Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = v;
  }
  summary(): PhaseResult['latency'] {
    if (this.length === 0) return { p50: NaN, p99: NaN, max: NaN, samples: 0 };
    const sorted = this.values.slice(0, this.length).sort();
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]!, samples: sorted.length };
  }
}

interface Client {
  ws: WebSocket;
  doc: number;
  writer: number;
  probe: boolean;
  synced: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `docs.length` documents × `clientsPerDoc` clients. Every client writes in turn (round robin within its
 * document); the first client of each document is its probe. Deliveries are counted on every client, echoes
 * of a client's own update (the reference server sends them back) excluded.
 */
export class Load {
  readonly docs: DocTarget[];
  readonly clientsPerDoc: number;
  readonly clients: Client[] = [];
  readonly writers: WriterFrames[] = [];
  /** Send time of each writer's typing frames (ms, `performance.now()`), by frame index. */
  readonly sendTimes: Float64Array[] = [];
  readonly #clientIdBase: number;
  #next: Int32Array;
  delivered = 0;
  bytesIn = 0;
  framesIn = 0;
  /** Sockets the server closed during the run (a slow-client cut, a crash…). */
  unexpectedCloses = 0;
  #closing = false;
  #phaseStart = Infinity;
  #latencies = new Latencies();
  readonly #head = { client: 0, clock: 0 };

  constructor(docs: DocTarget[], clientsPerDoc: number, chunk: string) {
    this.docs = docs;
    this.clientsPerDoc = clientsPerDoc;
    // Fresh client ids for every run, in a block, so that a probe maps an id to its writer by subtraction.
    this.#clientIdBase = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
    this.#next = new Int32Array(docs.length * clientsPerDoc);
    for (let i = 0; i < docs.length * clientsPerDoc; i++) {
      this.writers.push(new WriterFrames(this.#clientIdBase + i, chunk));
      this.sendTimes.push(new Float64Array(0));
    }
  }

  /** Opens every socket (at most `parallel` handshakes at once) and waits for each one's first sync. */
  async connect(parallel = 100): Promise<void> {
    const all = this.docs.length * this.clientsPerDoc;
    let index = 0;
    const open = async (): Promise<void> => {
      while (index < all) {
        const i = index++;
        await this.#open(i);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, all) }, open));
  }

  #open(i: number): Promise<void> {
    const doc = Math.floor(i / this.clientsPerDoc);
    const target = this.docs[doc]!;
    const ws = new WebSocket(target.url, { headers: target.headers, perMessageDeflate: false });
    const client: Client = { ws, doc, writer: i, probe: i % this.clientsPerDoc === 0, synced: false };
    this.clients[i] = client;
    const ownId = this.#clientIdBase + i;
    return new Promise<void>((resolve, reject) => {
      ws.on('error', (error) => reject(new Error(`client ${i} (${target.url}): ${error.message}`)));
      ws.once('close', (code) => {
        if (!client.synced) reject(new Error(`client ${i} closed before sync: ${code}`));
        else if (!this.#closing) this.unexpectedCloses++;
      });
      ws.once('open', () => ws.send(EMPTY_STEP1));
      ws.on('message', (data: Buffer) => {
        this.bytesIn += data.length;
        this.framesIn++;
        if (isSyncUpdate(data)) {
          if (!readHead(data, this.#head) || this.#head.client === ownId) return;
          this.delivered++;
          if (client.probe) this.#probe();
        } else if (!client.synced && isSyncStep2(data)) {
          client.synced = true;
          resolve();
        }
      });
    });
  }

  #probe(): void {
    const w = this.#head.client - this.#clientIdBase;
    const writer = this.writers[w];
    if (!writer) return;
    const sent = this.sendTimes[w]![writer.seqOf(this.#head.clock)];
    if (sent !== undefined && sent >= this.#phaseStart) this.#latencies.push(performance.now() - sent);
  }

  /** Every writer creates its paragraph; waits until all of them have reached every other client. */
  async setup(): Promise<void> {
    const expected = this.delivered + this.writers.length * (this.clientsPerDoc - 1);
    for (let i = 0; i < this.clients.length; i++) this.clients[i]!.ws.send(this.writers[i]!.setup);
    await this.#drain(expected, 15_000);
  }

  /** Sends `ratePerDoc` updates per second to every document for `seconds`, then waits for the relays. */
  async phase(ratePerDoc: number, seconds: number, drainMs = 5000): Promise<PhaseResult> {
    const docCount = this.docs.length;
    const perSecond = ratePerDoc * docCount;
    const total = Math.round(perSecond * seconds);
    const rounds = Math.ceil(total / docCount);
    const perWriter = Math.ceil(rounds / this.clientsPerDoc) + 1;
    // Frames are made before the clock starts, never while sending.
    for (let i = 0; i < this.writers.length; i++) {
      const writer = this.writers[i]!;
      const needed = this.#next[i]! + perWriter;
      writer.ensure(needed);
      const times = this.sendTimes[i]!;
      if (times.length < needed) {
        const grown = new Float64Array(Math.max(needed, times.length * 2));
        grown.set(times);
        this.sendTimes[i] = grown;
      }
    }
    this.delivered = 0;
    this.#latencies = new Latencies();
    const fanOut = this.clientsPerDoc - 1;
    let sent = 0;
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const start = performance.now();
    this.#phaseStart = start;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = performance.now();
        const due = Math.min(total, Math.floor(((now - start) / 1000) * perSecond));
        while (sent < due) {
          // Update k goes to document k mod docs, by its clients in turn: documents are evenly interleaved.
          const doc = sent % docCount;
          const round = Math.floor(sent / docCount);
          const index = doc * this.clientsPerDoc + (round % this.clientsPerDoc);
          const seq = this.#next[index]!++;
          this.sendTimes[index]![seq] = performance.now();
          this.clients[index]!.ws.send(this.writers[index]!.typing[seq]!);
          sent++;
        }
        if (sent >= total) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
    const expected = sent * fanOut;
    await this.#drain(expected, drainMs);
    lag.disable();
    return {
      ratePerDoc,
      seconds,
      sent,
      expected,
      delivered: this.delivered,
      latency: this.#latencies.summary(),
      wallMs: performance.now() - start,
      generatorLag: { p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
    };
  }

  /** Waits until `expected` deliveries were counted, or nothing arrived for a second, or `maxMs`. */
  async #drain(expected: number, maxMs: number): Promise<void> {
    const deadline = performance.now() + maxMs;
    let last = this.delivered;
    let lastChange = performance.now();
    while (this.delivered < expected && performance.now() < deadline) {
      await sleep(10);
      if (this.delivered !== last) {
        last = this.delivered;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > 1000) break;
    }
  }

  /**
   * A reconnect storm: every socket is cut at once (as a network drop or a server restart behind a proxy
   * would), then all reopen at the same moment and resync. Returns how long each client took from the
   * storm to its first sync, and how long until the last one was back.
   */
  async reconnectStorm(): Promise<{ totalMs: number; perClient: PhaseResult['latency'] }> {
    this.#closing = true;
    const closed = this.clients.map(
      (c) =>
        new Promise<void>((resolve) =>
          c.ws.readyState === WebSocket.CLOSED ? resolve() : c.ws.once('close', () => resolve()),
        ),
    );
    for (const c of this.clients) c.ws.terminate();
    await Promise.all(closed);
    this.#closing = false;
    const times = new Latencies();
    const start = performance.now();
    await Promise.all(
      this.clients.map((_, i) => this.#open(i).then(() => times.push(performance.now() - start))),
    );
    return { totalMs: performance.now() - start, perClient: times.summary() };
  }

  /** Average size of the typing frames written so far, in bytes. */
  frameBytes(): number {
    let bytes = 0;
    let count = 0;
    for (const writer of this.writers)
      for (const frame of writer.typing) {
        bytes += frame.length;
        count++;
      }
    return count > 0 ? bytes / count : NaN;
  }

  async close(): Promise<void> {
    this.#closing = true;
    const closed = this.clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          setTimeout(resolve, 3000).unref();
        }),
    );
    for (const c of this.clients) c.ws.close();
    await Promise.all(closed);
    for (const c of this.clients) c.ws.terminate();
  }
}
