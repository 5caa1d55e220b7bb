import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { int, text, type Row } from './rows.ts';

export type UserRole = 'coach' | 'learner';

export interface User {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  createdAt: number;
}

export interface UserWithHash extends User {
  passwordHash: string;
}

export function toUser(row: Row, prefix = ''): User {
  const role = text(row, `${prefix}role`);
  return {
    id: text(row, `${prefix}id`),
    email: text(row, `${prefix}email`),
    name: text(row, `${prefix}name`),
    role: role === 'learner' ? 'learner' : 'coach',
    createdAt: int(row, `${prefix}created_at`),
  };
}

/** E-mail addresses are compared case-insensitively: stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class EmailTakenError extends Error {
  constructor() {
    super('Un compte existe déjà avec cette adresse e-mail.');
    this.name = 'EmailTakenError';
  }
}

export class Users {
  readonly #insert: StatementSync;
  readonly #byEmail: StatementSync;
  readonly #byId: StatementSync;
  readonly #count: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      'INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#byEmail = db.prepare('SELECT * FROM users WHERE email = ?');
    this.#byId = db.prepare('SELECT * FROM users WHERE id = ?');
    this.#count = db.prepare('SELECT count(*) AS n FROM users');
  }

  create(input: { email: string; name: string; role: UserRole; passwordHash: string }): User {
    const user: User = {
      id: globalThis.crypto.randomUUID(),
      email: normalizeEmail(input.email),
      name: input.name,
      role: input.role,
      createdAt: Date.now(),
    };
    try {
      this.#insert.run(user.id, user.email, user.name, user.role, input.passwordHash, user.createdAt);
    } catch (error) {
      if (error instanceof Error && /UNIQUE constraint failed: users\.email/.test(error.message))
        throw new EmailTakenError();
      throw error;
    }
    return user;
  }

  findByEmail(email: string): UserWithHash | null {
    const row = this.#byEmail.get(normalizeEmail(email));
    return row ? { ...toUser(row), passwordHash: text(row, 'password_hash') } : null;
  }

  findById(id: string): User | null {
    const row = this.#byId.get(id);
    return row ? toUser(row) : null;
  }

  count(): number {
    return int(this.#count.get() ?? { n: 0 }, 'n');
  }
}
