import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../app.ts';
import { memoryLogger } from '../log/logger.ts';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Every log line of this server (checked for secrets in tests). */
  logs: string[];
  /** Same data folder, new process-local server (new port). */
  restart(): Promise<TestServer>;
  /** Closes and deletes the data folder. */
  dispose(): Promise<void>;
}

export function tempDir(prefix = 'compagnon-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A real server on a free port with a real SQLite database in a temporary folder. */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const log = memoryLogger();
  const server = await startServer({
    port: 0,
    webDir: path.join(dataDir, 'no-web-build'),
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
      return startTestServer({ ...options, dataDir });
    },
    dispose: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return test;
}
