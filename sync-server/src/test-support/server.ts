import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../app.ts';
import { memoryLogger } from '../log/logger.ts';
import { withTempSchema, type TempSchema } from './postgres.ts';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Every log line of this server (checked for secrets in tests). */
  logs: string[];
  /** Same data folder (and database), new process-local server (new port). */
  restart(): Promise<TestServer>;
  /** Closes and deletes the data folder (and the database schema). */
  dispose(): Promise<void>;
}

export function tempDir(prefix = 'compagnon-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/**
 * The storage the server suites run on: SQLite by default; `COMPAGNON_TEST_STORAGE=postgres` runs the
 * same suites on PostgreSQL (`TEST_DATABASE_URL`), each server in a schema of its own (PERSIST6).
 */
export function testStorageBackend(): 'sqlite' | 'postgres' {
  return process.env['COMPAGNON_TEST_STORAGE'] === 'postgres' ? 'postgres' : 'sqlite';
}

/** A real server on a free port with a real database: SQLite in a temporary folder, or a PostgreSQL schema. */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const schema: TempSchema | null =
    options.databaseUrl === undefined && testStorageBackend() === 'postgres' ? await withTempSchema() : null;
  return start(options, schema);
}

async function start(options: Partial<ServerOptions>, schema: TempSchema | null): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const log = memoryLogger();
  const server = await startServer({
    port: 0,
    webDir: path.join(dataDir, 'no-web-build'),
    ...(schema ? { databaseUrl: schema.url, databaseSchema: schema.schema } : {}),
    ...options,
    dataDir,
    log,
  });
  const test: TestServer = {
    ...server,
    dataDir,
    logs: log.lines,
    restart: async () => {
      await server.close();
      return start({ ...options, dataDir }, schema);
    },
    dispose: async () => {
      await server.close();
      await schema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return test;
}
