/**
 * The console's list of every entry of the blog, kept live by BlogSync, with edit (version-checked),
 * delete (confirmed inline), pin and key-event actions. Errors show on the entry that caused them.
 */
import type { EditingEvent } from '../../src/desk/schema.js';
import type { Entry, ErrorBody, LiveEvent, Verification } from '../../src/schema.js';
import type { PayloadOf } from '../../src/shared/protocol.js';
import { el } from '../lib/dom.js';
import { renderPreview } from '../lib/preview.js';
import type { EditorSocket } from '../lib/sockets.js';
import { formatFull, formatRelativeOrAbsolute } from '../lib/time.js';
import { newestFirst } from '../../src/shared/presentation.js';
import { t, VERIFICATIONS, verificationText } from '../../src/shared/i18n/index.js';
import { networkErrorText, request, showError } from './request.js';

interface Item {
  node: HTMLLIElement;
  view: HTMLDivElement;
  error: HTMLParagraphElement;
  editor: HTMLFormElement | null;
  /** The version the open editor started from; sent with the update. */
  baseVersion: number;
}

export class EntryList {
  private readonly entries = new Map<string, Entry>();
  private readonly items = new Map<string, Item>();
  blogId = '';
  hasMore = false;

  /** Set on sign-in; requests need a connected editor socket. */
  socket: EditorSocket | undefined;
  /** Who else has which entry open (SPEC §10 presence): entryId → editor id → name. */
  private readonly others = new Map<string, Map<string, string>>();

  constructor(private readonly list: HTMLOListElement) {}

  /** Someone else opened or closed an entry's editor: "… is editing" on that entry. */
  sawEditing(event: EditingEvent): void {
    if (event.blogId !== this.blogId || event.target !== 'entry') return;
    let who = this.others.get(event.id);
    if (!who) this.others.set(event.id, (who = new Map<string, string>()));
    if (event.active) who.set(event.editor.id, event.editor.name);
    else who.delete(event.editor.id);
    this.showPresence(event.id);
  }

  private showPresence(entryId: string): void {
    const item = this.items.get(entryId);
    if (!item) return;
    const names = [...(this.others.get(entryId)?.values() ?? [])];
    let line = item.node.querySelector<HTMLElement>('.presence');
    if (!line) {
      line = el('p', { class: 'presence', role: 'status' });
      item.view.before(line);
    }
    line.textContent = names.length
      ? `${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'} editing this entry.`
      : '';
  }

  /** Tells the blog's other editors that this entry's editor is open here, or no longer. */
  private announce(entryId: string, active: boolean): void {
    if (this.socket)
      void request(this.socket, 'editing', { blogId: this.blogId, target: 'entry', id: entryId, active });
  }

  reset(blogId: string, entries: Entry[], hasMore: boolean): void {
    this.blogId = blogId;
    this.others.clear();
    this.entries.clear();
    for (const item of this.items.values()) item.node.remove();
    this.items.clear();
    this.hasMore = hasMore;
    this.addOlder(entries, hasMore);
  }

  addOlder(entries: Entry[], hasMore: boolean): void {
    for (const entry of entries) this.entries.set(entry.id, entry);
    this.hasMore = hasMore;
    this.render();
  }

  oldestId(): string | undefined {
    return [...this.entries.values()].sort(newestFirst).at(-1)?.id;
  }

  apply(event: LiveEvent): void {
    if (event.type === 'entry.created') this.entries.set(event.entry.id, event.entry);
    else if (event.type === 'entry.updated') {
      const oldest = [...this.entries.values()].sort(newestFirst).at(-1);
      // An older entry than we have paged to will arrive with "load older".
      if (
        this.entries.has(event.entry.id) ||
        !this.hasMore ||
        !oldest ||
        newestFirst(event.entry, oldest) <= 0
      ) {
        this.entries.set(event.entry.id, event.entry);
      }
    } else if (event.type === 'entry.deleted') this.entries.delete(event.entryId);
    this.render();
  }

  private render(): void {
    const sorted = [...this.entries.values()].sort(newestFirst);
    for (const [id, item] of this.items) {
      if (!this.entries.has(id)) {
        item.node.remove();
        this.items.delete(id);
      }
    }
    let prev: HTMLLIElement | null = null;
    for (const entry of sorted) {
      let item = this.items.get(entry.id);
      if (!item) {
        item = this.createItem(entry);
        this.items.set(entry.id, item);
      } else if (item.node.dataset['version'] !== String(entry.version)) {
        this.fillView(item, entry);
      }
      const expected: Element | null = prev ? prev.nextElementSibling : this.list.firstElementChild;
      if (expected !== item.node) {
        if (prev) prev.after(item.node);
        else this.list.prepend(item.node);
      }
      prev = item.node;
    }
  }

  private createItem(entry: Entry): Item {
    const view = el('div', { class: 'admin-entry-view' });
    const error = el('p', { class: 'form-error', role: 'alert' });
    const node = el('li', { class: 'admin-entry', id: `admin-entry-${entry.id}` }, view, error);
    const item: Item = { node, view, error, editor: null, baseVersion: entry.version };
    this.fillView(item, entry);
    return item;
  }

  private fillView(item: Item, entry: Entry): void {
    item.node.dataset['version'] = String(entry.version);
    item.node.classList.toggle('pinned', entry.pinned);
    item.node.classList.toggle('key-event', entry.keyEvent);
    const meta = el(
      'p',
      { class: 'entry-meta' },
      entry.pinned ? el('span', { class: 'badge badge-pinned' }, 'Pinned') : null,
      entry.keyEvent ? el('span', { class: 'badge badge-key' }, 'Key event') : null,
      entry.verification
        ? el(
            'span',
            { class: 'badge badge-verification', 'data-verification': entry.verification },
            verificationText('en', entry.verification),
          )
        : null,
      el(
        'time',
        { datetime: entry.createdAt, title: formatFull(entry.createdAt) },
        formatRelativeOrAbsolute(entry.createdAt),
      ),
      ` · ${entry.author.name} · version ${entry.version}`,
      entry.corrections.length ? ` · ${entry.corrections.length} correction(s)` : '',
    );
    const body = el('div', { class: 'entry-body' });
    body.innerHTML = entry.html; // sanitised by the server
    const button = (label: string, action: () => void, cls = 'secondary'): HTMLButtonElement => {
      const b = el('button', { type: 'button', class: cls }, label);
      b.addEventListener('click', action);
      return b;
    };
    const actions = el(
      'div',
      { class: 'actions' },
      button('Edit', () => this.openEditor(entry.id)),
      button(entry.pinned ? 'Unpin' : 'Pin', () => void this.update(entry.id, { pinned: !entry.pinned })),
      button(
        entry.keyEvent ? 'Unmark key event' : 'Mark as key event',
        () => void this.update(entry.id, { keyEvent: !entry.keyEvent }),
      ),
      button('Delete', () => this.confirmDelete(entry.id), 'danger'),
    );
    item.view.replaceChildren(
      meta,
      entry.headline ? el('h3', { class: 'entry-headline' }, entry.headline) : '',
      body,
      actions,
    );
    if (item.editor && entry.version !== item.baseVersion) {
      const note = item.editor.querySelector<HTMLElement>('.editor-note');
      if (note)
        note.textContent = `Someone else changed this entry while you were editing (now version ${entry.version}).`;
    }
  }

  private showItemError(item: Item, error: ErrorBody | 'network'): void {
    if (error === 'network') item.error.textContent = networkErrorText();
    else if (item.editor) showError(item.editor, `edit-${this.idFor(item)}-`, item.error, error);
    else showError(item.node, '', item.error, error);
  }

  private idFor(item: Item): string {
    return item.node.id.replace(/^admin-entry-/, '');
  }

  private async update(
    entryId: string,
    changes: Omit<PayloadOf<'entry:update'>, 'blogId' | 'entryId'>,
  ): Promise<boolean> {
    const item = this.items.get(entryId);
    if (!item || !this.socket) return false;
    item.error.textContent = '';
    const outcome = await request(this.socket, 'entry:update', {
      blogId: this.blogId,
      entryId,
      ...changes,
    });
    if (outcome.kind === 'ok') return true;
    this.showItemError(item, outcome.kind === 'network' ? 'network' : outcome.error);
    return false;
  }

  private confirmDelete(entryId: string): void {
    const item = this.items.get(entryId);
    if (!item || item.node.querySelector('.confirm')) return;
    const yes = el('button', { type: 'button', class: 'danger' }, 'Yes, delete');
    const no = el('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const box = el(
      'div',
      { class: 'confirm', role: 'group' },
      'Delete this entry? This cannot be undone. ',
      yes,
      no,
    );
    no.addEventListener('click', () => box.remove());
    yes.addEventListener('click', () => {
      if (!this.socket) return;
      yes.disabled = true;
      void request(this.socket, 'entry:delete', { blogId: this.blogId, entryId }).then((outcome) => {
        box.remove();
        if (outcome.kind !== 'ok')
          this.showItemError(item, outcome.kind === 'network' ? 'network' : outcome.error);
      });
    });
    item.view.after(box);
    yes.focus();
  }

  private openEditor(entryId: string): void {
    const item = this.items.get(entryId);
    const entry = this.entries.get(entryId);
    if (!item || !entry || item.editor) return;
    const p = `edit-${entryId}-`;
    const headline = el('input', { id: `${p}headline`, maxlength: '200' });
    const body = el('textarea', { id: `${p}body`, rows: '6' });
    const preview = el('div', { class: 'preview entry-body' });
    const verification = verificationSelect(`${p}verification`);
    const correction = el('input', { id: `${p}correction`, maxlength: '500' });
    const save = el('button', { type: 'submit' }, 'Save changes');
    const reload = el('button', { type: 'button', class: 'secondary' }, 'Reload it');
    const cancel = el('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const fieldBox = (id: string, label: string, control: HTMLElement): HTMLDivElement =>
      el(
        'div',
        { class: 'field' },
        el('label', { for: id }, label),
        control,
        el('p', { class: 'field-error', id: `${id}-error` }),
      );
    const form = el(
      'form',
      { class: 'entry-editor', novalidate: '' },
      fieldBox(`${p}headline`, 'Headline', headline),
      fieldBox(`${p}body`, 'Text', body),
      el('div', { class: 'preview-box' }, el('p', { class: 'preview-label' }, 'Preview'), preview),
      fieldBox(`${p}verification`, t('en', 'verificationLabel'), verification),
      fieldBox(`${p}correction`, 'Correction note (optional, shown to readers with its time)', correction),
      el('p', { class: 'editor-note', role: 'status' }),
      el('div', { class: 'actions' }, save, reload, cancel),
    );
    const load = (current: Entry): void => {
      headline.value = current.headline ?? '';
      body.value = current.body;
      verification.value = current.verification ?? '';
      correction.value = '';
      item.baseVersion = current.version;
      renderPreview(preview, body.value);
      const note = form.querySelector<HTMLElement>('.editor-note');
      if (note) note.textContent = '';
      showError(form, p, item.error, null);
    };
    load(entry);
    body.addEventListener('input', () => renderPreview(preview, body.value));
    reload.addEventListener('click', () => {
      const current = this.entries.get(entryId);
      if (current) load(current);
    });
    const close = (): void => {
      form.remove();
      item.editor = null;
      item.node.classList.remove('editing');
      this.announce(entryId, false);
    };
    cancel.addEventListener('click', close);
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      } else if (event.key === 'Escape') close();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      save.disabled = true;
      void this.update(entryId, {
        version: item.baseVersion,
        headline: headline.value.trim(),
        body: body.value,
        verification: verificationOf(verification.value),
        ...(correction.value.trim() ? { correction: correction.value } : {}),
      })
        .then((ok) => {
          if (ok) close();
        })
        .finally(() => (save.disabled = false));
    });
    item.editor = form;
    item.node.classList.add('editing');
    item.view.after(form);
    body.focus();
    this.announce(entryId, true);
  }
}

/** A select of the verification labels (SPEC §10), '' = none. Shared by the compose form and the editor. */
export function verificationSelect(id: string): HTMLSelectElement {
  const select = el('select', { id, name: 'verification' }, el('option', { value: '' }, '— none —'));
  for (const value of VERIFICATIONS) select.append(el('option', { value }, verificationText('en', value)));
  return select;
}

/** The select's value as an entry's `verification`. */
export function verificationOf(value: string): Verification {
  return value === 'unconfirmed' || value === 'confirmed' || value === 'disputed' ? value : null;
}
