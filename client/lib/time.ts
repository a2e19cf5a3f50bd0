/**
 * Times in the reader's own zone and language (Intl): relative for recent entries, the absolute
 * local time for older ones and always on hover. The server renders UTC; the client replaces it.
 */

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

/** Fills a `<time datetime>` marked `data-format="relative"` or `"clock"` with local text and a title. */
export function refreshTime(node: HTMLTimeElement, now: number = Date.now()): void {
  const iso = node.dateTime;
  const text = node.dataset['format'] === 'clock' ? formatClock(iso) : formatRelativeOrAbsolute(iso, now);
  if (node.textContent !== text) node.textContent = text;
  const title = formatFull(iso);
  if (node.title !== title) node.title = title;
}

export function refreshTimes(root: ParentNode, now: number = Date.now()): void {
  for (const node of Array.from(root.querySelectorAll<HTMLTimeElement>('time[data-format]')))
    refreshTime(node, now);
}
