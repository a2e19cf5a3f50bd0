/**
 * The desk in the console (SPEC §10): write and submit drafts; editors see the review queue live, preview
 * a draft, and publish, schedule (a time in the blog's time zone when it has one, else this browser's)
 * or return it. Who else has the open draft shows as "… is editing", from the `editing` events; a save
 * over someone else's still gets `conflict`, and says so.
 */
import type { Draft, DraftEvent, EditingEvent, Session } from '../../src/desk/schema.js';
import type { ErrorBody } from '../../src/schema.js';
import type { PayloadOf } from '../../src/shared/protocol.js';
import { byId, el } from '../lib/dom.js';
import { describeError } from '../lib/errors.js';
import { renderPreview } from '../lib/preview.js';
import type { EditorSocket } from '../lib/sockets.js';
import { formatFull } from '../lib/time.js';
import { zonedToUtc } from '../../src/shared/zoned-time.js';
import { networkErrorText, request, showError } from './request.js';

const STATE_LABEL: Record<Draft['state'], string> = {
  draft: 'Draft',
  submitted: 'Submitted for review',
  scheduled: 'Scheduled',
};

export class Desk {
  private readonly panel = byId('desk-panel', HTMLElement);
  private readonly role = byId('desk-role', HTMLParagraphElement);
  private readonly form = byId('draft-form', HTMLFormElement);
  private readonly draftId = byId('draft-id', HTMLInputElement);
  private readonly headline = byId('draft-headline', HTMLInputElement);
  private readonly body = byId('draft-body', HTMLTextAreaElement);
  private readonly preview = byId('draft-preview', HTMLDivElement);
  private readonly keyEvent = byId('draft-key', HTMLInputElement);
  private readonly presence = byId('draft-presence', HTMLParagraphElement);
  private readonly error = byId('draft-error', HTMLParagraphElement);
  private readonly status = byId('draft-status', HTMLParagraphElement);
  private readonly queue = byId('draft-queue', HTMLOListElement);
  private readonly empty = byId('draft-queue-empty', HTMLParagraphElement);
  private readonly drafts = new Map<string, Draft>();
  /** Who else has which draft open: draftId → editor id → name. */
  private readonly others = new Map<string, Map<string, string>>();
  /** The version the open draft was loaded at: sent with the save, so a change in between is `conflict`. */
  private baseVersion: number | undefined;
  /** The draft this console announced it is editing. */
  private announced: string | undefined;
  blogId: string | undefined;
  timeZone: string | undefined;
  session: Session | undefined;
  socket: EditorSocket | undefined;

  constructor() {
    this.body.addEventListener('input', () => renderPreview(this.preview, this.body.value));
    this.form.addEventListener('input', () => this.announce(this.draftId.value || undefined));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.save(undefined);
    });
    byId('draft-submit', HTMLButtonElement).addEventListener('click', () => void this.save(true));
    byId('draft-new', HTMLButtonElement).addEventListener('click', () => this.load(undefined));
    renderPreview(this.preview, '');
  }

  private get isEditor(): boolean {
    return this.session?.role !== 'contributor';
  }

  /** A new socket: listen to its desk events. */
  attach(socket: EditorSocket): void {
    this.socket = socket;
    socket.on('session', (session) => {
      this.session = session;
      this.role.textContent =
        session.role === 'contributor'
          ? `Signed in as ${session.name}, contributor: write drafts and submit them; an editor publishes them.`
          : `Signed in as ${session.name}, editor.`;
      this.render();
    });
    socket.on('draft', (event) => this.apply(event));
    socket.on('editing', (event) => this.sawEditing(event));
    // After a reconnect the queue may have changed unseen: read it again.
    socket.on('connect', () => void this.reload());
  }

  /** Another blog (or none) is chosen. */
  select(blogId: string | undefined, timeZone: string | undefined): void {
    this.announce(undefined);
    this.blogId = blogId;
    this.timeZone = timeZone;
    this.panel.hidden = !blogId;
    this.drafts.clear();
    this.others.clear();
    this.load(undefined);
    void this.reload();
  }

  private async reload(): Promise<void> {
    const socket = this.socket;
    const blogId = this.blogId;
    if (!socket || !blogId) return;
    const outcome = await request(socket, 'drafts', { blogId });
    if (blogId !== this.blogId) return;
    if (outcome.kind === 'ok') {
      this.drafts.clear();
      for (const d of outcome.value.drafts) this.drafts.set(d.id, d);
      this.render();
    } else this.fail(outcome.kind === 'network' ? null : outcome.error);
  }

  private apply(event: DraftEvent): void {
    if (event.blogId !== this.blogId) return;
    if (event.type === 'draft.saved' && event.draft) this.drafts.set(event.draftId, event.draft);
    else this.drafts.delete(event.draftId);
    if (event.type !== 'draft.saved' && this.draftId.value === event.draftId) {
      this.load(undefined);
      this.status.textContent =
        event.type === 'draft.published' ? 'That draft was published.' : 'That draft was deleted.';
    }
    this.render();
  }

  private sawEditing(event: EditingEvent): void {
    if (event.blogId !== this.blogId || event.target !== 'draft') return;
    let who = this.others.get(event.id);
    if (!who) this.others.set(event.id, (who = new Map<string, string>()));
    if (event.active) who.set(event.editor.id, event.editor.name);
    else who.delete(event.editor.id);
    this.showPresence();
    this.render();
  }

  private showPresence(): void {
    const names = [...(this.others.get(this.draftId.value)?.values() ?? [])];
    this.presence.textContent = names.length
      ? `${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'} editing this draft too.`
      : '';
  }

  /** Tell the others which draft is open here (none = undefined), once per change. */
  private announce(draftId: string | undefined): void {
    const socket = this.socket;
    const blogId = this.blogId;
    if (!socket || !blogId || this.announced === draftId) return;
    if (this.announced)
      void request(socket, 'editing', { blogId, target: 'draft', id: this.announced, active: false });
    if (draftId) void request(socket, 'editing', { blogId, target: 'draft', id: draftId, active: true });
    this.announced = draftId;
  }

  /** Opens a draft in the form (none = a new one). */
  private load(draft: Draft | undefined): void {
    showError(this.form, 'draft-', this.error, null);
    this.status.textContent = '';
    this.draftId.value = draft?.id ?? '';
    this.baseVersion = draft?.version;
    this.headline.value = draft?.headline ?? '';
    this.body.value = draft?.body ?? '';
    this.keyEvent.checked = draft?.keyEvent ?? false;
    renderPreview(this.preview, this.body.value);
    this.announce(draft?.id);
    this.showPresence();
  }

  private async save(submit: boolean | undefined): Promise<void> {
    const socket = this.socket;
    const blogId = this.blogId;
    if (!socket || !blogId) return;
    const payload: PayloadOf<'draft:save'> = {
      blogId,
      body: this.body.value,
      headline: this.headline.value.trim(),
      keyEvent: this.keyEvent.checked,
    };
    if (this.draftId.value) {
      payload.draftId = this.draftId.value;
      if (this.baseVersion !== undefined) payload.version = this.baseVersion;
    }
    if (submit !== undefined) payload.submit = submit;
    showError(this.form, 'draft-', this.error, null);
    const outcome = await request(socket, 'draft:save', payload);
    if (outcome.kind !== 'ok') {
      this.fail(outcome.kind === 'network' ? null : outcome.error);
      return;
    }
    const draft = outcome.value.draft;
    this.drafts.set(draft.id, draft);
    this.load(submit ? undefined : draft);
    this.status.textContent = submit ? 'Submitted for review.' : 'Draft saved.';
    this.render();
  }

  private fail(error: ErrorBody | null): void {
    if (!error) {
      this.error.textContent = networkErrorText();
      return;
    }
    showError(this.form, 'draft-', this.error, error);
    if (error.code === 'conflict')
      this.error.textContent =
        'Someone else saved this draft meanwhile (conflict): it is not saved. Open it again from the queue to see their version.';
  }

  private render(): void {
    const sorted = [...this.drafts.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    // Editors review what was submitted or scheduled first; a contributor sees its own in order.
    if (this.isEditor) sorted.sort((a, b) => Number(a.state === 'draft') - Number(b.state === 'draft'));
    this.queue.replaceChildren(...sorted.map((d) => this.item(d)));
    this.empty.hidden = sorted.length > 0;
  }

  private item(draft: Draft): HTMLLIElement {
    const error = el('p', { class: 'form-error', role: 'alert' });
    const button = (
      label: string,
      action: () => Promise<void> | void,
      cls = 'secondary',
    ): HTMLButtonElement => {
      const b = el('button', { type: 'button', class: cls }, label);
      b.addEventListener('click', () => void action());
      return b;
    };
    const run = async <E extends 'draft:publish' | 'draft:delete' | 'draft:save'>(
      event: E,
      payload: PayloadOf<E>,
    ): Promise<void> => {
      const socket = this.socket;
      if (!socket) return;
      error.textContent = '';
      const outcome = await request(socket, event, payload);
      if (outcome.kind === 'network') error.textContent = networkErrorText();
      else if (outcome.kind === 'error') error.textContent = describeError(outcome.error);
    };
    const ref = { blogId: draft.blogId, draftId: draft.id };
    const editing = [...(this.others.get(draft.id)?.values() ?? [])];
    const body = el('div', { class: 'entry-body' });
    body.innerHTML = draft.html; // sanitised by the server
    const actions = el(
      'div',
      { class: 'actions' },
      button('Open', () => this.load(draft)),
    );
    if (this.isEditor) {
      const when = el('input', {
        type: 'datetime-local',
        'aria-label': `Publish at (${this.timeZone ?? 'your time zone'})`,
      });
      actions.append(
        button('Publish now', () => run('draft:publish', { ...ref, version: draft.version }), 'primary'),
        when,
        button('Schedule', () => {
          if (!when.value) {
            error.textContent = 'Pick the time to publish it first.';
            return;
          }
          const at = zonedToUtc(when.value, this.timeZone);
          return run('draft:save', {
            ...ref,
            version: draft.version,
            body: draft.body,
            publishAt: at.toISOString(),
          });
        }),
      );
      if (draft.state !== 'draft')
        actions.append(
          button('Return to author', () =>
            run('draft:save', { ...ref, version: draft.version, body: draft.body, submit: false }),
          ),
        );
    } else if (draft.state === 'draft') {
      actions.append(
        button('Submit', () =>
          run('draft:save', { ...ref, version: draft.version, body: draft.body, submit: true }),
        ),
      );
    }
    actions.append(button('Delete', () => run('draft:delete', ref), 'danger'));
    const meta = el(
      'p',
      { class: 'entry-meta' },
      el('span', { class: `badge badge-${draft.state}` }, STATE_LABEL[draft.state]),
      draft.publishAt
        ? el('time', { datetime: draft.publishAt }, ` at ${formatFull(draft.publishAt)}`)
        : null,
      ` · ${draft.author.name} · version ${draft.version}`,
      editing.length ? el('span', { class: 'presence' }, ` · ${editing.join(', ')} editing`) : null,
    );
    return el(
      'li',
      { class: 'admin-entry draft', id: `draft-${draft.id}`, 'data-state': draft.state },
      meta,
      draft.headline ? el('h3', {}, draft.headline) : null,
      body,
      actions,
      error,
    );
  }
}
