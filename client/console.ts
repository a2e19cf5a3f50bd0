/**
 * The editor console (GET /console): sign in with a token (sessionStorage only), pick or create a blog,
 * compose with a live preview, and manage every entry live over the `/editor` namespace (SPEC §4).
 */
import { io } from 'socket.io-client';
import type { Blog } from '../src/schema.js';
import type { PayloadOf } from '../src/shared/protocol.js';
import { BlogSync } from './lib/blog-sync.js';
import { createConnectionState, watchConnection } from './lib/connection.js';
import { byId } from './lib/dom.js';
import { describeError } from './lib/errors.js';
import type { EditorSocket } from './lib/sockets.js';
import { Compose } from './console/compose.js';
import { Desk } from './console/desk.js';
import { EntryList } from './console/entry-list.js';
import { networkErrorText, request, showError } from './console/request.js';

const TOKEN_KEY = 'liveblog.editorToken';
const BLOG_KEY = 'liveblog.console.blog';
const PAGE_SIZE = 20;

const els = {
  connection: byId('connection-state', HTMLParagraphElement),
  signOut: byId('sign-out', HTMLButtonElement),
  signin: byId('signin', HTMLElement),
  signinForm: byId('signin-form', HTMLFormElement),
  token: byId('token', HTMLInputElement),
  tokenError: byId('token-error', HTMLParagraphElement),
  workspace: byId('workspace', HTMLDivElement),
  blogSelect: byId('blog-select', HTMLSelectElement),
  blogSelectError: byId('blog-select-error', HTMLParagraphElement),
  readerCount: byId('reader-count', HTMLOutputElement),
  openReader: byId('open-reader', HTMLAnchorElement),
  blogDetails: byId('blog-form-details', HTMLDetailsElement),
  blogForm: byId('blog-form', HTMLFormElement),
  blogId: byId('blog-id', HTMLInputElement),
  blogTitle: byId('blog-title', HTMLInputElement),
  blogDescription: byId('blog-description', HTMLTextAreaElement),
  blogSummary: byId('blog-summary', HTMLTextAreaElement),
  blogStatus: byId('blog-status', HTMLSelectElement),
  blogLanguage: byId('blog-language', HTMLInputElement),
  blogTimeZone: byId('blog-timeZone', HTMLInputElement),
  blogFormError: byId('blog-form-error', HTMLParagraphElement),
  composePanel: byId('compose-panel', HTMLElement),
  entriesPanel: byId('entries-panel', HTMLElement),
  entriesError: byId('entries-error', HTMLParagraphElement),
  entries: byId('admin-entries', HTMLOListElement),
  loadOlder: byId('admin-load-older', HTMLButtonElement),
};

const connection = createConnectionState(els.connection);
let socket: EditorSocket | undefined;
let unwatch: (() => void) | undefined;
let sync: BlogSync | undefined;
const compose = new Compose();
const entryList = new EntryList(els.entries);
const desk = new Desk();
/** A contributor (SPEC §10) sees only the desk: writing entries and managing blogs are an editor's. */
let contributor = false;
let blogs: Blog[] = [];

function showSignedIn(signedIn: boolean): void {
  els.signin.hidden = signedIn;
  els.workspace.hidden = !signedIn;
  els.signOut.hidden = !signedIn;
}

function disconnect(): void {
  sync?.stop();
  sync = undefined;
  unwatch?.();
  unwatch = undefined;
  socket?.disconnect();
  socket = undefined;
}

function signIn(token: string): void {
  disconnect();
  const s: EditorSocket = io('/editor', {
    auth: { token },
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  socket = s;
  connection.set('connecting');
  unwatch = watchConnection(s, connection);
  s.on('connect', () => {
    sessionStorage.setItem(TOKEN_KEY, token);
    els.tokenError.textContent = '';
    showSignedIn(true);
    connection.set('live');
  });
  s.on('connect_error', (err: Error) => {
    if (err.message !== 'unauthorized') return; // transport trouble: socket.io retries by itself
    disconnect();
    sessionStorage.removeItem(TOKEN_KEY);
    showSignedIn(false);
    connection.set('unauthorized');
    els.tokenError.textContent = 'That editor token was not accepted (unauthorized). Check it and try again.';
    els.token.setAttribute('aria-invalid', 'true');
    els.token.focus();
  });
  s.on('session', (session) => {
    const was = contributor;
    contributor = session.role === 'contributor';
    els.blogDetails.hidden = contributor;
    if (was !== contributor) selectBlog(els.blogSelect.value);
  });
  compose.socket = s;
  compose.token = token;
  entryList.socket = s;
  desk.attach(s);
  s.on('editing', (event) => entryList.sawEditing(event));
  void loadBlogs(sessionStorage.getItem(BLOG_KEY) ?? undefined);
}

function signOut(): void {
  disconnect();
  sessionStorage.removeItem(TOKEN_KEY);
  showSignedIn(false);
  connection.set('unauthorized');
  els.token.value = '';
  els.token.focus();
}

async function loadBlogs(select?: string): Promise<void> {
  els.blogSelectError.textContent = '';
  try {
    const res = await fetch('/api/blogs', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    blogs = ((await res.json()) as { blogs: Blog[] }).blogs;
  } catch {
    els.blogSelectError.textContent = 'Could not load the list of blogs — check your connection and reload.';
    return;
  }
  const current = select ?? els.blogSelect.value;
  els.blogSelect.replaceChildren(new Option('— choose —', ''));
  for (const blog of blogs) {
    els.blogSelect.append(
      new Option(`${blog.title} (${blog.id})${blog.status === 'ended' ? ' — ended' : ''}`, blog.id),
    );
  }
  if (current && blogs.some((b) => b.id === current)) {
    els.blogSelect.value = current;
    if (sync?.blogId !== current) selectBlog(current);
  }
}

function fillBlogForm(blog: Blog | undefined): void {
  els.blogId.value = blog?.id ?? '';
  els.blogTitle.value = blog?.title ?? '';
  els.blogDescription.value = blog?.description ?? '';
  els.blogSummary.value = blog?.summary ?? '';
  els.blogStatus.value = blog?.status ?? 'live';
  els.blogLanguage.value = blog?.language ?? '';
  els.blogTimeZone.value = blog?.timeZone ?? '';
}

function selectBlog(blogId: string): void {
  const s = socket;
  if (!s) return;
  sync?.stop();
  sync = undefined;
  const list = entryList;
  els.entriesError.textContent = '';
  const chosen = blogId !== '';
  els.composePanel.hidden = !chosen || contributor;
  els.entriesPanel.hidden = !chosen || contributor;
  const blog = blogs.find((b) => b.id === blogId);
  desk.select(
    chosen ? blogId : undefined,
    blog && 'timeZone' in blog && typeof blog.timeZone === 'string' ? blog.timeZone : undefined,
  );
  els.openReader.hidden = !chosen;
  els.readerCount.textContent = '–';
  compose.blogId = chosen ? blogId : undefined;
  fillBlogForm(blogs.find((b) => b.id === blogId));
  if (!chosen) {
    sessionStorage.removeItem(BLOG_KEY);
    return;
  }
  sessionStorage.setItem(BLOG_KEY, blogId);
  els.openReader.href = `/blogs/${encodeURIComponent(blogId)}`;
  list.reset(blogId, [], false);
  sync = new BlogSync(
    s,
    blogId,
    {
      onFresh: (ack) => {
        list.reset(
          blogId,
          ack.pinned && !ack.entries.some((e) => e.id === ack.pinned?.id)
            ? [ack.pinned, ...ack.entries]
            : ack.entries,
          ack.hasMore,
        );
        els.loadOlder.hidden = !ack.hasMore;
      },
      onEvent: (event) => {
        list.apply(event);
        if (event.type === 'blog.updated') {
          blogs = blogs.map((b) => (b.id === event.blog.id ? event.blog : b));
          fillBlogForm(event.blog);
        }
      },
      onReaders: (count) => (els.readerCount.textContent = String(count)),
      onError: (error) => (els.entriesError.textContent = describeError(error)),
    },
    { limit: PAGE_SIZE },
  );
}

els.signinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = els.token.value.trim();
  els.token.removeAttribute('aria-invalid');
  if (!token) {
    els.tokenError.textContent = 'Enter your editor token.';
    return;
  }
  els.tokenError.textContent = '';
  signIn(token);
});
els.signOut.addEventListener('click', signOut);
els.blogSelect.addEventListener('change', () => selectBlog(els.blogSelect.value));

els.blogForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const s = socket;
  if (!s) return;
  const payload: PayloadOf<'blog:upsert'> = {
    id: els.blogId.value.trim(),
    title: els.blogTitle.value.trim(),
    description: els.blogDescription.value,
    summary: els.blogSummary.value,
    // The select offers exactly the two statuses.
    status: els.blogStatus.value === 'ended' ? 'ended' : 'live',
  };
  // Left empty: a new blog gets en / UTC, an existing one keeps what it has (SPEC §9).
  const language = els.blogLanguage.value.trim();
  const timeZone = els.blogTimeZone.value.trim();
  if (language !== '') payload.language = language;
  if (timeZone !== '') payload.timeZone = timeZone;
  showError(els.blogForm, 'blog-', els.blogFormError, null);
  void request(s, 'blog:upsert', payload).then(async (outcome) => {
    if (outcome.kind === 'network') els.blogFormError.textContent = networkErrorText();
    else if (outcome.kind === 'error') showError(els.blogForm, 'blog-', els.blogFormError, outcome.error);
    else {
      els.blogFormError.textContent = '';
      await loadBlogs(outcome.value.blog.id);
      els.blogDetails.open = false;
    }
  });
});

els.loadOlder.addEventListener('click', () => {
  const s = socket;
  const list = entryList;
  const before = list.oldestId();
  if (!s || !before) return;
  els.loadOlder.disabled = true;
  void request(s, 'entries', {
    blogId: list.blogId,
    before,
    limit: PAGE_SIZE,
  })
    .then((outcome) => {
      if (outcome.kind === 'ok') {
        list.addOlder(outcome.value.entries, outcome.value.hasMore);
        els.loadOlder.hidden = !outcome.value.hasMore;
      } else
        els.entriesError.textContent =
          outcome.kind === 'network' ? networkErrorText() : describeError(outcome.error);
    })
    .finally(() => (els.loadOlder.disabled = false));
});

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) signIn(saved);
else {
  showSignedIn(false);
  connection.set('unauthorized');
}
