/**
 * Times kept fresh in the browser (Intl): relative for recent entries, the absolute time for older ones
 * and always on hover. The reader page and the embed use the blog's language and zone (as the server
 * wrote them); the console, which has no blog locale, the editor's own.
 */

import {
  formatClock as formatZonedClock,
  formatFull as formatZonedFull,
  formatRelative,
  type PageLocale,
} from '../../src/shared/i18n/index.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Entries younger than this show a relative time ("3 minutes ago"). */
export const RELATIVE_MAX_AGE_MS = 12 * HOUR_MS;
/** How often relative times are refreshed. */
export const TIME_REFRESH_MS = MINUTE_MS;

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'long' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function formatRelativeOrAbsolute(iso: string, now: number = Date.now()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const age = now - at;
  if (age < 0 || age >= RELATIVE_MAX_AGE_MS) return absolute.format(at);
  if (age < MINUTE_MS) return relative.format(0, 'second');
  if (age < HOUR_MS) return relative.format(-Math.floor(age / MINUTE_MS), 'minute');
  return relative.format(-Math.floor(age / HOUR_MS), 'hour');
}

export function formatFull(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : full.format(at);
}

export function formatClock(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : clock.format(at);
}

/**
 * Fills a `<time datetime>` marked `data-format="relative"` or `"clock"`. With a page locale (the reader
 * page: the blog's language and time zone, SPEC §9) the texts are those the server wrote, kept fresh;
 * without one, the reader's own language and zone.
 */
export function refreshTime(node: HTMLTimeElement, now: number = Date.now(), locale?: PageLocale): void {
  const iso = node.dateTime;
  const clockFormat = node.dataset['format'] === 'clock';
  const text = locale
    ? clockFormat
      ? formatZonedClock(iso, locale)
      : formatRelative(iso, locale, now)
    : clockFormat
      ? formatClock(iso)
      : formatRelativeOrAbsolute(iso, now);
  if (node.textContent !== text) node.textContent = text;
  const title = locale ? formatZonedFull(iso, locale) : formatFull(iso);
  if (node.title !== title) node.title = title;
}

export function refreshTimes(root: ParentNode, now: number = Date.now(), locale?: PageLocale): void {
  for (const node of Array.from(root.querySelectorAll<HTMLTimeElement>('time[data-format]')))
    refreshTime(node, now, locale);
}
