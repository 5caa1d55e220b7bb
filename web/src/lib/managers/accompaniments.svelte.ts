// The list of accompaniments of the signed-in person (the coach's caseload, or the learner's own).
import { cacheKeys, cachedAccompaniments, loadWithCache, readCache, writeCache } from '../api/cache.ts';
import { isUnavailable } from '../api/errors.ts';
import { api } from '../api/client.ts';
import type { Accompaniment, NewAccompaniment } from '../api/types.ts';

export class AccompanimentsManager {
  items = $state<Accompaniment[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  stale = $state(false);

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const { value, stale } = await loadWithCache(cacheKeys.accompaniments, api.listAccompaniments);
      this.items = value;
      this.stale = stale;
      // Each one opens offline from the workspace page too.
      if (!stale) for (const a of value) writeCache(cacheKeys.accompaniment(a.id), a);
      this.loaded = true;
    } catch (error) {
      const known = isUnavailable(error) ? cachedAccompaniments<Accompaniment>() : [];
      if (known.length > 0) {
        this.items = known;
        this.stale = true;
        this.loaded = true;
      } else this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  async create(input: NewAccompaniment): Promise<Accompaniment> {
    const created = await api.createAccompaniment(input);
    writeCache(cacheKeys.accompaniment(created.id), created);
    const cached = readCache<Accompaniment[]>(cacheKeys.accompaniments) ?? [];
    writeCache(cacheKeys.accompaniments, [created, ...cached.filter((a) => a.id !== created.id)]);
    this.items = [created, ...this.items.filter((a) => a.id !== created.id)];
    return created;
  }
}
