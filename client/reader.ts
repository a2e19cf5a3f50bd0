/**
 * The reader page (GET /blogs/:blogId): takes over the server-rendered feed and keeps it live over
 * Socket.IO (SPEC §3, §7). Works from the initial state the server embeds as a JSON data block.
 */
import type { Blog, BlogPage, Entry, ErrorBody } from '../src/schema.js';
import { ACK_TIMEOUT_MS, BlogSync } from './lib/blog-sync.js';
import { createConnectionState, watchConnection } from './lib/connection.js';
import { byId, htmlToPlainText } from './lib/dom.js';
import { describeError } from './lib/errors.js';
import { readerSocket, type ReaderSocket } from './lib/sockets.js';
import { buildLiveBlogPosting, jsonForScript } from '../src/shared/jsonld.js';
import { refreshTimes, TIME_REFRESH_MS } from './lib/time.js';
import { t, type MessageKey, type PageLocale } from '../src/shared/i18n/index.js';
import { Feed, scrollToEntry } from './reader/feed.js';
import { KeyEvents } from './reader/key-events.js';
import { fromHtml } from './reader/markup.js';
import { installVideoPlayers } from './lib/video-player.js';

interface EntriesAnswer {
  ok: boolean;
  entries?: Entry[];
  hasMore?: boolean;
  error?: ErrorBody;
}

const PAGE_SIZE = 20;
const KEY_EVENTS_LIMIT = 100;
const ANNOUNCE_DEBOUNCE_MS = 800;
/** How many "load older" pages a jump to a key event may fetch before giving up. */
const JUMP_MAX_PAGES = 25;

const state = JSON.parse(byId('liveblog-state', HTMLScriptElement).textContent ?? '{}') as BlogPage;
const canonical = document.querySelector<HTMLLinkElement>('link[rel="canonical"]');
const pageUrl = canonical?.href ?? `${location.origin}${location.pathname}`;
const blogId = state.blog.id;
installVideoPlayers();
/** The blog's language and time zone (SPEC §9): every word and time of the page follows them. */
const locale: PageLocale = { language: state.blog.language, timeZone: state.blog.timeZone };
const say = (key: MessageKey, vars?: Record<string, string | number>): string =>
  t(locale.language, key, vars);

const els = {
  title: byId('blog-title', HTMLHeadingElement),
  description: byId('blog-description', HTMLParagraphElement),
  status: byId('blog-status', HTMLParagraphElement),
  connection: byId('connection-state', HTMLParagraphElement),
  list: byId('feed', HTMLOListElement),
  newUpdates: byId('new-updates', HTMLButtonElement),
  loadOlder: byId('load-older', HTMLButtonElement),
  feedError: byId('feed-error', HTMLParagraphElement),
  empty: byId('feed-empty', HTMLParagraphElement),
  announcer: byId('announcer', HTMLDivElement),
  keyEventsBox: byId('key-events', HTMLElement),
  keyEventsList: byId('key-events-list', HTMLOListElement),
  jsonLd: byId('liveblog-jsonld', HTMLScriptElement),
  summary: byId('blog-summary', HTMLElement),
  summaryBody: byId('blog-summary-body', HTMLDivElement),
};
/** SPEC §10 reading order, as the server rendered it (`?order=oldest`). */
const order = els.list.dataset['order'] === 'oldest' ? 'oldest' : 'newest';
let summaryShown = state.blog.summaryHtml ?? '';

// ---- announcements: counts only, never whole entries ------------------------------------------
let pendingAnnouncement = 0;
let announceTimer: number | undefined;
function announceNew(count: number): void {
  pendingAnnouncement += count;
  window.clearTimeout(announceTimer);
  announceTimer = window.setTimeout(() => {
    const n = pendingAnnouncement;
    pendingAnnouncement = 0;
    els.announcer.textContent = say('newUpdates', { n });
  }, ANNOUNCE_DEBOUNCE_MS);
}

// ---- blog header -------------------------------------------------------------------------------
const connection = createConnectionState(els.connection, undefined, {
  connecting: say('connecting'),
  live: say('connected'),
  reconnecting: say('reconnecting'),
  offline: say('offline'),
  ended: say('endedUpdatesStopped'),
  gone: say('gone'),
  unauthorized: say('serverRefused'),
});

function showBlog(blog: Blog): void {
  els.title.textContent = blog.title;
  els.description.textContent = blog.description;
  els.description.hidden = blog.description === '';
  els.status.dataset['status'] = blog.status;
  els.status.textContent = blog.status === 'ended' ? say('statusEnded') : say('statusLive');
  // "What we know": the server's sanitised HTML, replaced only when it changed.
  const summaryHtml = blog.summaryHtml ?? '';
  if (summaryHtml !== summaryShown) {
    summaryShown = summaryHtml;
    els.summaryBody.replaceChildren(fromHtml(summaryHtml));
  }
  els.summary.hidden = summaryHtml === '';
  liveFeed.setTitleBase(blog.title);
  if (blog.status === 'ended') stopLive();
}

// ---- the feed --------------------------------------------------------------------------------
const keyEvents = new KeyEvents(els.keyEventsBox, els.keyEventsList, locale, (id) => void jumpTo(id));

const liveFeed: Feed = new Feed(els, pageUrl, locale, state, order, {
  onChange: (f) => {
    els.jsonLd.textContent = jsonForScript(buildLiveBlogPosting(f.blog, f.all(), pageUrl, htmlToPlainText));
  },
  onBlog: showBlog,
  onNewEntries: (count) => announceNew(count),
});
keyEvents.merge(liveFeed.all());
for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('.copy-link')))
  button.hidden = false;
// With JavaScript, "load older" pages in place; the plain links are for pages without it.
document.getElementById('page-nav')?.setAttribute('hidden', '');
refreshTimes(document, Date.now(), locale);
window.setInterval(() => refreshTimes(document, Date.now(), locale), TIME_REFRESH_MS);

els.newUpdates.addEventListener('click', () => {
  const first = liveFeed.revealHeld();
  if (first) scrollToEntry(first);
});

els.list.addEventListener('click', (event) => {
  const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button.copy-link');
  const url = button?.dataset['url'];
  if (!button || !url) return;
  const done = (text: string): void => {
    button.textContent = text;
    window.setTimeout(() => (button.textContent = say('copyLink')), 2000);
  };
  const fallback = (): void => {
    // No clipboard (insecure context or refused): put the permalink in the address bar instead.
    history.replaceState(null, '', new URL(url).hash);
    done(say('linkInAddressBar'));
  };
  // navigator.clipboard is absent outside secure contexts, whatever the type declarations say.
  const clipboard = navigator.clipboard as Clipboard | undefined;
  if (!clipboard) fallback();
  else clipboard.writeText(url).then(() => done(say('linkCopied')), fallback);
});

// ---- the socket ------------------------------------------------------------------------------
const socket: ReaderSocket = readerSocket();
let sync: BlogSync | undefined;
let unwatch: (() => void) | undefined;
let keyEventsLoaded = false;

function stopLive(why: 'ended' | 'gone' = 'ended'): void {
  sync?.stop();
  sync = undefined;
  unwatch?.();
  socket.disconnect();
  connection.set(why);
}

async function fetchEntries(query: {
  before?: string;
  keyEvents?: boolean;
  limit: number;
}): Promise<EntriesAnswer> {
  if (socket.connected) {
    return new Promise((resolve, reject) => {
      socket
        .timeout(ACK_TIMEOUT_MS)
        .emit('entries', { blogId, ...query }, (err, answer) => (err ? reject(err) : resolve(answer)));
    });
  }
  const params = new URLSearchParams({ limit: String(query.limit) });
  if (query.before) params.set('before', query.before);
  if (query.keyEvents) params.set('keyEvents', 'true');
  const res = await fetch(`/api/blogs/${encodeURIComponent(blogId)}/entries?${params.toString()}`);
  const body = (await res.json()) as { entries?: Entry[]; hasMore?: boolean; error?: EntriesAnswer['error'] };
  return res.ok
    ? { ok: true, entries: body.entries ?? [], hasMore: body.hasMore ?? false }
    : { ok: false, ...body };
}

async function loadKeyEvents(): Promise<void> {
  try {
    const answer = await fetchEntries({ keyEvents: true, limit: KEY_EVENTS_LIMIT });
    if (answer.ok) keyEvents.reset([...(answer.entries ?? []), ...liveFeed.all()]);
  } catch {
    // The box keeps what the feed knows; the next fresh snapshot tries again.
  }
}

async function loadOlder(): Promise<boolean> {
  const before = liveFeed.oldestId();
  if (!before || !liveFeed.hasMore) return false;
  els.loadOlder.disabled = true;
  els.feedError.textContent = '';
  try {
    const answer = await fetchEntries({ before, limit: PAGE_SIZE });
    if (!answer.ok || !answer.entries) {
      els.feedError.textContent = answer.error ? describeError(answer.error) : say('loadOlderFailed');
      return false;
    }
    liveFeed.addOlder(answer.entries, answer.hasMore ?? false);
    keyEvents.merge(answer.entries.filter((e) => e.keyEvent));
    return true;
  } catch {
    els.feedError.textContent = say('loadOlderOffline');
    return false;
  } finally {
    els.loadOlder.disabled = false;
  }
}

els.loadOlder.addEventListener('click', () => void loadOlder());

async function jumpTo(entryId: string): Promise<void> {
  if (liveFeed.isHeld(entryId)) liveFeed.revealHeld();
  for (let page = 0; !liveFeed.has(entryId) && page < JUMP_MAX_PAGES; page++) {
    if (!(await loadOlder())) break;
  }
  const node = document.getElementById(`entry-${entryId}`);
  if (node) {
    history.replaceState(null, '', `#entry-${entryId}`);
    scrollToEntry(node);
  }
}

if (state.blog.status === 'ended') {
  connection.set('ended');
  void loadKeyEvents();
} else {
  unwatch = watchConnection(socket, connection);
  sync = new BlogSync(
    socket,
    blogId,
    {
      onFresh: (ack) => {
        liveFeed.replace(ack);
        keyEventsLoaded = false;
      },
      onEvent: (event) => {
        liveFeed.apply(event);
        keyEvents.apply(event);
      },
      onSynced: () => {
        if (liveFeed.blog.status === 'ended') return;
        connection.set('live');
        if (!keyEventsLoaded) {
          keyEventsLoaded = true;
          void loadKeyEvents();
        }
      },
      onError: (error) => {
        // The blog is gone (deleted, or a store that was wiped): stop for good and say so where the
        // connection state is, at the top, instead of reconnecting forever.
        if (error.code === 'not_found') stopLive('gone');
        else els.feedError.textContent = describeError(error);
      },
    },
    { seq: state.seq, cursor: state.cursor },
  );
  socket.connect();
}
