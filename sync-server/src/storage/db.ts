import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from './migrations.ts';

export type SynchronousMode = 'NORMAL' | 'FULL';

export interface OpenDatabaseOptions {
  /**
   * NORMAL (default) with WAL: a committed transaction is in the WAL file once `COMMIT` returns, so it
   * survives the process being killed (kill -9); only an OS crash or power loss can drop the last commits.
   * FULL also fsyncs the WAL on every commit, surviving power loss at the cost of one fsync per commit.
   */
  synchronous?: SynchronousMode;
}

export const DATABASE_FILE = 'compagnon.sqlite';

/** Opens (creating if needed) the SQLite database of a data folder and brings its schema up to date. */
export function openDatabase(dataDir: string, options: OpenDatabaseOptions = {}): DatabaseSync {
  mkdirSync(dataDir, { recursive: true });
  const db = new DatabaseSync(path.join(dataDir, DATABASE_FILE));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  migrate(db);
  return db;
}

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get();
  return Number(row?.['user_version'] ?? 0);
}

/** Applies the migrations not yet applied, each in its own transaction with its version bump. */
export function migrate(db: DatabaseSync): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length)
    throw new Error(
      `La base de données (schéma ${current}) est plus récente que ce serveur (schéma ${MIGRATIONS.length}).`,
    );
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    const sql = MIGRATIONS[version - 1]!;
    transaction(db, () => {
      db.exec(sql);
      db.exec(`PRAGMA user_version = ${version}`);
    });
  }
}

/**
 * Runs `fn` in one write transaction (BEGIN IMMEDIATE … COMMIT). `node:sqlite` is synchronous: when this
 * returns, the transaction is committed. Nested calls join the outer transaction.
 */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
