// Everything the workspace page of one accompaniment needs: its details from the API (cached for offline),
// its shared document with the pathway and the notes, and who is present.
import {
  SYNTHESIS_SECTIONS,
  docNames,
  privateNotes,
  synthesisSection,
  sharedNotes,
  type AccompanimentId,
  type AccompanimentKind,
  type Actor,
  type UserId,
} from '@compagnon/model';
import { ApiError } from '../api/errors.ts';
import { cacheKeys, loadWithCache, readCache, writeCache } from '../api/cache.ts';
import { api } from '../api/client.ts';
import type { Accompaniment, Invitation, Me, Role, TimelineEntry } from '../api/types.ts';
import { DocConnection } from '../sync/doc-connection.svelte.ts';
import { MessagesState } from '../sync/messages.svelte.ts';
import { PathwayState } from '../sync/pathway.svelte.ts';
import { Presence } from '../sync/presence.svelte.ts';

export class WorkspaceManager {
  details = $state<Accompaniment | null>(null);
  /** The server says this accompaniment does not exist or is not ours. */
  notFound = $state(false);
  detailsError = $state<string | null>(null);
  /** The server's record of the adaptations (authenticated authors), by id; empty until fetched. */
  serverTimeline = $state.raw<Readonly<Record<string, TimelineEntry>>>({});
  /**
   * When this person last left this workspace on this device (null: first visit). Read once on opening,
   * so "since your last visit" keeps its meaning while the page is open.
   */
  readonly lastVisit: number | null;

  readonly shared: DocConnection;
  readonly pathway: PathwayState;
  readonly presence: Presence;
  /** The message thread (in the shared document). */
  readonly messages: MessagesState;
  readonly notes: ReturnType<typeof sharedNotes>;
  /** The sections of the document de synthèse (in the shared document). */
  readonly synthesisSections: {
    key: string;
    title: string;
    fragment: ReturnType<typeof synthesisSection>;
  }[];
  /**
   * The coach-private document (private notes), opened only once the API (or its cached answer) says we
   * are this accompaniment's coach: a learner's device never opens it, so never stores it either.
   */
  privateDoc = $state.raw<{
    connection: DocConnection;
    notes: ReturnType<typeof privateNotes>;
    presence: Presence;
  } | null>(null);
  readonly id: AccompanimentId;
  readonly user: Me;

  constructor(id: AccompanimentId, user: Me) {
    this.id = id;
    this.user = user;
    // Document names derive from the id alone, so the workspace opens offline from IndexedDB.
    this.details = readCache<Accompaniment>(cacheKeys.accompaniment(id));
    const last = readCache<number>(cacheKeys.lastVisit(id));
    this.lastVisit = typeof last === 'number' ? last : null;
    this.shared = new DocConnection(docNames(id).shared);
    this.pathway = new PathwayState(this.shared.doc, () => this.actor);
    this.messages = new MessagesState(this.shared.doc, () => this.actor);
    this.presence = new Presence(this.shared.provider.awareness, {
      id: user.id,
      name: user.name,
      role: this.details?.role ?? user.role,
    });
    this.notes = sharedNotes(this.shared.doc);
    this.synthesisSections = SYNTHESIS_SECTIONS.map(({ key, title }) => ({
      key,
      title,
      fragment: synthesisSection(this.shared.doc, key),
    }));
    this.#openPrivate();
    void this.loadDetails();
  }

  #destroyed = false;

  #openPrivate(): void {
    const details = this.details;
    if (this.#destroyed || this.privateDoc || !details) return;
    if (details.role !== 'coach' || !details.privateDoc) return;
    const connection = new DocConnection(docNames(this.id).private);
    const presence = new Presence(connection.provider.awareness, {
      id: this.user.id,
      name: this.user.name,
      role: 'coach',
    });
    this.privateDoc = { connection, notes: privateNotes(connection.doc), presence };
  }

  // The API's details first (cached for offline), the document's own meta when they are not known.
  get title(): string | null {
    return this.details?.title ?? this.pathway.meta?.title ?? null;
  }

  get kind(): AccompanimentKind | null {
    return this.details?.kind ?? this.pathway.meta?.kind ?? null;
  }

  get hoursBudget(): number | null {
    return this.details?.hoursBudget ?? this.pathway.meta?.hoursBudget ?? null;
  }

  get role(): Role {
    return this.details?.role ?? this.user.role;
  }

  /** Who signs the changes made here (the server records the authenticated author beside it). */
  get actor(): Actor {
    return { id: this.user.id as UserId, name: this.user.name, role: this.role };
  }

  /** Remembers now as the last visit (called when leaving the page or hiding it). */
  markVisited(): void {
    writeCache(cacheKeys.lastVisit(this.id), Date.now());
  }

  /** Fetches the server's timeline; offline or on an older server, the document's log is enough. */
  async loadTimeline(): Promise<void> {
    try {
      const entries = await api.timeline(this.id);
      if (Array.isArray(entries)) this.serverTimeline = Object.fromEntries(entries.map((e) => [e.id, e]));
    } catch {
      // The panel shows the document's own log.
    }
  }

  async loadDetails(): Promise<void> {
    try {
      const { value } = await loadWithCache(cacheKeys.accompaniment(this.id), () =>
        api.getAccompaniment(this.id),
      );
      this.details = value;
      this.detailsError = null;
      this.#openPrivate();
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 403)) this.notFound = true;
      else if (!this.details) this.detailsError = error instanceof Error ? error.message : String(error);
    }
  }

  #learnerRefreshed = false;

  /** Called when a learner shows up in the document: the API now knows them, refresh the details once. */
  noticeLearnerPresent(): void {
    if (this.#learnerRefreshed || this.role !== 'coach' || !this.details || this.details.learner) return;
    this.#learnerRefreshed = true;
    void this.loadDetails();
  }

  async invite(email: string): Promise<Invitation> {
    return api.invite(this.id, email);
  }

  destroy(): void {
    this.#destroyed = true;
    if (this.privateDoc) {
      this.privateDoc.presence.destroy();
      this.privateDoc.connection.destroy();
      this.privateDoc = null;
    }
    this.presence.destroy();
    this.messages.destroy();
    this.pathway.destroy();
    this.shared.destroy();
  }
}
