// The cross-instance message bus: several sync-server instances behind one origin share one PostgreSQL for
// storage and exchange, over Redis pub/sub, the document updates they committed, the awareness they received
// and instance-wide commands (closing the connections of a revoked session, user or document).
//
// Redis pub/sub is fire-and-forget: a message published while an instance is cut from Redis is lost for good.
// Nothing is lost for documents, though: updates are in storage before they are published (SYNC2), so an
// instance that lost its connection reloads its rooms from storage once it is back (`onResync`), and an
// instance that dropped publishes asks the others to reload those documents (BUS3).
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import type { Logger } from '../log/logger.ts';

export type BusEvent =
  /** A Yjs update already committed to storage by the sender. */
  | { kind: 'update'; doc: string; data: Uint8Array }
  /** An encoded awareness update (y-protocols). */
  | { kind: 'awareness'; doc: string; data: Uint8Array }
  /** Instance-wide commands. */
  | { kind: 'control'; control: BusControl };

export type BusControl =
  | { type: 'close-session'; sessionId: string }
  | { type: 'close-user'; userId: string; docs: string[] }
  | { type: 'close-document'; doc: string; reason: string };

/**
 * `docs` lists the documents to reload from storage; `undefined` means every loaded document (this instance
 * lost Redis for a while, or a peer dropped too many publishes to name them).
 */
export type ResyncHandler = (docs?: readonly string[]) => void;

export interface Bus {
  /** Random per process; own messages are never delivered back. */
  readonly instanceId: string;
  /** False for LocalBus (single instance), true for the Redis bus. */
  readonly shared: boolean;
  /**
   * Starts receiving the doc's events; resolves once the subscription is active on Redis (so a load from
   * storage done after it cannot miss an update). While Redis is unreachable it resolves at once: the
   * subscription is made on reconnection, before `onResync` fires.
   */
  subscribe(doc: string): Promise<void>;
  /** Stops receiving the doc's events (subscriptions are not counted: one call undoes any number of subscribes). */
  unsubscribe(doc: string): void;
  /** Fire-and-forget, never throws; errors are logged. */
  publish(event: BusEvent): void;
  /** Events from other instances. */
  onEvent(handler: (event: BusEvent) => void): void;
  /**
   * Called after the bus lost its Redis connection and got it back (messages may have been missed meanwhile:
   * the hub reloads its rooms from storage), or when a peer could not publish updates of loaded documents.
   */
  onResync(handler: ResyncHandler): void;
  readonly connected: boolean;
  close(): Promise<void>;
}

/** The single-instance bus: nothing to share, nothing ever received. */
export class LocalBus implements Bus {
  readonly instanceId = randomBytes(16).toString('hex');
  readonly shared = false;
  readonly connected = true;
  subscribe(_doc: string): Promise<void> {
    return Promise.resolve();
  }
  unsubscribe(_doc: string): void {}
  publish(_event: BusEvent): void {}
  onEvent(_handler: (event: BusEvent) => void): void {}
  onResync(_handler: ResyncHandler): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
}

// Doc frames: [version, kind, instance id (16 bytes), payload]. Binary on the hot path: no JSON, no base64.
const FRAME_VERSION = 1;
const KIND_UPDATE = 1;
const KIND_AWARENESS = 2;
const ID_BYTES = 16;
const HEADER_BYTES = 2 + ID_BYTES;

/** Control messages are rare: JSON, versioned like the frames. */
interface ControlMessage {
  v: 1;
  from: string;
  control?: BusControl;
  /** Documents whose updates the sender could not publish; null for "all of them". */
  resync?: string[] | null;
}

const RECONNECT_CAP_MS = 2_000;
/** Past this many dropped documents the resync request asks peers to reload everything. */
const MAX_RESYNC_DOCS = 1_000;
/** Control commands queued while Redis is unreachable (they cannot be recovered from storage). */
const MAX_PENDING_CONTROLS = 10_000;
/** Bounds node-redis' command queue when Redis is slow: past it a publish is dropped, not buffered. */
const MAX_QUEUED_COMMANDS = 100_000;

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function parseControl(value: unknown): BusControl | null {
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Record<string, unknown>;
  switch (c['type']) {
    case 'close-session':
      return typeof c['sessionId'] === 'string' ? { type: 'close-session', sessionId: c['sessionId'] } : null;
    case 'close-user':
      return typeof c['userId'] === 'string' && isStringArray(c['docs'])
        ? { type: 'close-user', userId: c['userId'], docs: c['docs'] }
        : null;
    case 'close-document':
      return typeof c['doc'] === 'string' && typeof c['reason'] === 'string'
        ? { type: 'close-document', doc: c['doc'], reason: c['reason'] }
        : null;
    default:
      return null;
  }
}

/** The URL without credentials, for logs (AUTH10). */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
  } catch {
    return 'Redis';
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Exponential backoff from 50 ms, capped near 2 s, with jitter so instances do not reconnect in lockstep. */
function reconnectDelay(retries: number): number {
  const base = Math.min(RECONNECT_CAP_MS, 50 * 2 ** Math.min(retries, 10));
  return Math.round(base * (0.75 + Math.random() * 0.25));
}

type Client = ReturnType<typeof createClient>;

function newClient(url: string, name: string): Client {
  return createClient({
    url,
    name,
    // A publish while Redis is away is dropped at once (the resync covers it) instead of piling up.
    disableOfflineQueue: true,
    commandsQueueMaxLength: MAX_QUEUED_COMMANDS,
    pingInterval: 15_000,
    socket: { connectTimeout: 5_000, reconnectStrategy: reconnectDelay },
  });
}

class RedisBus implements Bus {
  readonly shared = true;
  readonly instanceId: string;
  readonly #id: Buffer;
  readonly #pub: Client;
  readonly #sub: Client;
  readonly #log: Logger;
  readonly #where: string;
  readonly #docPrefix: string;
  readonly #controlChannel: string;
  readonly #wanted = new Set<string>();
  readonly #eventHandlers: ((event: BusEvent) => void)[] = [];
  readonly #resyncHandlers: ResyncHandler[] = [];
  /** Documents whose updates could not be published; sent to peers as a resync request. */
  readonly #dropped = new Set<string>();
  #droppedAll = false;
  #pendingControls: BusControl[] = [];
  #flushTimer: NodeJS.Timeout | null = null;
  #down = false;
  #closed = false;
  #restoreRun = 0;
  #badFrames = 0;

  constructor(id: Buffer, pub: Client, sub: Client, log: Logger, url: string, prefix: string) {
    this.#id = id;
    this.instanceId = id.toString('hex');
    this.#pub = pub;
    this.#sub = sub;
    this.#log = log;
    this.#where = describeUrl(url);
    this.#docPrefix = `${prefix}doc:`;
    this.#controlChannel = `${prefix}control`;
    for (const client of [pub, sub]) {
      // node-redis throws an 'error' without listener: the bus must outlive any Redis failure.
      client.on('error', (error: unknown) => this.#onError(error));
    }
  }

  get connected(): boolean {
    return this.#pub.isReady && this.#sub.isReady;
  }

  /** Subscribes the control channel; afterwards every 'ready' is a reconnection. */
  async start(): Promise<void> {
    await this.#sub.subscribe(this.#controlChannel, this.#onControlMessage, true);
    this.#sub.on('ready', () => void this.#restore());
    this.#pub.on('ready', () => {
      this.#noteUp();
      this.#flush();
    });
  }

  async subscribe(doc: string): Promise<void> {
    this.#wanted.add(doc);
    if (this.#closed || !this.#sub.isReady) return;
    try {
      await this.#sub.subscribe(this.#docPrefix + doc, this.#onDocMessage, true);
    } catch (error) {
      // The connection dropped meanwhile: #restore subscribes `wanted` again, then the resync reloads.
      // Still connected means Redis refused the command: worth saying.
      if (this.#sub.isReady && !this.#closed)
        this.#log.error(`Bus inter-instances : abonnement à ${doc} refusé`, error);
    }
  }

  unsubscribe(doc: string): void {
    if (!this.#wanted.delete(doc) || this.#closed || !this.#sub.isReady) return;
    // Without a listener: drops the channel even if its SUBSCRIBE is still in flight (commands run in order).
    this.#sub.unsubscribe(this.#docPrefix + doc).catch(() => {
      // Lost meanwhile: #restore drops channels no longer wanted.
    });
  }

  publish(event: BusEvent): void {
    if (this.#closed) return;
    if (event.kind === 'control') {
      this.#publishControl(event.control);
      return;
    }
    const { doc, data } = event;
    if (!this.#pub.isReady) {
      // Awareness is transient (clients re-announce it); updates are in storage: peers reload them (BUS3).
      if (event.kind === 'update') this.#noteDropped(doc);
      return;
    }
    const frame = Buffer.allocUnsafe(HEADER_BYTES + data.length);
    frame[0] = FRAME_VERSION;
    frame[1] = event.kind === 'update' ? KIND_UPDATE : KIND_AWARENESS;
    this.#id.copy(frame, 2);
    frame.set(data, HEADER_BYTES);
    // node-redis writes every command of an event-loop turn in one socket write: no batching needed here.
    this.#pub.publish(this.#docPrefix + doc, frame).catch((error: unknown) => {
      if (event.kind === 'update') this.#noteDropped(doc);
      this.#onPublishError(error);
    });
  }

  onEvent(handler: (event: BusEvent) => void): void {
    this.#eventHandlers.push(handler);
  }

  onResync(handler: ResyncHandler): void {
    this.#resyncHandlers.push(handler);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#sub.destroy();
    if (this.#pub.isReady) {
      // Lets the publishes of the last turn reach Redis, within reason.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#pub.close().catch(() => {}),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, 1_000))),
      ]);
      clearTimeout(timer);
    }
    if (this.#pub.isOpen) this.#pub.destroy();
  }

  // ── receiving ──

  readonly #onDocMessage = (message: Buffer, channel: Buffer): void => {
    if (this.#closed) return;
    const doc = channel.toString('utf8').slice(this.#docPrefix.length);
    if (!this.#wanted.has(doc)) return;
    if (message.length < HEADER_BYTES || message[0] !== FRAME_VERSION) {
      this.#onBadFrame(doc);
      return;
    }
    if (this.#id.equals(message.subarray(2, HEADER_BYTES))) return;
    const kind = message[1];
    if (kind !== KIND_UPDATE && kind !== KIND_AWARENESS) {
      this.#onBadFrame(doc);
      return;
    }
    // A copy: the message may be a view into the socket's read buffer, which the hub must not retain.
    const data = new Uint8Array(message.subarray(HEADER_BYTES));
    this.#emit({ kind: kind === KIND_UPDATE ? 'update' : 'awareness', doc, data });
  };

  readonly #onControlMessage = (message: Buffer): void => {
    if (this.#closed) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.toString('utf8'));
    } catch {
      this.#onBadFrame('control');
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return this.#onBadFrame('control');
    const m = parsed as Partial<Record<keyof ControlMessage, unknown>>;
    if (m.v !== 1 || typeof m.from !== 'string') return this.#onBadFrame('control');
    if (m.from === this.instanceId) return;
    if (m.control !== undefined) {
      const control = parseControl(m.control);
      if (!control) return this.#onBadFrame('control');
      this.#emit({ kind: 'control', control });
    }
    if (m.resync === null) this.#fireResync(undefined);
    else if (isStringArray(m.resync)) {
      const docs = m.resync.filter((d) => this.#wanted.has(d));
      if (docs.length > 0) this.#fireResync(docs);
    }
  };

  #emit(event: BusEvent): void {
    for (const handler of this.#eventHandlers) {
      // A throwing handler must not reach node-redis' decoder (it would reset the connection's parser).
      try {
        handler(event);
      } catch (error) {
        this.#log.error('Bus inter-instances : erreur en traitant un message reçu', error);
      }
    }
  }

  #fireResync(docs: readonly string[] | undefined): void {
    for (const handler of this.#resyncHandlers) {
      try {
        handler(docs);
      } catch (error) {
        this.#log.error('Bus inter-instances : erreur pendant la resynchronisation', error);
      }
    }
  }

  #onBadFrame(where: string): void {
    // Only another version of the server (or something foreign) publishes these: say it, without flooding.
    if (this.#badFrames++ % 1_000 === 0) {
      this.#log.warn(`Bus inter-instances : message illisible ignoré (${where}, ${this.#badFrames} en tout)`);
    }
  }

  // ── connection loss and recovery ──

  #onError(error: unknown): void {
    if (this.#closed) return;
    if (!this.#pub.isReady || !this.#sub.isReady) {
      if (this.#down) return;
      this.#down = true;
      this.#log.warn(
        `Redis injoignable (${this.#where}) : diffusion entre instances suspendue, reconnexion en cours — ${reason(error)}`,
      );
      return;
    }
    this.#log.error(`Redis (${this.#where}) : erreur`, error);
  }

  #noteUp(): void {
    if (this.#down && this.connected) {
      this.#down = false;
      this.#log.info(`Redis de nouveau joignable (${this.#where}) : diffusion entre instances rétablie`);
    }
  }

  #onPublishError(error: unknown): void {
    if (this.#closed) return;
    // A lost connection is reported once by #onError; anything else (a full queue) is worth a line, at
    // most one per retry period.
    if (this.#pub.isReady && !this.#flushTimer) {
      this.#log.warn(`Bus inter-instances : publication abandonnée — ${reason(error)}`);
    }
    this.#scheduleFlush();
  }

  /**
   * After the subscriber reconnected: node-redis has already resubscribed the channels it knew; subscribe
   * the documents loaded meanwhile, drop those unloaded meanwhile, then let the hub reload from storage.
   */
  async #restore(): Promise<void> {
    if (this.#closed) return;
    const run = ++this.#restoreRun;
    try {
      const channels = [...this.#wanted].map((doc) => this.#docPrefix + doc);
      // Channels already subscribed only get the same listener again (a Set): no command, no duplicate.
      if (channels.length > 0) await this.#sub.subscribe(channels, this.#onDocMessage, true);
      await this.#sub.subscribe(this.#controlChannel, this.#onControlMessage, true);
      const stale = [...this.#sub.getPubSubListeners('CHANNELS').keys()].filter(
        (c) =>
          c !== this.#controlChannel &&
          (!c.startsWith(this.#docPrefix) || !this.#wanted.has(c.slice(this.#docPrefix.length))),
      );
      if (stale.length > 0) await this.#sub.unsubscribe(stale);
    } catch (error) {
      // Lost again: the next 'ready' restores. Still connected means Redis refused: say it.
      if (this.#sub.isReady && !this.#closed)
        this.#log.error('Bus inter-instances : réabonnement refusé', error);
      return;
    }
    if (this.#closed || run !== this.#restoreRun || !this.#sub.isReady) return;
    this.#noteUp();
    this.#fireResync(undefined);
  }

  #noteDropped(doc: string): void {
    if (this.#droppedAll) return;
    this.#dropped.add(doc);
    if (this.#dropped.size > MAX_RESYNC_DOCS) {
      this.#droppedAll = true;
      this.#dropped.clear();
    }
  }

  #publishControl(control: BusControl): void {
    if (!this.#pub.isReady) {
      // A revoked session must be closed everywhere, even late: keep it for the reconnection (bounded).
      if (this.#pendingControls.length >= MAX_PENDING_CONTROLS) {
        this.#pendingControls.shift();
        this.#log.warn('Bus inter-instances : trop de commandes en attente, la plus ancienne est abandonnée');
      }
      this.#pendingControls.push(control);
      return;
    }
    this.#send({ v: 1, from: this.instanceId, control }).catch((error: unknown) => {
      this.#pendingControls.push(control);
      this.#onPublishError(error);
    });
  }

  #send(message: ControlMessage): Promise<number> {
    return this.#pub.publish(this.#controlChannel, JSON.stringify(message));
  }

  #scheduleFlush(): void {
    if (this.#flushTimer || this.#closed) return;
    // Connected but failing (a full queue): retry soon. Disconnected: the publisher's 'ready' flushes.
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      this.#flush();
    }, 250);
    this.#flushTimer.unref();
  }

  /** Sends what could not be published: queued control commands, then the resync request. */
  #flush(): void {
    if (this.#closed || !this.#pub.isReady) return;
    const controls = this.#pendingControls;
    this.#pendingControls = [];
    for (const control of controls) this.#publishControl(control);
    if (!this.#droppedAll && this.#dropped.size === 0) return;
    const resync = this.#droppedAll ? null : [...this.#dropped];
    this.#droppedAll = false;
    this.#dropped.clear();
    this.#send({ v: 1, from: this.instanceId, resync }).catch((error: unknown) => {
      if (resync === null) this.#droppedAll = true;
      else for (const doc of resync) this.#noteDropped(doc);
      this.#onPublishError(error);
    });
  }
}

/**
 * Connects the bus to Redis (a publisher and a subscriber connection). Fails if Redis cannot be reached
 * within `connectTimeoutMs` at start; afterwards a lost connection is retried forever, local fan-out
 * carrying on meanwhile.
 */
export async function openRedisBus(
  url: string,
  log: Logger,
  options: { keyPrefix?: string; connectTimeoutMs?: number } = {},
): Promise<Bus> {
  const id = randomBytes(ID_BYTES);
  // Named after the instance, so that `CLIENT LIST` tells which instance holds which connection.
  const pub = newClient(url, `compagnon-bus-${id.toString('hex')}-pub`);
  const sub = newClient(url, `compagnon-bus-${id.toString('hex')}-sub`);
  const bus = new RedisBus(id, pub, sub, log, url, options.keyPrefix ?? 'compagnon:');
  const ready = Promise.all([pub.connect(), sub.connect()]).then(() => bus.start());
  ready.catch(() => {}); // Settled by the race below; a late rejection after close() is expected.
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`Redis injoignable (${describeUrl(url)}) : le serveur ne peut pas démarrer`)),
          options.connectTimeoutMs ?? 10_000,
        );
      }),
    ]);
  } catch (error) {
    await bus.close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return bus;
}
