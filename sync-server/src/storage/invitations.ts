import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { int, intOrNull, text, type Row } from './rows.ts';

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
  readonly #insert: StatementSync;
  readonly #find: StatementSync;
  readonly #markUsed: StatementSync;
  readonly #revokePending: StatementSync;
  readonly #revokePendingFor: StatementSync;
  readonly scope: string;

  constructor(db: DatabaseSync, table: string, scope: string) {
    this.scope = scope;
    this.#insert = db.prepare(
      `INSERT INTO ${table} (token_hash, ${scope}, email, created_by, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.#find = db.prepare(`SELECT * FROM ${table} WHERE token_hash = ?`);
    this.#markUsed = db.prepare(
      `UPDATE ${table} SET used_at = ?, used_by = ? WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL`,
    );
    const pending = `UPDATE ${table} SET revoked_at = ? WHERE ${scope} = ? AND used_at IS NULL AND revoked_at IS NULL`;
    this.#revokePending = db.prepare(pending);
    this.#revokePendingFor = db.prepare(`${pending} AND email = ?`);
  }

  create(scopeId: string, input: Omit<InvitationBase, 'usedAt' | 'revokedAt'>): void {
    this.#insert.run(
      input.tokenHash,
      scopeId,
      input.email,
      input.createdBy,
      input.createdAt,
      input.expiresAt,
    );
  }

  find(tokenHash: string): { base: InvitationBase; scopeId: string } | null {
    const row: Row | undefined = this.#find.get(tokenHash);
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

  markUsed(tokenHash: string, userId: string, now: number): boolean {
    return Number(this.#markUsed.run(now, userId, tokenHash).changes) === 1;
  }

  revokePending(scopeId: string, now: number, email?: string): void {
    if (email === undefined) this.#revokePending.run(now, scopeId);
    else this.#revokePendingFor.run(now, scopeId, email);
  }
}

/** Invitations of a learner into an accompaniment (AUTH9). */
export class Invitations {
  readonly #table: InvitationTable;

  constructor(db: DatabaseSync) {
    this.#table = new InvitationTable(db, 'invitations', 'accompaniment_id');
  }

  create(input: Omit<Invitation, 'usedAt' | 'revokedAt'>): void {
    this.#table.create(input.accompanimentId, input);
  }

  find(tokenHash: string): Invitation | null {
    const found = this.#table.find(tokenHash);
    return found ? { ...found.base, accompanimentId: found.scopeId } : null;
  }

  /** Single use: false when the invitation was already used or revoked. */
  markUsed(tokenHash: string, userId: string, now = Date.now()): boolean {
    return this.#table.markUsed(tokenHash, userId, now);
  }

  /** A new invitation supersedes the pending ones of the same accompaniment. */
  revokePending(accompanimentId: string, now = Date.now()): void {
    this.#table.revokePending(accompanimentId, now);
  }
}

/** Invitations of a coach into an organisation (ORG3). */
export class OrganisationInvitations {
  readonly #table: InvitationTable;

  constructor(db: DatabaseSync) {
    this.#table = new InvitationTable(db, 'organisation_invitations', 'organisation_id');
  }

  /** A new invitation supersedes the pending ones of the same organisation for the same address. */
  create(input: Omit<OrganisationInvitation, 'usedAt' | 'revokedAt'>): void {
    this.#table.revokePending(input.organisationId, input.createdAt, input.email);
    this.#table.create(input.organisationId, input);
  }

  find(tokenHash: string): OrganisationInvitation | null {
    const found = this.#table.find(tokenHash);
    return found ? { ...found.base, organisationId: found.scopeId } : null;
  }

  markUsed(tokenHash: string, userId: string, now = Date.now()): boolean {
    return this.#table.markUsed(tokenHash, userId, now);
  }
}
