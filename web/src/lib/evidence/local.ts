// After a closing (SPEC CLOSE3), the working documents are destroyed on the server: this device stops
// syncing them and deletes its own copies too, so nothing of them stays in the browser.
import type { DocConnection } from '../sync/doc-connection.svelte.ts';
import { localDocName } from '../sync/local-data.ts';

export function releaseClosedDocuments(connections: readonly (DocConnection | null | undefined)[]): void {
  for (const connection of connections) {
    if (!connection) continue;
    connection.destroy();
    if (typeof indexedDB === 'undefined') continue;
    try {
      // Queued by the browser until the copy's connection, closed by `destroy()`, is gone.
      indexedDB.deleteDatabase(localDocName(connection.docName));
    } catch {
      // Private browsing without IndexedDB: there is no copy to delete.
    }
  }
}
