// The coach's library: resources and step templates. The last list received is kept on this device (under
// the `compagnon:` prefix, forgotten on sign-out) so that it can be read, and inserted from, offline.
import { CACHE_PREFIX, loadWithCache, readCache, writeCache } from '../api/cache.ts';
import { ApiError } from '../api/errors.ts';
import { libraryApi } from './api.ts';
import { groupLibrary } from './logic.ts';
import type { LibraryItem, LibraryItemInput } from './types.ts';

export const LIBRARY_CACHE_KEY = `${CACHE_PREFIX}library`;

export class LibraryManager {
  /** What this device knows, shown at once; replaced by the server's answer. */
  items = $state.raw<LibraryItem[]>(readCache<LibraryItem[]>(LIBRARY_CACHE_KEY) ?? []);
  loading = $state(false);
  /** True once a list (from the server or, offline, from the cache) is shown. */
  loaded = $state(readCache<LibraryItem[]>(LIBRARY_CACHE_KEY) !== null);
  error = $state<string | null>(null);
  /** True when the list comes from this device because the server is unreachable. */
  stale = $state(false);

  readonly groups = $derived(groupLibrary(this.items));

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const { value, stale } = await loadWithCache(LIBRARY_CACHE_KEY, libraryApi.list);
      this.items = Array.isArray(value) ? value : [];
      this.stale = stale;
      this.loaded = true;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  async create(input: LibraryItemInput): Promise<LibraryItem> {
    const created = await libraryApi.create(input);
    this.#set([...this.items.filter((i) => i.id !== created.id), created]);
    return created;
  }

  async update(id: string, input: LibraryItemInput): Promise<LibraryItem> {
    const updated = await libraryApi.update(id, input);
    this.#set(this.items.map((i) => (i.id === id ? updated : i)));
    return updated;
  }

  async remove(id: string): Promise<void> {
    try {
      await libraryApi.remove(id);
    } catch (error) {
      // Already deleted (from another device): the result is the one wanted.
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    this.#set(this.items.filter((i) => i.id !== id));
  }

  #set(items: LibraryItem[]): void {
    this.items = items;
    this.loaded = true;
    writeCache(LIBRARY_CACHE_KEY, items);
    // The server answered: the list shown from this device's copy can be refreshed too.
    if (this.stale && !this.loading) void this.load();
  }
}
