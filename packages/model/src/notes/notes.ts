import * as Y from 'yjs';
import { ROOT } from '../schema/keys.ts';

/** The shared notes, a ProseMirror document bound with y-prosemirror (coach and learner both see it). */
export function sharedNotes(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(ROOT.notes);
}

/** Coach-private notes; lives only in the private document, which a learner never receives. */
export function privateNotes(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(ROOT.privateNotes);
}

/** Plain text of a notes fragment (for search, previews and tests). */
export function notesText(fragment: Y.XmlFragment): string {
  const parts: string[] = [];
  const walk = (node: Y.XmlElement | Y.XmlText | Y.XmlHook | Y.XmlFragment): void => {
    // The delta, not toString(): toString() renders formatting as tags, and stripping them would also
    // strip what the person typed between "<" and ">".
    if (node instanceof Y.XmlText) {
      for (const op of node.toDelta() as { insert?: unknown }[])
        if (typeof op.insert === 'string') parts.push(op.insert);
    } else if (node instanceof Y.XmlElement || node instanceof Y.XmlFragment) {
      node.toArray().forEach(walk);
      if (node instanceof Y.XmlElement) parts.push('\n');
    }
  };
  fragment.toArray().forEach(walk);
  return parts.join('').trim();
}

/** Appends a paragraph of plain text (used by the demo seed and tests; the editor writes through y-prosemirror). */
export function appendNoteParagraph(fragment: Y.XmlFragment, text: string): void {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  fragment.insert(fragment.length, [p]);
}
