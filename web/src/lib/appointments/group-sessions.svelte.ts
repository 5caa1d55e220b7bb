// The group sessions of one workshop, from the API (cached for offline rendering), refreshed after every
// action of this page and every few seconds while the page is visible: the coach marking a session held,
// or a participant withdrawing, does not travel in the workshop's document.
import { CACHE_PREFIX, loadWithCache } from '../api/cache.ts';
import { appointmentsApi } from './api.ts';
import type { GroupSession } from './types.ts';

const POLL_MS = 5000;

export class GroupSessionsState {
  sessions = $state.raw<GroupSession[]>([]);
  /** False until a first answer (from the server or this device's copy). */
  loaded = $state(false);
  /** True when the list comes from this device's copy because the server is unreachable. */
  stale = $state(false);
  error = $state<string | null>(null);

  readonly workshopId: string;
  readonly #poll: ReturnType<typeof setInterval>;
  #destroyed = false;

  constructor(workshopId: string) {
    this.workshopId = workshopId;
    this.#poll = setInterval(() => {
      if (document.visibilityState === 'visible') void this.refresh();
    }, POLL_MS);
    void this.refresh();
  }

  destroy(): void {
    this.#destroyed = true;
    clearInterval(this.#poll);
  }

  async refresh(): Promise<void> {
    try {
      const answer = await loadWithCache(`${CACHE_PREFIX}group-sessions:${this.workshopId}`, () =>
        appointmentsApi.groupSessions(this.workshopId),
      );
      if (this.#destroyed) return;
      this.sessions = answer.value.sessions;
      this.stale = answer.stale;
      this.error = null;
    } catch (error) {
      if (!this.#destroyed) this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (!this.#destroyed) this.loaded = true;
    }
  }
}
