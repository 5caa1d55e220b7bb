import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from './migrations.ts';
import type { PostgresSql } from './postgres-driver.ts';
import { PG_MIGRATIONS } from './postgres-schema.ts';

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

/** Runs `fn` in one write transaction (BEGIN IMMEDIATE … COMMIT); used by the migrations only. */
function transaction<T>(db: DatabaseSync, fn: () => T): T {
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

/** Serialises schema changes of instances starting together on one PostgreSQL (any constant will do). */
const MIGRATION_LOCK = 7_261_002;

/**
 * Brings a PostgreSQL schema up to date with `PG_MIGRATIONS`, recorded in `schema_version`. Several
 * instances may start at once: an advisory lock makes the others wait, then find nothing left to do.
 */
export async function migratePostgres(sql: PostgresSql): Promise<void> {
  const client = await sql.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)');
    const found = await client.query<{ version: number }>(
      'SELECT max(version) AS version FROM schema_version',
    );
    const current = Number(found.rows[0]?.version ?? 0);
    if (current > PG_MIGRATIONS.length)
      throw new Error(
        `La base de données (schéma ${current}) est plus récente que ce serveur (schéma ${PG_MIGRATIONS.length}).`,
      );
    for (let version = current + 1; version <= PG_MIGRATIONS.length; version++) {
      await client.query('BEGIN');
      try {
        await client.query(PG_MIGRATIONS[version - 1]!);
        await client.query('INSERT INTO schema_version (version) VALUES ($1)', [version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
