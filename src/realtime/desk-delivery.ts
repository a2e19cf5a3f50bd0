/**
 * Delivers the private desk channel (SPEC §10) to this instance's `/editor` sockets subscribed to the
 * blog: editors get every `draft` event, a contributor only its own drafts'; `editing` goes to the
 * others who may see that entry or draft, never back to the socket that announced it. Reader sockets
 * (namespace `/`) are never looked at.
 */
import type { Namespace } from 'socket.io';
import { isContributor } from '../auth.js';
import type { DeskMessage } from '../desk/schema.js';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '../shared/protocol.js';
import type { ServerSocketData } from './types.js';

type EditorNamespace = Namespace<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  ServerSocketData
>;

export function deliverDesk(editors: EditorNamespace): (blogId: string, message: DeskMessage) => void {
  return (blogId, message) => {
    const sids = editors.adapter.rooms.get(blogId);
    if (!sids) return;
    for (const sid of sids) {
      const socket = editors.sockets.get(sid);
      const who = socket?.data.editor;
      if (!socket || !who) continue;
      if (isContributor(who) && message.authorId !== who.id) continue;
      if (message.kind === 'draft') socket.emit('draft', message.event);
      else if (sid !== message.from) socket.emit('editing', message.event);
    }
  };
}
