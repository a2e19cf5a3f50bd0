/** LiveHub on the memory store: one subscribe answers and joins in one step; counts are sets. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  LiveHub,
  READERS_INTERVAL_MS,
  READERS_TTL_MS,
  type LiveMember,
  type LiveOutput,
} from '../../src/live/live-hub.js';
import type { FreshSubscribeAck, LiveEvent, ReadersMessage } from '../../src/schema.js';
import { MemoryBus, MemoryStore } from '../../src/store/memory-store.js';
import {
  createBlogCommit,
  createEntryCommit,
  makeBlog,
  makeEntry,
  newBlogId,
} from '../helpers/store-fixtures.js';
import { until } from '../helpers/wait.js';

/** A member that records the events its blogs deliver after it joined, like a socket in a room. */
class FakeMember implements LiveMember {
  connected = true;
  readonly rooms = new Set<string>();
  readonly received: LiveEvent[] = [];
  restarts = 0;
  join(blogId: string): void {
    this.rooms.add(blogId);
  }
  leave(blogId: string): void {
    this.rooms.delete(blogId);
  }
  restart(): void {
    this.restarts += 1;
  }
}

class Output implements LiveOutput {
  readonly members = new Set<FakeMember>();
  readonly counts: ReadersMessage[] = [];
  event(event: LiveEvent): void {
    for (const m of this.members) if (m.rooms.has(event.blogId)) m.received.push(event);
  }
  readers(message: ReadersMessage): void {
    this.counts.push(message);
  }
}

const hubs: LiveHub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
});

async function setUp(feedIdleMs = 30_000) {
  const store = new MemoryStore();
  const bus = new MemoryBus(store);
  const output = new Output();
  const hub = new LiveHub(store, bus, output, { instanceId: 'test', onError: () => undefined, feedIdleMs });
  hubs.push(hub);
  const blogId = newBlogId('hub');
  await store.commit(createBlogCommit(makeBlog(blogId)));
  const member = (): FakeMember => {
    const m = new FakeMember();
    output.members.add(m);
    return m;
  };
  return { store, hub, blogId, member };
}

describe('LiveHub', () => {
  it('a member subscribing while entries are posted gets every later event exactly once', async () => {
    const { store, hub, blogId, member } = await setUp();
    const m = member();
    const posts = Array.from({ length: 20 }, () => store.commit(createEntryCommit(makeEntry(blogId))));
    const ack = (await hub.subscribe(m, { blogId })) as FreshSubscribeAck;
    await Promise.all(posts);
    await until('the last event', () => (ack.seq + m.received.length >= 21 ? true : undefined));
    expect(m.received.map((e) => e.seq)).toEqual(
      Array.from({ length: 21 - ack.seq }, (_, i) => ack.seq + 1 + i),
    );
  });

  it('concurrent subscribes of one blog count the member once', async () => {
    const { hub, blogId, member } = await setUp();
    const m = member();
    await Promise.all(Array.from({ length: 10 }, () => hub.subscribe(m, { blogId })));
    expect(hub.readers(blogId)).toBe(1);
    const other = member();
    const ack = (await hub.subscribe(other, { blogId })) as FreshSubscribeAck;
    expect(ack.readers).toBe(2);
    hub.disconnect(m);
    hub.disconnect(m);
    expect(hub.readers(blogId)).toBe(1);
  });

  it('releases a feed once its last member left and the grace period passed', async () => {
    const { hub, blogId, member } = await setUp(20);
    const m = member();
    await Promise.all([hub.subscribe(m, { blogId }), hub.subscribe(m, { blogId })]);
    expect(hub.followed()).toEqual([blogId]);
    hub.disconnect(m);
    await until('the feed to be released', () => hub.followed().length === 0);
  });

  it('a subscribe cancelled by an unsubscribe in flight does not join', async () => {
    const { hub, blogId, member } = await setUp();
    const m = member();
    const pending = hub.subscribe(m, { blogId });
    hub.unsubscribe(m, blogId);
    await pending;
    expect(m.rooms.has(blogId)).toBe(false);
    expect(hub.readers(blogId)).toBe(0);
  });

  it('an unknown blog is not_found and leaves no feed behind', async () => {
    const { hub, member } = await setUp(20);
    await expect(hub.subscribe(member(), { blogId: 'no-such-blog' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await until('no feed', () => hub.followed().length === 0);
  });

  it('a hub that stops withdraws its readers: the other instance announces the lower total at its next exchange, not after the ttl', async () => {
    const { store, hub, blogId, member } = await setUp();
    const output = new Output();
    const other = new LiveHub(store, new MemoryBus(store), output, {
      instanceId: 'other',
      onError: () => undefined,
    });
    hubs.push(other);
    const watcher = new FakeMember();
    output.members.add(watcher);
    await other.subscribe(watcher, { blogId });
    await hub.subscribe(member(), { blogId });
    await hub.subscribe(member(), { blogId });
    hub.start();
    other.start();
    await until('the other hub to count 3', () => output.counts.at(-1)?.count === 3, 8000);
    await hub.close();
    const dropped = Date.now();
    await until('the other hub to count only its own reader', () => output.counts.at(-1)?.count === 1, 8000);
    // Two exchanges at most (READERS_INTERVAL_MS each), far from READERS_TTL_MS.
    expect(Date.now() - dropped).toBeLessThan(READERS_INTERVAL_MS * 2 + 500);
    expect(READERS_TTL_MS).toBeGreaterThan(READERS_INTERVAL_MS * 2 + 500);
  });
});
