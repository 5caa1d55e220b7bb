import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import {
  isTransactionConflict,
  numberedPlaceholders,
  type Row,
  type RunResult,
  type Sql,
  type SqlValue,
} from './sql.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Epoch milliseconds and counts are BIGINT: read them as numbers, like SQLite gives them. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;

const MAX_ATTEMPTS = 8;

export interface PostgresOptions {
  /** Schema to work in (created if missing); tests use one per run. Default: the server's search_path. */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
}

function toParam(value: SqlValue): unknown {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * `Sql` over a PostgreSQL pool. A transaction holds one pooled client for its duration; every statement
 * issued inside it (found through AsyncLocalStorage) goes to that client.
 */
export class PostgresSql implements Sql {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  readonly #context = new AsyncLocalStorage<pg.PoolClient>();
  readonly #texts = new Map<string, string>();
  #savepoints = 0;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  get inTransaction(): boolean {
    return this.#context.getStore() !== undefined;
  }

  async get(sql: string, ...params: readonly SqlValue[]): Promise<Row | undefined> {
    return (await this.#query(sql, params)).rows[0];
  }

  async all(sql: string, ...params: readonly SqlValue[]): Promise<Row[]> {
    return (await this.#query(sql, params)).rows;
  }

  async run(sql: string, ...params: readonly SqlValue[]): Promise<RunResult> {
    return { changes: (await this.#query(sql, params)).rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await (this.#context.getStore() ?? this.pool).query(sql);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn();
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        const result = await this.#context.run(client, fn);
        // A transaction that hit an error is aborted, and its COMMIT silently rolls back: never report
        // such a transaction as stored.
        const commit = await client.query('COMMIT');
        if (commit.command === 'ROLLBACK')
          throw Object.assign(new Error('Transaction annulée par PostgreSQL après une erreur.'), {
            code: 'ROLLBACK',
          });
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        if (!isTransactionConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
      } finally {
        client.release(broken);
      }
      // Contended rows: back off a little, with jitter, before running the transaction again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const client = this.#context.getStore();
    if (!client) throw new Error('savepoint hors transaction');
    const name = `sp_${++this.#savepoints}`;
    await client.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      await client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      // A conflict dooms the whole transaction: rolling back to the savepoint would hide it.
      if (!isTransactionConflict(error)) await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  #query(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult<Row>> {
    let text = this.#texts.get(sql);
    if (text === undefined) {
      text = numberedPlaceholders(sql);
      this.#texts.set(sql, text);
    }
    return (this.#context.getStore() ?? this.pool).query<Row>(text, params.map(toParam));
  }
}

/** Opens a pool on `url` (postgres://…), creating the schema when one is named. */
export async function openPostgresSql(url: string, options: PostgresOptions = {}): Promise<PostgresSql> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new Error(`Nom de schéma PostgreSQL invalide : ${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its server (restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  return new PostgresSql(pool);
}
