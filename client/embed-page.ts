/**
 * The embed page (GET /embed/:blogId), inside the host's sandboxed iframe: keeps the short feed live
 * over its own Socket.IO connection (BlogSync, as the reader page does) and tells the host page how tall
 * it is — the only thing it ever tells the host (README "Embed").
 */
import { io } from 'socket.io-client';
import type { Blog, Entry } from '../src/schema.js';
import type { EmbedState } from '../src/http/embed-page.js';
import { ACK_TIMEOUT_MS, BlogSync } from './lib/blog-sync.js';
import { createConnectionState, watchConnection } from './lib/connection.js';
import { byId } from './lib/dom.js';
import type { ReaderSocket } from './lib/sockets.js';
import { refreshTimes, TIME_REFRESH_MS } from './lib/time.js';
import { EmbedFeed } from './embed/embed-feed.js';

/** The message embed.js listens for; nothing else is ever posted to the host. */
export interface HeightMessage {
  type: 'liveblog:height';
  height: number;
}

const state = JSON.parse(byId('liveblog-embed-state', HTMLScriptElement).textContent ?? '{}') as EmbedState;
const blogId = state.blog.id;
const els = {
  title: byId('blog-title', HTMLAnchorElement),
  status: byId('blog-status', HTMLParagraphElement),
  connection: byId('connection-state', HTMLParagraphElement),
  list: byId('feed', HTMLOListElement),
  empty: byId('feed-empty', HTMLParagraphElement),
};

// ---- height: the host sizes the iframe to the page --------------------------------------------
let lastHeight = 0;
function postHeight(): void {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === lastHeight || window.parent === window) return;
  lastHeight = height;
  const message: HeightMessage = { type: 'liveblog:height', height };
  // The host's origin is unknown here (and a height is no secret); embed.js checks who sent it.
  window.parent.postMessage(message, '*');
}
new ResizeObserver(postHeight).observe(document.documentElement);
postHeight();

// ---- links: everything opens the full blog in a new tab ----------------------------------------
// The entry markup links its time to `#entry-<id>`, which means this frame; the full page is meant.
document.addEventListener('click', (event) => {
  const link = (event.target as Element | null)?.closest<HTMLAnchorElement>('a[href^="#"]');
  const hash = link?.getAttribute('href');
  if (!hash) return;
  event.preventDefault();
  window.open(`${state.pageUrl}${hash}`, '_blank', 'noopener');
});

// ---- the feed ------------------------------------------------------------------------------------
const connection = createConnectionState(els.connection);
const feed = new EmbedFeed(els.list, els.empty, state, state.entries);
refreshTimes(document);
window.setInterval(() => refreshTimes(document), TIME_REFRESH_MS);

function showBlog(blog: Blog): void {
  els.title.textContent = blog.title;
  els.status.dataset['status'] = blog.status;
  els.status.textContent = blog.status === 'ended' ? 'Ended' : 'Live';
  if (blog.status === 'ended') stopLive();
}

const socket: ReaderSocket = io({
  transports: ['websocket', 'polling'],
  tryAllTransports: true,
  reconnectionDelay: 500,
  reconnectionDelayMax: 5000,
  autoConnect: false,
});
let sync: BlogSync | undefined;
let unwatch: (() => void) | undefined;

function stopLive(): void {
  sync?.stop();
  sync = undefined;
  unwatch?.();
  socket.disconnect();
  connection.set('ended');
}

/** The newest key events, read anew after a fresh snapshot (the snapshot holds the newest entries). */
function loadKeyEvents(): void {
  socket
    .timeout(ACK_TIMEOUT_MS)
    .emit('entries', { blogId, keyEvents: true, limit: state.limit }, (err, answer) => {
      if (!err && answer.ok) feed.replace(answer.entries);
      // Otherwise the embed keeps what it shows; live events still apply.
    });
}

if (state.blog.status === 'ended') {
  connection.set('ended');
} else {
  unwatch = watchConnection(socket, connection);
  sync = new BlogSync(
    socket,
    blogId,
    {
      onFresh: (ack) => {
        showBlog(ack.blog);
        if (state.mode === 'key-events') loadKeyEvents();
        else feed.replace([...ack.entries, ...(ack.pinned ? [ack.pinned] : [])] satisfies Entry[]);
      },
      onEvent: (event) => {
        if (event.type === 'blog.updated') showBlog(event.blog);
        else feed.apply(event);
      },
      onSynced: () => {
        if (sync) connection.set('live');
      },
      onError: () => connection.set('reconnecting'),
    },
    { seq: state.seq, cursor: state.cursor, limit: state.limit },
  );
  socket.connect();
}
