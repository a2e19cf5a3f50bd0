/**
 * A live preview of the body's Markdown subset (paragraphs, line breaks, bold, italic, links, block
 * quotes, lists), built with DOM APIs only: the user's text only ever becomes text nodes, and a link
 * only gets an href when it is http:, https: or mailto:. It approximates the server's rendering; the
 * server's `html` is what readers get.
 */

const SAFE_LINK = /^(https?:|mailto:)/i;
const INLINE =
  /\*\*(.+?)\*\*|__(.+?)__|\*([^*\s](?:[^*]*[^*\s])?)\*|_([^_\s](?:[^_]*[^_\s])?)_|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;

function appendInline(parent: Node, text: string): void {
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const index = match.index;
    if (index > last) parent.appendChild(document.createTextNode(text.slice(last, index)));
    last = index + match[0].length;
    const [, bold1, bold2, em1, em2, linkText, linkUrl, bare] = match;
    const bold = bold1 ?? bold2;
    const em = em1 ?? em2;
    if (bold !== undefined) {
      const strong = document.createElement('strong');
      appendInline(strong, bold);
      parent.appendChild(strong);
    } else if (em !== undefined) {
      const node = document.createElement('em');
      appendInline(node, em);
      parent.appendChild(node);
    } else if (linkText !== undefined && linkUrl !== undefined) {
      if (SAFE_LINK.test(linkUrl)) parent.appendChild(link(linkUrl, (a) => appendInline(a, linkText)));
      else parent.appendChild(document.createTextNode(match[0]));
    } else if (bare !== undefined) {
      parent.appendChild(link(bare, (a) => a.appendChild(document.createTextNode(bare))));
    }
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

function link(href: string, fill: (a: HTMLAnchorElement) => void): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = href;
  a.rel = 'noopener noreferrer nofollow';
  a.target = '_blank';
  fill(a);
  return a;
}

function appendLines(parent: Node, lines: string[]): void {
  lines.forEach((line, i) => {
    if (i > 0) parent.appendChild(document.createElement('br'));
    appendInline(parent, line);
  });
}

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s*>\s?(.*)$/;

function renderBlocks(parent: Node, lines: string[]): void {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      for (let m = QUOTE.exec(lines[i] ?? ''); i < lines.length && m; m = QUOTE.exec(lines[++i] ?? '')) {
        inner.push(m[1] ?? '');
      }
      const quote = document.createElement('blockquote');
      renderBlocks(quote, inner);
      parent.appendChild(quote);
      continue;
    }
    const bullet = BULLET.test(line);
    const numbered = NUMBERED.exec(line);
    if (bullet || numbered) {
      const list = document.createElement(bullet ? 'ul' : 'ol');
      if (numbered && numbered[1] !== '1') list.setAttribute('start', String(Number(numbered[1])));
      const pattern = bullet ? BULLET : NUMBERED;
      for (let m = pattern.exec(lines[i] ?? ''); i < lines.length && m; m = pattern.exec(lines[++i] ?? '')) {
        const item = document.createElement('li');
        appendInline(item, (bullet ? m[1] : m[2]) ?? '');
        list.appendChild(item);
      }
      parent.appendChild(list);
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length) {
      const next = lines[i] ?? '';
      if (next.trim() === '' || QUOTE.test(next) || BULLET.test(next) || NUMBERED.test(next)) break;
      paragraph.push(next);
      i++;
    }
    const p = document.createElement('p');
    appendLines(p, paragraph);
    parent.appendChild(p);
  }
}

/** Replaces the target's content with the preview of `markdown`. */
export function renderPreview(target: HTMLElement, markdown: string): void {
  const fragment = document.createDocumentFragment();
  renderBlocks(fragment, markdown.replace(/\r\n?/g, '\n').split('\n'));
  target.replaceChildren(fragment);
}
