// Files waiting to be sent to the server. Each chosen file is first written to IndexedDB (database
// `compagnon-uploads`) with what it is for, then sent with a multipart POST /api/files as soon as the
// browser is online. A network failure (or an unavailable server) is retried with a growing delay; a refusal
// (4xx) stops, with the server's French message. The queue survives a reload: a file chosen offline leaves
// once the connection is back, and a file sent while no form was there to receive it stays listed, sent,
// with its id, until the person attaches or dismisses it.

export type UploadState = 'queued' | 'sending' | 'sent' | 'failed';

/** The server's answer to an upload, in the shape the forms attach (`Attachment` of the model). */
export interface UploadedFile {
  fileId: string;
  name: string;
  size: number;
  type: string;
}

/** One file of the queue, as the UI sees it. */
export interface UploadItem {
  id: string;
  name: string;
  size: number;
  type: string;
  state: UploadState;
  /** Share of the bytes sent while `sending` (0–1), when the browser tells; null otherwise. */
  progress: number | null;
  /** Where the file is to be attached (an accompaniment, a step, the library…), chosen by the form. */
  scope: string;
  accompanimentId: string | null;
  /** The form that chose the file; after a reload no form owns it any more. */
  owner: string | null;
  /** Failed sends so far (reset on success or on a manual retry). */
  attempts: number;
  /** Why the last attempt failed (kept while waiting for a retry, final when `failed`). */
  error: string | null;
  /** When the next automatic attempt is due (ms since epoch), after a network failure. */
  retryAt: number | null;
  /** Set once the server answered 201. */
  result: UploadedFile | null;
  /** True once the result was handed to a form. */
  delivered: boolean;
  createdAt: number;
}

/** What is stored: the item and, until it is sent, the file itself. */
export interface StoredUpload extends UploadItem {
  blob: Blob | null;
}

export interface UploadStore {
  all(): Promise<StoredUpload[]>;
  put(record: StoredUpload): Promise<void>;
  delete(id: string): Promise<void>;
  close(): void;
}

export type SendOutcome =
  | { kind: 'sent'; file: UploadedFile }
  /** Network failure or unavailable server: try again later. */
  | { kind: 'retry'; message: string }
  /** The server refused the file (4xx): retrying would not help. */
  | { kind: 'rejected'; message: string };

export interface SendRequest {
  blob: Blob;
  name: string;
  type: string;
  accompanimentId: string | null;
  /** Called with the share of the bytes sent so far (0–1). */
  onProgress?: (fraction: number) => void;
}

export type Sender = (request: SendRequest) => Promise<SendOutcome>;

export interface QueueDeps {
  store: UploadStore;
  send: Sender;
  isOnline: () => boolean;
  now?: () => number;
  newId?: () => string;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Delay before the n-th automatic retry (n ≥ 1). */
  backoff?: (attempt: number) => number;
}

export interface NewUpload {
  blob: Blob;
  name: string;
  size: number;
  type: string;
  scope: string;
  accompanimentId?: string | null;
  owner?: string | null;
}

/** 2 s, 4 s, 8 s… up to one minute. */
export function defaultBackoff(attempt: number): number {
  return Math.min(60_000, 2_000 * 2 ** Math.max(0, attempt - 1));
}

function randomId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function view(record: StoredUpload): UploadItem {
  const { blob: _blob, ...item } = record;
  return item;
}

export type Receiver = (file: UploadedFile, item: UploadItem) => void;

const activeQueues = new Set<UploadQueue>();

export class UploadQueue {
  readonly #deps: Required<QueueDeps>;
  #records: StoredUpload[] = [];
  #listeners = new Set<(items: UploadItem[]) => void>();
  #receivers = new Map<string, Receiver>();
  #timer: unknown = null;
  #pumping = false;
  #again = false;
  #pass: Promise<void> | null = null;
  /** Bumped by `reset()`: answers to requests made before it are ignored. */
  #generation = 0;
  #started: Promise<void> | null = null;

  constructor(deps: QueueDeps) {
    this.#deps = {
      now: () => Date.now(),
      newId: randomId,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      backoff: defaultBackoff,
      ...deps,
    };
    activeQueues.add(this);
  }

  get items(): UploadItem[] {
    return this.#records.map(view);
  }

  /** Calls `listener` with every change of the items (not with the current ones). */
  subscribe(listener: (items: UploadItem[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads what a previous visit left (an interrupted send is queued again) and starts sending. */
  start(): Promise<void> {
    this.#started ??= this.#restore();
    return this.#started;
  }

  async #restore(): Promise<void> {
    const generation = this.#generation;
    let stored: StoredUpload[] = [];
    try {
      stored = await this.#deps.store.all();
    } catch {
      stored = [];
    }
    if (generation !== this.#generation) return;
    const known = new Set(this.#records.map((r) => r.id));
    const restored = stored
      .filter((r) => !known.has(r.id))
      .map((r): StoredUpload => {
        // No form of this page chose it; a send cut short by the reload starts again.
        const state: UploadState = r.state === 'sending' ? 'queued' : r.state;
        return { ...r, state, owner: null, retryAt: null, progress: null };
      });
    this.#records = [...restored, ...this.#records].sort((a, b) => a.createdAt - b.createdAt);
    this.#emit();
    this.pump();
  }

  /**
   * Registers the form `owner`: the files it chose are handed to `receive` as soon as the server accepted
   * them. Returns the function that unregisters it.
   */
  bind(owner: string, receive: Receiver): () => void {
    this.#receivers.set(owner, receive);
    // A file that arrived while nobody listened.
    for (const record of this.#records)
      if (record.owner === owner && record.state === 'sent' && !record.delivered) this.deliver(record.id);
    return () => {
      if (this.#receivers.get(owner) === receive) this.#receivers.delete(owner);
    };
  }

  /** Whether a form is there to receive this item's result. */
  isBound(owner: string | null): boolean {
    return owner !== null && this.#receivers.has(owner);
  }

  async enqueue(input: NewUpload): Promise<UploadItem> {
    const record: StoredUpload = {
      id: this.#deps.newId(),
      name: input.name,
      size: input.size,
      type: input.type,
      state: 'queued',
      progress: null,
      scope: input.scope,
      accompanimentId: input.accompanimentId ?? null,
      owner: input.owner ?? null,
      attempts: 0,
      error: null,
      retryAt: null,
      result: null,
      delivered: false,
      createdAt: this.#deps.now(),
      blob: input.blob,
    };
    // Written before it is listed, so that "waiting" means it survives a reload or a closed tab; it is
    // still sent (while the page stays open) if storage fails.
    try {
      await this.#deps.store.put({ ...record });
    } catch {
      // Private browsing or quota: memory only.
    }
    this.#records = [...this.#records, record];
    this.#emit();
    this.pump();
    return view(record);
  }

  /** A failed file is queued again (after a refusal that may not hold any more, e.g. an expired session). */
  retry(id: string): void {
    const record = this.#find(id);
    if (!record || (record.state !== 'failed' && record.state !== 'queued') || !record.blob) return;
    this.#update(record, { state: 'queued', attempts: 0, error: null, retryAt: null });
    this.pump();
  }

  /** Forgets a file that is not being sent (its upload, if done, stays on the server). */
  dismiss(id: string): void {
    const record = this.#find(id);
    if (!record || record.state === 'sending') return;
    this.#records = this.#records.filter((r) => r !== record);
    this.#emit();
    void this.#remove(id);
  }

  /**
   * Hands a sent file to its owner (or to the form the person attached it to) and forgets it from storage.
   * Returns the server's answer, or null when the file is not sent.
   */
  deliver(id: string, receive?: Receiver): UploadedFile | null {
    const record = this.#find(id);
    if (!record || record.state !== 'sent' || !record.result) return null;
    const receiver = receive ?? (record.owner ? this.#receivers.get(record.owner) : undefined);
    if (!receiver) return null;
    this.#update(record, { delivered: true });
    void this.#remove(id);
    receiver(record.result, view(record));
    return record.result;
  }

  /** The connection is back: every waiting file is tried now, whatever its back-off said. */
  wake(): void {
    for (const record of this.#records)
      if (record.state === 'queued' && record.retryAt !== null) this.#update(record, { retryAt: null });
    this.pump();
  }

  /** Sends the queued files one after the other while the browser is online. */
  pump(): void {
    this.#again = true;
    if (this.#pumping) return;
    this.#pumping = true;
    this.#pass = (async () => {
      try {
        // A file queued while the last pass was ending gets its own pass.
        while (this.#again) {
          this.#again = false;
          await this.#run();
        }
      } finally {
        this.#pumping = false;
        this.#pass = null;
      }
    })();
  }

  /** Resolves once no file is being sent (tests, and callers that want the outcome of `pump`). */
  async idle(): Promise<void> {
    while (this.#pass) await this.#pass;
  }

  async #run(): Promise<void> {
    const generation = this.#generation;
    for (;;) {
      if (generation !== this.#generation || !this.#deps.isOnline()) return;
      const now = this.#deps.now();
      const next = this.#records.find(
        (r) => r.state === 'queued' && r.blob && (r.retryAt === null || r.retryAt <= now),
      );
      if (!next) {
        this.#scheduleNext();
        return;
      }
      await this.#sendOne(next, generation);
    }
  }

  async #sendOne(record: StoredUpload, generation: number): Promise<void> {
    this.#update(record, { state: 'sending', progress: 0 });
    let outcome: SendOutcome;
    try {
      outcome = await this.#deps.send({
        blob: record.blob!,
        name: record.name,
        type: record.type,
        accompanimentId: record.accompanimentId,
        onProgress: (fraction) => {
          if (generation !== this.#generation || record.state !== 'sending') return;
          const progress = Math.min(1, Math.max(0, fraction));
          if (progress !== record.progress) this.#update(record, { progress });
        },
      });
    } catch (error) {
      outcome = { kind: 'retry', message: error instanceof Error ? error.message : String(error) };
    }
    if (generation !== this.#generation || !this.#records.includes(record)) return;
    if (outcome.kind === 'sent') {
      this.#update(record, {
        state: 'sent',
        progress: null,
        result: outcome.file,
        error: null,
        retryAt: null,
        attempts: 0,
        blob: null,
      });
      await this.#save(record);
      if (this.isBound(record.owner)) this.deliver(record.id);
    } else if (outcome.kind === 'retry') {
      const attempts = record.attempts + 1;
      this.#update(record, {
        state: 'queued',
        progress: null,
        attempts,
        error: outcome.message,
        retryAt: this.#deps.now() + this.#deps.backoff(attempts),
      });
      await this.#save(record);
    } else {
      this.#update(record, { state: 'failed', progress: null, error: outcome.message, retryAt: null });
      await this.#save(record);
    }
  }

  #scheduleNext(): void {
    if (this.#timer !== null) {
      this.#deps.clearTimer(this.#timer);
      this.#timer = null;
    }
    const due = this.#records
      .filter((r) => r.state === 'queued' && r.retryAt !== null)
      .map((r) => r.retryAt!);
    if (due.length === 0) return;
    const wait = Math.max(0, Math.min(...due) - this.#deps.now());
    this.#timer = this.#deps.setTimer(() => {
      this.#timer = null;
      this.pump();
    }, wait);
  }

  /** Forgets everything in memory and stops sending (on sign-out); the storage is deleted by the caller. */
  reset(): void {
    this.#generation++;
    if (this.#timer !== null) this.#deps.clearTimer(this.#timer);
    this.#timer = null;
    this.#records = [];
    this.#started = null;
    this.#deps.store.close();
    this.#emit();
  }

  /** Stops for good (tests, or a page that created its own queue). */
  dispose(): void {
    this.reset();
    this.#listeners.clear();
    this.#receivers.clear();
    activeQueues.delete(this);
  }

  #find(id: string): StoredUpload | undefined {
    return this.#records.find((r) => r.id === id);
  }

  #update(record: StoredUpload, patch: Partial<StoredUpload>): void {
    Object.assign(record, patch);
    this.#emit();
  }

  #emit(): void {
    const items = this.items;
    for (const listener of this.#listeners) listener(items);
  }

  async #save(record: StoredUpload): Promise<void> {
    // A delivered file has nothing left to remember; neither has one dismissed meanwhile.
    if (record.delivered || !this.#records.includes(record)) return;
    try {
      await this.#deps.store.put({ ...record });
    } catch {
      // Storage unavailable (private browsing, quota): the file is still sent while the page stays open.
    }
  }

  async #remove(id: string): Promise<void> {
    try {
      await this.#deps.store.delete(id);
    } catch {
      // Nothing more to do: the record is gone from memory.
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// IndexedDB storage

export const UPLOADS_DATABASE = 'compagnon-uploads';
const STORE = 'uploads';

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB'));
  });
}

export class IndexedDbUploadStore implements UploadStore {
  #db: Promise<IDBDatabase> | null = null;

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(UPLOADS_DATABASE, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE))
          request.result.createObjectStore(STORE, { keyPath: 'id' });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab (or sign-out) deletes the database: let it, and reopen on next use.
        db.onversionchange = () => {
          db.close();
          this.#db = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error ?? new Error('IndexedDB'));
      request.onblocked = () => reject(new Error('IndexedDB bloquée'));
    });
    this.#db.catch(() => {
      this.#db = null;
    });
    return this.#db;
  }

  async #transaction<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.#open();
    const tx = db.transaction(STORE, mode);
    const result = promised(run(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB'));
    });
    return result;
  }

  async all(): Promise<StoredUpload[]> {
    return this.#transaction('readonly', (s) => s.getAll() as IDBRequest<StoredUpload[]>);
  }

  async put(record: StoredUpload): Promise<void> {
    await this.#transaction('readwrite', (s) => s.put(record));
  }

  async delete(id: string): Promise<void> {
    await this.#transaction('readwrite', (s) => s.delete(id));
  }

  close(): void {
    const db = this.#db;
    this.#db = null;
    void db?.then((d) => d.close()).catch(() => undefined);
  }
}

/**
 * Forgets every queued or sent file of this device (on sign-out: the next person must not see them, nor
 * send them under their name).
 */
export async function clearUploads(timeoutMs = 3000): Promise<void> {
  for (const queue of activeQueues) queue.reset();
  if (typeof indexedDB === 'undefined') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    try {
      const request = indexedDB.deleteDatabase(UPLOADS_DATABASE);
      request.onsuccess = done;
      request.onerror = done;
    } catch {
      done();
    }
  });
}
