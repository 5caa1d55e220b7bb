import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from '../sync/protocol.ts';

export interface Closed {
  code: number;
  reason: string;
}

export function wsUrl(httpUrl: string, docName: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/sync/${encodeURIComponent(docName)}`;
}

/**
 * A y-websocket client as the web app's WebsocketProvider behaves, over a real WebSocket: sync step 1 on
 * open, answers the server's step 1, sends every local update, relays awareness.
 */
export class SyncClient {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly ws: WebSocket;
  /** Resolves on the first sync step 2 from the server (the client then holds the server's state). */
  readonly synced: Promise<void>;
  readonly closed: Promise<Closed>;
  /** Raw frames received, in order. */
  readonly received: Uint8Array[] = [];
  #resolveSynced!: () => void;

  constructor(url: string, headers: Record<string, string>, doc = new Y.Doc()) {
    this.doc = doc;
    this.awareness = new Awareness(doc);
    this.synced = new Promise((resolve) => (this.#resolveSynced = resolve));
    this.ws = new WebSocket(url, { headers });
    this.ws.binaryType = 'nodebuffer';
    this.closed = new Promise((resolve) =>
      this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on('error', () => {});
    this.ws.on('open', () => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeSyncStep1(encoder, this.doc);
      this.send(encoding.toUint8Array(encoder));
      if (this.awareness.getLocalState() !== null) this.send(this.#awarenessFrame([this.doc.clientID]));
    });
    this.ws.on('message', (data: Buffer) => this.#onMessage(new Uint8Array(data)));
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeUpdate(encoder, update);
      this.send(encoding.toUint8Array(encoder));
    });
    this.awareness.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
      if (origin === this) return;
      const changed = [...(added ?? []), ...(updated ?? []), ...(removed ?? [])];
      this.send(this.#awarenessFrame(changed));
    });
  }

  static async connect(
    httpUrl: string,
    docName: string,
    cookie: string | null,
    options: { origin?: string; doc?: Y.Doc } = {},
  ): Promise<SyncClient> {
    const headers: Record<string, string> = {};
    if (cookie) headers['cookie'] = cookie;
    if (options.origin) headers['origin'] = options.origin;
    const client = new SyncClient(wsUrl(httpUrl, docName), headers, options.doc);
    await Promise.race([
      client.synced,
      client.closed.then((c) => {
        throw new Error(`closed before sync: ${c.code} ${c.reason}`);
      }),
    ]);
    return client;
  }

  send(frame: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  queryAwareness(): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_QUERY_AWARENESS);
    this.send(encoding.toUint8Array(encoder));
  }

  /** Resolves when `predicate` holds on this client's document (checked after every change). */
  waitFor(predicate: (doc: Y.Doc) => boolean, timeoutMs = 5000): Promise<void> {
    if (predicate(this.doc)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate(this.doc)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error('waitFor timed out'));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.doc.off('update', check);
      };
      this.doc.on('update', check);
    });
  }

  /** Resolves when `predicate` holds on the awareness states this client sees. */
  waitForAwareness(predicate: (states: Map<number, Record<string, unknown>>) => boolean, timeoutMs = 5000) {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!predicate(this.awareness.getStates() as Map<number, Record<string, unknown>>)) return;
        clearTimeout(timer);
        this.awareness.off('change', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.awareness.off('change', check);
        reject(new Error('waitForAwareness timed out'));
      }, timeoutMs);
      this.awareness.on('change', check);
      check();
    });
  }

  close(): Promise<Closed> {
    this.awareness.destroy();
    this.ws.close();
    return this.closed;
  }

  #awarenessFrame(clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(this.awareness, clients));
    return encoding.toUint8Array(encoder);
  }

  #onMessage(frame: Uint8Array): void {
    this.received.push(frame);
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      const sub = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
      if (encoding.length(encoder) > 1) this.send(encoding.toUint8Array(encoder));
      if (sub === syncProtocol.messageYjsSyncStep2) this.#resolveSynced();
    } else if (type === MESSAGE_AWARENESS) {
      applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    }
  }
}

/** Opens a raw WebSocket and resolves with the HTTP status of a refused upgrade, or 101 when accepted. */
export function upgradeStatus(
  httpUrl: string,
  docName: string,
  headers: Record<string, string>,
): Promise<number> {
  return upgradeStatusAt(wsUrl(httpUrl, docName), headers);
}

/** The same on any WebSocket address of the server (`/call/:appointmentId` too). */
export function upgradeStatusAt(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (error) => reject(error));
  });
}

/** A raw socket on a document, for sending malformed frames. Resolves once open. */
export function rawSocket(
  httpUrl: string,
  docName: string,
  cookie: string,
): Promise<{ ws: WebSocket; closed: Promise<Closed> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(httpUrl, docName), { headers: { cookie } });
    const closed = new Promise<Closed>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
    );
    ws.on('error', () => {});
    ws.on('open', () => resolve({ ws, closed }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
}
