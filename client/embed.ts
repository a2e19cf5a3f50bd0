/**
 * embed.js, the loader a host page includes with one line (README "Embed"):
 *   <script src="https://<liveblog>/embed.js" data-blog="<blogId>" async></script>
 * It puts a sandboxed iframe of GET /embed/:blogId after the script and keeps it as tall as its content.
 * No dependencies and no globals; it reads nothing from the host page and writes only the iframe.
 * The iframe is cross-origin and sandboxed without allow-same-origin, so neither side can script the other;
 * the only channel is the frame's `liveblog:height` message, accepted from that frame alone.
 */

const BLOG_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Before the first height arrives, and when it never does (a 404, a blocked frame). */
const INITIAL_HEIGHT_PX = 320;
const MIN_HEIGHT_PX = 80;
/** A frame never grows past this, whatever it claims. */
const MAX_HEIGHT_PX = 20_000;
const SANDBOX = 'allow-scripts allow-popups allow-popups-to-escape-sandbox';
const MOUNTED = 'liveblogMounted';

function mount(script: HTMLScriptElement): void {
  if (script.dataset[MOUNTED]) return;
  script.dataset[MOUNTED] = 'true';
  const blog = script.dataset['blog'] ?? '';
  if (!BLOG_ID.test(blog)) {
    console.error(`liveblog embed: data-blog="${blog}" is not a blog id`);
    return;
  }
  const origin = new URL(script.src, document.baseURI).origin;
  const params = new URLSearchParams();
  if (script.dataset['mode'] === 'key-events') params.set('mode', 'key-events');
  const limit = script.dataset['limit'];
  if (limit && /^\d{1,3}$/.test(limit)) params.set('limit', limit);
  const theme = script.dataset['theme'];
  if (theme === 'light' || theme === 'dark' || theme === 'auto') params.set('theme', theme);
  const accent = script.dataset['accent']?.replace(/^#/, '');
  if (accent && /^[0-9a-f]{3}(?:[0-9a-f]{3})?$/i.test(accent)) params.set('accent', accent);
  const query = params.toString();

  const frame = document.createElement('iframe');
  frame.src = `${origin}/embed/${encodeURIComponent(blog)}${query ? `?${query}` : ''}`;
  frame.setAttribute('sandbox', SANDBOX);
  frame.title = script.dataset['title'] ?? 'Live blog';
  frame.className = 'liveblog-embed';
  frame.setAttribute('loading', 'lazy');
  frame.setAttribute('referrerpolicy', 'strict-origin-when-cross-origin');
  // Set through the CSSOM, which a host CSP without 'unsafe-inline' styles allows.
  frame.style.display = 'block';
  frame.style.width = '100%';
  frame.style.border = '0';
  frame.style.height = `${INITIAL_HEIGHT_PX}px`;

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    // Only this frame's window can be the source. A sandboxed frame's origin is opaque ("null"); any
    // other origin means the frame navigated away from liveblog.
    if (event.source === null || event.source !== frame.contentWindow) return;
    if (event.origin !== 'null' && event.origin !== origin) return;
    const data = event.data;
    if (typeof data !== 'object' || data === null) return;
    const { type, height } = data as { type?: unknown; height?: unknown };
    if (type !== 'liveblog:height' || typeof height !== 'number' || !Number.isFinite(height)) return;
    const px = Math.min(MAX_HEIGHT_PX, Math.max(MIN_HEIGHT_PX, Math.ceil(height)));
    frame.style.height = `${px}px`;
  });

  if (script.parentNode && script.parentNode !== document.head) script.after(frame);
  else if (document.body) document.body.append(frame);
  else document.addEventListener('DOMContentLoaded', () => document.body.append(frame), { once: true });
}

function loaderScripts(): HTMLScriptElement[] {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return [current];
  // Run without currentScript (inserted by a tag manager): every snippet not mounted yet.
  return Array.from(document.querySelectorAll<HTMLScriptElement>('script[data-blog][src]')).filter((s) =>
    /\/embed\.js(?:[?#]|$)/.test(s.src),
  );
}

for (const script of loaderScripts()) mount(script);
