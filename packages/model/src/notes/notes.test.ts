import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { appendNoteParagraph, notesText, sharedNotes } from './notes.ts';

describe('notesText', () => {
  it('keeps what the person typed, angle brackets included, and drops formatting', () => {
    const doc = new Y.Doc();
    const notes = sharedNotes(doc);
    appendNoteParagraph(notes, 'Salaire visé < 40 k€ et > 30 k€ <pas une balise>');
    const bold = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    text.insert(0, 'gras', { bold: true });
    text.insert(4, ' normal');
    bold.insert(0, [text]);
    notes.insert(notes.length, [bold]);
    expect(notesText(notes)).toBe('Salaire visé < 40 k€ et > 30 k€ <pas une balise>\ngras normal');
  });
});
