// Realistic editing histories for the cold-load workload (L): the updates that a coach and a learner
// typing in the shared notes would have stored, one row per keystroke burst (~20–30 bytes), with
// backspaces, cursor jumps and new paragraphs, so that the document's items do not all merge into one
// long string the way pure appending would (a compacted state then stays representative).
import * as Y from 'yjs';

/** A small deterministic generator (mulberry32): the same seed gives the same history. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzàéèêç ,.';

/** One writer: its own Y.Doc, the paragraph it types in, and where its cursor is. */
class Writer {
  readonly doc = new Y.Doc();
  readonly #fragment: Y.XmlFragment;
  #text: Y.XmlText;
  #cursor = 0;
  #last: Uint8Array | null = null;
  #lastWordLength = 0;
  readonly #rand: () => number;

  constructor(clientId: number, rand: () => number) {
    this.#rand = rand;
    this.doc.clientID = clientId;
    this.doc.on('update', (update: Uint8Array) => {
      this.#last = update;
    });
    this.#fragment = this.doc.getXmlFragment('notes');
    this.#text = this.#paragraph();
  }

  /** The update of one edit: mostly a burst of typing at the cursor, sometimes something else. */
  edit(): Uint8Array {
    const r = this.#rand();
    const length = this.#text.length;
    if (r < 0.01) {
      this.#text = this.#paragraph();
      this.#cursor = 0;
    } else if (r < 0.11 && this.#cursor > 0) {
      // Backspace over one to three characters.
      const n = Math.min(this.#cursor, 1 + Math.floor(this.#rand() * 3));
      this.#text.delete(this.#cursor - n, n);
      this.#cursor -= n;
    } else {
      // A cursor jump now and then: the next burst is typed elsewhere in the paragraph.
      if (r > 0.95) this.#cursor = Math.floor(this.#rand() * (length + 1));
      this.#text.insert(this.#cursor, this.#word());
      this.#cursor += this.#lastWordLength;
    }
    const update = this.#last;
    if (!update) throw new Error('no update captured');
    this.#last = null;
    return update;
  }

  #word(): string {
    const n = 1 + Math.floor(this.#rand() * 8);
    let word = '';
    for (let i = 0; i < n; i++) word += LETTERS[Math.floor(this.#rand() * LETTERS.length)];
    this.#lastWordLength = n;
    return word;
  }

  #paragraph(): Y.XmlText {
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    this.#fragment.insert(this.#fragment.length, [paragraph]);
    return text;
  }
}

/**
 * `count` updates of `writers` people editing one document's notes in turn (each in their own
 * paragraphs, as the coach and the learner do), deterministic for a given seed. Each writer's first
 * update creates its paragraph.
 */
export function editingHistory(count: number, writers = 2, seed = 1): Uint8Array[] {
  const rand = random(seed);
  const people = Array.from({ length: writers }, (_, i) => new Writer(900_000_000 + seed * 16 + i, rand));
  const updates: Uint8Array[] = [];
  for (const person of people) {
    const first = Y.encodeStateAsUpdate(person.doc);
    updates.push(first);
  }
  while (updates.length < count) updates.push(people[updates.length % writers]!.edit());
  for (const person of people) person.doc.destroy();
  return updates.slice(0, count);
}

/** The state vector the first `count` updates of a history make (what a sync answer must cover). */
export function historyStateVector(
  updates: readonly Uint8Array[],
  count = updates.length,
): Map<number, number> {
  const sv = new Map<number, number>();
  for (let i = 0; i < count; i++)
    for (const [client, clock] of Y.parseUpdateMeta(updates[i]!).to)
      if (clock > (sv.get(client) ?? 0)) sv.set(client, clock);
  return sv;
}
