import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  cacheKeys,
  cachedAccompaniments,
  clearCaches,
  loadWithCache,
  readCache,
  writeCache,
} from './cache.ts';
import { ApiError, NetworkError } from './errors.ts';
import { MemoryStorage } from '../test-support/memory-storage.ts';

describe('API cache', () => {
  beforeEach(() => vi.stubGlobal('localStorage', new MemoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('remembers a successful answer', async () => {
    const result = await loadWithCache(cacheKeys.me, async () => ({ id: 'u1' }));
    expect(result).toEqual({ value: { id: 'u1' }, stale: false });
    expect(readCache(cacheKeys.me)).toEqual({ id: 'u1' });
  });

  it('answers from the cache when the server is unreachable', async () => {
    writeCache(cacheKeys.me, { id: 'u1' });
    const result = await loadWithCache(cacheKeys.me, () => Promise.reject(new NetworkError('hors ligne')));
    expect(result).toEqual({ value: { id: 'u1' }, stale: true });
    const down = await loadWithCache(cacheKeys.me, () => Promise.reject(new ApiError(502, 'passerelle')));
    expect(down.stale).toBe(true);
  });

  it('does not hide a refusal behind the cache', async () => {
    writeCache(cacheKeys.me, { id: 'u1' });
    await expect(
      loadWithCache(cacheKeys.me, () => Promise.reject(new ApiError(401, 'Non connecté'))),
    ).rejects.toThrow('Non connecté');
  });

  it('rethrows when offline with nothing cached', async () => {
    await expect(
      loadWithCache(cacheKeys.accompaniments, () => Promise.reject(new NetworkError('hors ligne'))),
    ).rejects.toBeInstanceOf(NetworkError);
  });

  it('gathers the accompaniments cached one by one, newest first', () => {
    writeCache(cacheKeys.accompaniment('a' as never), { id: 'a', createdAt: '2026-11-01T10:00:00Z' });
    writeCache(cacheKeys.accompaniment('b' as never), { id: 'b', createdAt: '2026-11-20T10:00:00Z' });
    writeCache(cacheKeys.me, { id: 'u1' });
    expect(cachedAccompaniments<{ id: string; createdAt: string }>().map((a) => a.id)).toEqual(['b', 'a']);
  });

  it('clears only its own keys', () => {
    localStorage.setItem('PARAGLIDE_LOCALE', 'en');
    writeCache(cacheKeys.me, { id: 'u1' });
    writeCache(cacheKeys.accompaniments, []);
    clearCaches();
    expect(localStorage.length).toBe(1);
    expect(localStorage.getItem('PARAGLIDE_LOCALE')).toBe('en');
  });
});
