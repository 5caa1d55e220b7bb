// Everything the page of one workshop needs: its details from the API (cached for offline), the shared
// document (board, polls, prompts, rich text, messages), who is present, and the private answers — the
// participant's own, or, for the coach, every participant's.
import {
  workshopDocNames,
  workshopDocument,
  type Actor,
  type UserId,
  type WorkshopId,
} from '@compagnon/model';
import { ApiError } from '../api/errors.ts';
import { CACHE_PREFIX, loadWithCache, readCache, removeCache } from '../api/cache.ts';
import type { Me } from '../api/types.ts';
import { DocConnection } from '../sync/doc-connection.svelte.ts';
import { MessagesState } from '../sync/messages.svelte.ts';
import { Presence } from '../sync/presence.svelte.ts';
import type { SyncStatus } from '../sync/sync-status.ts';
import { AnswersState } from './answers.svelte.ts';
import { worstStatus } from './logic.ts';
import { workshopsApi } from './api.ts';
import type { WorkshopDetails, WorkshopRole } from './types.ts';
import { WorkshopDocState } from './workshop-doc.svelte.ts';

/** Under the app's cache prefix, so signing out forgets them with the rest. */
export const workshopCacheKeys = {
  list: `${CACHE_PREFIX}workshops`,
  one: (id: WorkshopId) => `${CACHE_PREFIX}workshop:${id}`,
};

export class WorkshopManager {
  details = $state.raw<WorkshopDetails | null>(null);
  /** The server says this workshop does not exist or is not ours. */
  notFound = $state(false);
  detailsError = $state<string | null>(null);
  /** The details come from this device because the server is unreachable. */
  stale = $state(false);

  readonly id: WorkshopId;
  readonly user: Me;
  readonly shared: DocConnection;
  readonly workshop: WorkshopDocState;
  readonly messages: MessagesState;
  readonly presence: Presence;
  readonly document: ReturnType<typeof workshopDocument>;
  /** The participant's own private answers (null for the coach). */
  own = $state.raw<AnswersState | null>(null);
  /** The coach's view of each participant's private answers, by user id. */
  answersOf = $state.raw<Readonly<Record<string, AnswersState>>>({});

  #destroyed = false;

  constructor(id: WorkshopId, user: Me) {
    this.id = id;
    this.user = user;
    this.details = readCache<WorkshopDetails>(workshopCacheKeys.one(id));
    // The document name derives from the id alone, so the workshop opens offline from IndexedDB.
    this.shared = new DocConnection(workshopDocNames(id).shared);
    this.workshop = new WorkshopDocState(this.shared.doc, () => this.actor);
    this.messages = new MessagesState(this.shared.doc, () => this.actor);
    this.document = workshopDocument(this.shared.doc);
    this.presence = new Presence(this.shared.provider.awareness, {
      id: user.id,
      name: user.name,
      role: this.details ? (this.details.role === 'coach' ? 'coach' : 'learner') : user.role,
    });
    this.#openAnswers();
    void this.load();
  }

  get role(): WorkshopRole | null {
    return this.details?.role ?? null;
  }

  get title(): string {
    return this.details?.title ?? this.workshop.title;
  }

  /** Who signs the notes written here. */
  get actor(): Actor {
    return {
      id: this.user.id as UserId,
      name: this.user.name,
      role: this.role === 'coach' ? 'coach' : 'learner',
    };
  }

  /** The shared document and, for a participant, their own answers: what this person writes to. */
  get status(): SyncStatus {
    return worstStatus([this.shared.status, ...(this.own ? [this.own.connection.status] : [])]);
  }

  get savedLocally(): boolean {
    return this.shared.savedLocally && (this.own?.connection.savedLocally ?? true);
  }

  async load(): Promise<void> {
    try {
      const { value, stale } = await loadWithCache(workshopCacheKeys.one(this.id), () =>
        workshopsApi.get(this.id),
      );
      if (this.#destroyed) return;
      this.details = value;
      this.stale = stale;
      this.detailsError = null;
      this.notFound = false;
      this.#openAnswers();
    } catch (error) {
      if (this.#destroyed) return;
      if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
        // No longer ours (removed by the coach): forget what this device knew of it.
        removeCache(workshopCacheKeys.one(this.id));
        this.notFound = true;
        this.details = null;
        this.#openAnswers();
        // The server refuses these documents now: stop asking for them.
        this.shared.provider.disconnect();
      } else if (!this.details) this.detailsError = error instanceof Error ? error.message : String(error);
    }
  }

  /**
   * Opens the answers documents the details give us: a participant gets only their own, the coach every
   * participant's. A document the server no longer gives (a participant removed) is closed.
   */
  #openAnswers(): void {
    if (this.#destroyed) return;
    const details = this.details;
    const ownName = details?.role === 'participant' ? details.answersDoc : null;
    if (this.own && this.own.connection.docName !== ownName) {
      this.own.destroy();
      this.own = null;
    }
    if (ownName && !this.own) this.own = new AnswersState(ownName);

    const wanted: Record<string, string> = {};
    if (details?.role === 'coach')
      for (const p of details.participants) if (p.answersDoc) wanted[p.userId] = p.answersDoc;
    const next: Record<string, AnswersState> = {};
    let changed = false;
    for (const [userId, state] of Object.entries(this.answersOf)) {
      if (wanted[userId] === state.connection.docName) next[userId] = state;
      else {
        state.destroy();
        changed = true;
      }
    }
    for (const [userId, docName] of Object.entries(wanted)) {
      if (next[userId]) continue;
      next[userId] = new AnswersState(docName);
      changed = true;
    }
    if (changed) this.answersOf = next;
  }

  async addParticipant(accompanimentId: Parameters<typeof workshopsApi.addParticipant>[1]): Promise<string> {
    const added = await workshopsApi.addParticipant(this.id, accompanimentId);
    await this.load();
    return added.name;
  }

  async removeParticipant(userId: UserId): Promise<void> {
    try {
      await workshopsApi.removeParticipant(this.id, userId);
    } catch (error) {
      // Already removed (from another device): the result is the one wanted.
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    await this.load();
  }

  destroy(): void {
    this.#destroyed = true;
    this.own?.destroy();
    this.own = null;
    for (const state of Object.values(this.answersOf)) state.destroy();
    this.answersOf = {};
    this.presence.destroy();
    this.messages.destroy();
    this.workshop.destroy();
    this.shared.destroy();
  }
}
