/**
 * Turns markup from src/shared/presentation.ts into nodes. Those functions escape every string from
 * data and pass only the server-sanitised entry.html through, so the reader inserts exactly what the
 * server page renders. A template element parses inertly: nothing in it runs or loads while parsing.
 */
export function fromHtml(html: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content;
}
