// The y-websocket wire protocol (y-protocols), as spoken by `y-websocket`'s WebsocketProvider.
// Every frame is one binary message: varUint message type, then its payload.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

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

/** At most this many client states in one awareness update (a real client sends its own, a few at most). */
const AWARENESS_MAX_ENTRIES = 1000;

/**
 * Decodes a whole awareness update without applying it, so that a malformed one is refused before it
 * touches the room (`applyAwarenessUpdate` would apply the entries before the broken one). Throws when
 * malformed.
 */
export function checkAwarenessUpdate(update: Uint8Array): void {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > AWARENESS_MAX_ENTRIES) throw new Error('too many awareness entries');
  for (let i = 0; i < count; i++) {
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
    const state: unknown = JSON.parse(decoding.readVarString(decoder));
    if (state !== null && typeof state !== 'object') throw new Error('awareness state must be an object');
  }
}
