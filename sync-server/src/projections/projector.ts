import {
  ADAPTATION_KINDS,
  REASON_MAX,
  STEP_TITLE_MAX,
  docNames,
  listAdaptations,
  listMessages,
  listSteps,
  observeAdaptations,
  observeMessages,
  observePathway,
  parseDocName,
  pathwayProgress,
  type AccompanimentId,
  type Adaptation,
} from '@compagnon/model';
import * as Y from 'yjs';
import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import type { AdaptationRecord } from '../storage/adaptations.ts';
import type { FileGrant } from '../storage/files.ts';
import type { MessageRecord, Notification } from '../storage/messages.ts';
import type { Storage } from '../storage/storage.ts';
import { originUserId, type RoomWatcher } from '../sync/hub.ts';
import { REMOTE, type Room, type RoomHooks } from '../sync/room.ts';

export interface ProjectorOptions {
  storage: Storage;
  clock: Clock;
  log: Logger;
  /** Delay between a pathway change and the recomputation of its progress (default 500 ms). */
  progressDelayMs?: number;
  /** Queue e-mail notifications of new messages for the other person (only when mail can be sent, MSG3). */
  notifyMessages?: boolean;
}

const ID_MAX = 100;
const KINDS: ReadonlySet<string> = new Set(ADAPTATION_KINDS);

/**
 * Turns one entry of a document's adaptation log into the row the server keeps. The entry comes from a
 * client and is checked like any input: unusable entries are skipped, long texts are cut, and the declared
 * device time is never later than the server's receipt (a wrong clock cannot pin an entry on top).
 */
export function toRecord(
  entry: Adaptation,
  accompanimentId: string,
  byUserId: string | null,
  receivedAt: number,
): AdaptationRecord | null {
  const e = entry as Partial<Record<keyof Adaptation, unknown>>;
  if (typeof e.id !== 'string' || e.id.length === 0 || e.id.length > ID_MAX) return null;
  if (typeof e.kind !== 'string' || !KINDS.has(e.kind)) return null;
  if (typeof e.stepId !== 'string' || e.stepId.length > ID_MAX) return null;
  const declared = e.by as { id?: unknown } | null | undefined;
  const declaredId =
    declared && typeof declared === 'object' && typeof declared.id === 'string'
      ? declared.id.slice(0, ID_MAX)
      : null;
  const at = typeof e.at === 'number' && Number.isFinite(e.at) ? Math.min(e.at, receivedAt) : receivedAt;
  return {
    id: e.id,
    accompanimentId,
    at: Math.trunc(at),
    receivedAt,
    byUserId,
    declaredBy: declaredId !== byUserId ? declaredId : null,
    kind: e.kind,
    stepId: e.stepId,
    stepTitle: typeof e.stepTitle === 'string' ? e.stepTitle.slice(0, STEP_TITLE_MAX) : '',
    reason: typeof e.reason === 'string' && e.reason ? e.reason.slice(0, REASON_MAX) : null,
  };
}

/** The file named by each step's resource (step id → file id). */
function stepResources(doc: Y.Doc): Map<string, string> {
  const out = new Map<string, string>();
  for (const step of listSteps(doc)) {
    const fileId = step.resource?.fileId;
    if (typeof fileId === 'string' && fileId.length > 0 && fileId.length <= ID_MAX) out.set(step.id, fileId);
  }
  return out;
}

/**
 * Keeps the SQL projections of every loaded shared document up to date (PATH2–PATH4), so that lists and
 * reports read SQL and never load documents:
 *
 * - new entries of the adaptation log are recorded with the authenticated user whose connection (or API
 *   call) brought them, in the same transaction as the update that carried them;
 * - a change made by the accompaniment's learner sets `last_learner_activity_at` to the server clock, in
 *   that same transaction;
 * - a pathway change made by the accompaniment's coach grants the accompaniment the library files its
 *   steps carry and that coach may read, in that same transaction (FILE6);
 * - progress is recomputed at most every `progressDelayMs` while the pathway changes, and when the room
 *   loads and unloads;
 * - a change another instance made (`REMOTE`) was recorded there: it only moves this room's baselines
 *   (PATH9).
 *
 * `changed` runs inside Yjs's update handling and cannot wait: it reads the document and what is in
 * memory, and whatever needs the database is done in the write it queues, which the group commit runs in
 * its transaction after the turn. On PostgreSQL that transaction may be run again: a queued write only
 * reads what it captured and the database, so running it twice writes the same rows.
 */
export class Projector implements RoomWatcher {
  readonly #storage: Storage;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #progressDelayMs: number;
  readonly #notifyMessages: boolean;

  constructor(options: ProjectorOptions) {
    this.#notifyMessages = options.notifyMessages ?? false;
    this.#storage = options.storage;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#progressDelayMs = options.progressDelayMs ?? 500;
  }

  async attach(room: Room, addWrite: (write: () => Promise<void>) => void): Promise<RoomHooks | null> {
    const parsed = parseDocName(room.name);
    if (!parsed || parsed.role !== 'shared') return null;
    const accompanimentId = parsed.accompanimentId;
    const storage = this.#storage;
    const members = await storage.accompaniments.members(accompanimentId);
    if (!members) return null;
    const clock = this.#clock;
    const log = this.#log;
    const doc = room.doc;
    const coachId = members.coachId;

    // Entries already in the document when it loads and not yet recorded (written before this server
    // kept a timeline): recorded without an authenticated author (PATH3). Messages likewise, never
    // announced. The room is not handed out before this resolves, so the document does not move meanwhile.
    const progress = JSON.stringify(pathwayProgress(doc));
    const { seen, seenMessages } = await storage.transaction(async () => {
      const adaptationIds = await storage.adaptations.ids(accompanimentId);
      const missing = this.#unrecordedAdaptations(doc, accompanimentId, adaptationIds);
      if (missing.length > 0) await storage.adaptations.record(missing);
      const messageIds = await storage.messages.ids(accompanimentId);
      const missingMessages = this.#unrecordedMessages(doc, accompanimentId, messageIds);
      if (missingMessages.length > 0) await storage.messages.record(missingMessages, []);
      await storage.accompaniments.setProgress(accompanimentId, progress);
      return { seen: adaptationIds, seenMessages: messageIds };
    });
    absorbAdaptations(doc, seen);
    absorbMessages(doc, seenMessages);
    let lastProgress: string | null = progress;

    let adaptationsDirty = false;
    let messagesDirty = false;
    let pathwayDirty = false;
    // The file each step's resource names, as of the last change: a change grants only the files it
    // brought, so a file named by the learner is not granted by a later, unrelated change of the coach.
    let resources = stepResources(doc);
    let progressTimer: NodeJS.Timeout | null = null;
    // Progress writes leave the group commit alone; chained so that an older one never lands last.
    let progressSaved: Promise<void> = Promise.resolve();
    // Refreshed by the queued writes: the learner may join, co-referents come and go (REPORT2).
    let learnerId = members.learnerId;
    let coReferentIds = members.coReferentIds;
    // The learner-activity write of the coming commit, if one is queued: one per commit, whatever the
    // number of changes in the turn. `others` are people not known as the learner when they changed the
    // document (a learner who joined since, or a co-referent), looked up once by that write.
    let pendingActivity: { at: number | null; others: Map<string, number> } | null = null;

    const refreshMembers = async (): Promise<void> => {
      const fresh = await storage.accompaniments.members(accompanimentId);
      learnerId = fresh?.learnerId ?? null;
      coReferentIds = fresh?.coReferentIds ?? [];
    };
    // The coach, or a co-referent who has the coach's part (REPORT2), as of the last refresh.
    const isCoachSide = (userId: string): boolean =>
      userId === coachId || (userId !== learnerId && coReferentIds.includes(userId));

    const flushProgress = (): void => {
      if (progressTimer) clearTimeout(progressTimer);
      progressTimer = null;
      const json = JSON.stringify(pathwayProgress(doc));
      if (json === lastProgress) return;
      lastProgress = json;
      progressSaved = progressSaved
        .then(() => storage.accompaniments.setProgress(accompanimentId, json))
        .catch((error: unknown) => {
          // Written again at the next change rather than believed stored.
          if (lastProgress === json) lastProgress = null;
          log.error(`Document ${room.name} : progression non enregistrée`, error);
        });
    };
    const unobserveAdaptations = observeAdaptations(doc, () => {
      adaptationsDirty = true;
    });
    const unobserveMessages = observeMessages(doc, () => {
      messagesDirty = true;
    });
    const unobservePathway = observePathway(doc, () => {
      pathwayDirty = true;
    });

    /** A change stored and recorded by another instance: this room's baselines follow, nothing is written. */
    const absorbRemote = (): void => {
      if (adaptationsDirty) absorbAdaptations(doc, seen);
      if (messagesDirty) absorbMessages(doc, seenMessages);
      if (pathwayDirty) resources = stepResources(doc);
      adaptationsDirty = messagesDirty = pathwayDirty = false;
    };

    return {
      changed: (origin) => {
        if (origin === REMOTE) return absorbRemote();
        const userId = originUserId(origin);
        const now = clock.now();
        if (adaptationsDirty) {
          adaptationsDirty = false;
          const fresh: AdaptationRecord[] = [];
          for (const entry of listAdaptations(doc)) {
            if (typeof entry.id !== 'string' || seen.has(entry.id)) continue;
            seen.add(entry.id);
            const record = toRecord(entry, accompanimentId, userId, now);
            if (record) fresh.push(record);
          }
          if (fresh.length > 0)
            addWrite(async () => {
              await storage.adaptations.record(fresh);
            });
        }
        if (messagesDirty) {
          messagesDirty = false;
          const fresh: MessageRecord[] = [];
          for (const entry of listMessages(doc)) {
            if (seenMessages.has(entry.id) || entry.id.length > ID_MAX) continue;
            seenMessages.add(entry.id);
            const at = Math.trunc(Math.min(entry.at, now));
            fresh.push({ id: entry.id, accompanimentId, authorId: userId, at, receivedAt: now });
          }
          const notify = this.#notifyMessages;
          if (fresh.length > 0)
            addWrite(async () => {
              // The other person of the accompaniment: the learner for the coach's (or a co-referent's)
              // messages, the coach for the learner's.
              let recipient: string | null = null;
              if (notify && userId !== null) {
                await refreshMembers();
                recipient = isCoachSide(userId) ? learnerId : userId === learnerId ? coachId : null;
              }
              const notifications: Notification[] = recipient
                ? fresh.map((m) => ({
                    recipientId: recipient,
                    accompanimentId,
                    messageId: m.id,
                    messageAt: m.at,
                    createdAt: now,
                  }))
                : [];
              await storage.messages.record(fresh, notifications);
            });
        }
        if (pathwayDirty) {
          pathwayDirty = false;
          // Not pushed back by later changes: while someone types in a step, progress still follows
          // every delay.
          progressTimer ??= setTimeout(() => {
            progressTimer = null;
            try {
              flushProgress();
            } catch (error) {
              log.error(`Document ${room.name} : progression non enregistrée`, error);
            }
          }, this.#progressDelayMs);
          progressTimer.unref();
          const previous = resources;
          resources = stepResources(doc);
          const brought = new Set<string>();
          if (userId !== null)
            for (const [stepId, fileId] of resources)
              if (previous.get(stepId) !== fileId) brought.add(fileId);
          // Only the accompaniment's coach (or a co-referent, REPORT2) copies library documents into the
          // pathway: a step written by anyone else that names a file grants nothing (FILE6).
          if (userId !== null && brought.size > 0)
            addWrite(async () => {
              if (userId !== coachId) await refreshMembers();
              if (!isCoachSide(userId)) return;
              const granted = await storage.files.grantedTo(accompanimentId);
              const fresh = await this.#grants(brought, accompanimentId, userId, granted, now);
              if (fresh.length > 0) await storage.files.grant(fresh);
            });
        }
        if (userId !== null && userId !== coachId) {
          if (pendingActivity === null) {
            const activity: { at: number | null; others: Map<string, number> } = {
              at: null,
              others: new Map(),
            };
            pendingActivity = activity;
            addWrite(async () => {
              // Later changes go to the next commit's write; `activity` stays as it is if this runs again.
              if (pendingActivity === activity) pendingActivity = null;
              let at = activity.at;
              if (activity.others.size > 0) {
                await refreshMembers();
                const joined = learnerId === null ? undefined : activity.others.get(learnerId);
                if (joined !== undefined) at = Math.max(at ?? joined, joined);
              }
              if (at !== null) await storage.accompaniments.recordLearnerActivity(accompanimentId, at);
            });
          }
          if (userId === learnerId) pendingActivity.at = now;
          else pendingActivity.others.set(userId, now);
        }
      },
      detach: () => {
        unobserveAdaptations();
        unobserveMessages();
        unobservePathway();
        flushProgress();
      },
    };
  }

  /**
   * Computes the projections of accompaniments that never had them (created before they existed), from
   * their stored documents. Runs once at startup; afterwards every accompaniment has its progress.
   */
  async backfill(): Promise<number> {
    const storage = this.#storage;
    const ids = await storage.accompaniments.idsWithoutProgress();
    for (const id of ids) {
      const doc = new Y.Doc();
      try {
        for (const update of await storage.docs.load(docNames(id as AccompanimentId).shared))
          Y.applyUpdate(doc, update);
        await storage.transaction(async () => {
          const missing = this.#unrecordedAdaptations(doc, id, await storage.adaptations.ids(id));
          if (missing.length > 0) await storage.adaptations.record(missing);
          await storage.accompaniments.setProgress(id, JSON.stringify(pathwayProgress(doc)));
        });
      } catch (error) {
        this.#log.error(`Accompagnement ${id} : projections non calculées`, error);
      } finally {
        doc.destroy();
      }
    }
    return ids.length;
  }

  /** The document's adaptation entries missing from `seen`, as rows without an authenticated author. */
  #unrecordedAdaptations(doc: Y.Doc, accompanimentId: string, seen: ReadonlySet<string>): AdaptationRecord[] {
    const now = this.#clock.now();
    const missing: AdaptationRecord[] = [];
    const taken = new Set<string>();
    for (const entry of listAdaptations(doc)) {
      if (typeof entry.id !== 'string' || seen.has(entry.id) || taken.has(entry.id)) continue;
      taken.add(entry.id);
      const record = toRecord(entry, accompanimentId, null, now);
      if (record) missing.push(record);
    }
    return missing;
  }

  /** The document's messages missing from `seen`, as rows without an author. */
  #unrecordedMessages(doc: Y.Doc, accompanimentId: string, seen: ReadonlySet<string>): MessageRecord[] {
    const now = this.#clock.now();
    const missing: MessageRecord[] = [];
    const taken = new Set<string>();
    for (const entry of listMessages(doc)) {
      if (seen.has(entry.id) || taken.has(entry.id) || entry.id.length > ID_MAX) continue;
      taken.add(entry.id);
      const at = Math.trunc(Math.min(entry.at, now));
      missing.push({ id: entry.id, accompanimentId, authorId: null, at, receivedAt: now });
    }
    return missing;
  }

  /**
   * Of the files a change of the coach brought into the pathway, the library files not yet `granted` that
   * `coachId` may read now (their uploader, or shared with them in the organisation, ORG5).
   */
  async #grants(
    fileIds: Iterable<string>,
    accompanimentId: string,
    coachId: string,
    granted: ReadonlySet<string>,
    now: number,
  ): Promise<FileGrant[]> {
    const fresh: FileGrant[] = [];
    for (const fileId of fileIds) {
      if (granted.has(fileId)) continue;
      const file = await this.#storage.files.find(fileId);
      if (!file || file.accompanimentId !== null) continue;
      if (file.uploaderId !== coachId && !(await this.#storage.files.isSharedWithCoach(file, coachId)))
        continue;
      fresh.push({ fileId, accompanimentId, grantedAt: now, grantedBy: coachId });
    }
    return fresh;
  }
}

/** Marks every adaptation entry of the document as seen (recorded, or recorded elsewhere). */
function absorbAdaptations(doc: Y.Doc, seen: Set<string>): void {
  for (const entry of listAdaptations(doc)) if (typeof entry.id === 'string') seen.add(entry.id);
}

/** Marks every message of the document as seen (recorded, or recorded elsewhere). */
function absorbMessages(doc: Y.Doc, seen: Set<string>): void {
  for (const entry of listMessages(doc)) if (entry.id.length <= ID_MAX) seen.add(entry.id);
}
