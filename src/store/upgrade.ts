/**
 * Records stored before version 1.2 lack its fields. They are read as if written today: an entry with
 * no `corrections` has `[]` and no `verification` is `null`; a blog with no `summary` has '', and one
 * stored before 1.1's `language`/`timeZone` has `en`/`UTC`. One place,
 * used wherever a stored entry, blog or event is parsed, so no consumer ever sees the old shape.
 */
import { withBlogDefaults, type Blog, type Entry, type LiveEvent } from '../schema.js';

type Stored<T> = Omit<
  T,
  'corrections' | 'verification' | 'summary' | 'summaryHtml' | 'language' | 'timeZone'
> &
  Partial<T>;

export function upgradeEntry(entry: Stored<Entry>): Entry {
  if (Array.isArray(entry.corrections) && entry.verification !== undefined) return entry as Entry;
  return { ...entry, corrections: entry.corrections ?? [], verification: entry.verification ?? null };
}

export function upgradeBlog(blog: Stored<Blog>): Blog {
  // SPEC §9's language and time zone, then §10's summary.
  const withLocale = withBlogDefaults(blog as Omit<Blog, 'language' | 'timeZone'> & Partial<Blog>);
  if (typeof blog.summary === 'string' && typeof blog.summaryHtml === 'string') return withLocale;
  return { ...withLocale, summary: blog.summary ?? '', summaryHtml: blog.summaryHtml ?? '' };
}

export function readEntry(json: string): Entry {
  return upgradeEntry(JSON.parse(json) as Stored<Entry>);
}

export function readBlog(json: string): Blog {
  return upgradeBlog(JSON.parse(json) as Stored<Blog>);
}

export function upgradeEvent(event: LiveEvent): LiveEvent {
  switch (event.type) {
    case 'entry.created':
    case 'entry.updated':
      return { ...event, entry: upgradeEntry(event.entry) };
    case 'blog.updated':
      return { ...event, blog: upgradeBlog(event.blog) };
    default:
      return event;
  }
}
