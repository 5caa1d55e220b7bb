// The fuzzer's frames: a seeded generator, a corpus of valid y-websocket messages made by real Yjs
// documents, and the ways they are broken. Each frame says what the server may answer.
import * as Y from 'yjs';
import { awarenessUpdate, message } from './codec.ts';
import { OP_BINARY, OP_CONTINUATION, OP_PING, OP_TEXT, clientFrame } from './raw-socket.ts';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

export type Category =
  | 'valid'
  | 'bit-flip'
  | 'byte-set'
  | 'truncated'
  | 'spliced'
  | 'inserted'
  | 'length-lie'
  | 'prefix-garbage'
  | 'random'
  | 'wrong-type'
  | 'truncated-varint'
  | 'huge-length'
  | 'ws-protocol'
  | 'text'
  | 'oversized';

/** Categories whose frames are all malformed in one known way: the close code is fixed. */
export const DETERMINISTIC: ReadonlySet<Category> = new Set([
  'wrong-type',
  'truncated-varint',
  'huge-length',
  'ws-protocol',
  'text',
  'oversized',
]);

export interface FuzzFrame {
  category: Category;
  /** For a valid update: the writer's updates the server holds once this frame is read. */
  through?: number;
  /** The whole WebSocket frame(s) to write. */
  bytes: Buffer;
  /** The close code this frame must get when it is refused (null: any of `MALFORMED_CODES`). */
  code: number | null;
}

/** What a refused frame may be closed with (SYNC4, SYNC8, SYNC10, SYNC11; 1002 is ws's protocol error). */
export const MALFORMED_CODES: ReadonlySet<number> = new Set([1002, 1003, 1007, 1009, 4429]);

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;

/**
 * Valid messages of every kind, made by Yjs documents doing what the app does (rich text with marks,
 * deletions, maps, arrays, nested types, binary and JSON content): the material the mutations break.
 */
export function validCorpus(rng: Rng): Uint8Array[] {
  const corpus: Uint8Array[] = [];
  for (let d = 0; d < 6; d++) {
    const doc = new Y.Doc({ gc: d % 2 === 0 });
    doc.clientID = 1 + rng.int(0x7fffffff);
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const notes = doc.getXmlFragment('notes');
    const meta = doc.getMap('meta');
    const list = doc.getArray<unknown>('steps');
    for (let i = 0; i < 12; i++) {
      const op = rng.int(7);
      if (op === 0 || notes.length === 0) {
        const p = new Y.XmlElement('paragraph');
        p.setAttribute('align', rng.pick(['left', 'center']));
        const t = new Y.XmlText();
        p.insert(0, [t]);
        notes.insert(notes.length, [p]);
        t.insert(0, `texte ${i} é`, rng.int(2) ? { bold: true } : {});
      } else if (op === 1) {
        const t = (notes.get(rng.int(notes.length)) as Y.XmlElement).get(0) as Y.XmlText;
        if (t.length > 2) t.delete(rng.int(t.length - 1), 1);
      } else if (op === 2) {
        const t = (notes.get(rng.int(notes.length)) as Y.XmlElement).get(0) as Y.XmlText;
        if (t.length > 0) t.format(0, Math.min(3, t.length), { italic: true });
      } else if (op === 3) meta.set(`k${rng.int(5)}`, rng.pick([1, 'deux', true, null, { a: [1, 2] }]));
      else if (op === 4) list.push([{ id: `s${i}`, title: 'Étape', done: false }]);
      else if (op === 5) {
        const inner = new Y.Map<unknown>();
        inner.set('bin', rng.bytes(8));
        list.insert(0, [inner]);
      } else if (list.length > 0) list.delete(0, 1);
    }
    for (const u of updates) corpus.push(message(MESSAGE_SYNC, 2, u));
    corpus.push(message(MESSAGE_SYNC, 1, Y.encodeStateAsUpdate(doc)));
    corpus.push(message(MESSAGE_SYNC, 0, Y.encodeStateVector(doc)));
    corpus.push(message(MESSAGE_SYNC, 2, Y.mergeUpdates(updates.slice(0, 3))));
  }
  for (let i = 0; i < 6; i++)
    corpus.push(
      message(
        MESSAGE_AWARENESS,
        awarenessUpdate(
          Array.from({ length: 1 + rng.int(3) }, (_, k) => ({
            id: 1 + rng.int(0x7fffffff),
            clock: k + rng.int(5),
            state: k === 2 ? null : { user: { name: 'Intrus', color: '#c00' }, cursor: { anchor: k } },
          })),
        ),
      ),
    );
  corpus.push(message(MESSAGE_QUERY_AWARENESS));
  return corpus;
}

const writeVarUint = (n: number): Uint8Array => message(n);

/**
 * A valid writer of one document. Its updates are valid and in order: the server integrates and stores
 * them. A frame sent after a refused one is never read, so an update counts as delivered only once the
 * connection confirmed it; the next connection first sends again, merged, what was not confirmed. It types
 * a few words, then deletes them, so that a long run does not grow the documents without end (a big
 * document makes every sync answer and compaction slower, which is not what is measured here).
 */
export class ValidWriter {
  readonly doc: number;
  readonly #ydoc: Y.Doc;
  readonly #text: Y.XmlText;
  /** The updates made from number `#base` on (those before are confirmed and forgotten). */
  #updates: Uint8Array[] = [];
  #base = 0;
  #confirmed = 0;
  #sentThrough = 0;
  #awarenessClock = 0;

  constructor(rng: Rng, doc: number) {
    this.doc = doc;
    this.#ydoc = new Y.Doc();
    this.#ydoc.clientID = 1 + rng.int(0x7fffffff);
    this.#ydoc.on('update', (u: Uint8Array) => this.#updates.push(u));
    const p = new Y.XmlElement('paragraph');
    this.#text = new Y.XmlText();
    p.insert(0, [this.#text]);
    this.#ydoc.getXmlFragment('notes').insert(0, [p]);
  }

  /** A new connection starts from what the server surely has. */
  begin(): void {
    this.#sentThrough = this.#confirmed;
  }

  /** The next update frame and how many of this writer's updates the server has once it is read. */
  update(): { payload: Uint8Array; through: number } {
    const made = this.#base + this.#updates.length;
    if (this.#sentThrough === made) {
      if (this.#text.length >= 70) this.#text.delete(0, this.#text.length);
      else this.#text.insert(this.#text.length, 'frappe ');
    }
    const missing = this.#updates.slice(this.#sentThrough - this.#base);
    this.#sentThrough = this.#base + this.#updates.length;
    const update = missing.length === 1 ? missing[0]! : Y.mergeUpdates(missing);
    return { payload: message(MESSAGE_SYNC, 2, update), through: this.#sentThrough };
  }

  confirm(through: number): void {
    if (through <= this.#confirmed) return;
    this.#confirmed = through;
    this.#updates = this.#updates.slice(through - this.#base);
    this.#base = through;
  }

  awareness(): Uint8Array {
    return message(
      MESSAGE_AWARENESS,
      awarenessUpdate([
        { id: this.#ydoc.clientID, clock: ++this.#awarenessClock, state: { cursor: this.#awarenessClock } },
      ]),
    );
  }

  stateVector(): Uint8Array {
    return message(MESSAGE_SYNC, 0, Y.encodeStateVector(this.#ydoc));
  }
}

const bin = (payload: Uint8Array): Buffer => clientFrame(payload);

/** Draws frames; `writer` supplies the valid ones of the current connection. */
export class FrameFactory {
  readonly #rng: Rng;
  readonly #corpus: Uint8Array[];
  readonly #maxFrameBytes: number;
  /** Real frames past the size limit are expensive to send: one in this many oversized frames. */
  readonly #realOversizeEvery: number;
  #oversized = 0;

  constructor(rng: Rng, options: { maxFrameBytes: number; realOversizeEvery: number }) {
    this.#rng = rng;
    this.#corpus = validCorpus(rng);
    this.#maxFrameBytes = options.maxFrameBytes;
    this.#realOversizeEvery = options.realOversizeEvery;
  }

  /** The weighted mix; `valid` frames are filler between the attacks, not counted as fuzz. */
  next(writer: ValidWriter): FuzzFrame {
    const r = this.#rng.int(100);
    if (r < 20) return this.#valid(writer);
    if (r < 36) return this.#mutated('bit-flip', (b) => this.#bitFlip(b));
    if (r < 42) return this.#mutated('byte-set', (b) => this.#byteSet(b));
    if (r < 51) return this.#mutated('truncated', (b) => b.subarray(0, this.#rng.int(b.length)));
    if (r < 56) return this.#mutated('spliced', (b) => this.#splice(b));
    if (r < 61) return this.#mutated('inserted', (b) => this.#insert(b));
    if (r < 66) return this.#mutated('length-lie', (b) => this.#lengthLie(b));
    if (r < 73) return this.#prefixGarbage();
    if (r < 80) return { category: 'random', bytes: bin(this.#rng.bytes(this.#rng.int(64))), code: null };
    if (r < 85) return this.#wrongType();
    if (r < 90) return this.#truncatedVarint();
    if (r < 95) return this.#hugeLength();
    if (r < 98) return this.#wsProtocol();
    if (r < 99) return this.#text();
    return this.#oversize();
  }

  #valid(writer: ValidWriter): FuzzFrame {
    const r = this.#rng.int(10);
    if (r < 5) {
      const { payload, through } = writer.update();
      return { category: 'valid', bytes: bin(payload), code: null, through };
    }
    const payload =
      r < 8 ? writer.awareness() : r < 9 ? writer.stateVector() : message(MESSAGE_QUERY_AWARENESS);
    return { category: 'valid', bytes: bin(payload), code: null };
  }

  #mutated(category: Category, mutate: (b: Uint8Array) => Uint8Array): FuzzFrame {
    const base = Uint8Array.from(this.#rng.pick(this.#corpus));
    return { category, bytes: bin(mutate(base)), code: null };
  }

  #bitFlip(b: Uint8Array): Uint8Array {
    for (let n = 1 + this.#rng.int(3); n > 0 && b.length > 0; n--)
      b[this.#rng.int(b.length)]! ^= 1 << this.#rng.int(8);
    return b;
  }

  #byteSet(b: Uint8Array): Uint8Array {
    if (b.length > 0)
      b[this.#rng.int(b.length)] = this.#rng.pick([0, 1, 0x7f, 0x80, 0xfe, 0xff, this.#rng.int(256)]);
    return b;
  }

  #splice(b: Uint8Array): Uint8Array {
    const other = this.#rng.pick(this.#corpus);
    const cut = this.#rng.int(b.length + 1);
    const from = this.#rng.int(other.length + 1);
    const out = new Uint8Array(cut + other.length - from);
    out.set(b.subarray(0, cut), 0);
    out.set(other.subarray(from), cut);
    return out;
  }

  #insert(b: Uint8Array): Uint8Array {
    const at = this.#rng.int(b.length + 1);
    const extra = this.#rng.int(2)
      ? this.#rng.bytes(1 + this.#rng.int(8))
      : writeVarUint(this.#rng.int(2 ** 31));
    const out = new Uint8Array(b.length + extra.length);
    out.set(b.subarray(0, at), 0);
    out.set(extra, at);
    out.set(b.subarray(at), at + extra.length);
    return out;
  }

  /** Rewrites the payload length after the message header to something else. */
  #lengthLie(b: Uint8Array): Uint8Array {
    const headerEnd = b[0] === MESSAGE_SYNC ? 2 : 1;
    let pos = headerEnd;
    while (pos < b.length && b[pos]! & 0x80) pos++;
    const rest = b.subarray(pos + 1);
    const lie = this.#rng.pick([
      0,
      1,
      rest.length - 1,
      rest.length + 1,
      rest.length * 2,
      2 ** 28,
      2 ** 32 - 1,
    ]);
    const length = writeVarUint(Math.max(0, lie));
    const out = new Uint8Array(headerEnd + length.length + rest.length);
    out.set(b.subarray(0, headerEnd), 0);
    out.set(length, headerEnd);
    out.set(rest, headerEnd + length.length);
    return out;
  }

  #prefixGarbage(): FuzzFrame {
    const base = this.#rng.pick(this.#corpus);
    const garbage = this.#rng.bytes(1 + this.#rng.int(32));
    const keep = this.#rng.int(2) ? base.length : Math.min(base.length, 1 + this.#rng.int(3));
    const out = new Uint8Array(keep + garbage.length);
    out.set(base.subarray(0, keep), 0);
    out.set(garbage, keep);
    return { category: 'prefix-garbage', bytes: bin(out), code: null };
  }

  #wrongType(): FuzzFrame {
    const rng = this.#rng;
    const r = rng.int(3);
    // Unknown message types (2 is auth, unsupported), or a sync message of an unknown sub-type.
    if (r === 0)
      return { category: 'wrong-type', bytes: bin(message(rng.pick([2, 4, 5, 9, 42, 127]))), code: 1003 };
    if (r === 1)
      return {
        category: 'wrong-type',
        bytes: bin(message(128 + rng.int(2 ** 20), rng.bytes(rng.int(8)))),
        code: 1003,
      };
    return {
      category: 'wrong-type',
      bytes: bin(message(MESSAGE_SYNC, 3 + rng.int(1000), rng.bytes(rng.int(16)))),
      code: 1003,
    };
  }

  #truncatedVarint(): FuzzFrame {
    const cut = this.#rng.pick([
      [0x80],
      [0xff, 0xff, 0xff],
      [MESSAGE_SYNC, 0x80],
      [MESSAGE_SYNC, 2, 0x80],
      [MESSAGE_SYNC, 2, 0xff, 0xff],
      [MESSAGE_AWARENESS, 0x81],
      [],
    ]);
    return { category: 'truncated-varint', bytes: bin(Uint8Array.from(cut)), code: 1007 };
  }

  #hugeLength(): FuzzFrame {
    const rng = this.#rng;
    const length = writeVarUint(rng.pick([2 ** 20, 2 ** 31, 2 ** 32 - 1, 2 ** 40, Number.MAX_SAFE_INTEGER]));
    const type = rng.int(3);
    const head = type === 0 ? [MESSAGE_SYNC, 2] : type === 1 ? [MESSAGE_SYNC, 0] : [MESSAGE_AWARENESS];
    const tail = rng.bytes(rng.int(16));
    const out = new Uint8Array(head.length + length.length + tail.length);
    out.set(head, 0);
    out.set(length, head.length);
    out.set(tail, head.length + length.length);
    return { category: 'huge-length', bytes: bin(out), code: 1007 };
  }

  /** Broken WebSocket framing: ws refuses it with 1002 before any message reaches our code. */
  #wsProtocol(): FuzzFrame {
    const rng = this.#rng;
    const payload = rng.pick(this.#corpus);
    const frames: Buffer[] = [
      clientFrame(payload, { masked: false }),
      clientFrame(payload, { rsv: 1 + rng.int(7) }),
      clientFrame(payload, { opcode: rng.pick([3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]) }),
      clientFrame(rng.bytes(126 + rng.int(100)), { opcode: OP_PING }),
      clientFrame(rng.bytes(4), { opcode: OP_PING, fin: false }),
      clientFrame(payload, { opcode: OP_CONTINUATION }),
      Buffer.concat([clientFrame(payload, { fin: false }), clientFrame(payload, { opcode: OP_BINARY })]),
    ];
    return { category: 'ws-protocol', bytes: rng.pick(frames), code: 1002 };
  }

  #text(): FuzzFrame {
    // Valid UTF-8 reaches our code (1003); invalid UTF-8 is refused by ws (1007).
    if (this.#rng.int(2))
      return {
        category: 'text',
        bytes: clientFrame(Buffer.from('bonjour'), { opcode: OP_TEXT }),
        code: 1003,
      };
    return {
      category: 'text',
      bytes: clientFrame(Uint8Array.from([0xc3, 0x28, 0xff]), { opcode: OP_TEXT }),
      code: 1007,
    };
  }

  /**
   * Past the size limit: mostly a header announcing it (ws refuses on reading the length), sometimes
   * the whole frame, or fragments each under the limit but over it together.
   */
  #oversize(): FuzzFrame {
    const rng = this.#rng;
    const over = this.#maxFrameBytes + 1 + rng.int(1024);
    if (++this.#oversized % this.#realOversizeEvery === 0) {
      if (rng.int(2)) return { category: 'oversized', bytes: bin(new Uint8Array(over)), code: 1009 };
      const half = Math.ceil(over / 2);
      return {
        category: 'oversized',
        bytes: Buffer.concat([
          clientFrame(new Uint8Array(half), { fin: false }),
          clientFrame(new Uint8Array(over - half), { opcode: OP_CONTINUATION }),
        ]),
        code: 1009,
      };
    }
    const declared = rng.pick([BigInt(over), 2n ** 32n, 2n ** 52n]);
    return {
      category: 'oversized',
      bytes: clientFrame(rng.bytes(rng.int(32)), { declaredLength: declared }),
      code: 1009,
    };
  }
}
