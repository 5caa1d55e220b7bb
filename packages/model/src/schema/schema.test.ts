import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newId, type AccompanimentId } from '../ids/ids.ts';
import { readMeta, renameAccompaniment } from '../meta/meta.ts';
import { appendNoteParagraph, notesText, sharedNotes } from '../notes/notes.ts';
import { SCHEMA_VERSION, ROOT } from './keys.ts';
import { docNames, initSharedDoc, migrateDoc, parseDocName, validateDoc } from './schema.ts';

describe('schema', () => {
  it('names the two documents of an accompaniment and parses them back', () => {
    const id = newId<'AccompanimentId'>() as AccompanimentId;
    const names = docNames(id);
    expect(parseDocName(names.shared)).toEqual({ accompanimentId: id, role: 'shared' });
    expect(parseDocName(names.private)).toEqual({ accompanimentId: id, role: 'private' });
    for (const bad of ['', 'x.shared', `${id}.other`, `${id}.shared/../x`, `../${id}.shared`])
      expect(parseDocName(bad)).toBeNull();
  });

  it('initialises meta with the schema version, and validates', () => {
    const doc = new Y.Doc();
    expect(readMeta(doc)).toBeNull();
    initSharedDoc(doc, { title: 'Coaching — Karim', kind: 'coaching', hoursBudget: 10 });
    expect(readMeta(doc)).toEqual({
      title: 'Coaching — Karim',
      kind: 'coaching',
      hoursBudget: 10,
      schemaVersion: SCHEMA_VERSION,
    });
    renameAccompaniment(doc, '  Coaching — Karim B. ');
    expect(readMeta(doc)?.title).toBe('Coaching — Karim B.');
    expect(validateDoc(doc)).toEqual([]);
  });

  it('reports structural problems written by a faulty peer', () => {
    const doc = new Y.Doc();
    initSharedDoc(doc, { title: 'Bilan', kind: 'bilan', hoursBudget: 24 });
    doc.getMap(ROOT.meta).set('hoursBudget', -3);
    const bad = new Y.Map<unknown>();
    bad.set('title', 42);
    bad.set('status', 'whatever');
    doc.getMap(ROOT.steps).set('s1', bad);
    const paths = validateDoc(doc).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['meta.hoursBudget', 'steps.s1.title', 'steps.s1.status', 'steps.s1.order']),
    );
  });

  it('migrates a document without a schema version', () => {
    const doc = new Y.Doc();
    const meta = doc.getMap<unknown>(ROOT.meta);
    meta.set('title', 'Ancien');
    meta.set('kind', 'autre');
    meta.set('hoursBudget', 5);
    expect(readMeta(doc)?.schemaVersion).toBe(0);
    migrateDoc(doc);
    expect(readMeta(doc)?.schemaVersion).toBe(SCHEMA_VERSION);
  });

  it('reads notes as plain text', () => {
    const doc = new Y.Doc();
    appendNoteParagraph(sharedNotes(doc), 'Première séance : envies de reconversion.');
    appendNoteParagraph(sharedNotes(doc), 'Piste : formation de paysagiste.');
    expect(notesText(sharedNotes(doc))).toBe(
      'Première séance : envies de reconversion.\nPiste : formation de paysagiste.',
    );
  });
});
