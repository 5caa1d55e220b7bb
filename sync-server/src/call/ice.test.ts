import { describe, expect, it } from 'vitest';
import { parseIceServers } from './ice.ts';

describe('[SCHED10] ICE_SERVERS', () => {
  it('reads a JSON array of RTCIceServer; empty means none', () => {
    expect(parseIceServers(undefined)).toEqual([]);
    expect(parseIceServers('  ')).toEqual([]);
    expect(
      parseIceServers(
        '[{"urls":"stun:stun.exemple.fr:3478"},{"urls":["turn:turn.exemple.fr:3478","turns:turn.exemple.fr:5349"],"username":"u","credential":"p"}]',
      ),
    ).toEqual([
      { urls: 'stun:stun.exemple.fr:3478' },
      {
        urls: ['turn:turn.exemple.fr:3478', 'turns:turn.exemple.fr:5349'],
        username: 'u',
        credential: 'p',
      },
    ]);
  });

  it('refuses anything else with a French message', () => {
    for (const bad of [
      'nope',
      '{"urls":"stun:x"}',
      '[1]',
      '[{"urls":"https://x"}]',
      '[{"urls":[]}]',
      '[{"urls":"stun:x","username":3}]',
    ])
      expect(() => parseIceServers(bad), bad).toThrow(/ICE_SERVERS/);
  });
});
