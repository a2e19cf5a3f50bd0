/**
 * Markdown subset → HTML that is safe to insert into a page as it is (SPEC §2 `html`).
 * markdown-it parses (raw HTML in the source is escaped, never passed through); sanitize-html then
 * enforces the allowlist, so even a parser bug cannot let a tag, attribute or scheme through.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true })
  .enable([
    'paragraph',
    'newline',
    'emphasis',
    'link',
    'autolink',
    'linkify',
    'blockquote',
    'list',
    'escape',
    'entity',
  ])
  .enable(['text_join', 'balance_pairs', 'fragments_join'], true);

const ALLOWED_SCHEMES = ['http', 'https', 'mailto'];
const LINK_REL = 'noopener noreferrer nofollow';

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'a', 'blockquote', 'ul', 'ol', 'li'],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ALLOWED_SCHEMES,
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs): sanitizeHtml.Tag => {
      const safe: sanitizeHtml.Attributes = {};
      if (attribs.href) Object.assign(safe, { href: attribs.href, rel: LINK_REL });
      return { tagName, attribs: safe };
    },
  },
};

/** Markdown link validation: only absolute http(s) and mailto links become anchors. */
md.validateLink = (url: string): boolean => /^(https?:|mailto:)/i.test(url.trim());

export function renderMarkdown(body: string): string {
  return sanitizeHtml(md.render(body), SANITIZE).trim();
}

/** Markdown → plain text, for JSON-LD `articleBody`, Open Graph descriptions and notifications. */
export function toPlainText(html: string): string {
  return sanitizeHtml(html.replace(/<\/(p|li|blockquote)>|<br\s*\/?>/g, '$&\n'), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{2,}/g, '\n')
    .trim();
}
