import { describe, expect, it } from 'vitest';
import {
  callStatus,
  closeFailure,
  parseServerMessage,
  shouldOffer,
  type CallSnapshot,
} from './call-logic.ts';

const base: CallSnapshot = {
  phase: 'in-call',
  failure: null,
  peer: null,
  expectedName: 'Léa Martin',
  connectionState: null,
};

describe('the call status line', () => {
  it('waits for the other person, then connects, and says « Connecté » only when the peer connection is', () => {
    expect(callStatus(base)).toEqual({ code: 'waiting', name: 'Léa Martin' });
    const peer = { id: 'u2', name: 'Léa Martin' };
    expect(callStatus({ ...base, peer, connectionState: 'new' })).toEqual({
      code: 'connecting',
      name: 'Léa Martin',
    });
    expect(callStatus({ ...base, peer, connectionState: 'connecting' })).toMatchObject({
      code: 'connecting',
    });
    expect(callStatus({ ...base, peer, connectionState: 'connected' })).toEqual({ code: 'connected' });
    expect(callStatus({ ...base, peer, connectionState: 'disconnected' })).toEqual({ code: 'interrupted' });
  });

  it('reports the phases before and after the call, and why it failed', () => {
    expect(callStatus({ ...base, phase: 'media' })).toEqual({ code: 'media' });
    expect(callStatus({ ...base, phase: 'signalling' })).toEqual({ code: 'joining' });
    expect(callStatus({ ...base, phase: 'ended' })).toEqual({ code: 'ended' });
    expect(callStatus({ ...base, phase: 'failed', failure: 'media-denied' })).toEqual({
      code: 'failed',
      failure: 'media-denied',
    });
  });

  it('lets the coach offer, once the learner is there', () => {
    expect(shouldOffer('coach', true)).toBe(true);
    expect(shouldOffer('coach', false)).toBe(false);
    expect(shouldOffer('learner', true)).toBe(false);
  });
});

describe('signalling messages', () => {
  it('reads the server’s messages', () => {
    expect(
      parseServerMessage(
        JSON.stringify({
          type: 'ready',
          self: { id: 'u1', name: 'Claire' },
          peers: [{ id: 'u2', name: 'Léa' }, { bad: true }],
          iceServers: [{ urls: 'stun:stun.example.org' }],
        }),
      ),
    ).toEqual({
      type: 'ready',
      self: { id: 'u1', name: 'Claire' },
      peers: [{ id: 'u2', name: 'Léa' }],
      iceServers: [{ urls: 'stun:stun.example.org' }],
    });
    expect(parseServerMessage('{"type":"peer-joined","id":"u2","name":"Léa"}')).toEqual({
      type: 'peer-joined',
      id: 'u2',
      name: 'Léa',
    });
    expect(parseServerMessage('{"type":"peer-left","id":"u2"}')).toEqual({ type: 'peer-left', id: 'u2' });
    expect(parseServerMessage('{"type":"offer","sdp":"v=0"}')).toEqual({ type: 'offer', sdp: 'v=0' });
    expect(parseServerMessage('{"type":"candidate","candidate":null}')).toEqual({
      type: 'candidate',
      candidate: null,
    });
  });

  it('ignores anything else', () => {
    expect(parseServerMessage('not json')).toBeNull();
    expect(parseServerMessage('{"type":"offer"}')).toBeNull();
    expect(parseServerMessage('{"type":"shout"}')).toBeNull();
    expect(parseServerMessage(new ArrayBuffer(2))).toBeNull();
  });
});

describe('the end of the signalling socket', () => {
  it('does not reconnect when the call was opened elsewhere, cancelled, or the session ended', () => {
    expect(closeFailure(4409)).toBe('replaced');
    expect(closeFailure(4410)).toBe('cancelled');
    expect(closeFailure(4401)).toBe('session-ended');
    expect(closeFailure(1008)).toBe('refused');
  });

  it('reconnects after a network drop or a server restart', () => {
    expect(closeFailure(1006)).toBeNull();
    expect(closeFailure(1001)).toBeNull();
  });
});
