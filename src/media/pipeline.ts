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
  const decoded = sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'error' })
    .rotate()
    .toColourspace('srgb');
  const variants: EncodedVariant[] = [];
  try {
    for (const width of widths) {
      const resized = decoded.clone().resize({ width, withoutEnlargement: true });
      for (const format of ['webp', 'jpg'] as const) {
        const encoder =
          format === 'webp'
            ? resized.clone().webp({ quality: WEBP_QUALITY })
            : resized
                .clone()
                .flatten({ background: '#ffffff' })
                .jpeg({ quality: JPEG_QUALITY, mozjpeg: true });
        const { data, info } = await encoder.toBuffer({ resolveWithObject: true });
        variants.push({ width, height: info.height, format, bytes: data });
      }
    }
  } catch {
    throw new AppError('invalid', 'the image could not be decoded (truncated or corrupt)');
  }
  const largest = variants[variants.length - 1];
  if (!largest) throw new AppError('invalid', 'the image could not be decoded');
  return { width: largest.width, height: largest.height, widths, variants };
}
