import { describe, expect, it } from 'vitest';
import type { UploadItem } from '../uploads/upload-queue.ts';
import { attachmentOf, parseOutbox, settle, type OutboxEntry } from './message-outbox.ts';

function item(id: string, patch: Partial<UploadItem> = {}): UploadItem {
  return {
    id,
    name: `${id}.pdf`,
    size: 8,
    type: 'application/pdf',
    state: 'queued',
    progress: null,
    scope: 'messages:a1',
    accompanimentId: 'a1',
    owner: null,
    attempts: 0,
    error: null,
    retryAt: null,
    result: null,
    delivered: false,
    createdAt: 1,
    ...patch,
  };
}

const sent = (id: string): UploadItem =>
  item(id, {
    state: 'sent',
    result: { fileId: `f-${id}`, name: `${id}.pdf`, size: 8, type: 'application/pdf' },
  });

const entry: OutboxEntry = { id: 'o1', text: 'Voici mes documents', uploads: ['u1', 'u2'], createdAt: 5 };

describe('a message waiting for its files', () => {
  it('waits while any file is queued or on its way', () => {
    expect(settle(entry, [sent('u1'), item('u2')])).toEqual({ kind: 'wait' });
    expect(settle(entry, [sent('u1'), item('u2', { state: 'sending', progress: 0.5 })])).toEqual({
      kind: 'wait',
    });
  });

  it('goes with every file once all are sent', () => {
    expect(settle(entry, [sent('u2'), sent('u1')])).toEqual({
      kind: 'post',
      ready: ['u1', 'u2'],
      dropped: [],
    });
  });

  it('goes without a file the server refused, or that this device lost, and says which', () => {
    expect(
      settle(entry, [sent('u1'), item('u2', { state: 'failed', error: 'Type de fichier non accepté' })]),
    ).toEqual({
      kind: 'post',
      ready: ['u1'],
      dropped: [{ name: 'u2.pdf', reason: 'Type de fichier non accepté' }],
    });
    expect(settle(entry, [sent('u2')])).toEqual({
      kind: 'post',
      ready: ['u2'],
      dropped: [{ name: '', reason: null }],
    });
  });

  it('turns a sent file into the attachment the message carries', () => {
    expect(attachmentOf({ fileId: 'f1', name: 'cv.pdf', size: 8, type: 'application/pdf' })).toEqual({
      fileId: 'f1',
      name: 'cv.pdf',
      size: 8,
      type: 'application/pdf',
    });
  });

  it('reads back only well-formed entries from storage', () => {
    expect(parseOutbox([entry, { id: 'o2' }, null, { ...entry, uploads: [3] }, 'x'])).toEqual([entry]);
    expect(parseOutbox(null)).toEqual([]);
    expect(parseOutbox({ entries: [entry] })).toEqual([]);
  });
});
