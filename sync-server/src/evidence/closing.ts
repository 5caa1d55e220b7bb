// Closing an accompaniment (CLOSE3, CLOSE4): the working documents are destroyed — every stored update of
// the shared and the private document, their rooms unloaded and connections closed, the accompaniment's
// files — except what the learner agreed in writing to keep, which is stored for one year; a proof of
// deletion says what was destroyed (document names, update counts, SHA-256 of the final states, file ids),
// when and by whom.
import { createHash, randomUUID } from 'node:crypto';
import {
  Doc,
  applyUpdate,
  docNames,
  encodeStateAsUpdate,
  synthesisCanonicalText,
  synthesisText,
  type AccompanimentId,
} from '@compagnon/model';
import type { CallHub } from '../call/signalling.ts';
import type { Clock } from '../clock/clock.ts';
import type { FileStore } from '../files/store.ts';
import type { Logger } from '../log/logger.ts';
import { synthesisHash } from '../routes/synthesis.ts';
import type { Accompaniment } from '../storage/accompaniments.ts';
import type {
  ClosingFacts,
  ClosingProof,
  DestroyedDocument,
  KeepChoice,
  KeptFile,
} from '../storage/closing.ts';
import type { Storage } from '../storage/storage.ts';
import type { SyncHub } from '../sync/hub.ts';
import { renderSynthesisPdf, type SynthesisPdfData } from '../synthesis/pdf.ts';
import { exerciseFacts } from './documents.ts';
import { readExercises, renderExercisesPdf, type ExerciseReading } from './exercises-pdf.ts';

/** What the learner chose to keep is stored this long after the closing (CLOSE4). */
export const RETENTION_MS = 365 * 86_400_000;

export interface EvidenceDeps {
  storage: Storage;
  sync: SyncHub | null;
  fileStore: FileStore;
  clock: Clock;
  log: Logger;
  calls?: CallHub | null;
}

const KEEP_LABELS: Record<KeepChoice, string> = {
  synthesis: 'le document de synthèse (PDF)',
  exercises: 'mes exercices et mes réponses (PDF)',
  files: 'les fichiers déposés dans l’accompagnement',
};

/** The wording the learner agrees to (CLOSE2), stored with their agreement. */
export function agreementText(input: {
  learnerName: string;
  title: string;
  keep: readonly KeepChoice[];
}): string {
  const kept =
    input.keep.length === 0
      ? 'Je ne demande la conservation d’aucun élément.'
      : `Je demande que soient conservés pendant un an, à ma disposition : ${input.keep.map((k) => KEEP_LABELS[k]).join(', ')}.`;
  return (
    `Je soussigné·e ${input.learnerName} accepte la clôture de l’accompagnement « ${input.title} ». ` +
    'Je comprends que les documents de travail — le parcours, les notes partagées, les réponses aux exercices, ' +
    'les messages, le document de synthèse et les fichiers déposés — seront définitivement détruits. ' +
    `${kept} Les feuilles d’émargement et le certificat de réalisation restent conservés pour les financeurs.`
  );
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A document as stored (its rooms are closed): row count, final state hash, and `read` of its content. */
async function readStored<T>(storage: Storage, name: string, read: ((doc: Doc) => T) | null) {
  const updates = await storage.docs.load(name);
  const doc = new Doc();
  try {
    for (const update of updates) applyUpdate(doc, update);
    const destroyed: DestroyedDocument = {
      name,
      updates: updates.length,
      sha256: sha256(encodeStateAsUpdate(doc)),
    };
    return { destroyed, value: read ? read(doc) : null };
  } finally {
    doc.destroy();
  }
}

interface SharedReading {
  facts: ClosingFacts;
  synthesis: Omit<SynthesisPdfData, 'generatedAt'> | null;
  exercises: ExerciseReading[];
}

/**
 * Executes the agreed closing. The caller checked the state: the learner agreed (CLOSE2). Safe to run again
 * after a crash before the proof was written: the documents stay refused and are read from the log again.
 */
export async function performClosing(
  deps: EvidenceDeps,
  acc: Accompaniment,
  closedBy: string,
): Promise<ClosingProof> {
  const { storage, sync, fileStore, clock, log } = deps;
  const record = await storage.closings.find(acc.id);
  if (!record || record.agreedAt === null || !record.agreedBy) throw new Error('clôture non acceptée');
  const { agreedAt, agreedBy } = record;
  const keep = record.keep ?? [];
  const names = docNames(acc.id as AccompanimentId);
  const now = clock.now();

  // 1. Lock first: from then on the documents are refused (410 over /sync, 409 through the API), so once
  //    their rooms are closed (pending writes stored first) nothing can write to them any more; then read
  //    what stays of them from the log and keep the facts the evidence pack needs.
  await storage.closings.lock(acc.id, now, null);
  for (const name of [names.shared, names.private]) await sync?.closeDocument(name, 'accompagnement clôturé');
  const validations = await storage.synthesisValidations.list(acc.id);
  const shared = await readStored<SharedReading>(storage, names.shared, (doc) => {
    const last = validations.at(-1);
    const hash = synthesisHash(synthesisCanonicalText(doc));
    return {
      facts: { exercises: exerciseFacts(doc) },
      synthesis: keep.includes('synthesis')
        ? {
            accompanimentTitle: acc.title,
            learnerName: acc.learner?.name ?? null,
            coachName: acc.coach.name,
            startedAt: acc.createdAt,
            sections: synthesisText(doc),
            validation: last ? { by: last.by.name, at: last.validatedAt, current: last.hash === hash } : null,
          }
        : null,
      exercises: keep.includes('exercises') ? readExercises(doc) : [],
    };
  });
  const priv = await readStored(storage, names.private, null);
  await storage.closings.lock(acc.id, now, shared.value?.facts ?? null);

  // 2. What the learner keeps, rendered and written to the files store (the learner is its uploader, so
  //    they and the coach read it over /api/files while it is kept, FILE4).
  const retainUntil = now + RETENTION_MS;
  const reading = shared.value;
  const rendered: { kind: KeepChoice; name: string; bytes: Buffer }[] = [];
  if (reading?.synthesis)
    rendered.push({
      kind: 'synthesis',
      name: 'document-de-synthese.pdf',
      bytes: await renderSynthesisPdf({ ...reading.synthesis, generatedAt: now }),
    });
  if (reading && reading.exercises.length > 0)
    rendered.push({
      kind: 'exercises',
      name: 'exercices-et-reponses.pdf',
      bytes: await renderExercisesPdf({
        accompanimentTitle: acc.title,
        learnerName: acc.learner?.name ?? null,
        generatedAt: now,
        exercises: reading.exercises,
      }),
    });
  const generated: { kind: KeepChoice; id: string; name: string; bytes: Buffer; sha256: string }[] = [];
  for (const r of rendered) {
    const id = randomUUID();
    generated.push({ ...r, id, sha256: await fileStore.write(id, r.bytes) });
  }

  // 3. One transaction: the updates deleted, kept files recorded with their retention date, the others'
  //    rows deleted, the accompaniment marked closed and the proof written. The proof is built inside it:
  //    PostgreSQL may run it again.
  const uploader = acc.learner?.id ?? closedBy;
  const generatedIds = new Set(generated.map((g) => g.id));
  const proof = await storage.transaction(async () => {
    // SQLite zeroes the pages it frees while `secure_delete` is on; the transaction holds the only
    // connection, so the setting applies to this closing's deletions alone. PostgreSQL has no such
    // setting: its deleted rows stay in the table's pages until VACUUM (autovacuum) reclaims them.
    const sqlite = storage.sqlite;
    const secureDelete = Number(sqlite?.prepare('PRAGMA secure_delete').get()?.['secure_delete'] ?? 0) || 0;
    sqlite?.exec('PRAGMA secure_delete = ON');
    try {
      const documents: DestroyedDocument[] = [];
      for (const stored of [shared.destroyed, priv.destroyed])
        documents.push({ ...stored, updates: await storage.closings.destroyDocument(stored.name) });
      const kept: KeptFile[] = [];
      for (const g of generated) {
        await storage.files.create({
          id: g.id,
          uploaderId: uploader,
          accompanimentId: acc.id,
          name: g.name,
          size: g.bytes.length,
          type: 'application/pdf',
          sha256: g.sha256,
          createdAt: now,
        });
        await storage.retention.add({ fileId: g.id, accompanimentId: acc.id, kind: g.kind, retainUntil });
        kept.push({ kind: g.kind, fileId: g.id, name: g.name, sha256: g.sha256, retainUntil });
      }
      const deletedFiles: string[] = [];
      for (const file of await storage.retention.accompanimentFiles(acc.id)) {
        if (generatedIds.has(file.id)) continue;
        if (keep.includes('files')) {
          await storage.retention.add({
            fileId: file.id,
            accompanimentId: acc.id,
            kind: 'files',
            retainUntil,
          });
          kept.push({ kind: 'files', fileId: file.id, name: file.name, sha256: file.sha256, retainUntil });
        } else if (await storage.retention.deleteFile(file.id)) deletedFiles.push(file.id);
      }
      const written: ClosingProof = {
        closedAt: now,
        closedBy,
        agreedAt,
        agreedBy,
        keep,
        documents,
        deletedFiles,
        kept,
      };
      await storage.accompaniments.markClosed(acc.id, now);
      if (!(await storage.closings.finish(acc.id, written))) throw new Error('preuve de clôture déjà écrite');
      return written;
    } finally {
      sqlite?.exec(`PRAGMA secure_delete = ${secureDelete}`);
    }
  });
  for (const id of proof.deletedFiles)
    await fileStore.remove(id).catch((error: unknown) => log.error(`Fichier ${id} non supprimé`, error));
  return proof;
}
