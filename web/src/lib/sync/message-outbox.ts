// Messages waiting for their files. A message goes into the shared document with its attachments, which
// must be uploaded first (they carry the server's file ids). When the writer sends before every file is up
// (offline, or a large file still on its way), the message waits here, in this device's storage, and is
// posted as soon as its files are: the text is never lost, and the other person receives text and files
// together. A file the server refused (or that this device lost) is left out, and the writer is told.
import type { Attachment } from '@compagnon/model';
import type { UploadItem } from '../uploads/upload-queue.ts';

export interface OutboxEntry {
  /** Local id (keys the entry in the thread while it waits). */
  id: string;
  text: string;
  /** Upload queue ids of the files, in the order chosen. */
  uploads: string[];
  /** When the writer pressed Send (ms since epoch). */
  createdAt: number;
}

export type Settlement =
  /** Some files are still queued or on their way. */
  | { kind: 'wait' }
  /** Everything is settled: post with `ready` (upload ids of the sent files); `dropped` are left out. */
  | { kind: 'post'; ready: string[]; dropped: { name: string; reason: string | null }[] };

/** What to do with a waiting message, given the upload queue as it is. */
export function settle(entry: OutboxEntry, items: readonly UploadItem[]): Settlement {
  const ready: string[] = [];
  const dropped: { name: string; reason: string | null }[] = [];
  for (const uploadId of entry.uploads) {
    const item = items.find((i) => i.id === uploadId);
    if (!item) dropped.push({ name: '', reason: null });
    else if (item.state === 'queued' || item.state === 'sending') return { kind: 'wait' };
    else if (item.state === 'failed') dropped.push({ name: item.name, reason: item.error });
    else if (item.result) ready.push(uploadId);
    else dropped.push({ name: item.name, reason: null });
  }
  return { kind: 'post', ready, dropped };
}

/** The attachment a sent file becomes in the message. */
export function attachmentOf(file: { fileId: string; name: string; size: number; type: string }): Attachment {
  return { fileId: file.fileId, name: file.name, size: file.size, type: file.type };
}

/** Reads entries kept by an earlier visit, keeping only well-formed ones. */
export function parseOutbox(value: unknown): OutboxEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is OutboxEntry =>
      e !== null &&
      typeof e === 'object' &&
      typeof (e as OutboxEntry).id === 'string' &&
      typeof (e as OutboxEntry).text === 'string' &&
      typeof (e as OutboxEntry).createdAt === 'number' &&
      Array.isArray((e as OutboxEntry).uploads) &&
      (e as OutboxEntry).uploads.every((u) => typeof u === 'string'),
  );
}
