// An honest client, as the web app's provider behaves: a Y.Doc synced over y-websocket, that types into its
// own paragraph, reconnects when the connection drops, and decodes everything it receives strictly — a
// frame it cannot read, or an update it cannot integrate, is something malformed the server relayed.
// Used by the fuzzer (latency under attack) and the churn test (what was received must survive).
import * as Y from 'yjs';
import WebSocket from 'ws';
import { readHead } from '../bench/frames.ts';
import { Reader, message } from './codec.ts';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

/** Send times of typed updates, by client id and clock of their first struct (what a relay starts with). */
export class LatencyBook {
  readonly #sent = new Map<number, Map<number, number>>();
  samples: number[] = [];

  sent(clientId: number, clock: number, at: number): void {
    let clocks = this.#sent.get(clientId);
    if (!clocks) this.#sent.set(clientId, (clocks = new Map()));
    clocks.set(clock, at);
  }

  received(clientId: number, clock: number, at: number): void {
    const sent = this.#sent.get(clientId)?.get(clock);
    if (sent !== undefined) this.samples.push(at - sent);
  }

  /** Takes the samples gathered so far. */
  take(): number[] {
    const samples = this.samples;
    this.samples = [];
    return samples;
  }
}

export function percentiles(values: number[]): { p50: number; p99: number; max: number; samples: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN, samples: sorted.length };
}

export interface HonestOptions {
  /** The document's WebSocket address; a function, for a server whose port changes across restarts. */
  url: () => string;
  cookie: string;
  book?: LatencyBook;
  /** Called with every Yjs update the server sent (relays and sync answers), after it was applied. */
  onServerUpdate?: (update: Uint8Array) => void;
  /** Delay before reconnecting (ms). */
  reconnectMs?: number;
  /** False for a reader that never writes (default: it adds its own paragraph, to type in). */
  paragraph?: boolean;
}

export class HonestClient {
  readonly doc = new Y.Doc();
  /** Close codes the server ended connections with, and how often. */
  readonly closes = new Map<number, number>();
  /** Frames it could not read or apply (each one a violation). */
  readonly errors: string[] = [];
  connections = 0;
  #ws: WebSocket | null = null;
  #synced = false;
  #stopped = false;
  #held = false;
  #syncWaiters: (() => void)[] = [];
  readonly #options: HonestOptions;
  readonly #text: Y.XmlText | null = null;

  constructor(options: HonestOptions) {
    this.#options = options;
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this) this.#send(message(MESSAGE_SYNC, SYNC_UPDATE, update));
    });
    if (options.paragraph !== false) {
      const paragraph = new Y.XmlElement('paragraph');
      this.#text = new Y.XmlText();
      paragraph.insert(0, [this.#text]);
      this.doc.getXmlFragment('notes').insert(0, [paragraph]);
    }
    this.#connect();
  }

  /** True when the document holds structs or deletions it cannot integrate. */
  get pending(): boolean {
    return this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** Resolves at the next (or current) completed sync with the server. */
  whenSynced(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  /** Types `text` at the end of its paragraph; the send time is booked for the latency measurement. */
  type(text: string): void {
    const typed = this.#text;
    if (!typed) throw new Error('client en lecture seule');
    const clock = Y.getState(this.doc.store, this.doc.clientID);
    this.#options.book?.sent(this.doc.clientID, clock, performance.now());
    typed.insert(typed.length, text);
  }

  /** Stops reconnecting (the current connection, if any, stays) until `release`. */
  hold(): void {
    this.#held = true;
  }

  release(): void {
    this.#held = false;
    if (!this.#stopped && (!this.#ws || this.#ws.readyState === WebSocket.CLOSED)) this.#connect();
  }

  stop(): Promise<void> {
    this.#stopped = true;
    const ws = this.#ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once('close', () => resolve());
      ws.terminate();
    });
  }

  #send(frame: Uint8Array): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(frame);
  }

  #connect(): void {
    if (this.#stopped || this.#held) return;
    const ws = new WebSocket(this.#options.url(), {
      headers: { cookie: this.#options.cookie },
      perMessageDeflate: false,
    });
    this.#ws = ws;
    ws.binaryType = 'nodebuffer';
    ws.on('error', () => {});
    ws.on('open', () => {
      this.connections++;
      ws.send(message(MESSAGE_SYNC, SYNC_STEP1, Y.encodeStateVector(this.doc)));
    });
    ws.on('message', (data: Buffer) => this.#onMessage(new Uint8Array(data)));
    ws.on('close', (code: number) => {
      if (this.#ws !== ws) return;
      this.#synced = false;
      if (!this.#stopped) this.closes.set(code, (this.closes.get(code) ?? 0) + 1);
      setTimeout(() => this.#connect(), this.#options.reconnectMs ?? 50);
    });
  }

  readonly #head = { client: 0, clock: 0 };

  #onMessage(frame: Uint8Array): void {
    const at = performance.now();
    try {
      const reader = new Reader(frame);
      const type = reader.varUint();
      if (type === MESSAGE_SYNC) {
        const sub = reader.varUint();
        const payload = reader.varBytes();
        if (!reader.done) throw new Error('octets après le message');
        if (sub === SYNC_STEP1) {
          this.#send(message(MESSAGE_SYNC, SYNC_STEP2, Y.encodeStateAsUpdate(this.doc, payload)));
        } else if (sub === SYNC_STEP2 || sub === SYNC_UPDATE) {
          Y.decodeUpdate(payload);
          // A relay can overtake the sync answer of a connection that just opened: pending for a moment is
          // fine, what is still pending at the end is checked by the caller (`pending`).
          Y.applyUpdate(this.doc, payload, this);
          this.#options.onServerUpdate?.(payload);
          if (sub === SYNC_UPDATE && this.#options.book && readHead(frame, this.#head))
            this.#options.book.received(this.#head.client, this.#head.clock, at);
          if (sub === SYNC_STEP2 && !this.#synced) {
            this.#synced = true;
            for (const resolve of this.#syncWaiters.splice(0)) resolve();
          }
        } else throw new Error(`sous-type de synchronisation ${sub}`);
      } else if (type === MESSAGE_AWARENESS) {
        const update = new Reader(reader.varBytes());
        if (!reader.done) throw new Error('octets après la présence');
        for (let n = update.varUint(); n > 0; n--) {
          update.varUint();
          update.varUint();
          const state: unknown = JSON.parse(update.varString());
          if (state !== null && typeof state !== 'object') throw new Error('état de présence invalide');
        }
        if (!update.done) throw new Error('octets après les états de présence');
      } else throw new Error(`type de message ${type}`);
    } catch (error) {
      if (this.errors.length < 20)
        this.errors.push(
          `${error instanceof Error ? error.message : String(error)} : ${Buffer.from(frame.subarray(0, 512)).toString('hex')}`,
        );
    }
  }
}
