// The workshops of the signed-in person: the coach's own, or those a learner takes part in. The last list
// received is kept on this device so that it shows offline.
import { loadWithCache } from '../api/cache.ts';
import { workshopsApi } from './api.ts';
import type { WorkshopCreated, WorkshopSummary } from './types.ts';
import { workshopCacheKeys } from './workshop.svelte.ts';

export class WorkshopsManager {
  items = $state.raw<WorkshopSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** The list comes from this device because the server is unreachable. */
  stale = $state(false);

  async load(): Promise<void> {
    this.error = null;
    try {
      const { value, stale } = await loadWithCache(workshopCacheKeys.list, workshopsApi.list);
      this.items = Array.isArray(value?.workshops) ? value.workshops : [];
      this.stale = stale;
      this.loaded = true;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** Creates a workshop (the page then opens it; the list is fetched again on the way back). */
  async create(title: string): Promise<WorkshopCreated> {
    return workshopsApi.create(title);
  }
}
