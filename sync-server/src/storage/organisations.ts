import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { int, text, type Row } from './rows.ts';

export type MembershipRole = 'manager' | 'coach';

export interface Organisation {
  id: string;
  name: string;
  createdAt: number;
}

export interface Membership {
  organisation: Organisation;
  role: MembershipRole;
}

export interface Member {
  id: string;
  name: string;
  email: string;
  role: MembershipRole;
}

const roleOf = (row: Row): MembershipRole => (text(row, 'role') === 'manager' ? 'manager' : 'coach');

/** Organisations (a structure: a firm, an association) and the coaches who belong to them (ORG1). */
export class Organisations {
  readonly #insert: StatementSync;
  readonly #rename: StatementSync;
  readonly #find: StatementSync;
  readonly #addMember: StatementSync;
  readonly #membership: StatementSync;
  readonly #members: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare('INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)');
    this.#find = db.prepare('SELECT * FROM organisations WHERE id = ?');
    this.#rename = db.prepare('UPDATE organisations SET name = ? WHERE id = ?');
    this.#addMember = db.prepare(
      'INSERT INTO memberships (organisation_id, user_id, role, created_at) VALUES (?, ?, ?, ?)',
    );
    // One organisation per coach for now; the oldest membership wins should there be several.
    this.#membership = db.prepare(
      `SELECT o.id, o.name, o.created_at, m.role FROM memberships m JOIN organisations o ON o.id = m.organisation_id
       WHERE m.user_id = ? ORDER BY m.created_at, o.id LIMIT 1`,
    );
    this.#members = db.prepare(
      `SELECT u.id, u.name, u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.organisation_id = ? ORDER BY m.role = 'manager' DESC, u.name, u.id`,
    );
  }

  create(name: string, now: number): Organisation {
    const organisation = { id: globalThis.crypto.randomUUID(), name, createdAt: now };
    this.#insert.run(organisation.id, organisation.name, organisation.createdAt);
    return organisation;
  }

  /** A coach who signs up alone: an organisation of their own, which they manage. */
  createForCoach(user: { id: string; name: string }, now: number): Organisation {
    const organisation = this.create(`Structure de ${user.name}`, now);
    this.addMember(organisation.id, user.id, 'manager', now);
    return organisation;
  }

  find(id: string): Organisation | null {
    const row = this.#find.get(id);
    return row ? { id: text(row, 'id'), name: text(row, 'name'), createdAt: int(row, 'created_at') } : null;
  }

  rename(id: string, name: string): void {
    this.#rename.run(name, id);
  }

  addMember(organisationId: string, userId: string, role: MembershipRole, now: number): void {
    this.#addMember.run(organisationId, userId, role, now);
  }

  membershipOf(userId: string): Membership | null {
    const row = this.#membership.get(userId);
    if (!row) return null;
    return {
      organisation: { id: text(row, 'id'), name: text(row, 'name'), createdAt: int(row, 'created_at') },
      role: roleOf(row),
    };
  }

  members(organisationId: string): Member[] {
    return this.#members.all(organisationId).map((row) => ({
      id: text(row, 'id'),
      name: text(row, 'name'),
      email: text(row, 'email'),
      role: roleOf(row),
    }));
  }
}
