/**
 * What an uploaded photo is (the media object of `POST /api/media`) and the fixed rules of its variants:
 * the widths made, the formats, and the URL of each. Pure: no I/O.
 */
import { z } from 'zod';

/** Widths made for `srcset` (never wider than the oriented original; the original's own width if narrower). */
export const MEDIA_WIDTHS = [480, 960, 1600] as const;
export const MEDIA_FORMATS = ['webp', 'jpg'] as const;
export type MediaFormat = (typeof MEDIA_FORMATS)[number];
export const MEDIA_CONTENT_TYPES: Record<MediaFormat, string> = { webp: 'image/webp', jpg: 'image/jpeg' };

/** A media id: a ULID (26 characters, Crockford base 32). */
export const MEDIA_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** A variant name: `<width>.<format>`, e.g. `960.webp`. */
export const MEDIA_VARIANT_PATTERN = /^([1-9][0-9]{0,4})\.(webp|jpg)$/;

export const ALT_MAX_CHARS = 500;
export const CAPTION_MAX_CHARS = 1000;
export const CREDIT_MAX_CHARS = 200;

/** The texts an upload carries: alt text is required (a photo without it is lost to screen readers). */
export const MediaTextSchema = z
  .object({
    alt: z.string().trim().min(1, 'alt text is required').max(ALT_MAX_CHARS),
    caption: z.string().trim().max(CAPTION_MAX_CHARS).optional(),
    credit: z.string().trim().max(CREDIT_MAX_CHARS).optional(),
  })
  .strict();
export type MediaText = z.infer<typeof MediaTextSchema>;

/** What is kept of an upload (Redis `<prefix>media:<id>` or memory), enough to render and serve it. */
export const MediaRecordSchema = z.object({
  id: z.string().regex(MEDIA_ID_PATTERN),
  /** Width and height of the largest variant (the orientation applied). */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Widths made, ascending; each in every MEDIA_FORMATS. */
  widths: z.array(z.number().int().positive()).min(1),
  alt: z.string(),
  caption: z.string().optional(),
  credit: z.string().optional(),
  createdAt: z.string(),
  uploadedBy: z.string(),
});
export type MediaRecord = z.infer<typeof MediaRecordSchema>;

export interface MediaVariant {
  width: number;
  format: MediaFormat;
  contentType: string;
  url: string;
}

/** The answer of `POST /api/media` and `GET /api/media/:id`. */
export interface MediaObject {
  id: string;
  width: number;
  height: number;
  alt: string;
  caption?: string;
  credit?: string;
  createdAt: string;
  /** The Markdown that places this photo in an entry. */
  markdown: string;
  urls: { jpeg: string; webp: string; variants: MediaVariant[] };
}

export function variantUrl(id: string, width: number, format: MediaFormat): string {
  return `/media/${id}/${width}.${format}`;
}

/** The widths to make for an oriented original `width` pixels wide. */
export function widthsFor(width: number): number[] {
  const widths: number[] = MEDIA_WIDTHS.filter((w) => w < width);
  const top = Math.min(width, MEDIA_WIDTHS[MEDIA_WIDTHS.length - 1] ?? width);
  if (!widths.includes(top)) widths.push(top);
  return widths;
}

/** The `src` width: the largest one not over 960 pixels. */
export function defaultWidth(widths: readonly number[]): number {
  const fitting = widths.filter((w) => w <= 960);
  return fitting.length > 0 ? Math.max(...fitting) : Math.min(...widths);
}

/** Markdown alt text cannot hold `]` or line breaks unescaped. */
export function mediaMarkdown(id: string, alt: string): string {
  return `![${alt.replace(/[\\[\]]/g, '\\$&').replace(/\s+/g, ' ')}](media:${id})`;
}

export function toMediaObject(record: MediaRecord): MediaObject {
  const variants = record.widths.flatMap((width) =>
    MEDIA_FORMATS.map((format) => ({
      width,
      format,
      contentType: MEDIA_CONTENT_TYPES[format],
      url: variantUrl(record.id, width, format),
    })),
  );
  const main = defaultWidth(record.widths);
  return {
    id: record.id,
    width: record.width,
    height: record.height,
    alt: record.alt,
    ...(record.caption ? { caption: record.caption } : {}),
    ...(record.credit ? { credit: record.credit } : {}),
    createdAt: record.createdAt,
    markdown: mediaMarkdown(record.id, record.alt),
    urls: {
      jpeg: variantUrl(record.id, main, 'jpg'),
      webp: variantUrl(record.id, main, 'webp'),
      variants,
    },
  };
}
