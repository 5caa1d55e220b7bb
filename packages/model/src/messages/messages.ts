import * as Y from 'yjs';
import { newId } from '../ids/ids.ts';
import type { Actor } from '../adaptation/adaptation.ts';
import type { Attachment } from '../pathway/pathway.ts';
import { ROOT } from '../schema/keys.ts';

/**
 * The message thread of an accompaniment. Messages live in the shared document, so they are written offline
 * like any other change and reach the other person once the device is back online.
 */
export interface Message {
  id: string;
  /** Device time of the message (ms since epoch); the server records its own receipt time beside it. */
  at: number;
  by: Actor;
  text: string;
  attachments?: Attachment[];
}

export const MESSAGE_MAX = 5000;
/** Files one message may carry. */
export const MESSAGE_ATTACHMENTS_MAX = 10;

/** A message was refused; the message is meant for the user, in French. */
export class MessageError extends Error {
  readonly code: 'empty' | 'too-long' | 'too-many-files';
  constructor(code: MessageError['code'], message: string) {
    super(message);
    this.name = 'MessageError';
    this.code = code;
  }
}

const thread = (doc: Y.Doc): Y.Array<Message> => doc.getArray<Message>(ROOT.messages);

function isMessage(value: unknown): value is Message {
  if (value === null || typeof value !== 'object') return false;
  const m = value as Partial<Record<keyof Message, unknown>>;
  const by = m.by as Partial<Record<keyof Actor, unknown>> | null | undefined;
  return (
    typeof m.id === 'string' &&
    typeof m.at === 'number' &&
    Number.isFinite(m.at) &&
    typeof m.text === 'string' &&
    by !== null &&
    typeof by === 'object' &&
    typeof by.id === 'string' &&
    typeof by.name === 'string'
  );
}

function isAttachment(value: unknown): value is Attachment {
  if (value === null || typeof value !== 'object') return false;
  const a = value as Partial<Record<keyof Attachment, unknown>>;
  return (
    typeof a.fileId === 'string' &&
    a.fileId.length > 0 &&
    typeof a.name === 'string' &&
    typeof a.size === 'number' &&
    Number.isFinite(a.size) &&
    a.size >= 0 &&
    typeof a.type === 'string'
  );
}

/** Only well-formed attachments, copied field by field (a faulty peer may write anything there). */
function cleanAttachments(value: unknown): Attachment[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isAttachment).map(({ fileId, name, size, type }) => ({ fileId, name, size, type }));
}

/**
 * Appends a message to the thread and answers it. Text is trimmed, at most 5000 characters; it may be empty
 * only when the message carries files (at most 10).
 */
export function postMessage(
  doc: Y.Doc,
  actor: Actor,
  text: string,
  attachments?: Attachment[],
  now: number = Date.now(),
): Message {
  const clean = text.trim();
  const files = cleanAttachments(attachments);
  if (!clean && files.length === 0) throw new MessageError('empty', 'Écrivez un message avant de l’envoyer.');
  if (clean.length > MESSAGE_MAX)
    throw new MessageError('too-long', `Un message ne peut pas dépasser ${MESSAGE_MAX} caractères.`);
  if (files.length > MESSAGE_ATTACHMENTS_MAX)
    throw new MessageError(
      'too-many-files',
      `Un message ne peut pas porter plus de ${MESSAGE_ATTACHMENTS_MAX} pièces jointes.`,
    );
  const message: Message = {
    id: newId(),
    at: now,
    by: { id: actor.id, name: actor.name, role: actor.role },
    text: clean,
    ...(files.length > 0 ? { attachments: files } : {}),
  };
  thread(doc).push([message]);
  return message;
}

/**
 * The thread, oldest first; messages of the same millisecond keep the log's order (the same on every peer).
 * Malformed attachments are left out.
 */
export function listMessages(doc: Y.Doc): Message[] {
  return thread(doc)
    .toArray()
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => isMessage(entry))
    .sort((a, b) => a.entry.at - b.entry.at || a.index - b.index)
    .map(({ entry }) => {
      if (entry.attachments === undefined) return entry;
      const { attachments, ...rest } = entry;
      const files = cleanAttachments(attachments);
      return files.length > 0 ? { ...rest, attachments: files } : rest;
    });
}

/** Calls `onChange` whenever a message is posted (locally or by a peer). */
export function observeMessages(doc: Y.Doc, onChange: () => void): () => void {
  const arr = thread(doc);
  const handler = (): void => onChange();
  arr.observe(handler);
  return () => arr.unobserve(handler);
}

/** Messages of the other people posted after `lastReadAt` (null: never read). */
export function unreadCount(messages: readonly Message[], userId: string, lastReadAt: number | null): number {
  return messages.filter((m) => m.by.id !== userId && (lastReadAt === null || m.at > lastReadAt)).length;
}
