// The signed-in person. Remembered on this device so that pages open offline; forgotten on sign-out,
// together with every local copy of documents.
import { ApiError } from '../api/errors.ts';
import { cacheKeys, clearCaches, loadWithCache, readCache, writeCache } from '../api/cache.ts';
import { api } from '../api/client.ts';
import { organisationApi } from '../organisation/api.ts';
import type { Accompaniment, CoachSettings, Me } from '../api/types.ts';
import { clearLocalDocuments } from '../sync/local-data.ts';

export class SessionManager {
  user = $state<Me | null>(null);
  /** False until the first answer (from the server or the cache). */
  ready = $state(false);
  /** True when the user comes from this device's cache because the server is unreachable. */
  stale = $state(false);

  async load(): Promise<void> {
    try {
      const { value, stale } = await loadWithCache(cacheKeys.me, api.me);
      this.user = value;
      this.stale = stale;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // The session ended on the server: nothing cached may outlive it.
        if (readCache(cacheKeys.me)) clearCaches();
      }
      this.user = null;
      this.stale = false;
    } finally {
      this.ready = true;
    }
  }

  async #afterSignIn(): Promise<Me> {
    // A previous person's data on this device must not show up for the new one.
    const previous = readCache<Me>(cacheKeys.me);
    const me = await api.me();
    if (previous && previous.id !== me.id) {
      clearCaches();
      await clearLocalDocuments();
    }
    writeCache(cacheKeys.me, me);
    this.user = me;
    this.stale = false;
    return me;
  }

  async signIn(email: string, password: string): Promise<Me> {
    await api.signIn({ email, password });
    return this.#afterSignIn();
  }

  async signUp(name: string, email: string, password: string): Promise<Me> {
    await api.signUp({ name, email, password });
    return this.#afterSignIn();
  }

  /** Accepts an invitation and signs in as the new learner; returns the accompaniment joined, if known. */
  async acceptInvitation(
    token: string,
    name: string,
    password: string,
    title: string,
  ): Promise<Accompaniment['id'] | null> {
    const body = await api.acceptInvitation(token, { name, password });
    await this.#afterSignIn();
    const direct = accompanimentIdFrom(body);
    if (direct) return direct;
    try {
      const list = await api.listAccompaniments();
      writeCache(cacheKeys.accompaniments, list);
      return (list.find((a) => a.title === title) ?? list[0])?.id ?? null;
    } catch {
      return null;
    }
  }

  /** Saves the coach's settings and keeps the remembered profile in step. */
  /** Accepts an invitation into an organisation and signs in as the new coach. */
  async acceptOrganisationInvitation(token: string, name: string, password: string): Promise<Me> {
    await organisationApi.accept(token, { name, password });
    return this.#afterSignIn();
  }

  async updateSettings(settings: CoachSettings): Promise<void> {
    await api.updateSettings(settings);
    if (!this.user) return;
    this.user = { ...this.user, settings: { ...this.user.settings, ...settings } };
    writeCache(cacheKeys.me, this.user);
  }

  /**
   * Ends the session and forgets the cached API data. The local copies of documents are deleted by the
   * caller with `clearLocalDocuments()` once the page holding them open has been left.
   */
  async signOut(): Promise<void> {
    try {
      await api.signOut();
    } catch {
      // Offline or already signed out: the local data is forgotten anyway.
    }
    this.user = null;
    this.stale = false;
    clearCaches();
  }
}

function accompanimentIdFrom(body: unknown): Accompaniment['id'] | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  if (typeof b.accompanimentId === 'string') return b.accompanimentId as Accompaniment['id'];
  const nested = b.accompaniment;
  if (nested && typeof nested === 'object' && typeof (nested as { id?: unknown }).id === 'string')
    return (nested as { id: string }).id as Accompaniment['id'];
  return null;
}
