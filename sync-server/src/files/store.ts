import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';

const TMP_PREFIX = '.tmp-';

/**
 * The bytes of uploaded files, one file per id in `DATA_DIR/files` (FILE3). A file is written to a
 * temporary name, synced, then renamed: a crash never leaves a half-written file under its final name.
 * Ids are always the server's own UUIDs, never a client's string.
 */
export class FileStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    // Leftovers of uploads interrupted by a crash.
    for (const name of readdirSync(dir))
      if (name.startsWith(TMP_PREFIX)) rmSync(path.join(dir, name), { force: true });
  }

  #path(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('identifiant de fichier invalide');
    return path.join(this.dir, id);
  }

  /** Writes the bytes durably under `id`; returns their SHA-256 (hex). */
  async write(id: string, bytes: Uint8Array): Promise<string> {
    const final = this.#path(id);
    const tmp = path.join(this.dir, `${TMP_PREFIX}${id}`);
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, final);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    return createHash('sha256').update(bytes).digest('hex');
  }

  async remove(id: string): Promise<void> {
    await rm(this.#path(id), { force: true });
  }

  /** Whether the bytes of `id` are on disk. */
  async exists(id: string): Promise<boolean> {
    try {
      return (await stat(this.#path(id))).isFile();
    } catch {
      return false;
    }
  }

  /** The bytes as a web stream, for the response body. */
  stream(id: string): ReadableStream<Uint8Array> {
    return Readable.toWeb(createReadStream(this.#path(id))) as ReadableStream<Uint8Array>;
  }
}
