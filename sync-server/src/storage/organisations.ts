import { int, text, type Row } from './rows.ts';
import type { Sql } from './sql.ts';

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
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(name: string, now: number): Promise<Organisation> {
    const organisation = { id: globalThis.crypto.randomUUID(), name, createdAt: now };
    await this.#sql.run(
      'INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)',
      organisation.id,
      organisation.name,
      organisation.createdAt,
    );
    return organisation;
  }

  /** A coach who signs up alone: an organisation of their own, which they manage. */
  async createForCoach(user: { id: string; name: string }, now: number): Promise<Organisation> {
    // One transaction: never an organisation left without its manager.
    return this.#sql.transaction(async () => {
      const organisation = await this.create(`Structure de ${user.name}`, now);
      await this.addMember(organisation.id, user.id, 'manager', now);
      return organisation;
    });
  }

  async find(id: string): Promise<Organisation | null> {
    const row = await this.#sql.get('SELECT * FROM organisations WHERE id = ?', id);
    return row ? { id: text(row, 'id'), name: text(row, 'name'), createdAt: int(row, 'created_at') } : null;
  }

  async rename(id: string, name: string): Promise<void> {
    await this.#sql.run('UPDATE organisations SET name = ? WHERE id = ?', name, id);
  }

  async addMember(organisationId: string, userId: string, role: MembershipRole, now: number): Promise<void> {
    await this.#sql.run(
      'INSERT INTO memberships (organisation_id, user_id, role, created_at) VALUES (?, ?, ?, ?)',
      organisationId,
      userId,
      role,
      now,
    );
  }

  async membershipOf(userId: string): Promise<Membership | null> {
    // One organisation per coach for now; the oldest membership wins should there be several.
    const row = await this.#sql.get(
      `SELECT o.id, o.name, o.created_at, m.role FROM memberships m JOIN organisations o ON o.id = m.organisation_id
       WHERE m.user_id = ? ORDER BY m.created_at, o.id LIMIT 1`,
      userId,
    );
    if (!row) return null;
    return {
      organisation: { id: text(row, 'id'), name: text(row, 'name'), createdAt: int(row, 'created_at') },
      role: roleOf(row),
    };
  }

  async members(organisationId: string): Promise<Member[]> {
    const rows = await this.#sql.all(
      `SELECT u.id, u.name, u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.organisation_id = ? ORDER BY CASE WHEN m.role = 'manager' THEN 0 ELSE 1 END, u.name, u.id`,
      organisationId,
    );
    return rows.map((row) => ({
      id: text(row, 'id'),
      name: text(row, 'name'),
      email: text(row, 'email'),
      role: roleOf(row),
    }));
  }
}
