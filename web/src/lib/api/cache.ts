// What this device remembers of the API, so pages render offline. Everything lives under one prefix so
// that signing out forgets it all at once.
import type { AccompanimentId } from '@compagnon/model';
import { isUnavailable } from './errors.ts';

export const CACHE_PREFIX = 'compagnon:';

export const cacheKeys = {
  me: `${CACHE_PREFIX}me`,
  accompaniments: `${CACHE_PREFIX}accompaniments`,
  accompaniment: (id: AccompanimentId) => `${CACHE_PREFIX}accompaniment:${id}`,
  /** When this person last left the workspace of an accompaniment (ms since epoch), on this device. */
  lastVisit: (id: AccompanimentId) => `${CACHE_PREFIX}last-visit:${id}`,
  /**
   * Up to when this person read a message thread (a message's `at`), on this device; the key of an
   * accompaniment's own thread is its id.
   */
  messagesRead: (threadKey: string) => `${CACHE_PREFIX}messages-read:${threadKey}`,
  /** Messages of a thread waiting on this device for their files to be uploaded (`OutboxEntry[]`). */
  messagesOutbox: (threadKey: string) => `${CACHE_PREFIX}messages-outbox:${threadKey}`,
};

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled by the browser
  }
}

export function readCache<T>(key: string): T | null {
  const raw = storage()?.getItem(key);
  if (raw == null) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

export function writeCache(key: string, value: unknown): void {
  try {
    storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // Quota exceeded or storage disabled: the app still works online.
  }
}

export function removeCache(key: string): void {
  storage()?.removeItem(key);
}

/** Forgets every cached API answer (on sign-out, or when the session turns out to be gone). */
export function clearCaches(): void {
  const s = storage();
  if (!s) return;
  const keys: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const key = s.key(i);
    if (key?.startsWith(CACHE_PREFIX)) keys.push(key);
  }
  for (const key of keys) s.removeItem(key);
}

/** Every accompaniment this device saw on its own (a workspace opened before the list ever was). */
export function cachedAccompaniments<T extends { createdAt: string }>(): T[] {
  const s = storage();
  if (!s) return [];
  const prefix = `${CACHE_PREFIX}accompaniment:`;
  const found: T[] = [];
  for (let i = 0; i < s.length; i++) {
    const key = s.key(i);
    if (!key?.startsWith(prefix)) continue;
    const value = readCache<T>(key);
    if (value) found.push(value);
  }
  return found.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

export interface Cached<T> {
  value: T;
  /** True when the server could not be reached and the value is what this device saved earlier. */
  stale: boolean;
}

/**
 * Loads from the network and remembers the answer; when the server is unreachable, answers from the cache
 * instead. Any other failure (401, 404…) is rethrown: the cache must not hide a real refusal.
 */
export async function loadWithCache<T>(key: string, load: () => Promise<T>): Promise<Cached<T>> {
  try {
    const value = await load();
    writeCache(key, value);
    return { value, stale: false };
  } catch (error) {
    if (isUnavailable(error)) {
      const value = readCache<T>(key);
      if (value !== null) return { value, stale: true };
    }
    throw error;
  }
}
