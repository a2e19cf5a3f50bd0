/**
 * A live preview of the body's Markdown subset (paragraphs, line breaks, bold, italic, links, block
 * quotes, lists), built with DOM APIs only: the user's text only ever becomes text nodes, and a link
 * only gets an href when it is http:, https: or mailto:. It approximates the server's rendering; the
 * server's `html` is what readers get.
 */

import type { RenderMedia } from '../../src/render.js';
import { parseVideoUrl, playLabel } from '../../src/shared/embeds.js';

/** The console's knowledge of uploaded photos: what it has, and a way to ask for one it lacks. */
export interface PreviewMedia {
  get(id: string): RenderMedia | undefined;
  /** Called for an id `get` does not know; the caller re-renders once it has it. */
  want(id: string): void;
}

const NO_MEDIA: PreviewMedia = { get: () => undefined, want: () => undefined };
let media: PreviewMedia = NO_MEDIA;

const SAFE_LINK = /^(https?:|mailto:)/i;
const MEDIA_ALONE = /^\s*!\[([^\]]*)\]\(\s*(?:media:|\/media\/)([0-9A-HJKMNP-TV-Z]{26})[^)\s]*\s*\)\s*$/;
const LINK_ALONE = /^\s*(?:\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/\S+))\s*$/;
const PHOTO_SIZES = '(min-width: 48rem) 46rem, 100vw';
const INLINE =
  /!\[([^\]]*)\]\(([^)\s]+)\)|\*\*(.+?)\*\*|__(.+?)__|\*([^*\s](?:[^*]*[^*\s])?)\*|_([^_\s](?:[^_]*[^_\s])?)_|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;

function appendInline(parent: Node, text: string): void {
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const index = match.index;
    if (index > last) parent.appendChild(document.createTextNode(text.slice(last, index)));
    last = index + match[0].length;
    const [, imageAlt, imageUrl, bold1, bold2, em1, em2, linkText, linkUrl, bare] = match;
    const bold = bold1 ?? bold2;
    const em = em1 ?? em2;
    if (imageUrl !== undefined) {
      // Not alone in its paragraph: as on the server, a link (external images are never loaded).
      const label = imageAlt || imageUrl;
      if (/^https?:/i.test(imageUrl)) parent.appendChild(link(imageUrl, (a) => a.append(label)));
      else parent.appendChild(document.createTextNode(label));
    } else if (bold !== undefined) {
      const strong = document.createElement('strong');
      appendInline(strong, bold);
      parent.appendChild(strong);
    } else if (em !== undefined) {
      const node = document.createElement('em');
      appendInline(node, em);
      parent.appendChild(node);
    } else if (linkText !== undefined && linkUrl !== undefined) {
      if (SAFE_LINK.test(linkUrl)) parent.appendChild(link(linkUrl, (a) => appendInline(a, linkText)));
      else parent.appendChild(document.createTextNode(match[0]));
    } else if (bare !== undefined) {
      parent.appendChild(link(bare, (a) => a.appendChild(document.createTextNode(bare))));
    }
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

function link(href: string, fill: (a: HTMLAnchorElement) => void): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = href;
  a.rel = 'noopener noreferrer nofollow';
  a.target = '_blank';
  fill(a);
  return a;
}

function appendLines(parent: Node, lines: string[]): void {
  lines.forEach((line, i) => {
    if (i > 0) parent.appendChild(document.createElement('br'));
    appendInline(parent, line);
  });
}

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s*>\s?(.*)$/;

function renderBlocks(parent: Node, lines: string[]): void {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      for (let m = QUOTE.exec(lines[i] ?? ''); i < lines.length && m; m = QUOTE.exec(lines[++i] ?? '')) {
        inner.push(m[1] ?? '');
      }
      const quote = document.createElement('blockquote');
      renderBlocks(quote, inner);
      parent.appendChild(quote);
      continue;
    }
    const bullet = BULLET.test(line);
    const numbered = NUMBERED.exec(line);
    if (bullet || numbered) {
      const list = document.createElement(bullet ? 'ul' : 'ol');
      if (numbered && numbered[1] !== '1') list.setAttribute('start', String(Number(numbered[1])));
      const pattern = bullet ? BULLET : NUMBERED;
      for (let m = pattern.exec(lines[i] ?? ''); i < lines.length && m; m = pattern.exec(lines[++i] ?? '')) {
        const item = document.createElement('li');
        appendInline(item, (bullet ? m[1] : m[2]) ?? '');
        list.appendChild(item);
      }
      parent.appendChild(list);
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length) {
      const next = lines[i] ?? '';
      if (next.trim() === '' || QUOTE.test(next) || BULLET.test(next) || NUMBERED.test(next)) break;
      paragraph.push(next);
      i++;
    }
    const block = paragraph.length === 1 ? mediaBlock(paragraph[0] ?? '') : null;
    if (block) {
      parent.appendChild(block);
      continue;
    }
    const p = document.createElement('p');
    appendLines(p, paragraph);
    parent.appendChild(p);
  }
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string>,
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** A paragraph that is one uploaded photo or one video link: the same figure the server makes. */
function mediaBlock(line: string): HTMLElement | null {
  const photo = MEDIA_ALONE.exec(line);
  if (photo) {
    const [, alt = '', id = ''] = photo;
    const known = media.get(id);
    if (!known) {
      media.want(id);
      return element('figure', { class: 'lb-photo' }, element('p', {}, `Photo ${id} (loading…)`));
    }
    const srcset = (format: string): string =>
      known.widths.map((w) => `/media/${id}/${w}.${format} ${w}w`).join(', ');
    const fitting = known.widths.filter((w) => w <= 960);
    const main = fitting.length > 0 ? Math.max(...fitting) : Math.min(...known.widths);
    const caption = [known.caption, known.credit].filter(Boolean).join(' · ');
    const picture = element(
      'picture',
      {},
      element('source', { type: 'image/webp', srcset: srcset('webp'), sizes: PHOTO_SIZES }),
      element('img', {
        src: `/media/${id}/${main}.jpg`,
        srcset: srcset('jpg'),
        sizes: PHOTO_SIZES,
        width: String(known.width),
        height: String(known.height),
        alt: alt || known.alt,
        loading: 'lazy',
        decoding: 'async',
      }),
    );
    return element(
      'figure',
      { class: 'lb-photo' },
      picture,
      ...(caption ? [element('figcaption', {}, caption)] : []),
    );
  }
  const only = LINK_ALONE.exec(line);
  const url = only?.[2] ?? only?.[3];
  const video = url ? parseVideoUrl(url) : null;
  if (!video) return null;
  const text = only?.[1];
  const title = text && !parseVideoUrl(text) ? text : `Video on ${video.providerName}`;
  return element(
    'figure',
    { class: 'lb-video' },
    element('figcaption', {}, title),
    element(
      'a',
      { class: 'lb-video-play', href: video.watchUrl, rel: 'noopener noreferrer nofollow', target: '_blank' },
      playLabel(video),
    ),
  );
}

/**
 * Replaces the target's content with the preview of `markdown`; `known` says which uploaded photos the
 * console has (a photo it lacks shows as "loading" and is asked for).
 */
export function renderPreview(target: HTMLElement, markdown: string, known: PreviewMedia = NO_MEDIA): void {
  media = known;
  const fragment = document.createDocumentFragment();
  renderBlocks(fragment, markdown.replace(/\r\n?/g, '\n').split('\n'));
  target.replaceChildren(fragment);
}
