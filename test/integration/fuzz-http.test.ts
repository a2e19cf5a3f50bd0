/**
 * Property-based fuzzing of every HTTP write (issue 8, SPEC §5), on the memory store: arbitrary paths,
 * tokens, Idempotency-Key and If-Match headers, content types and bodies (JSON or not, near and over the
 * size limit) get the status the contract gives — never a 500 — with `{ error: { code, message } }`, and
 * nothing is written. Malformed percent-escapes and unsupported charsets/encodings are left out (see
 * test/helpers/arbitraries.ts).
 */
import { afterAll, beforeAll, it } from 'vitest';
import type { WriteMethod } from '../helpers/fuzz-oracle.js';
import {
  expectBystanderStillLive,
  expectNoHarm,
  fuzzHttp,
  printTally,
  startFuzzing,
  type Fuzzing,
} from './fuzz-support.js';

/** Runs per route; the whole file stays within a few seconds. */
const RUNS = 150;

let f: Fuzzing;
beforeAll(async () => {
  f = await startFuzzing();
});
afterAll(async () => {
  printTally();
  await f.stop();
});

it.each<WriteMethod>(['PUT', 'POST', 'PATCH', 'DELETE'])(
  '%s: every request is answered as the contract says, and nothing is written or harmed',
  async (method) => {
    await fuzzHttp(f, method, RUNS);
    await expectNoHarm(f);
  },
  60_000,
);

it('afterwards the bystander still receives the witness blog’s next event', async () => {
  await expectBystanderStillLive(f);
});
