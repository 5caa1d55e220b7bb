import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../log/logger.ts';
import { tempDir } from '../test-support/server.ts';
import { Checkpointer } from './checkpointer.ts';
import { DATABASE_FILE } from './db.ts';
import { openStorage, type Storage } from './storage.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function open(): { storage: Storage; file: string } {
  const dir = tempDir('compagnon-checkpoint-');
  dirs.push(dir);
  return { storage: openStorage(dir), file: path.join(dir, DATABASE_FILE) };
}

const pragma = (storage: Storage, sql: string): Record<string, unknown> =>
  storage.sqlite!.prepare(sql).get() ?? {};

/** Appends `n` updates, one transaction each, spread over many documents (so over many pages). */
async function write(storage: Storage, n: number, from = 0): Promise<void> {
  const data = new Uint8Array(64).fill(7);
  for (let i = from; i < from + n; i++)
    await storage.transaction(() => storage.docs.append(`acc:doc-${i % 300}:shared`, data));
}

async function until(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('until: timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('checkpointer', () => {
  it('[PERSIST3] the main connection never checkpoints; a worker copies the WAL back into the database', async () => {
    const { storage, file } = open();
    const checkpointer = new Checkpointer(storage.sqlite!, memoryLogger(), 20);
    try {
      expect(pragma(storage, 'PRAGMA wal_autocheckpoint')['wal_autocheckpoint']).toBe(0);
      const before = statSync(file).size;
      await write(storage, 3000);
      // Only the worker writes the database file itself: it grows while this thread just waits.
      await until(() => statSync(file).size > before);
      // Everything stays readable and in order through this connection.
      expect(await storage.docs.count('acc:doc-0:shared')).toBe(10);
    } finally {
      await checkpointer.close();
    }
    expect(pragma(storage, 'PRAGMA wal_autocheckpoint')['wal_autocheckpoint']).toBe(1000);
    await storage.close();
  });

  it('[PERSIST3] under writes that never pause, the WAL still starts over and stays bounded', async () => {
    const { storage, file } = open();
    const checkpointer = new Checkpointer(storage.sqlite!, memoryLogger(), 20);
    await checkpointer.ready;
    try {
      // ~15,000 commits of 2–3 pages each: without ever starting over, the WAL would pass 100 MiB.
      for (let i = 0; i < 15_000; i += 50) {
        await write(storage, 50, i);
        // What the group commit does after each flush; then a short wait, for the worker's reports.
        checkpointer.afterFlush();
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      expect(statSync(`${file}-wal`).size).toBeLessThan(40 * 1024 * 1024);
      expect(await storage.docs.count('acc:doc-0:shared')).toBe(50);
    } finally {
      await checkpointer.close();
      await storage.close();
    }
  });

  it('an in-memory database has nothing to checkpoint and no worker', async () => {
    const storage = openStorage(tempDir('compagnon-checkpoint-mem-'));
    const { DatabaseSync } = await import('node:sqlite');
    const memory = new DatabaseSync(':memory:');
    const checkpointer = new Checkpointer(memory, memoryLogger());
    checkpointer.afterFlush();
    await checkpointer.close();
    memory.close();
    await storage.close();
  });
});
