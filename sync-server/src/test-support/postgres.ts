import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the tests use: `TEST_DATABASE_URL`, else the local server on loopback. */
export function testDatabaseUrl(): string {
  return process.env['TEST_DATABASE_URL'] || 'postgres://root@127.0.0.1:5432/test';
}

export interface TempSchema {
  /** `t_<random hex>`: a plain identifier, usable unquoted. */
  readonly schema: string;
  readonly url: string;
  /** Settings for a `pg.Client` or `pg.Pool` whose every connection works in the schema (search_path). */
  readonly config: pg.ClientConfig;
  /** Drops the schema and all it holds; end the connections that use it first, or this waits for them. */
  drop(): Promise<void>;
}

/** Creates a schema of its own for one test run, so that runs in parallel never see each other's tables. */
export async function withTempSchema(url: string = testDatabaseUrl()): Promise<TempSchema> {
  const schema = `t_${randomBytes(8).toString('hex')}`;
  await once(url, `CREATE SCHEMA ${schema}`);
  return {
    schema,
    url,
    config: { connectionString: url, options: `-c search_path=${schema}` },
    drop: () => once(url, `DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

async function once(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
