// Pure derivation of the sync indicator from the state of a document's connection.

export const SYNC_STATUSES = ['online', 'offline', 'syncing'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export interface ConnectionSnapshot {
  /** `navigator.onLine`, kept up to date from the window's online/offline events. */
  browserOnline: boolean;
  /** False once we (or a refusing server) stopped the provider from reconnecting. */
  shouldConnect: boolean;
  /** The WebSocket is open. */
  connected: boolean;
  /** The server answered our sync step: both sides hold the same document. */
  synced: boolean;
  /** Connections closed since the last successful sync (y-websocket's back-off counter). */
  failedAttempts: number;
}

export const INITIAL_SNAPSHOT: ConnectionSnapshot = {
  browserOnline: true,
  shouldConnect: true,
  connected: false,
  synced: false,
  failedAttempts: 0,
};

export function deriveSyncStatus(s: ConnectionSnapshot): SyncStatus {
  if (!s.browserOnline || !s.shouldConnect) return 'offline';
  if (s.connected) return s.synced ? 'online' : 'syncing';
  // Still trying after a failure (server down, network lost without an `offline` event): the edits are only
  // on this device, say so rather than flicker between the two other states while backing off.
  return s.failedAttempts > 0 ? 'offline' : 'syncing';
}
