/**
 * One MediaStorage contract, run against every implementation: the local directory and S3-compatible
 * storage (a real s3rver on a free loopback port, started here).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalMediaStorage } from '../../src/media/local-storage.js';
import { S3MediaStorage } from '../../src/media/s3-storage.js';
import type { MediaStorage } from '../../src/media/storage.js';
import { startLocalS3, type LocalS3 } from '../helpers/s3-server.js';

interface Implementation {
  name: string;
  setUp(): Promise<{ storage: MediaStorage; tearDown(): Promise<void> }>;
}

const implementations: Implementation[] = [
  {
    name: 'LocalMediaStorage',
    async setUp() {
      const dir = await mkdtemp(join(tmpdir(), 'liveblog-media-contract-'));
      return {
        storage: new LocalMediaStorage(join(dir, 'not-yet-created')),
        tearDown: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'S3MediaStorage (s3rver)',
    async setUp() {
      const s3: LocalS3 = await startLocalS3();
      const storage = new S3MediaStorage({
        bucket: s3.bucket,
        endpoint: s3.endpoint,
        region: 'us-east-1',
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        prefix: 'test/',
      });
      return {
        storage,
        async tearDown() {
          storage.close();
          await s3.stop();
        },
      };
    },
  },
];

for (const impl of implementations) {
  describe(`MediaStorage contract: ${impl.name}`, () => {
    let storage: MediaStorage;
    let fixture: Awaited<ReturnType<Implementation['setUp']>> | undefined;
    beforeAll(async () => {
      fixture = await impl.setUp();
      storage = fixture.storage;
    });
    afterAll(async () => {
      await fixture?.tearDown();
    });

    it('gives back exactly the bytes and content type that were put', async () => {
      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
      await storage.put('01HSABCDEFGHJKMNPQRSTVWXYZ/960.webp', bytes, 'image/webp');
      const got = await storage.get('01HSABCDEFGHJKMNPQRSTVWXYZ/960.webp');
      expect(got?.contentType).toBe('image/webp');
      expect(got?.bytes.equals(bytes)).toBe(true);
    });

    it('answers null for a key never put', async () => {
      expect(await storage.get('01HSABCDEFGHJKMNPQRSTVWX00/480.jpg')).toBeNull();
    });

    it('replaces an object put again under the same key', async () => {
      await storage.put('01HSABCDEFGHJKMNPQRSTVWXY0/480.jpg', Buffer.from('first'), 'image/jpeg');
      await storage.put('01HSABCDEFGHJKMNPQRSTVWXY0/480.jpg', Buffer.from('second'), 'image/jpeg');
      const got = await storage.get('01HSABCDEFGHJKMNPQRSTVWXY0/480.jpg');
      expect(got?.bytes.toString()).toBe('second');
      expect(got?.contentType).toBe('image/jpeg');
    });

    it('keeps keys apart: one key never answers with another key’s bytes', async () => {
      await storage.put('01HSABCDEFGHJKMNPQRSTVWXY1/480.jpg', Buffer.from('one'), 'image/jpeg');
      await storage.put('01HSABCDEFGHJKMNPQRSTVWXY1/960.jpg', Buffer.from('two'), 'image/jpeg');
      expect((await storage.get('01HSABCDEFGHJKMNPQRSTVWXY1/480.jpg'))?.bytes.toString()).toBe('one');
      expect((await storage.get('01HSABCDEFGHJKMNPQRSTVWXY1/960.jpg'))?.bytes.toString()).toBe('two');
    });

    it('deletes an object, and deleting a missing one is no error', async () => {
      await storage.put('01HSABCDEFGHJKMNPQRSTVWXY2/480.jpg', Buffer.from('gone'), 'image/jpeg');
      await storage.delete('01HSABCDEFGHJKMNPQRSTVWXY2/480.jpg');
      expect(await storage.get('01HSABCDEFGHJKMNPQRSTVWXY2/480.jpg')).toBeNull();
      await expect(storage.delete('01HSABCDEFGHJKMNPQRSTVWXY2/480.jpg')).resolves.toBeUndefined();
    });

    it('refuses keys that could leave its space', async () => {
      for (const key of ['../etc/passwd', '/abs/480.jpg', 'a/../../b.jpg', 'a\\b.jpg', '', 'a//b.jpg']) {
        await expect(storage.put(key, Buffer.from('x'), 'image/jpeg')).rejects.toThrow(
          /invalid media storage key/,
        );
        await expect(storage.get(key)).rejects.toThrow(/invalid media storage key/);
      }
    });
  });
}
