/**
 * Where media records (MediaRecord: size, widths, alt, caption, credit) are kept: in Redis under
 * `<REDIS_PREFIX>media:<id>` (one plain key, so one Cluster slot) when REDIS_URL is set, in memory
 * otherwise. Records are never deleted: an entry, a revision or another entry may still show the photo.
 */
import type { Cluster, Redis } from 'ioredis';
import { MediaRecordSchema, type MediaRecord } from './media.js';

export interface MediaCatalog {
  save(record: MediaRecord): Promise<void>;
  get(id: string): Promise<MediaRecord | null>;
}

export class MemoryMediaCatalog implements MediaCatalog {
  private readonly records = new Map<string, MediaRecord>();

  save(record: MediaRecord): Promise<void> {
    this.records.set(record.id, structuredClone(record));
    return Promise.resolve();
  }

  get(id: string): Promise<MediaRecord | null> {
    const record = this.records.get(id);
    return Promise.resolve(record ? structuredClone(record) : null);
  }
}

export class RedisMediaCatalog implements MediaCatalog {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly prefix: string,
  ) {}

  key(id: string): string {
    return `${this.prefix}media:${id}`;
  }

  async save(record: MediaRecord): Promise<void> {
    await this.redis.set(this.key(record.id), JSON.stringify(record));
  }

  async get(id: string): Promise<MediaRecord | null> {
    const raw = await this.redis.get(this.key(id));
    if (raw === null) return null;
    const parsed = MediaRecordSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }
}
