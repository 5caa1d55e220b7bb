// Local copies of documents: each synced document is kept in its own IndexedDB database.
import { clearUploads } from '../uploads/upload-queue.ts';

export const LOCAL_DOC_PREFIX = 'compagnon:';

export function localDocName(docName: string): string {
  return LOCAL_DOC_PREFIX + docName;
}

function deleteDatabase(name: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    // A database still open in this tab is deleted as soon as it closes; do not wait for that forever.
    const timer = setTimeout(resolve, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    try {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = done;
      request.onerror = done;
    } catch {
      done();
    }
  });
}

/**
 * Deletes every local document copy and every file waiting to be sent (on sign-out: the next person on this
 * device must not see them).
 */
export async function clearLocalDocuments(timeoutMs = 3000): Promise<void> {
  await clearUploads(timeoutMs);
  if (typeof indexedDB === 'undefined') return;
  let names: string[] = [];
  try {
    const dbs = await indexedDB.databases();
    names = dbs.map((db) => db.name ?? '').filter((name) => name.startsWith(LOCAL_DOC_PREFIX));
  } catch {
    return;
  }
  await Promise.all(names.map((name) => deleteDatabase(name, timeoutMs)));
}
