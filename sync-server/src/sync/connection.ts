import type { Duplex } from 'node:stream';
import * as decoding from 'lib0/decoding';
import type { WebSocket } from 'ws';
import type { Logger } from '../log/logger.ts';
import type { GroupCommit } from './group-commit.ts';
import {
  ConnectionLimits,
  DEFAULT_LIMITS,
  LogBudget,
  awarenessWindow,
  pendingGuard,
  type SyncLimits,
} from './limits.ts';
import {
  CLOSE,
  MESSAGE_AWARENESS,
  MESSAGE_QUERY_AWARENESS,
  MESSAGE_SYNC,
  SYNC_STEP1,
  SYNC_STEP2,
  SYNC_UPDATE,
  checkUpdate,
  encodeIntegratedState,
  readAwarenessUpdate,
  syncStep2Message,
  type AwarenessEntry,
} from './protocol.ts';
import type { Room } from './room.ts';

/** Refusals are logged, but a flood of bad frames must not become a flood of log lines. */
const refusals = new LogBudget(10, 1000);

/** A client whose send buffer grows past this is not reading: it is cut off rather than filling memory. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export interface ConnectionInfo {
  userId: string;
  sessionId: string;
  sessionExpiresAt: number;
}

/**
 * One client on one document. Every frame is decoded defensively: anything malformed closes this
 * connection with a code (SYNC4) before it can reach the document, the log or another client; so does
 * a client past its rate limits (SYNC10, SYNC11), checked before anything is decoded.
 */
export class Connection {
  readonly ws: WebSocket;
  readonly room: Room;
  readonly info: ConnectionInfo;
  /** Answered the last ping (keep-alive). */
  alive = true;
  closed = false;

  readonly #commit: GroupCommit;
  readonly #log: Logger;
  readonly #onRoomFailure: (room: Room) => void;
  readonly #limits: ConnectionLimits;
  /** The socket under `ws`, written directly with frames built once per broadcast. */
  readonly #socket: Duplex;
  /** The last group-commit flush that wrote to this connection, and whether the socket is corked. */
  #lastFlush = 0;
  #corked = false;

  constructor(options: {
    ws: WebSocket;
    /** The upgraded socket that `ws` runs on (the one given to `handleUpgrade`). */
    socket: Duplex;
    room: Room;
    info: ConnectionInfo;
    commit: GroupCommit;
    log: Logger;
    onRoomFailure: (room: Room) => void;
    /** SYNC8–SYNC11; the defaults of `limits.ts` when absent. */
    limits?: SyncLimits;
  }) {
    this.ws = options.ws;
    this.#socket = options.socket;
    this.room = options.room;
    this.info = options.info;
    this.#commit = options.commit;
    this.#log = options.log;
    this.#onRoomFailure = options.onRoomFailure;
    this.#limits = new ConnectionLimits(options.limits ?? DEFAULT_LIMITS);
    // What it left pending goes with it (SYNC10).
    this.ws.once('close', () => pendingGuard(this.room, this.#limits.limits).left(this));
  }

  /**
   * Writes a whole WebSocket frame (see `wsFrame`) now; only the group commit calls this, once what the
   * frame depends on is stored. Writing to the socket beside `ws` keeps frames whole and in order: with
   * compression off, `ws` writes its own frames (pings, close) synchronously to the same socket, and
   * nothing is written once it has started closing. From the second frame of a flush on, the socket is
   * corked so that the frames leave together; returns true when it corked it (the caller uncorks).
   */
  sendFrame(frame: Buffer, flush: number): boolean {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return false;
    const socket = this.#socket;
    if (socket.writableLength > MAX_BUFFERED_BYTES) {
      this.#log.warn(`Document ${this.room.name} : client trop lent, connexion coupée`);
      this.closed = true;
      this.ws.terminate();
      return false;
    }
    let corked = false;
    if (this.#lastFlush === flush) {
      if (!this.#corked) {
        socket.cork();
        this.#corked = corked = true;
      }
    } else this.#lastFlush = flush;
    socket.write(frame);
    return corked;
  }

  /** Lets the frames held since `sendFrame` corked the socket leave, in one write. */
  uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.#socket.uncork();
  }

  /** Closes this connection with a code and a short reason; further frames from it are ignored. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
    // A client that does not answer the closing handshake is cut after a grace period.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  #reject(code: number, reason: string): void {
    if (refusals.allow()) {
      const skipped = refusals.takeSkipped();
      this.#log.warn(
        `Document ${this.room.name} : message refusé (${code} ${reason})` +
          (skipped > 0 ? ` — et ${skipped} autre(s) refus non journalisé(s)` : ''),
      );
    }
    this.close(code, reason);
  }

  handleMessage(data: Uint8Array, isBinary: boolean): void {
    // First, so that a room dropped by that flush (storage failure) is seen just below.
    this.#commit.flushIfLate();
    if (this.closed || this.room.destroyed) return;
    if (!isBinary) return this.#reject(CLOSE.unsupported, 'messages binaires uniquement');
    let decoder: decoding.Decoder;
    let type: number;
    try {
      decoder = decoding.createDecoder(data);
      type = decoding.readVarUint(decoder);
    } catch {
      return this.#reject(CLOSE.invalidPayload, 'message illisible');
    }
    switch (type) {
      case MESSAGE_SYNC:
        return this.#sync(decoder);
      case MESSAGE_AWARENESS:
        return this.#awareness(decoder, data.length);
      case MESSAGE_QUERY_AWARENESS: {
        if (!this.#limits.request()) return this.#rateLimited();
        if (decoding.hasContent(decoder)) return this.#reject(CLOSE.invalidPayload, 'octets en trop');
        const states = this.room.awarenessStatesMessage();
        if (states) this.#commit.send(this.room, this, states);
        return;
      }
      default:
        return this.#reject(CLOSE.unsupported, 'type de message inconnu');
    }
  }

  #rateLimited(): void {
    this.#reject(CLOSE.rateLimited, 'trop de messages');
  }

  #sync(decoder: decoding.Decoder): void {
    let sub: number;
    let payload: Uint8Array;
    try {
      sub = decoding.readVarUint(decoder);
      payload = decoding.readVarUint8Array(decoder);
    } catch {
      return this.#reject(CLOSE.invalidPayload, 'message de synchronisation illisible');
    }
    if (sub === SYNC_STEP1) {
      // Answering encodes the whole document: a client asks once per connection.
      if (!this.#limits.request()) return this.#rateLimited();
      if (decoding.hasContent(decoder)) return this.#reject(CLOSE.invalidPayload, 'octets en trop');
      let answer: Uint8Array;
      try {
        answer = syncStep2Message(encodeIntegratedState(this.room.doc, payload));
      } catch {
        return this.#reject(CLOSE.invalidPayload, 'vecteur d’état illisible');
      }
      this.#commit.send(this.room, this, answer);
      return;
    }
    if (sub !== SYNC_STEP2 && sub !== SYNC_UPDATE)
      return this.#reject(CLOSE.unsupported, 'type de synchronisation inconnu');
    if (!this.#limits.update(payload.length)) return this.#rateLimited();
    if (decoding.hasContent(decoder)) return this.#reject(CLOSE.invalidPayload, 'octets en trop');
    try {
      checkUpdate(payload, this.room.doc);
    } catch {
      return this.#reject(CLOSE.invalidPayload, 'mise à jour illisible');
    }
    const guard = pendingGuard(this.room, this.#limits.limits);
    const pendingBefore = guard.before();
    try {
      this.room.applyClientUpdate(payload, this);
      guard.after(this, pendingBefore);
    } catch (error) {
      this.#log.error(`Document ${this.room.name} : mise à jour décodable mais inapplicable`, error);
      this.close(CLOSE.invalidPayload, 'mise à jour inapplicable');
      this.#onRoomFailure(this.room);
    }
  }

  #awareness(decoder: decoding.Decoder, frameBytes: number): void {
    if (frameBytes > this.#limits.maxAwarenessBytes)
      return this.#reject(CLOSE.tooBig, 'présence trop grande');
    if (!this.#limits.awareness()) return this.#rateLimited();
    let update: Uint8Array;
    let entries: AwarenessEntry[];
    try {
      update = decoding.readVarUint8Array(decoder);
      entries = readAwarenessUpdate(update);
    } catch {
      return this.#reject(CLOSE.invalidPayload, 'présence illisible');
    }
    if (decoding.hasContent(decoder)) return this.#reject(CLOSE.invalidPayload, 'octets en trop');
    awarenessWindow(this.room, this.#limits.awarenessWindowMs).offer(this, update, entries);
  }
}
