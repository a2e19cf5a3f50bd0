/**
 * The media use cases: upload (pipeline → storage → catalog), look-up for rendering and the API, and
 * reading a variant's bytes for GET /media/:id/:variant. Media are never deleted (README "Photos and
 * video"): entries, their revisions and other entries may all show the same photo.
 */
import { monotonicFactory } from 'ulid';
import { AppError } from '../errors.js';
import type { MediaCatalog } from './catalog.js';
import {
  MEDIA_CONTENT_TYPES,
  MEDIA_ID_PATTERN,
  MEDIA_VARIANT_PATTERN,
  MediaTextSchema,
  toMediaObject,
  type MediaFormat,
  type MediaObject,
  type MediaRecord,
} from './media.js';
import { processImage, type UploadLimits } from './pipeline.js';
import type { MediaStorage, StoredObject } from './storage.js';

export interface MediaServiceOptions {
  storage: MediaStorage;
  catalog: MediaCatalog;
  limits: UploadLimits;
  now?: () => number;
}

export class MediaService {
  private readonly newId = monotonicFactory();
  private readonly now: () => number;

  constructor(private readonly options: MediaServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  get limits(): UploadLimits {
    return this.options.limits;
  }

  /** Decodes, strips and resizes `bytes`; stores every variant, then the record. */
  async upload(editorId: string, bytes: Buffer, text: unknown): Promise<MediaObject> {
    const meta = MediaTextSchema.parse(text);
    const image = await processImage(bytes, this.options.limits);
    const nowMs = this.now();
    const id = this.newId(nowMs);
    await Promise.all(
      image.variants.map((v) =>
        this.options.storage.put(`${id}/${v.width}.${v.format}`, v.bytes, MEDIA_CONTENT_TYPES[v.format]),
      ),
    );
    const record: MediaRecord = {
      id,
      width: image.width,
      height: image.height,
      widths: image.widths,
      alt: meta.alt,
      ...(meta.caption ? { caption: meta.caption } : {}),
      ...(meta.credit ? { credit: meta.credit } : {}),
      createdAt: new Date(nowMs).toISOString(),
      uploadedBy: editorId,
    };
    await this.options.catalog.save(record);
    return toMediaObject(record);
  }

  async record(id: string): Promise<MediaRecord | null> {
    return MEDIA_ID_PATTERN.test(id) ? this.options.catalog.get(id) : null;
  }

  async describe(id: string): Promise<MediaObject> {
    const record = await this.record(id);
    if (!record) throw new AppError('not_found', `media ${id} does not exist`);
    return toMediaObject(record);
  }

  /** The records of `ids` that exist (for rendering an entry's body). */
  async records(ids: Iterable<string>): Promise<Map<string, MediaRecord>> {
    const found = new Map<string, MediaRecord>();
    for (const id of new Set(ids)) {
      const record = await this.record(id);
      if (record) found.set(id, record);
    }
    return found;
  }

  /** The bytes of one variant (`960.webp`), or null for an unknown id or variant. */
  async variant(id: string, variant: string): Promise<(StoredObject & { format: MediaFormat }) | null> {
    const match = MEDIA_VARIANT_PATTERN.exec(variant);
    if (!match || !MEDIA_ID_PATTERN.test(id)) return null;
    const format = match[2] as MediaFormat;
    const stored = await this.options.storage.get(`${id}/${variant}`);
    return stored ? { ...stored, contentType: MEDIA_CONTENT_TYPES[format], format } : null;
  }
}
