import { describe, expect, it } from 'vitest';
import { presentUsers } from './present-users.ts';

const state = (id: string, name: string, role: string) => ({ user: { id, name, role, color: '#123456' } });

describe('presentUsers', () => {
  it('lists each person once, coaches first, then by name', () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, state('l2', 'Zoé Petit', 'learner')],
      [2, state('l1', 'Léa Martin', 'learner')],
      [3, state('c1', 'Claire Dubois', 'coach')],
      [4, state('l1', 'Léa Martin', 'learner')], // a second tab
      [5, { cursor: null }], // no user yet
    ]);
    const users = presentUsers(states, 'l1');
    expect(users.map((u) => u.name)).toEqual(['Claire Dubois', 'Léa Martin', 'Zoé Petit']);
    expect(users.find((u) => u.id === 'l1')?.self).toBe(true);
  });

  it('ignores malformed awareness states', () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, { user: { name: 42 } }],
      [2, { user: 'x' }],
    ]);
    expect(presentUsers(states, 'x')).toEqual([]);
  });
});
