/**
 * The compose form: live preview, Ctrl/Cmd+Enter to post, and network-safe posting — one
 * idempotencyKey per composed entry, reused for every retry, so a post can never appear twice.
 */
import type { PayloadOf } from '../../src/shared/protocol.js';
import { byId } from '../lib/dom.js';
import type { MediaObject } from '../../src/media/media.js';
import type { RenderMedia } from '../../src/render.js';
import { renderPreview, type PreviewMedia } from '../lib/preview.js';
import { MediaUpload } from './media-upload.js';
import type { EditorSocket } from '../lib/sockets.js';
import { verificationOf } from './entry-list.js';
import { request, showError } from './request.js';

/** Attempts before giving the text back to the editor (each waits ACK_TIMEOUT_MS for an answer). */
const POST_MAX_ATTEMPTS = 4;
const RETRY_BASE_DELAY_MS = 1_000;

/** How long "Posted." stays before it gives way by itself. */
const POSTED_SHOWN_MS = 4_000;

/**
 * A headline is plain text on every page (SPEC §2): Markdown emphasis typed into it would show as raw
 * `**`, so its marks are dropped ("**Breaking:** talks" → "Breaking: talks"), in the preview and the post.
 */
export function plainHeadline(text: string): string {
  return text
    .replace(/\*\*(.+?)\*\*|__(.+?)__/g, (_m, a?: string, b?: string) => a ?? b ?? '')
    .replace(/(^|[\s(])[*_]([^*_\s](?:[^*_]*[^*_\s])?)[*_](?=$|[\s).,:;!?])/g, '$1$2')
    .trim();
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => window.setTimeout(resolve, ms));

export class Compose {
  private readonly form = byId('compose-form', HTMLFormElement);
  private readonly headline = byId('compose-headline', HTMLInputElement);
  private readonly body = byId('compose-body', HTMLTextAreaElement);
  private readonly preview = byId('compose-preview', HTMLDivElement);
  private readonly keyEvent = byId('compose-key', HTMLInputElement);
  private readonly pinned = byId('compose-pinned', HTMLInputElement);
  private readonly verification = byId('compose-verification', HTMLSelectElement);
  private readonly error = byId('compose-error', HTMLParagraphElement);
  private readonly status = byId('compose-status', HTMLParagraphElement);
  private readonly submit = byId('compose-submit', HTMLButtonElement);
  private idempotencyKey = crypto.randomUUID();
  private sending = false;
  blogId: string | undefined;
  /** Set on sign-in; posting needs a connected editor socket. */
  socket: EditorSocket | undefined;
  /** Set on sign-in: uploads go over HTTP with it. */
  token: string | undefined;
  /** Uploaded photos the preview can show (this session's uploads, and any fetched by id). */
  private readonly photos = new Map<string, RenderMedia>();
  private readonly asked = new Set<string>();
  private readonly previewMedia: PreviewMedia = {
    get: (id) => this.photos.get(id),
    want: (id) => void this.fetchPhoto(id),
  };

  constructor() {
    this.body.addEventListener('input', () => this.refreshPreview());
    this.headline.addEventListener('input', () => this.refreshPreview());
    new MediaUpload({
      token: () => this.token,
      cursor: () => this.body.selectionStart,
      uploaded: (media) => this.remember(media),
      insert: (markdown, position) => {
        const before = this.body.value.slice(0, position).replace(/\s+$/, '');
        const after = this.body.value.slice(position).replace(/^\s+/, '');
        const block = `${before ? '\n\n' : ''}${markdown}\n\n`;
        this.body.value = before + block + after;
        const cursor = (before + block).length;
        this.body.setSelectionRange(cursor, cursor);
        this.body.focus();
        this.refreshPreview();
      },
    });
    // A finished post's "Posted." gives way as soon as the next one is being written.
    this.form.addEventListener('input', () => {
      if (!this.sending) this.status.textContent = '';
    });
    this.form.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.form.requestSubmit();
      }
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.post();
    });
    this.refreshPreview();
  }

  /** The entry as readers will see it: its headline (plain text), then the body's Markdown. */
  private refreshPreview(): void {
    renderPreview(this.preview, this.body.value, this.previewMedia);
    const headline = plainHeadline(this.headline.value);
    if (headline === '') return;
    const h = document.createElement('h3');
    h.className = 'entry-headline';
    h.textContent = headline;
    this.preview.prepend(h);
  }

  private remember(media: MediaObject): void {
    this.photos.set(media.id, {
      id: media.id,
      width: media.width,
      height: media.height,
      widths: [...new Set(media.urls.variants.map((v) => v.width))],
      alt: media.alt,
      caption: media.caption,
      credit: media.credit,
    });
  }

  /** A photo the body names but this console did not upload: asked for once, then the preview redrawn. */
  private async fetchPhoto(id: string): Promise<void> {
    if (this.asked.has(id)) return;
    this.asked.add(id);
    try {
      const res = await fetch(`/api/media/${encodeURIComponent(id)}`);
      if (!res.ok) return;
      this.remember(((await res.json()) as { media: MediaObject }).media);
      this.refreshPreview();
    } catch {
      this.asked.delete(id);
    }
  }

  private lock(locked: boolean): void {
    this.sending = locked;
    for (const control of [this.headline, this.body]) control.readOnly = locked;
    for (const control of [this.keyEvent, this.pinned, this.verification, this.submit])
      control.disabled = locked;
    this.form.setAttribute('aria-busy', String(locked));
  }

  async post(): Promise<void> {
    const socket = this.socket;
    if (this.sending || !this.blogId || !socket) return;
    const payload: PayloadOf<'entry:create'> = {
      blogId: this.blogId,
      body: this.body.value,
      keyEvent: this.keyEvent.checked,
      pinned: this.pinned.checked,
      verification: verificationOf(this.verification.value),
      idempotencyKey: this.idempotencyKey,
    };
    const headline = plainHeadline(this.headline.value);
    if (headline !== '') payload.headline = headline;
    showError(this.form, 'compose-', this.error, null);
    this.lock(true);
    this.status.textContent = 'Posting…';
    try {
      for (let attempt = 1; attempt <= POST_MAX_ATTEMPTS; attempt++) {
        const outcome = await request(socket, 'entry:create', payload);
        if (outcome.kind === 'ok') {
          this.status.textContent = outcome.value.duplicate
            ? 'This entry had already been posted (an earlier attempt reached the server); it was not posted again.'
            : 'Posted.';
          const shown = this.status.textContent;
          window.setTimeout(() => {
            if (this.status.textContent === shown) this.status.textContent = '';
          }, POSTED_SHOWN_MS);
          this.reset();
          return;
        }
        if (outcome.kind === 'error') {
          this.status.textContent = '';
          showError(this.form, 'compose-', this.error, outcome.error);
          return;
        }
        if (attempt < POST_MAX_ATTEMPTS) {
          this.status.textContent = `The server did not answer — retrying (attempt ${attempt + 1} of ${POST_MAX_ATTEMPTS}); it will not be posted twice…`;
          await wait(RETRY_BASE_DELAY_MS * 2 ** (attempt - 1));
        }
      }
      this.status.textContent = '';
      this.error.textContent =
        'Could not reach the server. Your text is kept: press Post to try again — it will not be posted twice.';
    } finally {
      this.lock(false);
    }
  }

  private reset(): void {
    this.form.reset();
    this.idempotencyKey = crypto.randomUUID();
    this.refreshPreview();
    this.body.focus();
  }
}
