// Pre-encoded y-websocket frames for the load generator, and the few bytes of them a probe reads back.
//
// Each writer is one Yjs client id typing into its own paragraph of the shared notes (`notes`, as the web
// app's editor does). Its frames are produced once, before a phase, from a Y.Doc that only the generator
// holds; during the phase the frames are written as raw bytes on a plain socket, no Y.Doc per connection.
// Because a writer's clock advances by the same amount at every frame, the (client id, clock) pair at the
// head of any relayed update tells a probe which frame it is, hence when it was sent.
import * as Y from 'yjs';

const MESSAGE_SYNC = 0;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

/** Sync step 1 with an empty state vector: what a fresh client sends on open (asks for the whole doc). */
export const EMPTY_STEP1 = Uint8Array.of(MESSAGE_SYNC, SYNC_STEP1, 1, 0);

export const isSyncStep2 = (frame: Uint8Array): boolean =>
  frame[0] === MESSAGE_SYNC && frame[1] === SYNC_STEP2;
export const isSyncUpdate = (frame: Uint8Array): boolean =>
  frame[0] === MESSAGE_SYNC && frame[1] === SYNC_UPDATE;

function varUintBytes(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** `[sync, update, varUint length, …update]`: the frame `y-protocols/sync`'s `writeUpdate` produces. */
export function updateFrame(update: Uint8Array): Uint8Array {
  const head = [MESSAGE_SYNC, SYNC_UPDATE, ...varUintBytes(update.length)];
  const frame = new Uint8Array(head.length + update.length);
  frame.set(head, 0);
  frame.set(update, head.length);
  return frame;
}

// The clock of the first typed character: the paragraph element takes clock 0, its text 1.
const FIRST_TYPED_CLOCK = 2;

/** One writer's frames: a setup frame that creates its paragraph, then typing frames made on demand. */
export class WriterFrames {
  readonly clientId: number;
  readonly setup: Uint8Array;
  readonly typing: Uint8Array[] = [];
  readonly #chunk: string;
  readonly #doc: Y.Doc;
  readonly #text: Y.XmlText;
  #last: Uint8Array | null = null;

  constructor(clientId: number, chunk: string) {
    this.clientId = clientId;
    this.#chunk = chunk;
    this.#doc = new Y.Doc();
    this.#doc.clientID = clientId;
    this.#doc.on('update', (update: Uint8Array) => {
      this.#last = update;
    });
    const paragraph = new Y.XmlElement('paragraph');
    this.#text = new Y.XmlText();
    paragraph.insert(0, [this.#text]);
    this.#doc.getXmlFragment('notes').insert(0, [paragraph]);
    this.setup = updateFrame(this.#take());
  }

  /** Makes sure at least `count` typing frames exist (called before a phase, never during one). */
  ensure(count: number): void {
    while (this.typing.length < count) {
      this.#text.insert(this.#text.length, this.#chunk);
      this.typing.push(updateFrame(this.#take()));
    }
  }

  /** Which typing frame a relayed update whose first struct starts at `clock` is (may be out of range). */
  seqOf(clock: number): number {
    return (clock - FIRST_TYPED_CLOCK) / this.#chunk.length;
  }

  #take(): Uint8Array {
    const update = this.#last;
    if (!update) throw new Error('no update captured');
    this.#last = null;
    return update;
  }
}

/**
 * The client id and clock of the first struct of a relayed sync-update frame, without decoding the rest:
 * `[0, 2, varUint len, varUint clients, varUint structs, varUint client, varUint clock, …]`.
 * Writes them into `out` (no allocation per frame) and returns false when the frame is not shaped so.
 */
export function readHead(frame: Uint8Array, out: { client: number; clock: number }): boolean {
  let pos = 2;
  let value = 0;
  let mult = 1;
  for (let field = 0; field < 5; field++) {
    value = 0;
    mult = 1;
    for (;;) {
      if (pos >= frame.length) return false;
      const byte = frame[pos++]!;
      value += (byte & 0x7f) * mult;
      if (byte < 0x80) break;
      mult *= 128;
    }
    if (field === 1 && value !== 1) return false;
    if (field === 3) out.client = value;
  }
  out.clock = value;
  return true;
}

/**
 * The update carried by a sync step 2 or sync update frame (`[0, 1|2, varUint length, …update]`), or null
 * when the frame is not one or is cut short.
 */
export function syncPayload(frame: Uint8Array): Uint8Array | null {
  if (frame[0] !== MESSAGE_SYNC || (frame[1] !== SYNC_STEP2 && frame[1] !== SYNC_UPDATE)) return null;
  let pos = 2;
  let length = 0;
  let mult = 1;
  for (;;) {
    if (pos >= frame.length) return null;
    const byte = frame[pos++]!;
    length += (byte & 0x7f) * mult;
    if (byte < 0x80) break;
    mult *= 128;
  }
  return pos + length <= frame.length ? frame.subarray(pos, pos + length) : null;
}

/** Which clients an update holds, up to which clock (exclusive): its state vector. */
export function stateVectorOf(update: Uint8Array): Map<number, number> {
  return Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update));
}
