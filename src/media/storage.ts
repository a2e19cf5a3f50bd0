/**
 * Where the bytes of media variants live. Keys are `<mediaId>/<variant>` (e.g. `01HS…/960.webp`);
 * implementations: LocalMediaStorage (a directory, the default) and S3MediaStorage (S3-compatible
 * object storage, for several instances). One contract suite (test/integration/media-storage-contract)
 * runs against both.
 */
export interface StoredObject {
  bytes: Buffer;
  contentType: string;
}

export interface MediaStorage {
  /** Stores (or replaces) the object under `key`. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The object, or null when there is none. */
  get(key: string): Promise<StoredObject | null>;
  /** Removes the object; removing a missing one is no error. */
  delete(key: string): Promise<void>;
}

/** Keys are path-like segments of safe characters: no `..`, no leading slash, no backslash. */
const KEY_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

export function assertMediaKey(key: string): void {
  if (!KEY_PATTERN.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`invalid media storage key: ${JSON.stringify(key)}`);
  }
}
