// Who has the document open, from the provider's awareness. Also publishes our own name and colour, which
// y-prosemirror shows on our caret in the other people's editors.
import type { Awareness } from 'y-protocols/awareness';
import type { Role } from '../api/types.ts';
import { presentUsers, type AwarenessUser, type PresentUser } from './present-users.ts';
import { colorFromId } from './user-color.ts';

export type { AwarenessUser, PresentUser };

export class Presence {
  users: PresentUser[] = $state.raw([]);

  readonly #awareness: Awareness;
  readonly #selfId: string;
  #key = '';
  readonly #onChange = (): void => this.#read();

  constructor(awareness: Awareness, self: { id: string; name: string; role: Role }) {
    this.#awareness = awareness;
    this.#selfId = self.id;
    const user: AwarenessUser = { ...self, color: colorFromId(self.id) };
    awareness.setLocalStateField('user', user);
    awareness.on('change', this.#onChange);
    this.#read();
  }

  #read(): void {
    const users = presentUsers(
      this.#awareness.getStates() as Map<number, Record<string, unknown>>,
      this.#selfId,
    );
    // Cursor moves change awareness constantly; only publish when the list of people changed.
    const key = users.map((u) => `${u.id}|${u.name}|${u.color}`).join('\n');
    if (key === this.#key) return;
    this.#key = key;
    this.users = users;
  }

  destroy(): void {
    this.#awareness.off('change', this.#onChange);
  }
}
