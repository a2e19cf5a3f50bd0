/**
 * Video embeds by URL (README "Photos and video"): which URLs are videos, and the one iframe address each
 * may load. Pure and DOM-free: the server's renderer, the console preview and the reader page's
 * click-to-load player all decide from this module, so an iframe can only ever come from
 * VIDEO_FRAME_ORIGINS (the reader page's CSP `frame-src` allows exactly those).
 */
export type VideoProvider = 'youtube' | 'vimeo';

export interface VideoRef {
  provider: VideoProvider;
  /** The provider's name for people ("YouTube"). */
  providerName: string;
  id: string;
  /** The canonical page of the video: what the placeholder links to without JavaScript. */
  watchUrl: string;
  /** The iframe address, loaded only after a click. */
  embedUrl: string;
}

export const VIDEO_FRAME_ORIGINS = ['https://www.youtube-nocookie.com', 'https://player.vimeo.com'] as const;

const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
const VIMEO_ID = /^[0-9]{1,12}$/;
const YOUTUBE_HOSTS = new Set([
  'youtube.com',
  'www.youtube.com',
  'm.youtube.com',
  'youtube-nocookie.com',
  'www.youtube-nocookie.com',
]);
const VIMEO_HOSTS = new Set(['vimeo.com', 'www.vimeo.com', 'player.vimeo.com']);

function youtube(id: string): VideoRef {
  return {
    provider: 'youtube',
    providerName: 'YouTube',
    id,
    watchUrl: `https://www.youtube.com/watch?v=${id}`,
    embedUrl: `https://www.youtube-nocookie.com/embed/${id}?autoplay=1`,
  };
}

function vimeo(id: string): VideoRef {
  return {
    provider: 'vimeo',
    providerName: 'Vimeo',
    id,
    watchUrl: `https://vimeo.com/${id}`,
    embedUrl: `https://player.vimeo.com/video/${id}?autoplay=1&dnt=1`,
  };
}

/** The video a URL points at, or null when it is no video of a known provider. */
export function parseVideoUrl(raw: string): VideoRef | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.port) return null;
  const host = url.hostname.toLowerCase();
  const parts = url.pathname.split('/').filter(Boolean);
  if (host === 'youtu.be') {
    const id = parts[0] ?? '';
    return parts.length === 1 && YOUTUBE_ID.test(id) ? youtube(id) : null;
  }
  if (YOUTUBE_HOSTS.has(host)) {
    if (parts.length === 1 && parts[0] === 'watch') {
      const id = url.searchParams.get('v') ?? '';
      return YOUTUBE_ID.test(id) ? youtube(id) : null;
    }
    const [kind, id = ''] = parts;
    if (parts.length === 2 && ['embed', 'shorts', 'live'].includes(kind ?? '') && YOUTUBE_ID.test(id)) {
      return youtube(id);
    }
    return null;
  }
  if (VIMEO_HOSTS.has(host)) {
    const id = host === 'player.vimeo.com' ? (parts[0] === 'video' ? parts[1] : undefined) : parts[0];
    const expected = host === 'player.vimeo.com' ? 2 : 1;
    return parts.length === expected && id !== undefined && VIMEO_ID.test(id) ? vimeo(id) : null;
  }
  return null;
}

/** The label of the placeholder's button. */
export function playLabel(video: VideoRef): string {
  return `Play video on ${video.providerName}`;
}
