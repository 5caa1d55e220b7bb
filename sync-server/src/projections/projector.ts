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
import type { Room, RoomHooks } from '../sync/room.ts';

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
 *   loads and unloads.
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

  attach(room: Room, addWrite: (write: () => void) => void): RoomHooks | null {
    const parsed = parseDocName(room.name);
    if (!parsed || parsed.role !== 'shared') return null;
    const accompanimentId = parsed.accompanimentId;
    const members = this.#storage.accompaniments.members(accompanimentId);
    if (!members) return null;
    const storage = this.#storage;
    const clock = this.#clock;
    const doc = room.doc;

    // Entries already in the document when it loads and not yet recorded (written before this server
    // kept a timeline): recorded without an authenticated author (PATH3).
    const seen = storage.adaptations.ids(accompanimentId);
    this.#reconcile(doc, accompanimentId, seen);
    let lastProgress = this.#writeProgress(doc, accompanimentId, null);
    // Messages already in the document and not yet recorded: recorded without an author, never announced.
    const seenMessages = storage.messages.ids(accompanimentId);
    this.#reconcileMessages(doc, accompanimentId, seenMessages);
    let messagesDirty = false;

    let adaptationsDirty = false;
    let pathwayDirty = false;
    // The file each step's resource names, as of the last change: a change grants only the files it
    // brought, so a file named by the learner is not granted by a later, unrelated change of the coach.
    let resources = stepResources(doc);
    // Library files this accompaniment may read (FILE6), loaded once; grown as the coach copies more.
    let granted: Set<string> | null = null;
    let progressTimer: NodeJS.Timeout | null = null;
    let learnerId = members.learnerId;
    let pendingActivity: number | null = null;

    const flushProgress = (): void => {
      if (progressTimer) clearTimeout(progressTimer);
      progressTimer = null;
      lastProgress = this.#writeProgress(doc, accompanimentId, lastProgress);
    };
    const unobserveAdaptations = observeAdaptations(doc, () => {
      adaptationsDirty = true;
    });
    const unobserveMessages = observeMessages(doc, () => {
      messagesDirty = true;
    });
    const unobservePathway = observePathway(doc, () => {
      pathwayDirty = true;
      // Not reset by later changes: while someone types in a step, progress still follows every delay.
      progressTimer ??= setTimeout(() => {
        progressTimer = null;
        try {
          flushProgress();
        } catch (error) {
          this.#log.error(`Document ${room.name} : progression non enregistrée`, error);
        }
      }, this.#progressDelayMs);
      progressTimer.unref();
    });

    // The coach, or a co-referent who has the coach's part (REPORT2): read again, they come and go.
    const isCoachSide = (userId: string): boolean =>
      userId === members.coachId ||
      (userId !== learnerId &&
        (storage.accompaniments.members(accompanimentId)?.coReferentIds.includes(userId) ?? false));
    const isLearner = (userId: string): boolean => {
      if (userId === members.coachId) return false;
      // The learner may have joined since the room loaded.
      if (userId !== learnerId)
        learnerId = storage.accompaniments.members(accompanimentId)?.learnerId ?? null;
      return userId === learnerId;
    };

    return {
      changed: (origin) => {
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
          if (fresh.length > 0) addWrite(() => storage.adaptations.record(fresh));
        }
        if (messagesDirty) {
          messagesDirty = false;
          const fresh: MessageRecord[] = [];
          const notifications: Notification[] = [];
          // The other person of the accompaniment: the learner for the coach's (or a co-referent's) messages,
          // the coach for the learner's.
          const recipient =
            userId === null
              ? null
              : isCoachSide(userId)
                ? (storage.accompaniments.members(accompanimentId)?.learnerId ?? null)
                : isLearner(userId)
                  ? members.coachId
                  : null;
          for (const entry of listMessages(doc)) {
            if (seenMessages.has(entry.id) || entry.id.length > ID_MAX) continue;
            seenMessages.add(entry.id);
            const at = Math.trunc(Math.min(entry.at, now));
            fresh.push({ id: entry.id, accompanimentId, authorId: userId, at, receivedAt: now });
            if (recipient && this.#notifyMessages)
              notifications.push({
                recipientId: recipient,
                accompanimentId,
                messageId: entry.id,
                messageAt: at,
                createdAt: now,
              });
          }
          if (fresh.length > 0) addWrite(() => storage.messages.record(fresh, notifications));
        }
        if (pathwayDirty) {
          pathwayDirty = false;
          const previous = resources;
          resources = stepResources(doc);
          // Only the accompaniment's coach (or a co-referent, REPORT2) copies library documents into the
          // pathway: a step written by anyone else that names a file grants nothing (FILE6).
          if (userId !== null && isCoachSide(userId)) {
            const brought = new Set<string>();
            for (const [stepId, fileId] of resources)
              if (previous.get(stepId) !== fileId) brought.add(fileId);
            if (brought.size > 0) {
              granted ??= storage.files.grantedTo(accompanimentId);
              const fresh = this.#grants(brought, accompanimentId, userId, granted, now);
              if (fresh.length > 0) addWrite(() => storage.files.grant(fresh));
            }
          }
        }
        if (userId && isLearner(userId)) {
          // One write per accompaniment per commit, whatever the number of changes in the turn.
          if (pendingActivity === null)
            addWrite(() => {
              const at = pendingActivity;
              pendingActivity = null;
              if (at !== null) storage.accompaniments.recordLearnerActivity(accompanimentId, at);
            });
          pendingActivity = now;
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
  backfill(): number {
    const ids = this.#storage.accompaniments.idsWithoutProgress();
    for (const id of ids) {
      const doc = new Y.Doc();
      try {
        for (const update of this.#storage.docs.load(docNames(id as AccompanimentId).shared))
          Y.applyUpdate(doc, update);
        this.#storage.transaction(() => {
          this.#reconcile(doc, id, this.#storage.adaptations.ids(id));
          this.#writeProgress(doc, id, null);
        });
      } catch (error) {
        this.#log.error(`Accompagnement ${id} : projections non calculées`, error);
      } finally {
        doc.destroy();
      }
    }
    return ids.length;
  }

  #reconcile(doc: Y.Doc, accompanimentId: string, seen: Set<string>): void {
    const now = this.#clock.now();
    const missing: AdaptationRecord[] = [];
    for (const entry of listAdaptations(doc)) {
      if (typeof entry.id !== 'string' || seen.has(entry.id)) continue;
      seen.add(entry.id);
      const record = toRecord(entry, accompanimentId, null, now);
      if (record) missing.push(record);
    }
    if (missing.length > 0) this.#storage.adaptations.record(missing);
  }

  #reconcileMessages(doc: Y.Doc, accompanimentId: string, seen: Set<string>): void {
    const now = this.#clock.now();
    const missing: MessageRecord[] = [];
    for (const entry of listMessages(doc)) {
      if (seen.has(entry.id) || entry.id.length > ID_MAX) continue;
      seen.add(entry.id);
      const at = Math.trunc(Math.min(entry.at, now));
      missing.push({ id: entry.id, accompanimentId, authorId: null, at, receivedAt: now });
    }
    if (missing.length > 0) this.#storage.messages.record(missing, []);
  }

  /**
   * Of the files a change of the coach brought into the pathway, the library files not yet granted that
   * `coachId` may read now (their uploader, or shared with them in the organisation, ORG5); added to
   * `granted`.
   */
  #grants(
    fileIds: Iterable<string>,
    accompanimentId: string,
    coachId: string,
    granted: Set<string>,
    now: number,
  ): FileGrant[] {
    const fresh: FileGrant[] = [];
    for (const fileId of fileIds) {
      if (granted.has(fileId)) continue;
      const file = this.#storage.files.find(fileId);
      if (!file || file.accompanimentId !== null) continue;
      if (file.uploaderId !== coachId && !this.#storage.files.isSharedWithCoach(file, coachId)) continue;
      granted.add(fileId);
      fresh.push({ fileId, accompanimentId, grantedAt: now, grantedBy: coachId });
    }
    return fresh;
  }

  /** Writes the pathway's progress when it differs from `previous`; returns what is now stored. */
  #writeProgress(doc: Y.Doc, accompanimentId: string, previous: string | null): string {
    const json = JSON.stringify(pathwayProgress(doc));
    if (json !== previous) this.#storage.accompaniments.setProgress(accompanimentId, json);
    return json;
  }
}
