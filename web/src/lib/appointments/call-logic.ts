// The pure part of the 1:1 video call: reading the signalling messages and deciding what the status line
// says. The coach makes the offer once both are present; the learner answers (the polite side).
import type { PersonRef, Role } from '../api/types.ts';
import type { CallServerMessage } from './types.ts';

export type CallPhase = 'idle' | 'media' | 'signalling' | 'in-call' | 'ended' | 'failed';

export type CallFailure =
  | 'unsupported'
  | 'media-denied'
  | 'media-missing'
  | 'refused'
  /** The same person opened the call elsewhere (another tab or device). */
  | 'replaced'
  | 'cancelled'
  | 'session-ended';

/** Close codes of the signalling socket after which reconnecting would not help. */
export function closeFailure(code: number): CallFailure | null {
  switch (code) {
    case 4409:
      return 'replaced';
    case 4410:
      return 'cancelled';
    case 4401:
      return 'session-ended';
    case 1003:
    case 1007:
    case 1008:
    case 1009:
      return 'refused';
    default:
      return null;
  }
}

export type CallStatus =
  | { code: 'idle' }
  | { code: 'media' }
  | { code: 'joining' }
  | { code: 'waiting'; name: string }
  | { code: 'connecting'; name: string }
  | { code: 'connected' }
  | { code: 'interrupted' }
  | { code: 'ended' }
  | { code: 'failed'; failure: CallFailure };

export interface CallSnapshot {
  phase: CallPhase;
  failure: CallFailure | null;
  /** The other participant when present on the signalling socket. */
  peer: PersonRef | null;
  /** Who we wait for, before they are there. */
  expectedName: string;
  /** `RTCPeerConnection.connectionState`, null when there is none. */
  connectionState: RTCPeerConnectionState | null;
}

/** What the status line says; « Connecté » only once the peer connection itself is connected. */
export function callStatus(s: CallSnapshot): CallStatus {
  switch (s.phase) {
    case 'idle':
      return { code: 'idle' };
    case 'media':
      return { code: 'media' };
    case 'signalling':
      return { code: 'joining' };
    case 'ended':
      return { code: 'ended' };
    case 'failed':
      return { code: 'failed', failure: s.failure ?? 'refused' };
    case 'in-call':
      if (!s.peer) return { code: 'waiting', name: s.expectedName };
      if (s.connectionState === 'connected') return { code: 'connected' };
      if (s.connectionState === 'disconnected' || s.connectionState === 'failed')
        return { code: 'interrupted' };
      return { code: 'connecting', name: s.peer.name };
  }
}

/** Whether this side makes the offer: the coach (impolite), once the other one is there. */
export function shouldOffer(role: Role, peerPresent: boolean): boolean {
  return role === 'coach' && peerPresent;
}

function isPerson(value: unknown): value is PersonRef {
  return (
    !!value &&
    typeof value === 'object' &&
    typeof (value as PersonRef).id === 'string' &&
    typeof (value as PersonRef).name === 'string'
  );
}

/** A signalling message from the server, or null when it is not one we understand. */
export function parseServerMessage(data: unknown): CallServerMessage | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  switch (v.type) {
    case 'ready':
      if (!isPerson(v.self) || !Array.isArray(v.peers)) return null;
      return {
        type: 'ready',
        self: v.self,
        peers: v.peers.filter(isPerson),
        iceServers: Array.isArray(v.iceServers) ? (v.iceServers as RTCIceServer[]) : [],
      };
    case 'peer-joined':
      return typeof v.id === 'string' && typeof v.name === 'string'
        ? { type: 'peer-joined', id: v.id, name: v.name }
        : null;
    case 'peer-left':
      return typeof v.id === 'string' ? { type: 'peer-left', id: v.id } : null;
    case 'offer':
    case 'answer':
      return typeof v.sdp === 'string' ? { type: v.type, sdp: v.sdp } : null;
    case 'candidate':
      if (v.candidate === null) return { type: 'candidate', candidate: null };
      return v.candidate && typeof v.candidate === 'object'
        ? { type: 'candidate', candidate: v.candidate as RTCIceCandidateInit }
        : null;
    default:
      return null;
  }
}
