// The one SQL interface of the server, over two backends: SQLite (`node:sqlite`, the zero-setup default) and
// PostgreSQL (several instances). Queries are written once, in the subset both understand: `?` placeholders,
// `ON CONFLICT … DO …` instead of `INSERT OR IGNORE`, `RETURNING id` instead of a last-row id, `coalesce`,
// `||`. Where a query cannot be shared, `dialect` chooses between two texts.

/** A value bound to a placeholder or read from a column. Booleans are stored as 0/1. */
export type SqlValue = string | number | bigint | Uint8Array | null;

export type Row = Record<string, SqlValue>;

export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

export type Dialect = 'sqlite' | 'postgres';

export interface Sql {
  readonly dialect: Dialect;
  get(sql: string, ...params: readonly SqlValue[]): Promise<Row | undefined>;
  all(sql: string, ...params: readonly SqlValue[]): Promise<Row[]>;
  run(sql: string, ...params: readonly SqlValue[]): Promise<RunResult>;
  /** Runs statements without parameters (schema changes); may hold several statements. */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction, committed when it resolves and rolled back when it throws. Every
   * statement issued while `fn` runs (however deep the calls) belongs to it; a nested call joins the outer
   * transaction. On PostgreSQL the transaction is SERIALIZABLE and retried when the server asks for it, so
   * `fn` must not have effects outside the database.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: runs `fn` under a savepoint, so that its failure undoes only its own statements
   * and leaves the transaction usable (PostgreSQL otherwise aborts the whole transaction on any error).
   * The error is rethrown.
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
  /** True while the caller runs inside `transaction`. */
  readonly inTransaction: boolean;
  close(): Promise<void>;
}

/**
 * Rewrites `?` placeholders into `$1, $2…` (and `?7` into `$7`), leaving quoted strings alone.
 */
export function numberedPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      let digits = '';
      while (i + 1 < sql.length && sql[i + 1]! >= '0' && sql[i + 1]! <= '9') digits += sql[++i];
      out += `$${digits === '' ? ++n : digits}`;
    } else out += ch;
  }
  return out;
}

/**
 * True when `error` is a unique-key violation on `table`(`column`), from either backend: SQLite says
 * "UNIQUE constraint failed: table.column", PostgreSQL gives SQLSTATE 23505 with the key in its detail.
 */
export function isUniqueViolation(error: unknown, table: string, column: string): boolean {
  if (!(error instanceof Error)) return false;
  const pg = error as Error & { code?: string; table?: string; detail?: string };
  if (pg.code === '23505') return pg.table === table && (pg.detail ?? '').includes(`(${column})`);
  return error.message.includes(`UNIQUE constraint failed: ${table}.${column}`);
}

/**
 * True when the database gave up on the transaction because of a concurrent one (PostgreSQL serialization
 * failure or deadlock): the whole transaction must run again, a savepoint cannot save it.
 */
export function isTransactionConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}
