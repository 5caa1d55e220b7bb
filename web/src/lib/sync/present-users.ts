// Who is present, from awareness states: one entry per person, coaches first then by name.
import type { Role } from '../api/types.ts';

export interface AwarenessUser {
  id: string;
  name: string;
  color: string;
  role: Role;
}

export interface PresentUser extends AwarenessUser {
  self: boolean;
}

function isAwarenessUser(value: unknown): value is AwarenessUser {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.name === 'string' && typeof v.color === 'string';
}

/** People present, one entry per person (several tabs count once), coaches first then by name. */
export function presentUsers(states: Map<number, Record<string, unknown>>, selfId: string): PresentUser[] {
  const byId = new Map<string, PresentUser>();
  for (const state of states.values()) {
    const user = state.user;
    if (!isAwarenessUser(user) || byId.has(user.id)) continue;
    byId.set(user.id, {
      id: user.id,
      name: user.name,
      color: user.color,
      role: user.role === 'coach' ? 'coach' : 'learner',
      self: user.id === selfId,
    });
  }
  return [...byId.values()].sort((a, b) => {
    if (a.role !== b.role) return a.role === 'coach' ? -1 : 1;
    return a.name.localeCompare(b.name, 'fr');
  });
}
