// The upload queue as reactive state, shared by every file input of the app (one queue per tab: one
// IndexedDB database, one `online` listener). Created on first use.
import { m } from '../paraglide/messages.js';
import { checkFile, effectiveType } from './checks.ts';
import { sendUpload } from './send.ts';
import {
  IndexedDbUploadStore,
  UploadQueue,
  type NewUpload,
  type Receiver,
  type UploadItem,
  type UploadedFile,
} from './upload-queue.ts';

export class UploadsManager {
  /** Every file of the queue, oldest first. */
  items = $state.raw<UploadItem[]>([]);
  /** Whether the browser says it is online (the queue waits for it). */
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

  /** Forms on screen, by owner id (so that a form leaving hands its files to the others of its scope). */
  #bound = $state.raw<string[]>([]);
  readonly #queue: UploadQueue;

  constructor(queue: UploadQueue) {
    this.#queue = queue;
    this.items = queue.items;
    queue.subscribe((items) => {
      this.items = items;
    });
  }

  /** The files chosen for `scope`: those of the form `owner`, and those no open form owns any more. */
  forScope(scope: string, owner: string): UploadItem[] {
    return this.items.filter(
      (item) =>
        item.owner === owner ||
        (item.scope === scope &&
          !item.delivered &&
          (item.owner === null || !this.#bound.includes(item.owner))),
    );
  }

  /** Resolves once the files left by an earlier visit are listed (read from IndexedDB). */
  restored(): Promise<void> {
    return this.#queue.start();
  }

  enqueue(input: NewUpload): Promise<UploadItem> {
    return this.#queue.enqueue(input);
  }

  /**
   * Checks the files a person chose and queues those that may be sent, in order; answers why the others
   * cannot be, one French sentence per file, right away rather than once the connection is back.
   */
  async enqueueChosen(
    files: readonly File[],
    target: { scope: string; accompanimentId: string | null; owner: string },
  ): Promise<string[]> {
    const problems: string[] = [];
    for (const file of files) {
      const problem = checkFile(file);
      if (problem === 'too_large') problems.push(m.upload_error_too_large({ name: file.name }));
      else if (problem === 'type') problems.push(m.upload_error_type({ name: file.name }));
      else if (problem === 'empty') problems.push(m.upload_error_empty({ name: file.name }));
      else
        await this.enqueue({
          blob: file,
          name: file.name,
          size: file.size,
          type: effectiveType(file.name, file.type),
          ...target,
        });
    }
    return problems;
  }

  /** Registers a form: the files it queued are handed to `receive` once the server accepted them. */
  bind(owner: string, receive: Receiver): () => void {
    this.#bound = [...this.#bound.filter((o) => o !== owner), owner];
    const unbind = this.#queue.bind(owner, receive);
    return () => {
      unbind();
      this.#bound = this.#bound.filter((o) => o !== owner);
    };
  }

  retry(id: string): void {
    this.#queue.retry(id);
  }

  dismiss(id: string): void {
    this.#queue.dismiss(id);
  }

  /** Hands a sent file to `receive` (the person attaches a file that finished while the form was away). */
  attach(id: string, receive: Receiver): UploadedFile | null {
    return this.#queue.deliver(id, receive);
  }

  /** For the browser's `online`/`offline` events. */
  setOnline(online: boolean): void {
    this.online = online;
    if (online) this.#queue.wake();
  }
}

let shared: UploadsManager | null = null;
let queue: UploadQueue | null = null;

/** The tab's upload queue, restored from IndexedDB and listening to the connection on first call. */
export function getUploads(): UploadsManager {
  if (shared && queue) {
    // After a sign-out the queue was emptied; the next person starts from what their own storage holds.
    void queue.start();
    return shared;
  }
  const created = new UploadQueue({
    store: new IndexedDbUploadStore(),
    send: sendUpload,
    isOnline: () => navigator.onLine,
  });
  const manager = new UploadsManager(created);
  queue = created;
  shared = manager;
  window.addEventListener('online', () => manager.setOnline(true));
  window.addEventListener('offline', () => manager.setOnline(false));
  void created.start();
  return manager;
}
