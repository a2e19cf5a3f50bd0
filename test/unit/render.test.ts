import { describe, expect, it } from 'vitest';
import { renderMarkdown, toPlainText } from '../../src/render.js';

const REL = 'rel="noopener noreferrer nofollow"';

const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 'a', 'blockquote', 'ul', 'ol', 'li'];

/** The real tags of sanitised HTML: text never holds a raw `<` (it is escaped as `&lt;`). */
function realTags(html: string): string[] {
  return [...html.matchAll(/<[^>]*>/g)].map((m) => m[0]);
}

/** Every opening tag name in a piece of HTML. */
function tags(html: string): string[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)].map((m) => (m[1] ?? '').toLowerCase());
}

/** What SPEC §2 promises of `html`: only allowlisted tags, no handlers, links only http(s)/mailto. */
function expectSafe(html: string): void {
  expect(html).not.toMatch(/<script/i);
  for (const tag of realTags(html)) {
    expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
    expect(tag).not.toMatch(/javascript:|data:|vbscript:|style=/i);
    const name = /^<\/?([a-z0-9]+)/i.exec(tag)?.[1]?.toLowerCase();
    expect(ALLOWED_TAGS).toContain(name);
    for (const href of tag.matchAll(/href="([^"]*)"/g)) {
      expect(href[1]).toMatch(/^(https?:|mailto:)/);
      expect(tag).toContain('rel="noopener noreferrer nofollow"');
    }
  }
}

describe('renderMarkdown', () => {
  it('renders bold and italic', () => {
    expect(renderMarkdown('**bold** and *italic* and _also_')).toBe(
      '<p><strong>bold</strong> and <em>italic</em> and <em>also</em></p>',
    );
  });

  it('renders paragraphs and single line breaks', () => {
    const html = renderMarkdown('one\ntwo\n\nthree');
    expect(html).toMatch(/^<p>one<br\s*\/?>\s*two<\/p>\s*<p>three<\/p>$/);
  });

  it('renders http, https and mailto links with rel="noopener noreferrer nofollow"', () => {
    const html = renderMarkdown(
      '[BBC](https://www.bbc.co.uk/news) [plain](http://example.com) [mail](mailto:desk@example.com)',
    );
    expect(html).toContain(`<a href="https://www.bbc.co.uk/news" ${REL}>BBC</a>`);
    expect(html).toContain(`<a href="http://example.com" ${REL}>plain</a>`);
    expect(html).toContain(`<a href="mailto:desk@example.com" ${REL}>mail</a>`);
  });

  it('turns a bare URL into a link with the same rel', () => {
    const html = renderMarkdown('see https://example.com/a for more');
    expect(html).toContain(`<a href="https://example.com/a" ${REL}>https://example.com/a</a>`);
  });

  it('renders bullet and numbered lists', () => {
    expect(renderMarkdown('- a\n- b')).toMatch(/^<ul>\s*<li>a<\/li>\s*<li>b<\/li>\s*<\/ul>$/);
    expect(renderMarkdown('1. a\n2. b')).toMatch(/^<ol>\s*<li>a<\/li>\s*<li>b<\/li>\s*<\/ol>$/);
  });

  it('renders block quotes', () => {
    expect(renderMarkdown('> quoted')).toMatch(/^<blockquote>\s*<p>quoted<\/p>\s*<\/blockquote>$/);
  });

  it.each([
    ['a heading', '# Title', 'h1'],
    ['an image', '![alt](https://example.com/x.png)', 'img'],
    ['inline code', 'run `rm -rf`', 'code'],
    ['a fenced code block', '```\ncode\n```', 'pre'],
    ['a table', '| a | b |\n| - | - |\n| 1 | 2 |', 'table'],
    ['a horizontal rule', 'a\n\n---\n\nb', 'hr'],
  ])('does not render %s as a tag', (_what, body, tag) => {
    const html = renderMarkdown(body);
    expect(tags(html)).not.toContain(tag);
    expectSafe(html);
  });

  it.each([
    ['a script tag', '<script>alert(1)</script>'],
    ['an img with onerror', '<img src=x onerror="alert(1)">'],
    ['an inline event handler', '<a href="https://x.example" onclick="alert(1)">x</a>'],
    ['a raw javascript: anchor', '<a href="javascript:alert(1)">x</a>'],
    ['a markdown javascript: link', '[x](javascript:alert(1))'],
    ['a markdown JavaScript: link with odd case and spaces', '[x]( JaVaScRiPt:alert(1) )'],
    ['an entity-encoded javascript: link', '[x](&#106;avascript:alert(1))'],
    ['a markdown data: link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['a vbscript: link', '[x](vbscript:msgbox(1))'],
    ['an autolink with javascript:', '<javascript:alert(1)>'],
    ['a style tag', '<style>body{display:none}</style>'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>'],
    ['an svg with onload', '<svg onload=alert(1)>'],
  ])('neutralises %s', (_what, body) => {
    const html = renderMarkdown(body);
    expectSafe(html);
  });

  it('shows raw HTML as text rather than dropping the words', () => {
    expect(renderMarkdown('a <b>b</b> c')).toBe('<p>a &lt;b&gt;b&lt;/b&gt; c</p>');
  });

  it('a javascript: link keeps its text but is not an anchor', () => {
    const html = renderMarkdown('[click me](javascript:alert(1))');
    expect(html).not.toContain('<a');
    expect(html).toContain('click me');
  });
});

describe('toPlainText', () => {
  it('strips tags and decodes entities', () => {
    expect(toPlainText(renderMarkdown('**Kerry** & Lavrov <meet>'))).toBe('Kerry & Lavrov <meet>');
  });
});
