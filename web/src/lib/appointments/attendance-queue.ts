// Signatures made without a connection wait on this device (localStorage, under the `compagnon:` prefix so
// that signing out forgets them with the rest) and leave as soon as the server can be reached. Each carries
// the device's time of signing, so the sheet shows when the person actually signed.
import { CACHE_PREFIX } from '../api/cache.ts';
import { ApiError, isUnavailable } from '../api/errors.ts';
import type { AttendanceInput } from './types.ts';

export interface QueuedSignature {
  /** Unique on this device. */
  id: string;
  appointmentId: string;
  input: AttendanceInput;
  queuedAt: number;
}

export interface QueueStore {
  read(): QueuedSignature[];
  write(items: QueuedSignature[]): void;
}

export const queueKey = (userId: string): string => `${CACHE_PREFIX}attendance-queue:${userId}`;

function isQueued(value: unknown): value is QueuedSignature {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.appointmentId === 'string' && !!v.input;
}

/** The queue of one person in localStorage (empty when storage is unavailable or unreadable). */
export function localQueueStore(
  userId: string,
  storage: Storage | null = globalThis.localStorage ?? null,
): QueueStore {
  const key = queueKey(userId);
  return {
    read() {
      try {
        const parsed: unknown = JSON.parse(storage?.getItem(key) ?? '[]');
        return Array.isArray(parsed) ? parsed.filter(isQueued) : [];
      } catch {
        return [];
      }
    },
    write(items) {
      try {
        if (items.length === 0) storage?.removeItem(key);
        else storage?.setItem(key, JSON.stringify(items));
      } catch {
        // Quota exceeded: the signature stays in memory for this page only.
      }
    },
  };
}

export function enqueue(
  store: QueueStore,
  appointmentId: string,
  input: AttendanceInput,
  now = Date.now(),
): QueuedSignature {
  const item: QueuedSignature = {
    id: `${now.toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
    appointmentId,
    input,
    queuedAt: now,
  };
  store.write([...store.read(), item]);
  return item;
}

export interface FlushResult {
  sent: QueuedSignature[];
  /** Refused by the server (not held, not ours…): dropped, with the server's message. */
  rejected: { item: QueuedSignature; message: string }[];
  /** Still waiting: the server could not be reached. */
  waiting: QueuedSignature[];
}

/**
 * Sends the waiting signatures in order. A network failure (or an unavailable server) keeps them for later;
 * a 409 means this half-day is already signed, so the signature is done; any other refusal drops it with
 * its message.
 */
export async function flushQueue(
  store: QueueStore,
  send: (item: QueuedSignature) => Promise<unknown>,
): Promise<FlushResult> {
  const result: FlushResult = { sent: [], rejected: [], waiting: [] };
  for (const item of store.read()) {
    if (result.waiting.length > 0) {
      result.waiting.push(item);
      continue;
    }
    try {
      await send(item);
      result.sent.push(item);
    } catch (error) {
      if (isUnavailable(error)) result.waiting.push(item);
      else if (error instanceof ApiError && error.status === 409) result.sent.push(item);
      else result.rejected.push({ item, message: error instanceof Error ? error.message : String(error) });
    }
    // Written after each one: a reload in the middle does not send twice.
    const done = new Set([...result.sent, ...result.rejected.map((r) => r.item)].map((i) => i.id));
    store.write(store.read().filter((i) => !done.has(i.id)));
  }
  return result;
}
