/**
 * The embed page (GET /embed/:blogId), inside the host's sandboxed iframe: tells the host page how tall
 * it is — the only thing it ever tells the host (README "Embed") — and keeps the short feed live
 * (embed/embed-live.ts). The not-found page only reports its height.
 */
import type { EmbedState } from '../src/http/embed-page.js';
import { startEmbed } from './embed/embed-live.js';

/** The message embed.js listens for; nothing else is ever posted to the host. */
export interface HeightMessage {
  type: 'liveblog:height';
  height: number;
}

let lastHeight = 0;
function postHeight(): void {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === lastHeight || window.parent === window) return;
  lastHeight = height;
  const message: HeightMessage = { type: 'liveblog:height', height };
  // The host's origin is unknown here (and a height is no secret); embed.js checks who sent it.
  window.parent.postMessage(message, '*');
}
new ResizeObserver(postHeight).observe(document.documentElement);
postHeight();

const stateNode = document.getElementById('liveblog-embed-state');
if (stateNode) startEmbed(JSON.parse(stateNode.textContent ?? '{}') as EmbedState);
