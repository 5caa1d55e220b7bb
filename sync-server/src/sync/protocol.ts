// The y-websocket wire protocol (y-protocols), as spoken by `y-websocket`'s WebsocketProvider.
// Every frame is one binary message: varUint message type, then its payload.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

/** WebSocket close codes the server uses (SYNC4). */
export const CLOSE = {
  goingAway: 1001,
  unsupported: 1003,
  invalidPayload: 1007,
  tooBig: 1009,
  internalError: 1011,
  /** The session was closed (sign-out) or expired. */
  sessionEnded: 4401,
  /** The user's access to the document was withdrawn (removed from a workshop). */
  accessRevoked: 4403,
  /** The accompaniment was closed: its working documents are destroyed (CLOSE5). */
  documentClosed: 4410,
  /** Too many messages for the connection's rate limits (SYNC10, SYNC11); the client may reconnect. */
  rateLimited: 4429,
} as const;

function message(type: number, sub: number | null, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  if (sub !== null) encoding.writeVarUint(encoder, sub);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export const syncStep1Message = (stateVector: Uint8Array): Uint8Array =>
  message(MESSAGE_SYNC, SYNC_STEP1, stateVector);
export const syncStep2Message = (update: Uint8Array): Uint8Array => message(MESSAGE_SYNC, SYNC_STEP2, update);
export const updateMessage = (update: Uint8Array): Uint8Array => message(MESSAGE_SYNC, SYNC_UPDATE, update);
export const awarenessMessage = (update: Uint8Array): Uint8Array => message(MESSAGE_AWARENESS, null, update);

const varUintSize = (n: number): number =>
  n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;

/** Writes the header of a final, binary, unmasked WebSocket frame (RFC 6455 §5.2); returns its length. */
function writeFrameHeader(frame: Buffer, payloadLength: number): number {
  frame[0] = 0x82;
  if (payloadLength < 126) {
    frame[1] = payloadLength;
    return 2;
  }
  if (payloadLength < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(payloadLength, 2);
    return 4;
  }
  frame[1] = 127;
  frame.writeUInt32BE(0, 2);
  frame.writeUInt32BE(payloadLength, 6);
  return 10;
}

const frameHeaderSize = (payloadLength: number): number =>
  payloadLength < 126 ? 2 : payloadLength < 0x10000 ? 4 : 10;

/**
 * A whole server-to-client WebSocket frame around `message`. Server frames are not masked, so the same
 * bytes go to every socket: a broadcast is framed once, not once per connection as `ws.send` would.
 */
export function wsFrame(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(frameHeaderSize(message.length) + message.length);
  frame.set(message, writeFrameHeader(frame, message.length));
  return frame;
}

/** `wsFrame(updateMessage(update))` in one allocation and one copy: the relay of every update. */
export function updateFrame(update: Uint8Array): Buffer {
  const payloadLength = 2 + varUintSize(update.length) + update.length;
  const frame = Buffer.allocUnsafe(frameHeaderSize(payloadLength) + payloadLength);
  let pos = writeFrameHeader(frame, payloadLength);
  frame[pos++] = MESSAGE_SYNC;
  frame[pos++] = SYNC_UPDATE;
  let n = update.length;
  while (n > 0x7f) {
    frame[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  frame[pos++] = n;
  frame.set(update, pos);
  return frame;
}

/**
 * Decodes a whole update and checks what Yjs takes for granted when integrating it into `doc`; throws when
 * it is malformed. Yjs integrates structs before reading the delete set, so a truncated update would
 * otherwise be half applied before failing; and it trusts that a struct only refers to earlier structs of
 * its own client, that a deleted range is not empty, and that a struct overlapping what the document
 * already has does not continue garbage-collected content — an update that breaks any of these throws
 * halfway through integration (SYNC4's last row), where it is refused here.
 */
export function checkUpdate(update: Uint8Array, doc?: Y.Doc): void {
  const { structs, ds } = Y.decodeUpdate(update);
  for (const struct of structs) {
    if (!(struct.length > 0)) throw new Error('empty struct');
    if (!(struct instanceof Y.Item)) continue;
    const { client, clock } = struct.id;
    if (doc) {
      // Integrated from the document's state on, after the last struct it has of that client.
      const state = Y.getState(doc.store, client);
      if (
        clock < state &&
        state < clock + struct.length &&
        doc.store.clients.get(client)?.at(-1) instanceof Y.GC
      )
        throw new Error('continues collected content');
    }
    const parent = struct.parent instanceof Y.ID ? struct.parent : null;
    for (const ref of [struct.origin, struct.rightOrigin, parent])
      if (ref !== null && ref.client === client && ref.clock >= clock) throw new Error('forward reference');
  }
  for (const ranges of ds.clients.values())
    for (const range of ranges) if (!(range.len > 0)) throw new Error('empty deleted range');
}

/**
 * `Y.encodeStateAsUpdate(doc, stateVector)` without what the document holds pending (structs or deletions
 * waiting for updates it has not seen): that part is neither integrated nor stored, so it is not sent
 * (SYNC2) — Yjs would otherwise append it to every sync answer.
 */
export function encodeIntegratedState(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  const store = doc.store;
  const { pendingStructs, pendingDs } = store;
  if (pendingStructs === null && pendingDs === null) return Y.encodeStateAsUpdate(doc, stateVector);
  store.pendingStructs = null;
  store.pendingDs = null;
  try {
    return Y.encodeStateAsUpdate(doc, stateVector);
  } finally {
    store.pendingStructs = pendingStructs;
    store.pendingDs = pendingDs;
  }
}

/** At most this many client states in one awareness update (a real client sends its own, a few at most). */
const AWARENESS_MAX_ENTRIES = 1000;

/** One client's entry in an awareness update: its clock and its state as the JSON text it was sent as. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** `null` (the client left) or a JSON object. */
  json: string;
}

/**
 * Decodes a whole awareness update without applying it, so that a malformed one is refused before it
 * touches the room (`applyAwarenessUpdate` would apply the entries before the broken one). Throws when
 * malformed, or when bytes follow the last entry.
 */
export function readAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > AWARENESS_MAX_ENTRIES) throw new Error('too many awareness entries');
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    const state: unknown = JSON.parse(json);
    if (state !== null && typeof state !== 'object') throw new Error('awareness state must be an object');
    entries.push({ clientId, clock, json });
  }
  if (decoding.hasContent(decoder)) throw new Error('bytes after the awareness entries');
  return entries;
}

/** The awareness update holding `entries`, in the format `readAwarenessUpdate` reads. */
export function encodeAwarenessEntries(entries: Iterable<AwarenessEntry>): Uint8Array {
  const list = [...entries];
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, list.length);
  for (const entry of list) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.json);
  }
  return encoding.toUint8Array(encoder);
}
