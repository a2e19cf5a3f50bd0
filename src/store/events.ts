/** Turning an EventDraft into the public envelope: one place, so both stores emit identical bytes. */
import { withBlogDefaults, type LiveEvent } from '../schema.js';
import { formatCursor } from '../cursor.js';
import type { EventDraft } from './store.js';

/** The envelope's JSON in two halves around the seq and cursor, which only the committing step knows. */
export function draftHalves(blogId: string, draft: EventDraft): { head: string; tail: string } {
  const head = `{"v":1,"type":${JSON.stringify(draft.type)},"blogId":${JSON.stringify(blogId)},"seq":`;
  let body: string;
  switch (draft.type) {
    case 'entry.created':
    case 'entry.updated':
      body = `"entry":${JSON.stringify(draft.entry)}`;
      break;
    case 'entry.deleted':
      body = `"entryId":${JSON.stringify(draft.entryId)}`;
      break;
    case 'blog.updated':
      body = `"blog":${JSON.stringify(draft.blog)}`;
      break;
  }
  return { head, tail: `,"at":${JSON.stringify(draft.at)},${body}}` };
}

/** The envelope as a JSON string: head + seq + ,"cursor":"…" + tail (the Lua script does the same). */
export function serializeEvent(blogId: string, draft: EventDraft, epoch: string, seq: number): string {
  const { head, tail } = draftHalves(blogId, draft);
  return `${head}${seq},"cursor":${JSON.stringify(formatCursor(epoch, seq))}${tail}`;
}

export function parseEvent(json: string): LiveEvent {
  const event = JSON.parse(json) as LiveEvent;
  // A blog.updated logged before SPEC §9 reads with the default language and time zone.
  return event.type === 'blog.updated' ? { ...event, blog: withBlogDefaults(event.blog) } : event;
}
