import { describe, expect, it } from 'vitest';
import type { Entry } from '../../src/schema.js';
import { escapeHtml } from '../../src/shared/escape-html.js';
import {
  entryHtml,
  isEdited,
  isNewer,
  keyEventHtml,
  newestFirst,
  utcClock,
  utcDateTime,
} from '../../src/shared/presentation.js';

const T0 = '2014-03-14T09:00:00.000Z';
const T1 = '2014-03-14T09:05:00.000Z';
/** When the tests render: five minutes after T0. */
const NOW = Date.parse(T1);
const UTC = { language: 'en', timeZone: 'UTC' };
const FULL_T0 = 'Friday, March 14, 2014 at 9:00:00 AM UTC';

function entry(overrides: Partial<Entry> = {}): Entry {
  return {
    id: '01HS0000000000000000000000',
    blogId: 'crisis-in-ukraine',
    headline: 'Kerry and Lavrov meet in London',
    body: 'Talks **begin**.',
    html: '<p>Talks <strong>begin</strong>.</p>',
    author: { id: 'alice-smith', name: 'Alice Smith' },
    keyEvent: false,
    pinned: false,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    corrections: [],
    verification: null,
    ...overrides,
  };
}

describe('newestFirst', () => {
  it('puts the newest createdAt first, whatever the ids say', () => {
    const older = entry({ id: '01HS000000000000000000000Z', createdAt: T0 });
    const newer = entry({ id: '01HS0000000000000000000001', createdAt: T1 });
    expect([older, newer].sort(newestFirst)).toEqual([newer, older]);
    expect(isNewer(newer, older)).toBe(true);
    expect(isNewer(older, newer)).toBe(false);
  });

  it('orders entries with the same createdAt by id, highest first (the store order)', () => {
    const ids = ['01HS0000000000000000000002', '01HS0000000000000000000009', '01HS0000000000000000000005'];
    const sorted = ids.map((id) => entry({ id })).sort(newestFirst);
    expect(sorted.map((e) => e.id)).toEqual([
      '01HS0000000000000000000009',
      '01HS0000000000000000000005',
      '01HS0000000000000000000002',
    ]);
  });

  it('is a total order: the input order never changes the result', () => {
    const entries = [
      entry({ id: '01HS0000000000000000000001', createdAt: T0 }),
      entry({ id: '01HS0000000000000000000002', createdAt: T0 }),
      entry({ id: '01HS0000000000000000000003', createdAt: T1 }),
      entry({ id: '01HS0000000000000000000004', createdAt: T1 }),
    ];
    const expected = ['4', '3', '2', '1'].map((n) => `01HS000000000000000000000${n}`);
    expect([...entries].sort(newestFirst).map((e) => e.id)).toEqual(expected);
    expect(
      [...entries]
        .reverse()
        .sort(newestFirst)
        .map((e) => e.id),
    ).toEqual(expected);
  });

  it('compares an entry with itself as equal, and neither is newer', () => {
    const a = entry();
    expect(newestFirst(a, { ...a })).toBe(0);
    expect(isNewer(a, { ...a })).toBe(false);
  });
});

describe('isEdited', () => {
  it('is false for a new entry', () => {
    expect(isEdited(entry())).toBe(false);
  });

  it('is true once an update moved version and updatedAt on', () => {
    expect(isEdited(entry({ version: 2, updatedAt: T1 }))).toBe(true);
  });

  it('is false when updatedAt still equals createdAt, whatever the version', () => {
    expect(isEdited(entry({ version: 3, updatedAt: T0 }))).toBe(false);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });
});

describe('UTC time text', () => {
  it('formats a date and time, and a clock time, in UTC', () => {
    expect(utcDateTime('2014-03-14T09:05:00.000Z')).toBe('14 Mar 2014, 09:05 UTC');
    expect(utcClock('2014-03-14T21:42:07.123Z')).toBe('21:42 UTC');
  });

  it('leaves an unparseable time as it is', () => {
    expect(utcDateTime('not a time')).toBe('not a time');
    expect(utcClock('not a time')).toBe('not a time');
  });
});

describe('entryHtml', () => {
  const PAGE = 'https://live.example.org/blogs/crisis-in-ukraine';

  it('renders a plain entry with its permalink anchor, times and a hidden copy-link button', () => {
    const e = entry();
    expect(entryHtml(e, PAGE, UTC, NOW)).toBe(
      `<li class="entry" id="entry-${e.id}" tabindex="-1" data-version="1"><article class="entry-article">
<div class="entry-meta"><a class="entry-time" href="#entry-${e.id}"><time datetime="${T0}" data-format="relative" title="${FULL_T0}">5 minutes ago</time> <span class="clock">09:00 UTC</span></a></div>
<h3 class="entry-headline">Kerry and Lavrov meet in London</h3>
<div class="entry-body"><p>Talks <strong>begin</strong>.</p></div>
<footer class="entry-footer"><span class="entry-author">By Alice Smith</span><button type="button" class="copy-link" data-url="${PAGE}#entry-${e.id}" hidden>Copy link</button></footer>
</article></li>`,
    );
  });

  it('escapes script and handlers in the headline and the author name', () => {
    const html = entryHtml(
      entry({
        headline: '<script>alert(1)</script>',
        author: { id: 'x', name: '<img src=x onerror="alert(2)">' },
      }),
      PAGE,
    );
    expect(html).toContain('<h3 class="entry-headline">&lt;script&gt;alert(1)&lt;/script&gt;</h3>');
    expect(html).toContain('By &lt;img src=x onerror=&quot;alert(2)&quot;&gt;</span>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
  });

  it('inserts the server-sanitised html as it is', () => {
    const sanitised =
      '<p>See <a href="https://example.com/?a=1&amp;b=2" rel="noopener noreferrer nofollow">this</a>.</p>';
    expect(entryHtml(entry({ html: sanitised }), PAGE)).toContain(
      `<div class="entry-body">${sanitised}</div>`,
    );
  });

  it('escapes the page URL in the copy-link data', () => {
    const html = entryHtml(entry(), 'https://x.example/blogs/a"b<c>');
    expect(html).toContain('data-url="https://x.example/blogs/a&quot;b&lt;c&gt;#entry-');
  });

  it('leaves out the headline element when there is no headline', () => {
    expect(entryHtml(entry({ headline: undefined }), PAGE)).not.toContain('entry-headline');
  });

  it('marks pinned entries and key events with classes and badges, pinned first', () => {
    const html = entryHtml(entry({ pinned: true, keyEvent: true }), PAGE);
    expect(html).toMatch(/^<li class="entry key-event pinned" /);
    expect(html).toContain(
      '<div class="entry-meta"><span class="badge badge-pinned">Pinned</span><span class="badge badge-key">Key event</span><a class="entry-time"',
    );
  });

  it('shows an edited entry as updated, with its clock time', () => {
    const updatedAt = '2014-03-14T11:42:07.123Z';
    const edited = entryHtml(entry({ version: 2, updatedAt }), PAGE, UTC, NOW);
    expect(edited).toContain('data-version="2"');
    expect(edited).toContain(
      `<span class="entry-updated">Updated <time datetime="${updatedAt}" data-format="clock" title="Friday, March 14, 2014 at 11:42:07 AM UTC">11:42 UTC</time></span></div>`,
    );
    expect(entryHtml(entry(), PAGE)).not.toContain('entry-updated');
  });
});

describe('keyEventHtml', () => {
  it('links the entry by id, with its time, and escapes the label', () => {
    const e = entry();
    expect(keyEventHtml(e, 'Kerry <b>&</b> Lavrov', UTC, NOW)).toBe(
      `<li><time datetime="${T0}" data-format="relative" title="${FULL_T0}">5 minutes ago</time> <span class="clock">09:00 UTC</span> <a href="#entry-${e.id}" data-entry-id="${e.id}">Kerry &lt;b&gt;&amp;&lt;/b&gt; Lavrov</a></li>`,
    );
  });
});
