/**
 * The fuzz properties of fuzz-sockets and fuzz-http, fewer runs each, on the Redis store: fuzzed ids,
 * cursors and `before` values reach Redis keys, Lua scripts and lex ranges there, and must still get the
 * contract's answers, write nothing and harm nobody.
 */
import { afterAll, beforeAll, inject, it } from 'vitest';
import type { FuzzedEvent } from '../helpers/fuzz-oracle.js';
import type { WriteMethod } from '../helpers/fuzz-oracle.js';
import {
  expectBystanderStillLive,
  expectNoHarm,
  fuzzEvent,
  fuzzHttp,
  printTally,
  startFuzzing,
  type Fuzzing,
} from './fuzz-support.js';

const RUNS = 30;

let f: Fuzzing;
beforeAll(async () => {
  f = await startFuzzing({ redisUrl: inject('redisUrl') });
});
afterAll(async () => {
  printTally();
  await f.stop();
});

it.each<FuzzedEvent>([
  'subscribe',
  'unsubscribe',
  'entries',
  'blog:upsert',
  'entry:create',
  'entry:update',
  'entry:delete',
])(
  '%s on /editor: every payload is answered as the contract says, and nothing is written or harmed',
  async (event) => {
    await fuzzEvent(f, '/editor', event, RUNS);
    await expectNoHarm(f);
  },
  60_000,
);

it.each<WriteMethod>(['PUT', 'POST', 'PATCH', 'DELETE'])(
  'HTTP %s: every request is answered as the contract says, and nothing is written or harmed',
  async (method) => {
    await fuzzHttp(f, method, RUNS);
    await expectNoHarm(f);
  },
  60_000,
);

it('afterwards the bystander still receives the witness blog’s next event', async () => {
  await expectBystanderStillLive(f);
});
