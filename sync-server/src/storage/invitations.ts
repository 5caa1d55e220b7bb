import { int, intOrNull, text } from './rows.ts';
import type { Sql } from './sql.ts';

/** What every invitation link has, whatever it invites into (AUTH9, ORG3). */
export interface InvitationBase {
  tokenHash: string;
  email: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
}

export interface Invitation extends InvitationBase {
  accompanimentId: string;
}

export interface OrganisationInvitation extends InvitationBase {
  organisationId: string;
}

/**
 * One table of single-use invitation links, scoped by one column (an accompaniment, an organisation).
 * Only the SHA-256 of the token is stored.
 */
class InvitationTable {
  readonly #sql: Sql;
  readonly #table: string;
  readonly scope: string;

  constructor(sql: Sql, table: string, scope: string) {
    this.#sql = sql;
    this.#table = table;
    this.scope = scope;
  }

  async create(scopeId: string, input: Omit<InvitationBase, 'usedAt' | 'revokedAt'>): Promise<void> {
    await this.#sql.run(
      `INSERT INTO ${this.#table} (token_hash, ${this.scope}, email, created_by, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      input.tokenHash,
      scopeId,
      input.email,
      input.createdBy,
      input.createdAt,
      input.expiresAt,
    );
  }

  async find(tokenHash: string): Promise<{ base: InvitationBase; scopeId: string } | null> {
    const row = await this.#sql.get(`SELECT * FROM ${this.#table} WHERE token_hash = ?`, tokenHash);
    if (!row) return null;
    return {
      scopeId: text(row, this.scope),
      base: {
        tokenHash: text(row, 'token_hash'),
        email: text(row, 'email'),
        createdBy: text(row, 'created_by'),
        createdAt: int(row, 'created_at'),
        expiresAt: int(row, 'expires_at'),
        usedAt: intOrNull(row, 'used_at'),
        revokedAt: intOrNull(row, 'revoked_at'),
      },
    };
  }

  async markUsed(tokenHash: string, userId: string, now: number): Promise<boolean> {
    const result = await this.#sql.run(
      `UPDATE ${this.#table} SET used_at = ?, used_by = ?
        WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL`,
      now,
      userId,
      tokenHash,
    );
    return result.changes === 1;
  }

  async revokePending(scopeId: string, now: number, email?: string): Promise<void> {
    const pending = `UPDATE ${this.#table} SET revoked_at = ?
                      WHERE ${this.scope} = ? AND used_at IS NULL AND revoked_at IS NULL`;
    if (email === undefined) await this.#sql.run(pending, now, scopeId);
    else await this.#sql.run(`${pending} AND email = ?`, now, scopeId, email);
  }
}

/** Invitations of a learner into an accompaniment (AUTH9). */
export class Invitations {
  readonly #table: InvitationTable;

  constructor(sql: Sql) {
    this.#table = new InvitationTable(sql, 'invitations', 'accompaniment_id');
  }

  async create(input: Omit<Invitation, 'usedAt' | 'revokedAt'>): Promise<void> {
    await this.#table.create(input.accompanimentId, input);
  }

  async find(tokenHash: string): Promise<Invitation | null> {
    const found = await this.#table.find(tokenHash);
    return found ? { ...found.base, accompanimentId: found.scopeId } : null;
  }

  /** Single use: false when the invitation was already used or revoked. */
  async markUsed(tokenHash: string, userId: string, now = Date.now()): Promise<boolean> {
    return this.#table.markUsed(tokenHash, userId, now);
  }

  /** A new invitation supersedes the pending ones of the same accompaniment. */
  async revokePending(accompanimentId: string, now = Date.now()): Promise<void> {
    await this.#table.revokePending(accompanimentId, now);
  }
}

/** Invitations of a coach into an organisation (ORG3). */
export class OrganisationInvitations {
  readonly #sql: Sql;
  readonly #table: InvitationTable;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new InvitationTable(sql, 'organisation_invitations', 'organisation_id');
  }

  /** A new invitation supersedes the pending ones of the same organisation for the same address. */
  async create(input: Omit<OrganisationInvitation, 'usedAt' | 'revokedAt'>): Promise<void> {
    await this.#sql.transaction(async () => {
      await this.#table.revokePending(input.organisationId, input.createdAt, input.email);
      await this.#table.create(input.organisationId, input);
    });
  }

  async find(tokenHash: string): Promise<OrganisationInvitation | null> {
    const found = await this.#table.find(tokenHash);
    return found ? { ...found.base, organisationId: found.scopeId } : null;
  }

  async markUsed(tokenHash: string, userId: string, now = Date.now()): Promise<boolean> {
    return this.#table.markUsed(tokenHash, userId, now);
  }
}
