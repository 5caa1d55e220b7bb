import { int, text, type Row } from './rows.ts';
import { isUniqueViolation, type Sql } from './sql.ts';

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
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(input: { email: string; name: string; role: UserRole; passwordHash: string }): Promise<User> {
    const user: User = {
      id: globalThis.crypto.randomUUID(),
      email: normalizeEmail(input.email),
      name: input.name,
      role: input.role,
      createdAt: Date.now(),
    };
    try {
      await this.#sql.run(
        'INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        user.id,
        user.email,
        user.name,
        user.role,
        input.passwordHash,
        user.createdAt,
      );
    } catch (error) {
      if (isUniqueViolation(error, 'users', 'email')) throw new EmailTakenError();
      throw error;
    }
    return user;
  }

  async findByEmail(email: string): Promise<UserWithHash | null> {
    const row = await this.#sql.get('SELECT * FROM users WHERE email = ?', normalizeEmail(email));
    return row ? { ...toUser(row), passwordHash: text(row, 'password_hash') } : null;
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.#sql.get('SELECT * FROM users WHERE id = ?', id);
    return row ? toUser(row) : null;
  }

  async count(): Promise<number> {
    return int((await this.#sql.get('SELECT count(*) AS n FROM users')) ?? { n: 0 }, 'n');
  }
}
