// One synced document: a Y.Doc kept in IndexedDB (so it opens and takes edits offline) and synced with the
// server over y-websocket. Exposes the sync status as reactive state.
import { Doc } from '@compagnon/model';
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import { localDocName } from './local-data.ts';
import {
  INITIAL_SNAPSHOT,
  deriveSyncStatus,
  type ConnectionSnapshot,
  type SyncStatus,
} from './sync-status.ts';

const LOCAL_LOAD_TIMEOUT_MS = 2000;

export function syncUrl(loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/sync`;
}

export class DocConnection {
  readonly doc = new Doc();
  readonly provider: WebsocketProvider;
  readonly persistence: IndexeddbPersistence;

  /**
   * True once the copy saved on this device has been loaded into the doc (or IndexedDB is too slow or
   * unavailable, in which case the server's copy will fill the doc).
   */
  localReady = $state(false);
  /**
   * False while a local change may not yet be written to IndexedDB. The offline status only claims the
   * edits are "enregistrées sur cet appareil" once they are: closing the tab earlier could lose them.
   */
  savedLocally = $state(true);
  #checking = false;
  #changedSinceCheck = false;
  #snapshot = $state<ConnectionSnapshot>({ ...INITIAL_SNAPSHOT });
  readonly status: SyncStatus = $derived(deriveSyncStatus(this.#snapshot));

  #cleanups: (() => void)[] = [];
  #destroyed = false;

  readonly docName: string;

  constructor(docName: string) {
    this.docName = docName;
    this.persistence = new IndexeddbPersistence(localDocName(docName), this.doc);
    const markReady = (): void => {
      if (!this.#destroyed) this.localReady = true;
    };
    void this.persistence.whenSynced.then(markReady);
    const fallback = setTimeout(markReady, LOCAL_LOAD_TIMEOUT_MS);
    this.#cleanups.push(() => clearTimeout(fallback));

    // Registered after the persistence's own listener, so its write transaction is queued before our check.
    const onUpdate = (_update: Uint8Array, origin: unknown): void => {
      if (origin === this.persistence) return;
      this.savedLocally = false;
      this.#changedSinceCheck = true;
      if (!this.#checking) {
        this.#checking = true;
        void this.#confirmSaved();
      }
    };
    this.doc.on('update', onUpdate);
    this.#cleanups.push(() => this.doc.off('update', onUpdate));

    const online = typeof navigator === 'undefined' ? true : navigator.onLine;
    this.provider = new WebsocketProvider(syncUrl(), docName, this.doc, { connect: online });
    this.#refresh();

    // Provider fields change after its events fire (e.g. `ws` is cleared after `connection-close`), so read
    // them once the current turn of the event loop is over.
    const later = (): void => queueMicrotask(() => this.#refresh());
    const events = ['status', 'sync', 'connection-close', 'connection-error', 'closed'] as const;
    for (const event of events) this.provider.on(event, later);
    this.#cleanups.push(() => {
      for (const event of events) this.provider.off(event, later);
    });

    // An open WebSocket does not notice that the network is gone and stalls until y-websocket's 30 s
    // watchdog; the browser's offline event is the signal to stop at once (and to resume).
    const onOffline = (): void => {
      this.provider.disconnect();
      this.#refresh();
    };
    const onOnline = (): void => {
      this.provider.connect();
      this.#refresh();
    };
    window.addEventListener('offline', onOffline);
    window.addEventListener('online', onOnline);
    this.#cleanups.push(() => {
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
    });
  }

  /**
   * IndexedDB runs transactions over the same store in creation order: a read-only transaction created after
   * y-indexeddb's write completes only once that write has. Repeat until no change arrived meanwhile.
   */
  async #confirmSaved(): Promise<void> {
    try {
      await this.persistence.whenSynced;
      while (this.#changedSinceCheck && !this.#destroyed) {
        this.#changedSinceCheck = false;
        const db = this.persistence.db;
        if (!db) break;
        await new Promise<void>((resolve) => {
          const tx = db.transaction(['updates'], 'readonly');
          tx.oncomplete = tx.onerror = tx.onabort = () => resolve();
        });
      }
    } finally {
      this.#checking = false;
      if (!this.#destroyed) this.savedLocally = true;
    }
  }

  #refresh(): void {
    if (this.#destroyed) return;
    const p = this.provider;
    this.#snapshot = {
      browserOnline: typeof navigator === 'undefined' ? true : navigator.onLine,
      shouldConnect: p.shouldConnect,
      connected: p.wsconnected,
      synced: p.synced,
      failedAttempts: p.wsUnsuccessfulReconnects,
    };
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const cleanup of this.#cleanups) cleanup();
    this.provider.destroy();
    void this.persistence.destroy();
    this.doc.destroy();
  }
}
