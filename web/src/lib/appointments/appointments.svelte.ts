// The appointments and the hours of one accompaniment, from the API (cached for offline rendering),
// refreshed after every action of this page and every few seconds while the page is visible (an action of
// the other person does not travel in the shared document). Signatures made offline wait in a local queue
// and leave when the connection is back.
import type { AccompanimentId } from '@compagnon/model';
import { CACHE_PREFIX, loadWithCache } from '../api/cache.ts';
import { NetworkError } from '../api/errors.ts';
import { appointmentsApi } from './api.ts';
import {
  enqueue,
  flushQueue,
  localQueueStore,
  type QueuedSignature,
  type QueueStore,
} from './attendance-queue.ts';
import type { Appointment, AttendanceInput, Hours } from './types.ts';

const POLL_MS = 5000;

export class AppointmentsState {
  appointments = $state.raw<Appointment[]>([]);
  hours = $state.raw<Hours | null>(null);
  /** False until a first answer (from the server or this device's copy). */
  loaded = $state(false);
  /** True when the list comes from this device's copy because the server is unreachable. */
  stale = $state(false);
  error = $state<string | null>(null);
  /** Signatures waiting for the connection. */
  pending = $state.raw<QueuedSignature[]>([]);
  /** Why a waiting signature was refused once sent (by appointment). */
  rejected = $state.raw<Record<string, string>>({});

  readonly id: AccompanimentId;
  readonly #queue: QueueStore;
  readonly #poll: ReturnType<typeof setInterval>;
  #destroyed = false;
  #flushing = false;
  readonly #onOnline = (): void => void this.flush();

  constructor(id: AccompanimentId, userId: string) {
    this.id = id;
    this.#queue = localQueueStore(userId);
    this.pending = this.#queue.read().filter((q) => this.#ours(q));
    this.#poll = setInterval(() => {
      if (document.visibilityState === 'visible') void this.refresh();
    }, POLL_MS);
    window.addEventListener('online', this.#onOnline);
    void this.refresh().then(() => this.flush());
  }

  destroy(): void {
    this.#destroyed = true;
    clearInterval(this.#poll);
    window.removeEventListener('online', this.#onOnline);
  }

  #ours(q: QueuedSignature): boolean {
    // Appointments of other accompaniments stay queued for their own page.
    return this.appointments.length === 0 || this.appointments.some((a) => a.id === q.appointmentId);
  }

  async refresh(): Promise<void> {
    try {
      const [list, hours] = await Promise.all([
        loadWithCache(`${CACHE_PREFIX}appointments:${this.id}`, () => appointmentsApi.list(this.id)),
        loadWithCache(`${CACHE_PREFIX}hours:${this.id}`, () => appointmentsApi.hours(this.id)),
      ]);
      if (this.#destroyed) return;
      this.appointments = list.value.appointments;
      this.hours = hours.value;
      this.stale = list.stale || hours.stale;
      this.error = null;
      this.pending = this.#queue.read().filter((q) => this.#ours(q));
      if (!list.stale && this.pending.length > 0) void this.flush();
    } catch (error) {
      if (!this.#destroyed) this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (!this.#destroyed) this.loaded = true;
    }
  }

  /**
   * Signs an appointment's attendance; without a connection the signature is kept on this device and
   * marked as waiting. Returns 'sent', 'queued', or throws the server's refusal.
   */
  async sign(appointmentId: string, input: AttendanceInput): Promise<'sent' | 'queued'> {
    const queue = (): 'queued' => {
      enqueue(this.#queue, appointmentId, input);
      this.pending = this.#queue.read().filter((q) => this.#ours(q));
      return 'queued';
    };
    if (typeof navigator !== 'undefined' && navigator.onLine === false) return queue();
    try {
      await appointmentsApi.sign(appointmentId, input);
    } catch (error) {
      if (error instanceof NetworkError) return queue();
      throw error;
    }
    await this.refresh();
    return 'sent';
  }

  /** Sends the waiting signatures (on load, when the browser comes back online, after a refresh). */
  async flush(): Promise<void> {
    if (this.#flushing || this.#destroyed || this.#queue.read().length === 0) return;
    this.#flushing = true;
    try {
      const result = await flushQueue(this.#queue, (item) =>
        appointmentsApi.sign(item.appointmentId, item.input),
      );
      if (result.rejected.length > 0) {
        const rejected = { ...this.rejected };
        for (const r of result.rejected) rejected[r.item.appointmentId] = r.message;
        this.rejected = rejected;
      }
      this.pending = this.#queue.read().filter((q) => this.#ours(q));
      if (result.sent.length > 0 || result.rejected.length > 0) await this.refresh();
    } finally {
      this.#flushing = false;
    }
  }
}
