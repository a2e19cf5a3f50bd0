/**
 * Click-to-load video (README "Photos and video"): the page holds only a placeholder linking to the video
 * (which is what a reader without JavaScript follows). On click, and only then, the link gives way to a
 * sandboxed iframe of the provider's player — its address re-derived from the link by the same allowlist
 * the server used (src/shared/embeds.ts), and the page's CSP `frame-src` allows nothing else.
 */
import { parseVideoUrl, VIDEO_FRAME_ORIGINS } from '../../src/shared/embeds.js';

export function playVideo(link: HTMLAnchorElement): boolean {
  const video = parseVideoUrl(link.href);
  if (!video || !VIDEO_FRAME_ORIGINS.some((origin) => video.embedUrl.startsWith(`${origin}/`))) return false;
  const figure = link.closest('figure');
  const frame = document.createElement('iframe');
  frame.className = 'lb-video-frame';
  frame.src = video.embedUrl;
  frame.title = figure?.querySelector('figcaption')?.textContent ?? `Video on ${video.providerName}`;
  frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-presentation allow-popups');
  frame.allow = 'autoplay; encrypted-media; picture-in-picture; fullscreen';
  frame.allowFullscreen = true;
  frame.referrerPolicy = 'strict-origin-when-cross-origin';
  link.replaceWith(frame);
  frame.focus();
  return true;
}

/** One delegated listener for every placeholder inside `root`, present and future. */
export function installVideoPlayers(root: Document | HTMLElement = document): void {
  root.addEventListener('click', (event) => {
    if (!(event instanceof MouseEvent)) return;
    const target = event.target;
    if (!(target instanceof Element)) return;
    const link = target.closest<HTMLAnchorElement>('a.lb-video-play');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    if (playVideo(link)) event.preventDefault();
  });
}
