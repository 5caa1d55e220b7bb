import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Row, RunResult, Sql, SqlValue } from './sql.ts';

/**
 * `Sql` over one `node:sqlite` connection. Statements run synchronously and hand back settled promises, so
 * the embedded default pays one microtask per query, not a thread hop. One connection means one
 * transaction at a time: while a transaction is open, statements from elsewhere wait for its end instead of
 * slipping into it (they would be rolled back with it), and other transactions queue.
 */
export class SqliteSql implements Sql {
  readonly dialect = 'sqlite' as const;
  readonly db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  /** Which transaction the running code belongs to (an opaque token). */
  readonly #context = new AsyncLocalStorage<object>();
  #owner: object | null = null;
  #ended: Promise<void> = Promise.resolve();
  #savepoints = 0;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  get inTransaction(): boolean {
    return this.#owner !== null && this.#context.getStore() === this.#owner;
  }

  get(sql: string, ...params: readonly SqlValue[]): Promise<Row | undefined> {
    return this.#call(() => this.#statement(sql).get(...params) as Row | undefined);
  }

  all(sql: string, ...params: readonly SqlValue[]): Promise<Row[]> {
    return this.#call(() => this.#statement(sql).all(...params) as Row[]);
  }

  run(sql: string, ...params: readonly SqlValue[]): Promise<RunResult> {
    return this.#call(() => ({ changes: Number(this.#statement(sql).run(...params).changes) }));
  }

  exec(sql: string): Promise<void> {
    return this.#call(() => this.db.exec(sql));
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn();
    while (this.#owner !== null) await this.#ended;
    const token = {};
    let end!: () => void;
    this.#owner = token;
    this.#ended = new Promise((resolve) => (end = resolve));
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await this.#context.run(token, fn);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      this.#owner = null;
      end();
    }
  }

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.inTransaction) throw new Error('savepoint hors transaction');
    const name = `sp_${++this.#savepoints}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      this.db.exec(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      this.db.exec(`ROLLBACK TO SAVEPOINT ${name}`);
      this.db.exec(`RELEASE SAVEPOINT ${name}`);
      throw error;
    }
  }

  async close(): Promise<void> {
    while (this.#owner !== null) await this.#ended;
    this.#statements.clear();
    if (this.db.isOpen) this.db.close();
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `op` now unless another context's transaction is open, in which case after it. */
  #call<T>(op: () => T): Promise<T> {
    if (this.#owner !== null && this.#context.getStore() !== this.#owner)
      return this.#ended.then(() => this.#call(op));
    try {
      return Promise.resolve(op());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
}
