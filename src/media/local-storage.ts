/** MediaStorage in a local directory (MEDIA_DIR): one file per key, written atomically (temp + rename). */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MEDIA_CONTENT_TYPES } from './media.js';
import { assertMediaKey, type MediaStorage, type StoredObject } from './storage.js';

function contentTypeOf(key: string): string {
  if (key.endsWith('.webp')) return MEDIA_CONTENT_TYPES.webp;
  if (key.endsWith('.jpg')) return MEDIA_CONTENT_TYPES.jpg;
  return 'application/octet-stream';
}

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

export class LocalMediaStorage implements MediaStorage {
  constructor(private readonly root: string) {}

  /** The content type is not stored: it follows from the key's extension (`.jpg`, `.webp`). */
  async put(key: string, bytes: Buffer, _contentType: string): Promise<void> {
    assertMediaKey(key);
    const path = join(this.root, key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, path);
  }

  async get(key: string): Promise<StoredObject | null> {
    assertMediaKey(key);
    try {
      return { bytes: await readFile(join(this.root, key)), contentType: contentTypeOf(key) };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertMediaKey(key);
    await rm(join(this.root, key), { force: true });
  }
}
