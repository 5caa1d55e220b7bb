import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTempSchema, type TempSchema } from '../test-support/postgres.ts';
import { migrate } from './db.ts';
import { PG_MIGRATIONS } from './postgres-schema.ts';

// Both backends are read back from their catalogues into one shape, with SQLite's types mapped as
// postgres-schema.ts maps them, and compared whole: a difference names the table, column or index.

interface Column {
  type: string;
  notNull: boolean;
  default: string | null;
  /** SQLite integer key (rowid alias, AUTOINCREMENT) ↔ PostgreSQL identity. */
  identity: boolean;
}

interface Table {
  columns: Record<string, Column>;
  primaryKey: string[];
  /** Column lists of UNIQUE constraints, sorted. */
  uniques: string[];
  checks: number;
}

interface Index {
  table: string;
  columns: string[];
  unique: boolean;
  where: string | null;
}

interface Trigger {
  table: string;
  timing: string;
  event: string;
  /** The WHEN clause, normalised. */
  condition: string | null;
  message: string | null;
}

interface Schema {
  tables: Record<string, Table>;
  indexes: Record<string, Index>;
  /** `table.column -> table.column ON DELETE … ON UPDATE …`, sorted. */
  foreignKeys: string[];
  triggers: Record<string, Trigger>;
}

const SQLITE_TYPES: Record<string, string> = {
  INTEGER: 'bigint',
  TEXT: 'text',
  REAL: 'double precision',
  BLOB: 'bytea',
};

/** `'active'::text` → `'active'`: the casts PostgreSQL writes into defaults. */
const normaliseDefault = (value: string | null): string | null =>
  value === null ? null : value.replace(/::[a-z ]+$/, '');

/** Predicates as both catalogues print them, without casts, parentheses or case differences. */
const normalisePredicate = (value: string | null): string | null =>
  value === null
    ? null
    : value
        .replace(/::[a-z ]+/g, '')
        .replace(/[()]/g, '')
        .replace(/\s+/g, ' ')
        .trim()
        .toLowerCase();

/** SQLite's `a IS NOT b` between values is PostgreSQL's `a IS DISTINCT FROM b`. */
const sqliteCondition = (value: string | null): string | null =>
  normalisePredicate(value)?.replace(/\bis not (?!null\b)/g, 'is distinct from ') ?? null;

const countChecks = (sql: string): number => sql.match(/\bCHECK\s*\(/gi)?.length ?? 0;

const unquote = (literal: string): string => literal.replaceAll("''", "'");

function readSqlite(db: DatabaseSync): Schema {
  const str = (value: unknown): string => String(value);
  const schema: Schema = { tables: {}, indexes: {}, foreignKeys: [], triggers: {} };
  const objects = db
    .prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'`)
    .all();
  for (const object of objects.filter((o) => o['type'] === 'table')) {
    const name = str(object['name']);
    const info = db
      .prepare('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)')
      .all(name);
    const keyColumns = info
      .filter((c) => Number(c['pk']) > 0)
      .sort((a, b) => Number(a['pk']) - Number(b['pk']));
    const primaryKey = keyColumns.map((c) => str(c['name']));
    const columns: Record<string, Column> = {};
    for (const c of info) {
      const type = str(c['type']).toUpperCase();
      const inKey = Number(c['pk']) > 0;
      columns[str(c['name'])] = {
        type: SQLITE_TYPES[type] ?? `unmapped SQLite type ${type}`,
        // A declared PRIMARY KEY is NOT NULL in PostgreSQL; SQLite only fails to enforce it on TEXT keys.
        notNull: Number(c['notnull']) === 1 || inKey,
        default: c['dflt_value'] === null ? null : str(c['dflt_value']),
        identity: inKey && primaryKey.length === 1 && type === 'INTEGER',
      };
    }
    const uniques: string[] = [];
    for (const index of db.prepare('SELECT name, "unique", origin FROM pragma_index_list(?)').all(name)) {
      const indexName = str(index['name']);
      const indexColumns = db
        .prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno')
        .all(indexName)
        .map((c) => str(c['name']));
      if (index['origin'] === 'u') uniques.push(indexColumns.join(','));
      if (index['origin'] !== 'c') continue;
      const sql = str(objects.find((o) => o['name'] === indexName)?.['sql']);
      schema.indexes[indexName] = {
        table: name,
        columns: indexColumns,
        unique: Number(index['unique']) === 1,
        where: normalisePredicate(/\bWHERE\b([\s\S]*)$/i.exec(sql)?.[1] ?? null),
      };
    }
    for (const fk of db.prepare('SELECT * FROM pragma_foreign_key_list(?)').all(name))
      schema.foreignKeys.push(
        `${name}.${str(fk['from'])} -> ${str(fk['table'])}.${str(fk['to'])} ON DELETE ${str(fk['on_delete'])} ON UPDATE ${str(fk['on_update'])}`,
      );
    schema.tables[name] = {
      columns,
      primaryKey,
      uniques: uniques.sort(),
      checks: countChecks(str(object['sql'])),
    };
  }
  for (const object of objects.filter((o) => o['type'] === 'trigger')) {
    const sql = str(object['sql']);
    const header =
      /^CREATE\s+TRIGGER\s+\S+\s+(BEFORE|AFTER|INSTEAD\s+OF)\s+(INSERT|UPDATE|DELETE)\s+ON\s+\S+/i.exec(sql);
    const when = /\bWHEN\b([\s\S]*?)\bBEGIN\b/i.exec(sql.slice(header?.[0].length ?? 0))?.[1] ?? null;
    schema.triggers[str(object['name'])] = {
      table: str(object['tbl_name']),
      timing: header?.[1]?.toUpperCase() ?? `unparsed: ${sql}`,
      event: header?.[2]?.toUpperCase() ?? `unparsed: ${sql}`,
      condition: sqliteCondition(when),
      message: unquote(/RAISE\s*\(\s*ABORT\s*,\s*'((?:[^']|'')*)'\s*\)/i.exec(sql)?.[1] ?? '') || null,
    };
  }
  schema.foreignKeys.sort();
  return schema;
}

const PG_ACTIONS: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

async function readPostgres(client: pg.Client): Promise<Schema> {
  const schema: Schema = { tables: {}, indexes: {}, foreignKeys: [], triggers: {} };
  const columns = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: 'YES' | 'NO';
    column_default: string | null;
    is_identity: 'YES' | 'NO';
  }>(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default, c.is_identity
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`,
  );
  for (const c of columns.rows) {
    const table = (schema.tables[c.table_name] ??= { columns: {}, primaryKey: [], uniques: [], checks: 0 });
    table.columns[c.column_name] = {
      type: c.data_type,
      notNull: c.is_nullable === 'NO',
      default: normaliseDefault(c.column_default),
      identity: c.is_identity === 'YES',
    };
  }
  const constraints = await client.query<{
    table_name: string;
    contype: string;
    columns: string[];
    ref_table: string | null;
    ref_columns: string[];
    confdeltype: string;
    confupdtype: string;
  }>(
    `SELECT cl.relname AS table_name, co.contype,
            ARRAY(SELECT a.attname::text FROM unnest(co.conkey) WITH ORDINALITY k(num, ord)
                    JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.num ORDER BY k.ord) AS columns,
            rc.relname::text AS ref_table,
            ARRAY(SELECT a.attname::text FROM unnest(co.confkey) WITH ORDINALITY k(num, ord)
                    JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.num ORDER BY k.ord) AS ref_columns,
            co.confdeltype::text AS confdeltype, co.confupdtype::text AS confupdtype
       FROM pg_constraint co
       JOIN pg_class cl ON cl.oid = co.conrelid
       LEFT JOIN pg_class rc ON rc.oid = co.confrelid
      WHERE co.connamespace = current_schema()::regnamespace`,
  );
  for (const co of constraints.rows) {
    const table = schema.tables[co.table_name];
    if (!table) throw new Error(`constraint on unknown table ${co.table_name}`);
    if (co.contype === 'p') table.primaryKey = co.columns;
    else if (co.contype === 'u') table.uniques.push(co.columns.join(','));
    else if (co.contype === 'c') table.checks++;
    else if (co.contype === 'f')
      co.columns.forEach((column, i) =>
        schema.foreignKeys.push(
          `${co.table_name}.${column} -> ${co.ref_table}.${co.ref_columns[i]} ON DELETE ${PG_ACTIONS[co.confdeltype]} ON UPDATE ${PG_ACTIONS[co.confupdtype]}`,
        ),
      );
  }
  for (const table of Object.values(schema.tables)) table.uniques.sort();
  schema.foreignKeys.sort();
  // Indexes created by CREATE INDEX, not the ones behind PRIMARY KEY / UNIQUE constraints.
  const indexes = await client.query<{
    index_name: string;
    table_name: string;
    unique: boolean;
    columns: string[];
    predicate: string | null;
  }>(
    `SELECT ic.relname AS index_name, tc.relname AS table_name, ix.indisunique AS unique,
            ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k, true) FROM generate_series(1, ix.indnkeyatts) k ORDER BY k)
              AS columns,
            pg_get_expr(ix.indpred, ix.indrelid, true) AS predicate
       FROM pg_index ix
       JOIN pg_class ic ON ic.oid = ix.indexrelid
       JOIN pg_class tc ON tc.oid = ix.indrelid
      WHERE tc.relnamespace = current_schema()::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_constraint co
                         WHERE co.conindid = ix.indexrelid AND co.contype IN ('p', 'u', 'x'))`,
  );
  for (const ix of indexes.rows)
    schema.indexes[ix.index_name] = {
      table: ix.table_name,
      columns: ix.columns,
      unique: ix.unique,
      where: normalisePredicate(ix.predicate),
    };
  const triggers = await client.query<{
    name: string;
    table_name: string;
    tgtype: number;
    definition: string;
    source: string;
  }>(
    `SELECT t.tgname AS name, c.relname AS table_name, t.tgtype, pg_get_triggerdef(t.oid, true) AS definition,
            p.prosrc AS source
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace`,
  );
  for (const t of triggers.rows) {
    // pg_trigger.tgtype bits: 1 row, 2 before, 64 instead; 4 insert, 8 delete, 16 update, 32 truncate.
    const events = [
      [4, 'INSERT'],
      [8, 'DELETE'],
      [16, 'UPDATE'],
      [32, 'TRUNCATE'],
    ] as const;
    schema.triggers[t.name] = {
      table: t.table_name,
      timing:
        (t.tgtype & 1) === 0
          ? 'FOR EACH STATEMENT'
          : t.tgtype & 2
            ? 'BEFORE'
            : t.tgtype & 64
              ? 'INSTEAD OF'
              : 'AFTER',
      event: events
        .filter(([bit]) => t.tgtype & bit)
        .map(([, event]) => event)
        .join(' OR '),
      condition: normalisePredicate(
        /\bWHEN\s*([\s\S]*?)\s*EXECUTE\s+FUNCTION\b/i.exec(t.definition)?.[1] ?? null,
      ),
      message: unquote(/RAISE\s+EXCEPTION\s+'((?:[^']|'')*)'/i.exec(t.source)?.[1] ?? '') || null,
    };
  }
  return schema;
}

// Rows for the append-only guards to act on, in SQL both backends run as it is.
const FIXTURE = `
  INSERT INTO users (id, email, name, role, password_hash, created_at)
    VALUES ('c', 'c@example.org', 'Coach', 'coach', 'h', 1), ('l', 'l@example.org', 'Learner', 'learner', 'h', 1);
  INSERT INTO organisations (id, name, created_at) VALUES ('o', 'Structure', 1);
  INSERT INTO accompaniments (id, title, kind, hours_budget, coach_id, learner_id, created_at)
    VALUES ('a', 'Bilan', 'bilan', 24, 'c', 'l', 1);
  INSERT INTO appointments (id, accompaniment_id, coach_id, start_at, end_at, duration_minutes, mode, status,
                            created_by, created_at, updated_at)
    VALUES ('ap', 'a', 'c', 1000, 2000, 60, 'video', 'held', 'c', 1, 1);
  INSERT INTO surveys (id, accompaniment_id, learner_id, kind, sent_at, due_at) VALUES ('s', 'a', 'l', 'end', 1, 2);
  INSERT INTO synthesis_consents (id, accompaniment_id, learner_id, recipient_name, recipient_email, purpose,
                                  consented_at, hash)
    VALUES ('sc', 'a', 'l', 'Destinataire', 'r@example.org', 'financement', 1, 'h');
  INSERT INTO synthesis_validations (accompaniment_id, user_id, validated_at, hash) VALUES ('a', 'l', 1, 'h');
  INSERT INTO synthesis_sends (consent_id, accompaniment_id, sent_by, sent_at, recipient_email, hash, delivered)
    VALUES ('sc', 'a', 'c', 1, 'r@example.org', 'h', 1);
  INSERT INTO appointment_changes (appointment_id, kind, by_user_id, at) VALUES ('ap', 'booked', 'c', 1);
  INSERT INTO attendance (accompaniment_id, seq, appointment_id, user_id, role, half_day, method, device_at,
                          received_at, prev_hash, hash)
    VALUES ('a', 1, 'ap', 'l', 'learner', 'am', 'confirmed', 1, 1, '', 'h1');
  INSERT INTO survey_answers (survey_id, questionnaire_version, answers, answered_at) VALUES ('s', 1, '{}', 1);
  INSERT INTO audit_log (organisation_id, at, actor_id, action, target_type, summary)
    VALUES ('o', 1, 'c', 'accompaniment.create', 'accompaniment', 'Création');
  INSERT INTO closings (accompaniment_id, requested_at, requested_by) VALUES ('a', 1, 'c');
`;

const CONSENT = 'synthesis_consents is append-only: only a revocation may be recorded';
const ATTENDANCE_ROW = `INSERT INTO attendance (accompaniment_id, seq, appointment_id, user_id, role, half_day, method,
  device_at, received_at, corrects_seq, prev_hash, hash)`;

/** Statements run in this order on both backends, with the outcome each must have: ok, a constraint, a message. */
const PROBES: readonly (readonly [sql: string, outcome: string])[] = [
  [`UPDATE synthesis_validations SET hash = 'x'`, 'synthesis_validations is append-only'],
  [`UPDATE synthesis_sends SET delivered = 0`, 'synthesis_sends is append-only'],
  [`UPDATE appointment_changes SET reason = 'x'`, 'appointment_changes is append-only'],
  [`UPDATE attendance SET signature = 'x'`, 'attendance is append-only'],
  [`DELETE FROM attendance`, 'attendance is append-only'],
  [`UPDATE survey_answers SET answers = '[]'`, 'survey_answers is append-only'],
  [`UPDATE audit_log SET summary = 'x'`, 'audit_log is append-only'],
  [`DELETE FROM audit_log`, 'audit_log is append-only'],
  [`UPDATE synthesis_consents SET purpose = 'x', revoked_at = 5`, CONSENT],
  [`UPDATE synthesis_consents SET revoked_at = 5`, 'ok'],
  [`UPDATE synthesis_consents SET revoked_at = 6`, CONSENT],
  [`UPDATE closings SET agreed_at = 2, agreed_by = 'l'`, 'ok'],
  [`UPDATE closings SET proof = 'preuve'`, 'ok'],
  [`UPDATE closings SET facts = 'x'`, 'a closing proof is final'],
  [`DELETE FROM closings`, 'closings are kept'],
  // Evidence keeps its accompaniment: attendance and closings do not cascade.
  [`DELETE FROM accompaniments`, 'FOREIGN KEY'],
  [
    `${ATTENDANCE_ROW} VALUES ('a', 2, 'ap', 'l', 'learner', 'am', 'confirmed', 1, 1, NULL, 'h1', 'h2')`,
    'UNIQUE',
  ],
  [`${ATTENDANCE_ROW} VALUES ('a', 2, 'ap', 'l', 'learner', 'am', 'confirmed', 1, 1, 1, 'h1', 'h2')`, 'ok'],
  [
    `${ATTENDANCE_ROW} VALUES ('a', 3, 'ap', 'l', 'learner', 'pm', 'confirmed', 1, 1, NULL, 'h2', 'h3')`,
    'ok',
  ],
  [
    `INSERT INTO availabilities (coach_id, time_zone, weekly, exceptions, reminder_hours, updated_at)
       VALUES ('c', 'Europe/Paris', '{', '[]', 24, 1)`,
    'CHECK',
  ],
  [
    `INSERT INTO availabilities (coach_id, time_zone, weekly, exceptions, reminder_hours, updated_at)
       VALUES ('c', 'Europe/Paris', '{"mon": []}', '[]', 169, 1)`,
    'CHECK',
  ],
  [
    `INSERT INTO availabilities (coach_id, time_zone, weekly, exceptions, reminder_hours, updated_at)
       VALUES ('c', 'Europe/Paris', '{"mon": []}', '[]', 24, 1)`,
    'ok',
  ],
  [`INSERT INTO appointment_types (coach_id, types, updated_at) VALUES ('c', '[1,]', 1)`, 'CHECK'],
  [`INSERT INTO appointment_types (coach_id, types, updated_at) VALUES ('c', '["\\u0000"]', 1)`, 'ok'],
  [
    `INSERT INTO library_items (id, owner_id, kind, title, created_at, updated_at, exercise)
       VALUES ('li1', 'c', 'exercise', 'Exercice', 1, 1, 'pas du JSON')`,
    'CHECK',
  ],
  [
    `INSERT INTO library_items (id, owner_id, kind, title, created_at, updated_at, exercise)
       VALUES ('li1', 'c', 'resource', 'Ressource', 1, 1, NULL)`,
    'ok',
  ],
  // Only updates are guarded here: the rows go with their accompaniment (ON DELETE CASCADE).
  [`DELETE FROM synthesis_validations`, 'ok'],
];

const CONSTRAINTS = ['CHECK', 'FOREIGN KEY', 'UNIQUE', 'NOT NULL'] as const;
const PG_CONSTRAINT_CODES: Record<string, string> = {
  '23514': 'CHECK',
  '23503': 'FOREIGN KEY',
  '23505': 'UNIQUE',
  '23502': 'NOT NULL',
};

function sqliteOutcome(db: DatabaseSync, sql: string): string {
  try {
    db.exec(sql);
    return 'ok';
  } catch (error) {
    const message = (error as Error).message;
    return CONSTRAINTS.find((kind) => message.startsWith(`${kind} constraint failed`)) ?? message;
  }
}

async function postgresOutcome(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return 'ok';
  } catch (error) {
    const { code, message } = error as Error & { code?: string };
    return PG_CONSTRAINT_CODES[code ?? ''] ?? message;
  }
}

describe('schema parity between SQLite and PostgreSQL', () => {
  let sqlite: DatabaseSync;
  let temp: TempSchema;
  let client: pg.Client;
  let expected: Schema;
  let actual: Schema;

  beforeAll(async () => {
    sqlite = new DatabaseSync(':memory:');
    sqlite.exec('PRAGMA foreign_keys = ON');
    migrate(sqlite);
    temp = await withTempSchema();
    client = new pg.Client(temp.config);
    await client.connect();
    for (const sql of PG_MIGRATIONS) {
      await client.query('BEGIN');
      await client.query(sql);
      await client.query('COMMIT');
    }
    expected = readSqlite(sqlite);
    actual = await readPostgres(client);
  });

  afterAll(async () => {
    sqlite?.close();
    await client?.end();
    await temp?.drop();
  });

  it('[PERSIST6] the PostgreSQL migrations run in the test schema only', async () => {
    const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
    expect(rows[0]?.schema).toBe(temp.schema);
    expect(temp.schema).toMatch(/^t_[0-9a-f]+$/);
  });

  it('[PERSIST6] both backends have the same tables', () => {
    expect(Object.keys(actual.tables).sort()).toEqual(Object.keys(expected.tables).sort());
    expect(Object.keys(expected.tables).length).toBeGreaterThan(30);
  });

  it('[PERSIST6] same columns per table: names, NOT NULL, defaults, mapped types, identity integer keys', () => {
    for (const [name, table] of Object.entries(expected.tables))
      expect({ table: name, columns: actual.tables[name]?.columns }).toEqual({
        table: name,
        columns: table.columns,
      });
  });

  it('[PERSIST6] same primary keys, UNIQUE constraints and number of CHECK constraints', () => {
    const keys = (schema: Schema) =>
      Object.fromEntries(
        Object.entries(schema.tables).map(([name, t]) => [
          name,
          { primaryKey: t.primaryKey, uniques: t.uniques, checks: t.checks },
        ]),
      );
    expect(keys(actual)).toEqual(keys(expected));
  });

  it('[PERSIST6] same named indexes: table, columns, uniqueness and partial predicate', () => {
    expect(actual.indexes).toEqual(expected.indexes);
    expect(expected.indexes['attendance_once']).toEqual({
      table: 'attendance',
      columns: ['appointment_id', 'user_id', 'half_day'],
      unique: true,
      where: 'corrects_seq is null',
    });
  });

  it('[PERSIST6] same foreign keys with the same ON DELETE / ON UPDATE actions', () => {
    expect(actual.foreignKeys).toEqual(expected.foreignKeys);
    expect(expected.foreignKeys).toContain(
      'workshop_participants.accompaniment_id -> accompaniments.id ON DELETE SET NULL ON UPDATE NO ACTION',
    );
  });

  it('[PERSIST6] same append-only triggers: table, timing, event, condition and message', () => {
    expect(actual.triggers).toEqual(expected.triggers);
    expect(expected.triggers['synthesis_validations_no_update']).toEqual({
      table: 'synthesis_validations',
      timing: 'BEFORE',
      event: 'UPDATE',
      condition: null,
      message: 'synthesis_validations is append-only',
    });
    expect(expected.triggers['closings_proof_final']?.condition).toBe('old.proof is not null');
    expect(expected.triggers['synthesis_consents_revoke_only']?.condition).toContain(
      'new.hash is distinct from old.hash',
    );
  });

  it('[PERSIST6] the guards, CHECKs and keys refuse and allow the same statements on both backends', async () => {
    sqlite.exec(FIXTURE);
    await client.query(FIXTURE);
    const onSqlite = PROBES.map(([sql]) => [sql, sqliteOutcome(sqlite, sql)]);
    const onPostgres: (readonly [string, string])[] = [];
    for (const [sql] of PROBES) onPostgres.push([sql, await postgresOutcome(client, sql)]);
    expect(onSqlite).toEqual(PROBES);
    expect(onPostgres).toEqual(PROBES);
  });

  it('[PERSIST6] [PERSIST1] PostgreSQL never hands out a doc_updates id twice, even once the newest rows are gone', async () => {
    const insert = `INSERT INTO doc_updates (doc_name, data, created_at) VALUES ('d', '\\x00'::bytea, 1) RETURNING id`;
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(Number((await client.query<{ id: string }>(insert)).rows[0]?.id));
    await client.query(`DELETE FROM doc_updates WHERE doc_name = 'd'`);
    const next = Number((await client.query<{ id: string }>(insert)).rows[0]?.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(next).toBeGreaterThan(Math.max(...ids));
  });
});
