// What one client, authenticated or not, may cost the sync server (SYNC8–SYNC11): a budget for upgrades
// that fail or are still being checked, per client address; token buckets per connection for document
// updates, state-vector requests and awareness; and a per-room window that coalesces awareness.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { applyAwarenessUpdate } from 'y-protocols/awareness';
import type { RejectUpgrade } from '../auth/upgrade.ts';
import type { Connection } from './connection.ts';
import { CLOSE, encodeAwarenessEntries, type AwarenessEntry } from './protocol.ts';
import type { Room } from './room.ts';

export interface SyncLimits {
  /** Sync updates and step 2 messages per connection: sustained rate per second, and burst (SYNC10). */
  updatesPerSecond: number;
  updateBurst: number;
  /** Their bytes per connection: sustained per second, and burst (at least one largest frame passes). */
  updateBytesPerSecond: number;
  updateBurstBytes: number;
  /** Sync step 1 (an encoding of the whole document each) and awareness queries per connection. */
  requestsPerSecond: number;
  requestBurst: number;
  /** Awareness messages per connection, before they are even decoded (SYNC11). */
  awarenessPerSecond: number;
  awarenessBurst: number;
  /** Largest awareness update; bigger ones close with 1009 (SYNC8). */
  maxAwarenessBytes: number;
  /** A room applies the awareness it receives at most once per this many ms, coalesced (SYNC11). */
  awarenessWindowMs: number;
  /**
   * Upgrades being checked at once per client address; more wait their turn, up to a queue per address;
   * and upgrades checked or waiting in all (SYNC9).
   */
  maxPendingUpgradesPerAddress: number;
  maxQueuedUpgradesPerAddress: number;
  maxPendingUpgrades: number;
  /**
   * What a room may hold pending — structs or deletions of updates whose dependencies it has not seen —
   * in bytes, and for how long, before it is discarded and its senders closed (SYNC10).
   */
  maxPendingBytes: number;
  maxPendingMs: number;
  /** Refused upgrades (400, 401, 403, 404) one client address may cause per window (SYNC9). */
  failedUpgradesPerWindow: number;
  failedUpgradeWindowMs: number;
}

/**
 * Generous for people and the benchmark: a fast typist makes 10–30 updates and as many cursor moves per
 * second; the benchmark's top saturation step sends ~300 updates/s per connection.
 */
export const DEFAULT_LIMITS: Readonly<SyncLimits> = {
  updatesPerSecond: 500,
  updateBurst: 5000,
  updateBytesPerSecond: 1024 * 1024,
  updateBurstBytes: 16 * 1024 * 1024,
  requestsPerSecond: 2,
  requestBurst: 20,
  awarenessPerSecond: 100,
  awarenessBurst: 500,
  maxAwarenessBytes: 64 * 1024,
  awarenessWindowMs: 100,
  maxPendingBytes: 128 * 1024,
  maxPendingMs: 10_000,
  maxPendingUpgradesPerAddress: 32,
  maxQueuedUpgradesPerAddress: 1024,
  maxPendingUpgrades: 4096,
  failedUpgradesPerWindow: 30,
  failedUpgradeWindowMs: 60_000,
};

export function resolveLimits(limits: Partial<SyncLimits> = {}): SyncLimits {
  const resolved = { ...DEFAULT_LIMITS, ...limits };
  for (const [key, value] of Object.entries(resolved))
    if (!(typeof value === 'number' && value >= 0))
      throw new Error(`limite de synchronisation ${key} invalide`);
  return resolved;
}

/** A token bucket: `burst` tokens, refilled at `perSecond`; `take` spends tokens when there are enough. */
export class TokenBucket {
  #tokens: number;
  #last: number;
  readonly #perMs: number;
  readonly #burst: number;

  constructor(perSecond: number, burst: number, now = performance.now()) {
    this.#perMs = perSecond / 1000;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = now;
  }

  /** Spends `cost` tokens (at most the burst, so that one large item can always pass a full bucket). */
  take(cost = 1, now = performance.now()): boolean {
    const tokens = this.#refill(now);
    const needed = Math.min(cost, this.#burst);
    if (tokens < needed) return false;
    this.#tokens = tokens - needed;
    return true;
  }

  /** Milliseconds until one token is there (0 when there is one now). */
  waitMs(now = performance.now()): number {
    const tokens = this.#refill(now);
    return tokens >= 1 ? 0 : this.#perMs > 0 ? (1 - tokens) / this.#perMs : Infinity;
  }

  /** True when the bucket is full again (nothing to remember about it). */
  full(now = performance.now()): boolean {
    return this.#refill(now) >= this.#burst;
  }

  #refill(now: number): number {
    const tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs);
    this.#tokens = tokens;
    this.#last = now;
    return tokens;
  }
}

/** At most `perWindow` log lines per window; the others are counted, to be mentioned in the next one. */
export class LogBudget {
  readonly #perWindow: number;
  readonly #windowMs: number;
  #windowStart = -Infinity;
  #used = 0;
  #skipped = 0;

  constructor(perWindow: number, windowMs: number) {
    this.#perWindow = perWindow;
    this.#windowMs = windowMs;
  }

  allow(now = performance.now()): boolean {
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#used = 0;
    }
    if (this.#used < this.#perWindow) {
      this.#used++;
      return true;
    }
    this.#skipped++;
    return false;
  }

  /** How many lines were skipped since the last call. */
  takeSkipped(): number {
    const skipped = this.#skipped;
    this.#skipped = 0;
    return skipped;
  }
}

/** The per-connection buckets of SYNC10 and SYNC11. */
export class ConnectionLimits {
  readonly #updates: TokenBucket;
  readonly #bytes: TokenBucket;
  readonly #requests: TokenBucket;
  readonly #awareness: TokenBucket;
  readonly maxAwarenessBytes: number;
  readonly awarenessWindowMs: number;
  readonly limits: SyncLimits;

  constructor(limits: SyncLimits) {
    this.limits = limits;
    const now = performance.now();
    this.#updates = new TokenBucket(limits.updatesPerSecond, limits.updateBurst, now);
    this.#bytes = new TokenBucket(limits.updateBytesPerSecond, limits.updateBurstBytes, now);
    this.#requests = new TokenBucket(limits.requestsPerSecond, limits.requestBurst, now);
    this.#awareness = new TokenBucket(limits.awarenessPerSecond, limits.awarenessBurst, now);
    this.maxAwarenessBytes = limits.maxAwarenessBytes;
    this.awarenessWindowMs = limits.awarenessWindowMs;
  }

  update(bytes: number): boolean {
    const now = performance.now();
    return this.#updates.take(1, now) && this.#bytes.take(bytes, now);
  }

  request(): boolean {
    return this.#requests.take();
  }

  awareness(): boolean {
    return this.#awareness.take();
  }
}

/**
 * Coalesces a room's incoming awareness (SYNC11). The first update after a quiet window is applied at
 * once; those arriving within the next `windowMs` wait, merged per connection and client id (the latest
 * clock wins, as `applyAwarenessUpdate` would decide), and are applied together when the window ends. The
 * room sends what changed in one event-loop turn as one message (SYNC3), so a room of N cursors sends at
 * most about 1000 / `windowMs` awareness frames per second to each connection, instead of N times as many.
 */
class AwarenessWindow {
  readonly #room: Room;
  readonly #windowMs: number;
  readonly #pending = new Map<Connection, Map<number, AwarenessEntry>>();
  #timer: NodeJS.Timeout | null = null;

  constructor(room: Room, windowMs: number) {
    this.#room = room;
    this.#windowMs = windowMs;
  }

  offer(conn: Connection, update: Uint8Array, entries: AwarenessEntry[]): void {
    if (this.#timer === null) {
      this.#apply(conn, update);
      this.#open();
      return;
    }
    let merged = this.#pending.get(conn);
    if (!merged) this.#pending.set(conn, (merged = new Map()));
    for (const entry of entries) {
      const held = merged.get(entry.clientId);
      // An equal clock only counts when it removes the state (y-protocols' rule).
      if (!held || entry.clock > held.clock || (entry.clock === held.clock && entry.json === 'null'))
        merged.set(entry.clientId, entry);
    }
  }

  #open(): void {
    this.#timer = setTimeout(() => this.#close(), this.#windowMs);
    this.#timer.unref();
  }

  #close(): void {
    this.#timer = null;
    if (this.#pending.size === 0) return;
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const [conn, merged] of pending) this.#apply(conn, encodeAwarenessEntries(merged.values()));
    // What was applied now opens the next window.
    this.#open();
  }

  #apply(conn: Connection, update: Uint8Array): void {
    // A connection that left meanwhile owns nothing any more: its states would never be removed.
    if (conn.closed || this.#room.destroyed || !this.#room.conns.has(conn)) return;
    try {
      applyAwarenessUpdate(this.#room.awareness, update, conn);
    } catch {
      conn.close(CLOSE.invalidPayload, 'présence inapplicable');
    }
  }
}

const windows = new WeakMap<Room, AwarenessWindow>();

const pendingBytes = (doc: Room['doc']): number =>
  (doc.store.pendingStructs?.update.length ?? 0) + (doc.store.pendingDs?.length ?? 0);

/**
 * Bounds what a room holds pending (SYNC10). Yjs keeps the structs and deletions of an update whose
 * dependencies it has not seen, merges every later such update into them and retries the deletions on
 * every update — a cost that grows with what is pending. A real client only causes it for a moment (an
 * edit sent before the sync answer that carries what it depends on). Pending content that outlives
 * `maxPendingMs`, outgrows `maxPendingBytes` or whose sender left is discarded — it was never integrated,
 * stored or relayed, so the room is left equal to its log — and the connections that added to it are
 * closed with 1007: an honest one resyncs when it reconnects, and sends it again with what it depends on.
 */
class PendingGuard {
  readonly #room: Room;
  readonly #maxBytes: number;
  readonly #maxMs: number;
  readonly #senders = new Set<Connection>();
  #timer: NodeJS.Timeout | null = null;

  constructor(room: Room, maxBytes: number, maxMs: number) {
    this.#room = room;
    this.#maxBytes = maxBytes;
    this.#maxMs = maxMs;
  }

  /** Bytes pending now, to pass to `after` once the update is applied. */
  before(): number {
    return pendingBytes(this.#room.doc);
  }

  after(conn: Connection, before: number): void {
    const now = pendingBytes(this.#room.doc);
    if (now === 0) return this.#reset();
    if (now > before) this.#senders.add(conn);
    if (now > this.#maxBytes) return this.#discard();
    if (this.#timer === null) {
      this.#timer = setTimeout(() => this.#discard(), this.#maxMs);
      this.#timer.unref();
    }
  }

  /** A connection left: what it added and what depends on it will not be completed by it any more. */
  left(conn: Connection): void {
    if (this.#senders.has(conn)) this.#discard();
  }

  #reset(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#senders.clear();
  }

  #discard(): void {
    const senders = [...this.#senders];
    this.#reset();
    const doc = this.#room.doc;
    if (this.#room.destroyed || pendingBytes(doc) === 0) return;
    doc.store.pendingStructs = null;
    doc.store.pendingDs = null;
    for (const conn of senders) conn.close(CLOSE.invalidPayload, 'mise à jour incomplète');
  }
}

const guards = new WeakMap<Room, PendingGuard>();

/** The pending guard of a room, made on first use (see `PendingGuard`). */
export function pendingGuard(room: Room, limits: SyncLimits): PendingGuard {
  let guard = guards.get(room);
  if (!guard) guards.set(room, (guard = new PendingGuard(room, limits.maxPendingBytes, limits.maxPendingMs)));
  return guard;
}

/** The awareness window of a room, made on first use (see `AwarenessWindow`). */
export function awarenessWindow(room: Room, windowMs: number): AwarenessWindow {
  let window = windows.get(room);
  if (!window) windows.set(room, (window = new AwarenessWindow(room, windowMs)));
  return window;
}

/** The client address of an upgrade: the TCP peer, or behind a trusted proxy the entry it appended. */
export function upgradeAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.at(-1) : header)?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? 'inconnue';
}

/** What an admitted upgrade carries: a rejecter that counts failures, and the end of its check. */
export interface UpgradeTicket {
  /** Refuses the upgrade; 400, 401, 403 and 404 count against the address's budget. */
  reject: RejectUpgrade;
  /** The handshake completed: the upgrade no longer counts as pending. */
  done(): void;
}

const FAILURES = new Set([400, 401, 403, 404]);
/** Addresses with failures remembered at once; past it the oldest is forgotten (memory stays bounded). */
const MAX_TRACKED_ADDRESSES = 100_000;

/**
 * The budget of SYNC9, checked before anything else of an upgrade (before the session is looked up). Per
 * client address: refused upgrades within a sliding window (a token bucket) — past it, 429 with
 * Retry-After, no handshake; and upgrades being checked at once (session, access, loading the document) —
 * past that they wait their turn in a queue of bounded length, past which 429 too. Over all addresses,
 * the upgrades checked or waiting are capped (429 past it).
 */
export class UpgradeBudget {
  readonly #limits: SyncLimits;
  readonly #trustProxy: boolean;
  /** Per address: upgrades being checked, and those waiting for their turn. */
  readonly #slots = new Map<string, { checking: number; queue: (() => void)[] }>();
  #total = 0;
  readonly #failures = new Map<string, TokenBucket>();
  #sweepAt = 0;

  constructor(limits: SyncLimits, trustProxy = false) {
    this.#limits = limits;
    this.#trustProxy = trustProxy;
  }

  /** Upgrades being checked or waiting to be (diagnostics). */
  get pending(): number {
    return this.#total;
  }

  /**
   * Admits an upgrade — at once, or once one of its address's upgrades being checked is done — or answers
   * 429 and resolves null. The ticket is released by `done`, by `reject`, or when the socket closes,
   * whichever comes first; a socket that closes while waiting resolves null.
   */
  admit(req: IncomingMessage, socket: Duplex, reject: RejectUpgrade): Promise<UpgradeTicket | null> {
    const now = performance.now();
    this.#sweep(now);
    const limits = this.#limits;
    const address = upgradeAddress(req, this.#trustProxy);
    // Never longer than the window (a budget of 0 would otherwise never refill).
    const wait = Math.min(this.#failures.get(address)?.waitMs(now) ?? 0, limits.failedUpgradeWindowMs);
    let slot = this.#slots.get(address);
    if (
      wait > 0 ||
      this.#total >= limits.maxPendingUpgrades ||
      (slot &&
        slot.checking >= limits.maxPendingUpgradesPerAddress &&
        slot.queue.length >= limits.maxQueuedUpgradesPerAddress)
    ) {
      tooManyRequests(socket, Math.max(1, Math.ceil(wait / 1000)));
      return Promise.resolve(null);
    }
    if (!slot) this.#slots.set(address, (slot = { checking: 0, queue: [] }));
    this.#total++;
    const admitted = slot;
    if (admitted.checking < limits.maxPendingUpgradesPerAddress) {
      admitted.checking++;
      return Promise.resolve(this.#ticket(address, admitted, socket, reject));
    }
    // A burst from one address (many people behind one NAT reconnecting at once) waits its turn.
    return new Promise((resolve) => {
      const start = (): void => {
        socket.off('close', abandon);
        admitted.checking++;
        resolve(this.#ticket(address, admitted, socket, reject));
      };
      const abandon = (): void => {
        const index = admitted.queue.indexOf(start);
        if (index >= 0) admitted.queue.splice(index, 1);
        this.#total--;
        if (admitted.checking === 0 && admitted.queue.length === 0) this.#slots.delete(address);
        resolve(null);
      };
      admitted.queue.push(start);
      socket.once('close', abandon);
    });
  }

  #ticket(
    address: string,
    slot: { checking: number; queue: (() => void)[] },
    socket: Duplex,
    reject: RejectUpgrade,
  ): UpgradeTicket {
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      socket.off('close', release);
      this.#total--;
      slot.checking--;
      const next = slot.queue.shift();
      if (next) next();
      else if (slot.checking === 0) this.#slots.delete(address);
    };
    socket.once('close', release);
    return {
      reject: (status, message) => {
        release();
        if (FAILURES.has(status)) this.#fail(address);
        reject(status, message);
      },
      done: release,
    };
  }

  #fail(address: string): void {
    let bucket = this.#failures.get(address);
    if (!bucket) {
      const limits = this.#limits;
      const perSecond = (limits.failedUpgradesPerWindow * 1000) / Math.max(1, limits.failedUpgradeWindowMs);
      bucket = new TokenBucket(perSecond, limits.failedUpgradesPerWindow);
      if (this.#failures.size >= MAX_TRACKED_ADDRESSES)
        this.#failures.delete(this.#failures.keys().next().value!);
      this.#failures.set(address, bucket);
    }
    // Emptied below one token: the next upgrade from this address waits for the refill.
    bucket.take();
  }

  /** Forgets the addresses whose failures have all been forgiven (every 10 s at most). */
  #sweep(now: number): void {
    if (now < this.#sweepAt) return;
    this.#sweepAt = now + 10_000;
    for (const [address, bucket] of this.#failures) if (bucket.full(now)) this.#failures.delete(address);
  }
}

/** 429 with Retry-After, in French, then the socket is closed: no handshake, nothing else read. */
function tooManyRequests(socket: Duplex, retryAfterSeconds: number): void {
  socket.on('error', () => socket.destroy());
  if (socket.destroyed) return;
  const message = 'Trop de tentatives de connexion : réessayez dans un instant.';
  const body = Buffer.from(message, 'utf8');
  socket.end(
    `HTTP/1.1 429 ${STATUS_CODES[429]}\r\nConnection: close\r\nRetry-After: ${retryAfterSeconds}\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${message}`,
  );
}
