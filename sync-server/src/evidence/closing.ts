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
function readStored<T>(storage: Storage, name: string, read: ((doc: Doc) => T) | null) {
  const updates = storage.docs.load(name);
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
  const record = storage.closings.find(acc.id);
  if (!record || record.agreedAt === null || !record.agreedBy) throw new Error('clôture non acceptée');
  const keep = record.keep ?? [];
  const names = docNames(acc.id as AccompanimentId);

  // 1. Without yielding: close the rooms (pending writes stored first), read what stays of the documents,
  //    and refuse them from now on — no client nor API call can write to them in between.
  for (const name of [names.shared, names.private]) sync?.closeDocument(name, 'accompagnement clôturé');
  const shared = readStored<SharedReading>(storage, names.shared, (doc) => {
    const validations = storage.synthesisValidations.list(acc.id);
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
  const priv = readStored(storage, names.private, null);
  const now = clock.now();
  storage.closings.lock(acc.id, now, shared.value?.facts ?? null);

  // 2. What the learner keeps, rendered and written to the files store (the learner is its uploader, so
  //    they and the coach read it over /api/files while it is kept, FILE4).
  const retainUntil = now + RETENTION_MS;
  const generated: { kind: KeepChoice; id: string; name: string; bytes: Buffer }[] = [];
  const reading = shared.value;
  if (reading?.synthesis)
    generated.push({
      kind: 'synthesis',
      id: randomUUID(),
      name: 'document-de-synthese.pdf',
      bytes: await renderSynthesisPdf({ ...reading.synthesis, generatedAt: now }),
    });
  if (reading && reading.exercises.length > 0)
    generated.push({
      kind: 'exercises',
      id: randomUUID(),
      name: 'exercices-et-reponses.pdf',
      bytes: await renderExercisesPdf({
        accompanimentTitle: acc.title,
        learnerName: acc.learner?.name ?? null,
        generatedAt: now,
        exercises: reading.exercises,
      }),
    });
  const kept: KeptFile[] = [];
  for (const g of generated) {
    const digest = await fileStore.write(g.id, g.bytes);
    kept.push({ kind: g.kind, fileId: g.id, name: g.name, sha256: digest, retainUntil });
  }

  // 3. One transaction: the updates deleted (zeroed on disk), kept files recorded with their retention date,
  //    the others' rows deleted, the accompaniment marked closed and the proof written.
  const uploader = acc.learner?.id ?? closedBy;
  const deletedFiles: string[] = [];
  const proof: ClosingProof = {
    closedAt: now,
    closedBy,
    agreedAt: record.agreedAt,
    agreedBy: record.agreedBy,
    keep,
    documents: [shared.destroyed, priv.destroyed],
    deletedFiles,
    kept,
  };
  storage.db.exec('PRAGMA secure_delete = ON');
  try {
    storage.transaction(() => {
      for (const destroyed of proof.documents)
        destroyed.updates = storage.closings.destroyDocument(destroyed.name);
      for (const g of generated) {
        storage.files.create({
          id: g.id,
          uploaderId: uploader,
          accompanimentId: acc.id,
          name: g.name,
          size: g.bytes.length,
          type: 'application/pdf',
          sha256: kept.find((k) => k.fileId === g.id)!.sha256,
          createdAt: now,
        });
        storage.retention.add({ fileId: g.id, accompanimentId: acc.id, kind: g.kind, retainUntil });
      }
      const generatedIds = new Set(generated.map((g) => g.id));
      for (const file of storage.retention.accompanimentFiles(acc.id)) {
        if (generatedIds.has(file.id)) continue;
        if (keep.includes('files')) {
          storage.retention.add({ fileId: file.id, accompanimentId: acc.id, kind: 'files', retainUntil });
          kept.push({ kind: 'files', fileId: file.id, name: file.name, sha256: file.sha256, retainUntil });
        } else if (storage.retention.deleteFile(file.id)) deletedFiles.push(file.id);
      }
      storage.accompaniments.markClosed(acc.id, now);
      if (!storage.closings.finish(acc.id, proof)) throw new Error('preuve de clôture déjà écrite');
    });
  } finally {
    storage.db.exec('PRAGMA secure_delete = OFF');
  }
  for (const id of deletedFiles)
    await fileStore.remove(id).catch((error: unknown) => log.error(`Fichier ${id} non supprimé`, error));
  return proof;
}
