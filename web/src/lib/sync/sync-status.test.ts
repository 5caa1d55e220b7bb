import { describe, expect, it } from 'vitest';
import { INITIAL_SNAPSHOT, deriveSyncStatus, type ConnectionSnapshot } from './sync-status.ts';

const snap = (over: Partial<ConnectionSnapshot>): ConnectionSnapshot => ({ ...INITIAL_SNAPSHOT, ...over });

describe('deriveSyncStatus', () => {
  it('is syncing while the first connection opens', () => {
    expect(deriveSyncStatus(snap({}))).toBe('syncing');
  });

  it('is syncing when connected but the server has not answered the sync yet', () => {
    expect(deriveSyncStatus(snap({ connected: true }))).toBe('syncing');
  });

  it('is online when connected and synced', () => {
    expect(deriveSyncStatus(snap({ connected: true, synced: true }))).toBe('online');
  });

  it('is offline when the browser is offline, whatever the socket says', () => {
    expect(deriveSyncStatus(snap({ browserOnline: false, connected: true, synced: true }))).toBe('offline');
  });

  it('is offline once the provider was told to stop connecting', () => {
    expect(deriveSyncStatus(snap({ shouldConnect: false }))).toBe('offline');
  });

  it('stays offline while reconnecting after a failure instead of flickering', () => {
    expect(deriveSyncStatus(snap({ failedAttempts: 3 }))).toBe('offline');
    expect(deriveSyncStatus(snap({ failedAttempts: 3, connected: true }))).toBe('syncing');
  });
});
