/**
 * How entries are presented, decided once for the server page and the browser client (reader and
 * console). DOM-free: plain data in, plain data (or an HTML string) out.
 */
import type { Entry } from '../schema.js';
import { escapeHtml } from './escape-html.js';
import {
  DEFAULT_LOCALE,
  formatClock,
  formatFull,
  formatRelative,
  t,
  verificationText,
  type PageLocale,
} from './i18n/index.js';

/** What the feed order looks at. Ids are ULIDs and sort like createdAt (monotonic within a millisecond). */
export type Ordered = Pick<Entry, 'id' | 'createdAt'>;

/**
 * The feed order (SPEC §2): newest `createdAt` first; equal times by id, highest first, which is the
 * store's order (ids sort like createdAt). A total order, so every sort of the same entries agrees.
 */
export function newestFirst(a: Ordered, b: Ordered): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id === b.id ? 0 : a.id < b.id ? 1 : -1;
}

/** True when `a` comes before `b` in the feed order. */
export function isNewer(a: Ordered, b: Ordered): boolean {
  return newestFirst(a, b) < 0;
}

/** The entry was changed after it was posted: it shows an "Updated" time. */
export function isEdited(entry: Pick<Entry, 'version' | 'createdAt' | 'updatedAt'>): boolean {
  return entry.version > 1 && entry.updatedAt !== entry.createdAt;
}

// ---- time text -----------------------------------------------------------------------------------
// What a page shows before the browser client replaces it with the reader's local time (and what a
// reader without JavaScript keeps): UTC, so the server never guesses the reader's zone.

const utcDateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});
const utcClockFormat = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

function utc(iso: string, format: Intl.DateTimeFormat): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : `${format.format(at)} UTC`;
}

/** "14 Mar 2014, 09:00 UTC"; an unparseable time as it is. */
export function utcDateTime(iso: string): string {
  return utc(iso, utcDateTimeFormat);
}

/** "09:00 UTC"; an unparseable time as it is. */
export function utcClock(iso: string): string {
  return utc(iso, utcClockFormat);
}

// ---- markup --------------------------------------------------------------------------------------
// Every string from data is escaped; entry.html goes in as it is, because the server sanitised it
// (render.ts, SPEC §2 `html`). `<time data-format>` tells the browser client how to localise it.

/**
 * A `<time datetime>` that says how long ago (the client keeps it fresh: `data-format="relative"`), with
 * the full date in the blog's zone on hover, followed by the clock time in the blog's zone with its name
 * ("14:32 EET"). Both are written here, so a page without JavaScript shows them too.
 */
export function timeHtml(iso: string, locale: PageLocale, now: number): string {
  return `<time datetime="${escapeHtml(iso)}" data-format="relative" title="${escapeHtml(formatFull(iso, locale))}">${escapeHtml(formatRelative(iso, locale, now))}</time> <span class="clock">${escapeHtml(formatClock(iso, locale))}</span>`;
}

/**
 * One entry of the reader feed, as the server page renders it and the reader client inserts it.
 * `pageUrl` is the blog's page URL (no hash): the permalink is `pageUrl#entry-<id>` (the copy-link
 * data); the entry's time is its one link to itself. The copy-link button starts hidden; the client shows it, since it needs
 * JavaScript. Words and times follow the blog's language and time zone (`locale`).
 */
export function entryHtml(
  entry: Entry,
  pageUrl: string,
  locale: PageLocale = DEFAULT_LOCALE,
  now: number = Date.now(),
): string {
  const lang = locale.language;
  const id = `entry-${entry.id}`;
  const permalink = `${pageUrl}#${id}`;
  const classes = ['entry', entry.keyEvent ? 'key-event' : '', entry.pinned ? 'pinned' : '']
    .filter(Boolean)
    .join(' ');
  const badges =
    (entry.pinned ? `<span class="badge badge-pinned">${escapeHtml(t(lang, 'pinned'))}</span>` : '') +
    (entry.keyEvent ? `<span class="badge badge-key">${escapeHtml(t(lang, 'keyEvent'))}</span>` : '');
  const updated = isEdited(entry)
    ? `<span class="entry-updated">${escapeHtml(t(lang, 'updated'))} <time datetime="${escapeHtml(entry.updatedAt)}" data-format="clock" title="${escapeHtml(formatFull(entry.updatedAt, locale))}">${escapeHtml(formatClock(entry.updatedAt, locale))}</time></span>`
    : '';
  const verification = verificationText(lang, entry.verification);
  const label = verification
    ? `<span class="badge badge-verification" data-verification="${escapeHtml(entry.verification ?? '')}"><span class="visually-hidden">${escapeHtml(t(lang, 'verificationLabel'))}: </span>${escapeHtml(verification)}</span>`
    : '';
  const history =
    entry.version > 1
      ? `<a class="entry-history" href="${escapeHtml(`${pageUrl}/entries/${encodeURIComponent(entry.id)}/revisions`)}">${escapeHtml(t(lang, 'earlierVersions'))}</a>`
      : '';
  return `<li class="${classes}" id="${escapeHtml(id)}" tabindex="-1" data-version="${entry.version}"><article class="entry-article">
<div class="entry-meta">${badges}${label}<a class="entry-time" href="#${escapeHtml(id)}">${timeHtml(entry.createdAt, locale, now)}</a>${updated}</div>
${entry.headline ? `<h3 class="entry-headline">${escapeHtml(entry.headline)}</h3>\n` : ''}<div class="entry-body">${entry.html}</div>
${correctionsHtml(entry, locale, now)}<footer class="entry-footer"><span class="entry-author">${escapeHtml(t(lang, 'byAuthor', { name: entry.author.name }))}</span>${history}<button type="button" class="copy-link" data-url="${escapeHtml(permalink)}" hidden>${escapeHtml(t(lang, 'copyLink'))}</button></footer>
</article></li>`;
}

/** One item of the "Key events" box: its time and a link to the entry, labelled `headline`. */
export function keyEventHtml(
  entry: Entry,
  headline: string,
  locale: PageLocale = DEFAULT_LOCALE,
  now: number = Date.now(),
): string {
  return `<li>${timeHtml(entry.createdAt, locale, now)} <a href="#entry-${escapeHtml(entry.id)}" data-entry-id="${escapeHtml(entry.id)}">${escapeHtml(headline)}</a></li>`;
}

/** The entry's corrections, oldest first, each with its time ('' when there are none). */
export function correctionsHtml(
  entry: Pick<Entry, 'corrections'>,
  locale: PageLocale = DEFAULT_LOCALE,
  now: number = Date.now(),
): string {
  const corrections = entry.corrections ?? [];
  if (corrections.length === 0) return '';
  const lang = locale.language;
  const items = corrections
    .map(
      (c) =>
        `<li><span class="correction-label">${escapeHtml(t(lang, 'correction'))}</span> ${timeHtml(c.at, locale, now)}: ${escapeHtml(c.note)}</li>`,
    )
    .join('');
  return `<aside class="entry-corrections" aria-label="${escapeHtml(t(lang, 'corrections'))}"><ul>${items}</ul></aside>\n`;
}
