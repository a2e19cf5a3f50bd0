/**
 * Property-based fuzzing of every Socket.IO request (issue 8, SPEC §3–§4), on the memory store: any value
 * and any near-valid payload is answered within the deadline with what the contract says — an error code
 * of the SPEC, never `internal`, `ok: true` only for a valid request — and nothing is written, no
 * connection of anyone else is harmed, and the process keeps serving.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { FuzzedEvent } from '../helpers/fuzz-oracle.js';
import {
  expectBystanderStillLive,
  expectNoHarm,
  fuzzArguments,
  fuzzEvent,
  printTally,
  startFuzzing,
  type Fuzzing,
} from './fuzz-support.js';

/** Runs per event and namespace; the whole file stays within a few seconds. */
const RUNS = 120;

let f: Fuzzing;
beforeAll(async () => {
  f = await startFuzzing();
});
afterAll(async () => {
  printTally();
  await f.stop();
});

describe('fuzzed reader requests on namespace /', () => {
  it.each<FuzzedEvent>(['subscribe', 'unsubscribe', 'entries'])(
    '%s: every payload is answered as the contract says, and nothing is written or harmed',
    async (event) => {
      await fuzzEvent(f, '/', event, RUNS);
      await expectNoHarm(f);
    },
    60_000,
  );
});

describe('fuzzed requests on namespace /editor', () => {
  it.each<FuzzedEvent>([
    'subscribe',
    'unsubscribe',
    'entries',
    'blog:upsert',
    'entry:create',
    'entry:update',
    'entry:delete',
  ])(
    '%s: every payload is answered as the contract says, and nothing is written or harmed',
    async (event) => {
      await fuzzEvent(f, '/editor', event, RUNS);
      await expectNoHarm(f);
    },
    60_000,
  );
});

describe('fuzzed argument lists', () => {
  it.each<['/' | '/editor', FuzzedEvent[]]>([
    ['/', ['subscribe', 'unsubscribe', 'entries']],
    [
      '/editor',
      ['subscribe', 'unsubscribe', 'entries', 'blog:upsert', 'entry:create', 'entry:update', 'entry:delete'],
    ],
  ])(
    'on %s, a request with no, one or several arguments before its acknowledgement is answered',
    async (namespace, events) => {
      await fuzzArguments(f, namespace, events, RUNS);
      await expectNoHarm(f);
    },
    60_000,
  );
});

it('afterwards the bystander still receives the witness blog’s next event', async () => {
  await expectBystanderStillLive(f);
});
