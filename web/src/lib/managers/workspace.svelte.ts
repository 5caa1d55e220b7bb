// Everything the workspace page of one accompaniment needs: its details from the API (cached for offline),
// its shared document with the pathway and the notes, and who is present.
import { docNames, sharedNotes, type AccompanimentId, type AccompanimentKind } from '@compagnon/model';
import { ApiError } from '../api/errors.ts';
import { cacheKeys, loadWithCache, readCache } from '../api/cache.ts';
import { api } from '../api/client.ts';
import type { Accompaniment, Invitation, Me, Role } from '../api/types.ts';
import { DocConnection } from '../sync/doc-connection.svelte.ts';
import { PathwayState } from '../sync/pathway.svelte.ts';
import { Presence } from '../sync/presence.svelte.ts';

export class WorkspaceManager {
  details = $state<Accompaniment | null>(null);
  /** The server says this accompaniment does not exist or is not ours. */
  notFound = $state(false);
  detailsError = $state<string | null>(null);

  readonly shared: DocConnection;
  readonly pathway: PathwayState;
  readonly presence: Presence;
  readonly notes: ReturnType<typeof sharedNotes>;
  readonly id: AccompanimentId;
  readonly user: Me;

  constructor(id: AccompanimentId, user: Me) {
    this.id = id;
    this.user = user;
    // Document names derive from the id alone, so the workspace opens offline from IndexedDB.
    this.details = readCache<Accompaniment>(cacheKeys.accompaniment(id));
    this.shared = new DocConnection(docNames(id).shared);
    this.pathway = new PathwayState(this.shared.doc);
    this.presence = new Presence(this.shared.provider.awareness, {
      id: user.id,
      name: user.name,
      role: this.details?.role ?? user.role,
    });
    this.notes = sharedNotes(this.shared.doc);
    void this.loadDetails();
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

  async loadDetails(): Promise<void> {
    try {
      const { value } = await loadWithCache(cacheKeys.accompaniment(this.id), () =>
        api.getAccompaniment(this.id),
      );
      this.details = value;
      this.detailsError = null;
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
    this.presence.destroy();
    this.pathway.destroy();
    this.shared.destroy();
  }
}
