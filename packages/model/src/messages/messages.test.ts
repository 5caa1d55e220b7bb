import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { UserId } from '../ids/ids.ts';
import type { Actor } from '../adaptation/adaptation.ts';
import {
  MESSAGE_ATTACHMENTS_MAX,
  MESSAGE_MAX,
  MessageError,
  listMessages,
  observeMessages,
  postMessage,
  unreadCount,
} from './messages.ts';

const coach: Actor = { id: 'coach' as UserId, name: 'Claire', role: 'coach' };
const learner: Actor = { id: 'learner' as UserId, name: 'Léa', role: 'learner' };

describe('messages', () => {
  it('posts trimmed messages and lists them oldest first', () => {
    const doc = new Y.Doc();
    postMessage(doc, coach, '  Bonjour Léa  ', undefined, 2000);
    postMessage(
      doc,
      learner,
      'Bonjour !',
      [{ fileId: 'f1', name: 'cv.pdf', size: 10, type: 'application/pdf' }],
      1000,
    );
    const list = listMessages(doc);
    expect(list.map((m) => m.text)).toEqual(['Bonjour !', 'Bonjour Léa']);
    expect(list[0]!.attachments).toEqual([
      { fileId: 'f1', name: 'cv.pdf', size: 10, type: 'application/pdf' },
    ]);
    expect(list[1]!.by).toEqual({ id: 'coach', name: 'Claire', role: 'coach' });
    expect(list[1]!.attachments).toBeUndefined();
  });

  it('keeps the log order for messages of the same millisecond', () => {
    const doc = new Y.Doc();
    postMessage(doc, coach, 'un', undefined, 5);
    postMessage(doc, learner, 'deux', undefined, 5);
    postMessage(doc, coach, 'trois', undefined, 5);
    expect(listMessages(doc).map((m) => m.text)).toEqual(['un', 'deux', 'trois']);
  });

  it('refuses empty and too long messages with a French message', () => {
    const doc = new Y.Doc();
    expect(() => postMessage(doc, coach, '   \n ')).toThrow(MessageError);
    expect(() => postMessage(doc, coach, '   ')).toThrow(/Écrivez un message/);
    expect(() => postMessage(doc, coach, 'x'.repeat(MESSAGE_MAX + 1))).toThrow(/5000 caractères/);
    expect(postMessage(doc, coach, 'x'.repeat(MESSAGE_MAX)).text).toHaveLength(MESSAGE_MAX);
    expect(listMessages(doc)).toHaveLength(1);
  });

  it('takes a message made of files only, never an empty one, and at most 10 files', () => {
    const doc = new Y.Doc();
    const file = { fileId: 'f1', name: 'cv.pdf', size: 10, type: 'application/pdf' };
    expect(postMessage(doc, learner, '  ', [file]).text).toBe('');
    expect(listMessages(doc)[0]!.attachments).toEqual([file]);
    expect(() => postMessage(doc, learner, '', [])).toThrow(/Écrivez un message/);
    const many = Array.from({ length: MESSAGE_ATTACHMENTS_MAX + 1 }, (_, i) => ({
      ...file,
      fileId: `f${i}`,
    }));
    expect(() => postMessage(doc, learner, 'trop', many)).toThrow(/10 pièces jointes/);
    expect(listMessages(doc)).toHaveLength(1);
  });

  it('leaves out malformed attachments written by a faulty peer', () => {
    const doc = new Y.Doc();
    const good = { fileId: 'f1', name: 'cv.pdf', size: 10, type: 'application/pdf' };
    doc.getArray<unknown>('messages').push([
      {
        id: 'm1',
        at: 1,
        by: { id: 'x', name: 'X', role: 'learner' },
        text: 'voir pièce',
        attachments: [good, { fileId: 3 }, { ...good, size: 'grand' }, null, { ...good, extra: '<script>' }],
      },
      { id: 'm2', at: 2, by: { id: 'x', name: 'X', role: 'learner' }, text: 'rien', attachments: 'x' },
    ]);
    const [first, second] = listMessages(doc);
    expect(first!.attachments).toEqual([good, good]);
    expect(second!.attachments).toBeUndefined();
  });

  it('ignores malformed entries written by a faulty peer', () => {
    const doc = new Y.Doc();
    doc.getArray<unknown>('messages').push([{ id: 3 }, null, 'texte']);
    postMessage(doc, coach, 'ok');
    expect(listMessages(doc).map((m) => m.text)).toEqual(['ok']);
  });

  it('notifies observers of local and remote messages', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    let calls = 0;
    const stop = observeMessages(b, () => calls++);
    postMessage(a, coach, 'Bonjour');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    postMessage(b, learner, 'Réponse');
    expect(calls).toBe(2);
    stop();
    postMessage(b, learner, 'Encore');
    expect(calls).toBe(2);
  });

  it('counts unread messages of the others since the last read', () => {
    const doc = new Y.Doc();
    postMessage(doc, coach, 'a', undefined, 100);
    postMessage(doc, learner, 'b', undefined, 200);
    postMessage(doc, coach, 'c', undefined, 300);
    const list = listMessages(doc);
    expect(unreadCount(list, 'learner', null)).toBe(2);
    expect(unreadCount(list, 'learner', 100)).toBe(1);
    expect(unreadCount(list, 'learner', 300)).toBe(0);
    expect(unreadCount(list, 'coach', null)).toBe(1);
  });
});
