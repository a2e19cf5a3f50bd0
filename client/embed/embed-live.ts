/**
 * The embed's live part: the short feed kept in sync over its own Socket.IO connection (BlogSync, as
 * the reader page does), the blog's title and status, and links that lead to the full blog.
 */
import type { Blog } from '../../src/schema.js';
import type { EmbedState } from '../../src/http/embed-page.js';
import { ACK_TIMEOUT_MS, BlogSync } from '../lib/blog-sync.js';
import { createConnectionState, watchConnection } from '../lib/connection.js';
import { byId } from '../lib/dom.js';
import { readerSocket, type ReaderSocket } from '../lib/sockets.js';
import { refreshTimes, TIME_REFRESH_MS } from '../lib/time.js';
import { EmbedFeed } from './embed-feed.js';

export function startEmbed(state: EmbedState): void {
  const blogId = state.blog.id;
  const els = {
    title: byId('blog-title', HTMLAnchorElement),
    status: byId('blog-status', HTMLParagraphElement),
    connection: byId('connection-state', HTMLParagraphElement),
    list: byId('feed', HTMLOListElement),
    empty: byId('feed-empty', HTMLParagraphElement),
  };

  // The entry markup links its time to `#entry-<id>`, which would mean this frame; the full page is meant.
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest<HTMLAnchorElement>('a[href^="#"]');
    const hash = link?.getAttribute('href');
    if (!hash) return;
    event.preventDefault();
    window.open(`${state.pageUrl}${hash}`, '_blank', 'noopener');
  });

  const connection = createConnectionState(els.connection);
  const feed = new EmbedFeed(els.list, els.empty, state, state.entries);
  const locale = { language: state.blog.language, timeZone: state.blog.timeZone };
  refreshTimes(document, Date.now(), locale);
  window.setInterval(() => refreshTimes(document, Date.now(), locale), TIME_REFRESH_MS);

  if (state.blog.status === 'ended') {
    connection.set('ended');
    return;
  }

  const socket: ReaderSocket = readerSocket();
  let sync: BlogSync | undefined;
  const unwatch = watchConnection(socket, connection);

  const stopLive = (): void => {
    sync?.stop();
    sync = undefined;
    unwatch();
    socket.disconnect();
    connection.set('ended');
  };

  const showBlog = (blog: Blog): void => {
    els.title.textContent = blog.title;
    els.status.dataset['status'] = blog.status;
    els.status.textContent = blog.status === 'ended' ? 'Ended' : 'Live';
    if (blog.status === 'ended') stopLive();
  };

  // The newest key events, read anew after a fresh snapshot (which holds the newest entries of all kinds).
  const loadKeyEvents = (): void => {
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emit('entries', { blogId, keyEvents: true, limit: state.limit }, (err, answer) => {
        // On failure the embed keeps what it shows; live events still apply.
        if (!err && answer.ok) feed.replace(answer.entries);
      });
  };

  sync = new BlogSync(
    socket,
    blogId,
    {
      onFresh: (ack) => {
        showBlog(ack.blog);
        if (state.mode === 'key-events') loadKeyEvents();
        else feed.replace(ack.pinned ? [...ack.entries, ack.pinned] : ack.entries);
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
