/**
 * The upload pipeline: decode whatever image came in, refuse what is not one or is too large, apply its
 * orientation, and re-encode every variant from the pixels alone — so no metadata of the original
 * (EXIF with GPS, XMP, IPTC, ICC profiles, comments) reaches a stored byte. Colours are converted to
 * sRGB first. Pure of storage: it answers buffers.
 */
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../errors.js';
import { widthsFor, type MediaFormat } from './media.js';

/** What an upload may be at most; both are configurable (MEDIA_MAX_BYTES, MEDIA_MAX_PIXELS). */
export interface UploadLimits {
  maxBytes: number;
  maxPixels: number;
}

export const MEDIA_MAX_BYTES_DEFAULT = 15 * 1024 * 1024;
export const MEDIA_MAX_PIXELS_DEFAULT = 50_000_000;

/** Formats accepted as input. SVG (scripts, external references) and PDF are not photos: refused. */
const INPUT_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff']);
const JPEG_QUALITY = 82;
const WEBP_QUALITY = 78;

export interface EncodedVariant {
  width: number;
  height: number;
  format: MediaFormat;
  bytes: Buffer;
}

export interface ProcessedImage {
  /** Size of the largest variant, orientation applied. */
  width: number;
  height: number;
  widths: number[];
  variants: EncodedVariant[];
}

export async function processImage(input: Buffer, limits: UploadLimits): Promise<ProcessedImage> {
  if (input.length === 0) throw new AppError('invalid', 'the body must be the image bytes');
  if (input.length > limits.maxBytes) {
    throw new AppError('too_large', `an image may be at most ${limits.maxBytes} bytes`);
  }
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new AppError(
      'invalid',
      'the body is not an image sharp can read (JPEG, PNG, WebP, GIF, AVIF, HEIF, TIFF)',
    );
  }
  if (!meta.format || !INPUT_FORMATS.has(meta.format) || !meta.width || !meta.height) {
    throw new AppError('invalid', `not an accepted image format (${meta.format ?? 'unknown'})`);
  }
  if (meta.width * meta.height > limits.maxPixels) {
    throw new AppError('too_large', `an image may have at most ${limits.maxPixels} pixels`);
  }
  // EXIF orientations 5–8 turn the picture a quarter: width and height swap.
  const orientedWidth = (meta.orientation ?? 1) >= 5 ? meta.height : meta.width;
  const widths = widthsFor(orientedWidth);
  const variants: EncodedVariant[] = [];
  try {
    // Decoded once, upright and in sRGB, to bare pixels: every variant is made from these alone.
    const { data, info } = await sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'error' })
      .rotate()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    for (const width of widths) {
      const resized = await sharp(data, raw)
        .resize({ width, withoutEnlargement: true })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const pixels = {
        raw: { width: resized.info.width, height: resized.info.height, channels: resized.info.channels },
      };
      for (const format of ['webp', 'jpg'] as const) {
        const image = sharp(resized.data, pixels);
        const encoded =
          format === 'webp'
            ? await image.webp({ quality: WEBP_QUALITY }).toBuffer()
            : await image
                .flatten({ background: '#ffffff' })
                .jpeg({ quality: JPEG_QUALITY, progressive: true })
                .toBuffer();
        variants.push({ width, height: resized.info.height, format, bytes: encoded });
      }
    }
  } catch {
    throw new AppError('invalid', 'the image could not be decoded (truncated or corrupt)');
  }
  const largest = variants[variants.length - 1];
  if (!largest) throw new AppError('invalid', 'the image could not be decoded');
  return { width: largest.width, height: largest.height, widths, variants };
}
