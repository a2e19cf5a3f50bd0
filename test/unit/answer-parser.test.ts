/** The Socket.IO encoder writes a subscribe answer from its snapshot's JSON, made once per page. */
import { Encoder, PacketType, type Packet } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { freshAnswer, pageJson, resumedAnswer } from '../../src/live/answer-json.js';
import { answerParser } from '../../src/realtime/answer-parser.js';
import type { BlogPage, LiveEvent } from '../../src/schema.js';
import { makeBlog, makeEntry } from '../helpers/store-fixtures.js';

const blog = makeBlog('wire-blog');
const page: BlogPage = {
  blog,
  entries: [makeEntry(blog.id, { body: 'a "quoted" <b>body</b> ✓' })],
  pinned: null,
  hasMore: false,
  cursor: 'e.1',
  seq: 1,
};

const encode = (packet: Packet): string[] => new answerParser.Encoder().encode(packet) as string[];

describe('answerParser', () => {
  it('writes a fresh answer exactly as the default encoder would', () => {
    const answer = freshAnswer(page, 7);
    const packet = { type: PacketType.ACK, nsp: '/editor', id: 12, data: [answer] };
    expect(new answerParser.Encoder().encode(packet)).toEqual(new Encoder().encode(packet));
  });

  it('serialises a page once, however many readers it answers', () => {
    const first = freshAnswer(page, 1);
    expect(pageJson(page)).toBe(pageJson(page));
    const [encoded] = encode({ type: PacketType.ACK, nsp: '/', id: 1, data: [first] });
    expect(encoded).toContain('"readers":1}]');
    const second = freshAnswer(page, 2);
    // Changing the answer after it was made shows that its JSON is not made again.
    (second as { seq: number }).seq = 99;
    const [cached] = encode({ type: PacketType.ACK, nsp: '/', id: 2, data: [second] });
    expect(cached).toContain('"seq":1,"readers":2}]');
  });

  it('writes a resume answer exactly as the default encoder would', () => {
    const event = {
      type: 'entry.created' as const,
      blogId: blog.id,
      seq: 2,
      at: page.entries[0]?.createdAt ?? '',
      entry: page.entries[0],
    };
    const answer = resumedAnswer({
      resumed: true,
      blog,
      events: [event as unknown as LiveEvent],
      cursor: 'e.2',
      seq: 2,
    });
    const packet = { type: PacketType.ACK, nsp: '/', id: 4, data: [answer] };
    expect(encode(packet)).toEqual(new Encoder().encode(packet));
  });

  it('leaves every other packet to the default encoder', () => {
    const plain = { type: PacketType.ACK, nsp: '/', id: 3, data: [{ ok: true }] };
    expect(new answerParser.Encoder().encode(plain)).toEqual(['33[{"ok":true}]']);
    const event = { type: PacketType.EVENT, nsp: '/', data: ['event', freshAnswer(page, 1)] };
    expect(new answerParser.Encoder().encode(event)).toEqual(new Encoder().encode(event));
  });
});
