/**
 * The desk's Redis parts (SPEC §10): the private desk channels, received with one PSUBSCRIBE on a
 * dedicated connection, and the schedule of drafts, one sorted set `<prefix>schedule` whose members
 * `<blogId>/<draftId>` are claimed atomically with a lease (scripts in lua.ts).
 */
import type { Result } from 'ioredis';
import type { DeskMessage } from '../desk/schema.js';
import { blogIdFromDeskChannel, deskPattern, scheduleKey } from './keys.js';
import { SCHEDULE_CLAIM_LUA, SCHEDULE_DONE_LUA } from './lua.js';
import type { RedisClient } from './redis-store.js';
import type { DeskBus, ScheduledRef, ScheduleQueue } from './store.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    lbScheduleClaim(key: string, now: number, until: number, max: number): Result<string[], Context>;
    lbScheduleDone(key: string, member: string, claim: number): Result<number, Context>;
  }
}

export class RedisDeskBus implements DeskBus {
  constructor(
    private readonly sub: RedisClient,
    private readonly prefix = 'liveblog:',
    private readonly onBadMessage: (channel: string, err: unknown) => void = () => undefined,
  ) {}

  async listen(listener: (blogId: string, message: DeskMessage) => void): Promise<void> {
    this.sub.on('pmessage', (_pattern: string, channel: string, json: string) => {
      const blogId = blogIdFromDeskChannel(this.prefix, channel);
      if (blogId === null) return;
      try {
        listener(blogId, JSON.parse(json) as DeskMessage);
      } catch (err) {
        this.onBadMessage(channel, err);
      }
    });
    await this.sub.psubscribe(deskPattern(this.prefix));
  }

  async close(): Promise<void> {
    await this.sub.quit().catch(() => this.sub.disconnect());
  }
}

const memberOf = (ref: ScheduledRef): string => `${ref.blogId}/${ref.draftId}`;

function refOf(member: string): ScheduledRef | null {
  const slash = member.indexOf('/');
  return slash > 0 ? { blogId: member.slice(0, slash), draftId: member.slice(slash + 1) } : null;
}

export class RedisScheduleQueue implements ScheduleQueue {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix = 'liveblog:',
  ) {
    this.key = scheduleKey(prefix);
    redis.defineCommand('lbScheduleClaim', { numberOfKeys: 1, lua: SCHEDULE_CLAIM_LUA });
    redis.defineCommand('lbScheduleDone', { numberOfKeys: 1, lua: SCHEDULE_DONE_LUA });
  }

  async add(ref: ScheduledRef, atMs: number): Promise<void> {
    await this.redis.zadd(this.key, atMs, memberOf(ref));
  }

  async remove(ref: ScheduledRef): Promise<void> {
    await this.redis.zrem(this.key, memberOf(ref));
  }

  async claimDue(
    nowMs: number,
    leaseMs: number,
    max: number,
  ): Promise<{ ref: ScheduledRef; claim: number }[]> {
    const claim = nowMs + leaseMs;
    const members = await this.redis.lbScheduleClaim(this.key, nowMs, claim, max);
    return members.flatMap((m) => {
      const ref = refOf(m);
      return ref ? [{ ref, claim }] : [];
    });
  }

  async done(ref: ScheduledRef, claim: number): Promise<void> {
    await this.redis.lbScheduleDone(this.key, memberOf(ref), claim);
  }
}
