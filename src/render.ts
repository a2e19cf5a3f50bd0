/**
 * Markdown subset → HTML that is safe to insert into a page as it is (SPEC §2 `html`).
 * markdown-it parses (raw HTML in the source is escaped, never passed through); sanitize-html then
 * enforces the allowlist, so even a parser bug cannot let a tag, attribute or scheme through.
 *
 * Photos: `![alt](media:<id>)` (or the server's own `/media/<id>/…` URL) alone in its paragraph becomes
 * a `<figure><picture>` of that uploaded photo's variants; an image of anything else is never loaded —
 * it becomes a plain link (http/https) or its alt text. Videos: a paragraph that is only a YouTube or
 * Vimeo URL (bare, or `[title](url)`) becomes a click-to-load placeholder that links to the video and
 * makes no request to the provider (README "Photos and video").
 */
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import sanitizeHtml from 'sanitize-html';
import { escapeHtml } from './shared/escape-html.js';
import { parseVideoUrl, playLabel, type VideoRef } from './shared/embeds.js';

/** What the renderer needs of an uploaded photo (a MediaRecord fits). */
export interface RenderMedia {
  id: string;
  width: number;
  height: number;
  /** Widths made, ascending; each as `/media/<id>/<w>.webp` and `.jpg`. */
  widths: number[];
  alt: string;
  caption?: string | undefined;
  credit?: string | undefined;
}
export type MediaLookup = ReadonlyMap<string, RenderMedia>;

interface RenderEnv {
  media: MediaLookup;
}

const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true })
  .enable([
    'paragraph',
    'newline',
    'emphasis',
    'link',
    'image',
    'autolink',
    'linkify',
    'blockquote',
    'list',
    'escape',
    'entity',
  ])
  .enable(['text_join', 'balance_pairs', 'fragments_join'], true);

const ALLOWED_SCHEMES = ['http', 'https', 'mailto'];
const LINK_REL = 'noopener noreferrer nofollow';
const MEDIA_REF = /^(?:media:|\/media\/)([0-9A-HJKMNP-TV-Z]{26})(?:\/[0-9]{1,5}\.(?:jpg|webp))?$/;
const MEDIA_SRC = /^\/media\/[0-9A-HJKMNP-TV-Z]{26}\/[0-9]{1,5}\.(?:jpg|webp)$/;
/** How wide a photo is shown: the reader column (46rem) or the whole viewport on a phone. */
const PHOTO_SIZES = '(min-width: 48rem) 46rem, 100vw';

/** The ids of uploaded media that `body` refers to (to look them up before rendering). */
export function mediaIdsIn(body: string): string[] {
  const ids = new Set<string>();
  for (const m of body.matchAll(/\]\(\s*<?(?:media:|\/media\/)([0-9A-HJKMNP-TV-Z]{26})/g)) {
    if (m[1]) ids.add(m[1]);
  }
  return [...ids];
}

function mediaIdOf(src: string): string | undefined {
  return MEDIA_REF.exec(src.trim())?.[1];
}

function srcset(media: RenderMedia, format: 'webp' | 'jpg'): string {
  return media.widths.map((w) => `/media/${media.id}/${w}.${format} ${w}w`).join(', ');
}

function mainWidth(widths: readonly number[]): number {
  const fitting = widths.filter((w) => w <= 960);
  return fitting.length > 0 ? Math.max(...fitting) : Math.min(...widths);
}

export function photoHtml(media: RenderMedia, alt: string): string {
  const caption = [media.caption, media.credit].filter(Boolean).join(' · ');
  return (
    `<figure class="lb-photo"><picture>` +
    `<source type="image/webp" srcset="${escapeHtml(srcset(media, 'webp'))}" sizes="${PHOTO_SIZES}">` +
    `<img src="/media/${media.id}/${mainWidth(media.widths)}.jpg" srcset="${escapeHtml(srcset(media, 'jpg'))}" ` +
    `sizes="${PHOTO_SIZES}" width="${media.width}" height="${media.height}" alt="${escapeHtml(alt || media.alt)}" ` +
    `loading="lazy" decoding="async"></picture>` +
    (caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : '') +
    `</figure>`
  );
}

export function videoHtml(video: VideoRef, title: string): string {
  return (
    `<figure class="lb-video"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<a class="lb-video-play" href="${escapeHtml(video.watchUrl)}">${escapeHtml(playLabel(video))}</a></figure>`
  );
}

/** A paragraph that holds one image, or one link to a video, is a block of its own (no `<p>` around). */
md.core.ruler.push('liveblog_media', (state) => {
  const tokens = state.tokens;
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [open, inline, close] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (open?.type !== 'paragraph_open' || inline?.type !== 'inline' || close?.type !== 'paragraph_close')
      continue;
    const children = (inline.children ?? []).filter(
      (t) => !(t.type === 'softbreak' || (t.type === 'text' && t.content.trim() === '')),
    );
    const [first, second, third] = children;
    if (children.length === 1 && first?.type === 'image') {
      first.meta = { block: true };
    } else if (
      children.length === 3 &&
      first?.type === 'link_open' &&
      second?.type === 'text' &&
      third?.type === 'link_close'
    ) {
      const href = first.attrGet('href') ?? '';
      const video = parseVideoUrl(href);
      if (!video) continue;
      const title =
        second.content.trim() === href.trim() || parseVideoUrl(second.content)
          ? `Video on ${video.providerName}`
          : second.content;
      const token = new state.Token('liveblog_video', '', 0);
      token.meta = { video, title };
      inline.children = [token];
    } else {
      continue;
    }
    open.hidden = true;
    close.hidden = true;
  }
});

md.renderer.rules['liveblog_video'] = (tokens: Token[], idx: number): string => {
  const meta = tokens[idx]?.meta as { video: VideoRef; title: string };
  return videoHtml(meta.video, meta.title);
};

md.renderer.rules.image = (tokens: Token[], idx: number, options, env: RenderEnv, self): string => {
  const token = tokens[idx];
  if (!token) return '';
  const src = token.attrGet('src') ?? '';
  const alt = self.renderInlineAsText(token.children ?? [], options, env);
  const id = mediaIdOf(src);
  const media = id ? env.media.get(id) : undefined;
  if (media && (token.meta as { block?: boolean } | null)?.block) return photoHtml(media, alt);
  const label = escapeHtml(alt || src);
  if (media) return `<a href="/media/${media.id}/${media.widths[media.widths.length - 1]}.jpg">${label}</a>`;
  // Never hot-link: an image from elsewhere is a link to it, and nothing is loaded.
  return /^https?:/i.test(src) ? `<a href="${escapeHtml(src)}">${label}</a>` : label;
};

const allowedSrcset = (value: string): boolean =>
  value.split(',').every((part) => MEDIA_SRC.test(part.trim().split(/\s+/)[0] ?? ''));

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'a',
    'blockquote',
    'ul',
    'ol',
    'li',
    'figure',
    'picture',
    'source',
    'img',
    'figcaption',
  ],
  allowedAttributes: {
    a: ['href', 'rel', 'class'],
    ol: ['start'],
    figure: ['class'],
    source: [{ name: 'type', multiple: false, values: ['image/webp'] }, 'srcset', 'sizes'],
    img: [
      'src',
      'srcset',
      'sizes',
      'width',
      'height',
      'alt',
      { name: 'loading', multiple: false, values: ['lazy'] },
      { name: 'decoding', multiple: false, values: ['async'] },
    ],
  },
  allowedClasses: { figure: ['lb-photo', 'lb-video'], a: ['lb-video-play'] },
  allowedSchemes: ALLOWED_SCHEMES,
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  selfClosing: ['img', 'br', 'source'],
  // An image or source is only ever one of this server's own uploaded media.
  exclusiveFilter: (frame) =>
    (frame.tag === 'img' &&
      (!MEDIA_SRC.test(frame.attribs.src ?? '') || !allowedSrcset(frame.attribs.srcset ?? ''))) ||
    (frame.tag === 'source' && !allowedSrcset(frame.attribs.srcset ?? '')),
  transformTags: {
    a: (tagName, attribs): sanitizeHtml.Tag => {
      const safe: sanitizeHtml.Attributes = {};
      // The play link keeps its class only while it points at a video page of a known provider.
      if (attribs.class === 'lb-video-play' && attribs.href && parseVideoUrl(attribs.href))
        safe.class = 'lb-video-play';
      if (attribs.href) Object.assign(safe, { href: attribs.href, rel: LINK_REL });
      return { tagName, attribs: safe };
    },
  },
};

/** Markdown link validation: absolute http(s) and mailto links, and images of uploaded media. */
md.validateLink = (url: string): boolean =>
  /^(https?:|mailto:)/i.test(url.trim()) || MEDIA_REF.test(url.trim());

/** `media`: the uploaded photos the body refers to (see mediaIdsIn); an unknown one renders as text. */
export function renderMarkdown(body: string, media: MediaLookup = new Map()): string {
  const env: RenderEnv = { media };
  return sanitizeHtml(md.render(body, env), SANITIZE).trim();
}

/** Markdown → plain text, for JSON-LD `articleBody`, Open Graph descriptions and notifications. */
export function toPlainText(html: string): string {
  // The video placeholder's button label is no part of the text.
  const withoutButtons = html.replace(/<a class="lb-video-play"[^>]*>[^<]*<\/a>/g, '');
  return sanitizeHtml(withoutButtons.replace(/<\/(p|li|blockquote|figcaption)>|<br\s*\/?>/g, '$&\n'), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{2,}/g, '\n')
    .trim();
}
