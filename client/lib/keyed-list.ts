/**
 * Keeps a list element showing exactly `desired` entries, in order, with as few DOM changes as possible:
 * a node is kept while its entry's version is unchanged (so the reader's place and focus stay put),
 * rebuilt when the entry changed, removed when the entry left, and moved only when out of place.
 */
import type { Entry } from '../../src/schema.js';

export type RenderedNodes = Map<string, { node: HTMLLIElement; version: number }>;

export function renderKeyedList(
  list: HTMLElement,
  desired: Entry[],
  rendered: RenderedNodes,
  build: (entry: Entry) => HTMLLIElement,
): void {
  const keep = new Set(desired.map((e) => e.id));
  for (const [id, r] of rendered) {
    if (!keep.has(id)) {
      r.node.remove();
      rendered.delete(id);
    }
  }
  let prev: HTMLLIElement | null = null;
  for (const entry of desired) {
    let r = rendered.get(entry.id);
    if (!r || r.version !== entry.version) {
      const node = build(entry);
      if (r) r.node.replaceWith(node);
      r = { node, version: entry.version };
      rendered.set(entry.id, r);
    }
    const expected: Element | null = prev ? prev.nextElementSibling : list.firstElementChild;
    if (expected !== r.node) {
      if (prev) prev.after(r.node);
      else list.prepend(r.node);
    }
    prev = r.node;
  }
}
