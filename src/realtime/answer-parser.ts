/**
 * Socket.IO's parser (socket.io-parser, the default) with one shortcut: an acknowledgement whose single
 * argument is an answer with known JSON (`answerJson`, e.g. a subscribe answer built from a cached
 * snapshot) is written with that JSON as it is, instead of walking it for binary parts and serialising it
 * again for every reader. The bytes on the wire are exactly what the default encoder makes of the same
 * answer (`43<id>[<json>]`), so every client decodes it as before. Passed as the server's `parser` option.
 */
import * as defaultParser from 'socket.io-parser';
import { PacketType, type Packet } from 'socket.io-parser';
import { answerJson } from '../live/answer-json.js';

class AnswerEncoder extends defaultParser.Encoder {
  override encode(packet: Packet): ReturnType<defaultParser.Encoder['encode']> {
    if (packet.type === PacketType.ACK && Array.isArray(packet.data) && packet.data.length === 1) {
      const json = answerJson(packet.data[0]);
      if (json !== undefined) {
        const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
        return [`${PacketType.ACK}${nsp}${packet.id ?? ''}[${json}]`];
      }
    }
    return super.encode(packet);
  }
}

export const answerParser = {
  protocol: defaultParser.protocol,
  Encoder: AnswerEncoder,
  Decoder: defaultParser.Decoder,
};
