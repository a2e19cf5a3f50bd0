/**
 * Instances going away while editors post (SPEC §1, §3, §6): one SIGKILLed, and a rolling restart of
 * every instance (SIGTERM, replacement on the same port, then the next). Readers reconnect by
 * themselves and resume from their cursors; none may miss or repeat an event, and every acknowledged
 * write stays.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { uniqueId } from '../helpers/app.js';
import { connectEditor } from '../helpers/clients.js';
import { launchInstance, type Instance } from '../helpers/instance.js';
import { freePort } from '../helpers/redis-server.js';
import { TrackingReader } from '../helpers/tracking-reader.js';
import { until } from '../helpers/wait.js';
import {
  createOverHttp,
  createOverSocket,
  storedEntries,
  upsertOverHttp,
  WriteLoad,
} from '../helpers/writes.js';
import { expectAcknowledgedStored, expectReaderMatchesStore, readersCaughtUp } from './faults-support.js';

const TOKEN = 'faults-instances-token-1';
const SECOND_TOKEN = 'faults-instances-token-2';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** Starts instances on fixed ports of one shared Redis (own prefix), so replacements can take a port over. */
function instances(label: string): (port: number) => Promise<Instance> {
  const env = {
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: `${uniqueId(label)}:`,
    EDITOR_TOKENS: `Desk:${TOKEN},Wire:${SECOND_TOKEN}`,
    EDITOR_WRITES_PER_SECOND: '0',
    REDIS_COMMAND_TIMEOUT_MS: '1000',
  };
  return async (port) => {
    const instance = await launchInstance(port, env);
    cleanups.push(() => instance.kill());
    return instance;
  };
}

async function twoPorts(): Promise<[number, number]> {
  const first = await freePort();
  let second = await freePort();
  while (second === first) second = await freePort();
  return [first, second];
}

async function readersOn(urls: string[], blogId: string): Promise<TrackingReader[]> {
  const readers = await Promise.all(urls.map((url) => TrackingReader.open(url, blogId)));
  cleanups.push(() => readers.forEach((r) => r.close()));
  return readers;
}

/** A marker once writes are stopped: the store's view after it is what every reader must end up with. */
async function settle(
  url: string,
  blogId: string,
  readers: TrackingReader[],
): Promise<Awaited<ReturnType<typeof storedEntries>>> {
  const marker = await createOverHttp('marker', url, TOKEN, blogId, 'marker', 'marker');
  expect(marker.ok).toBe(true);
  const stored = await storedEntries(url, blogId);
  await readersCaughtUp(readers, stored.cursor);
  return stored;
}

describe('instances going away while editors post', () => {
  it('an instance SIGKILLed mid-write: every acknowledged write is kept, and its readers reconnect and resume with each event once, in order', async () => {
    const launch = instances('killed');
    const [port1, port2] = await twoPorts();
    const [first, second] = await Promise.all([launch(port1), launch(port2)]);
    const blogId = uniqueId('killed-blog');
    expect(await upsertOverHttp(second.url, TOKEN, blogId)).toMatchObject({ ok: true });
    const readers = await readersOn([first.url, first.url, second.url, second.url], blogId);
    const editor = await connectEditor(second.url, SECOND_TOKEN);
    cleanups.push(() => void editor.close());

    const load = new WriteLoad('killed', [
      (body, key) => createOverHttp('http@1', first.url, TOKEN, blogId, body, key),
      (body, key) => createOverHttp('http@2', second.url, TOKEN, blogId, body, key),
      (body, key) => createOverSocket('socket@2', editor, blogId, body, key),
    ]);
    try {
      await until(
        'writes through the first instance',
        () => load.acknowledgedSince(0, 'http@1').length >= 4,
        15_000,
      );
      await first.kill();
      await launch(port1);
      const replaced = Date.now();
      await until(
        'writes through the replacement',
        () => load.acknowledgedSince(replaced, 'http@1').length >= 4,
        15_000,
      );
    } finally {
      await load.stop();
    }

    const stored = await settle(second.url, blogId, readers);
    expectAcknowledgedStored(load.acknowledged(), stored);
    for (const reader of readers) expectReaderMatchesStore(reader, stored, { oneSegment: true });
    // The first instance's readers did lose their connection, and came back by resuming.
    for (const reader of readers.slice(0, 2)) {
      expect(reader.connects).toBeGreaterThanOrEqual(2);
      expect(reader.answers).toContain('resumed');
    }
  }, 60_000);

  it('a rolling restart of every instance while editors post: every acknowledged write is kept and every reader resumes with each event once, in order', async () => {
    const launch = instances('rolling');
    const ports = await twoPorts();
    const running = await Promise.all(ports.map((port) => launch(port)));
    const urls = ports.map((port) => `http://127.0.0.1:${port}`);
    const blogId = uniqueId('rolling-blog');
    expect(await upsertOverHttp(urls[0] ?? '', TOKEN, blogId)).toMatchObject({ ok: true });
    const readers = await readersOn([...urls, ...urls], blogId);

    // Editors keep posting to each port, whichever instance is behind it at the time.
    const load = new WriteLoad(
      'rolling',
      urls.map(
        (url, i) => (body, key) =>
          createOverHttp(`http@${i}`, url, i === 0 ? TOKEN : SECOND_TOKEN, blogId, body, key),
      ),
    );
    try {
      for (const [i, port] of ports.entries()) {
        await until(
          `writes before restarting instance ${i}`,
          () => load.acknowledged().length >= 4 * (i + 1),
          15_000,
        );
        const exit = await running[i]?.terminate();
        expect(exit, `instance ${i} exits cleanly on SIGTERM`).toEqual({ code: 0, signal: null });
        await launch(port);
        const replaced = Date.now();
        await until(
          `writes through replacement ${i}`,
          () => load.acknowledgedSince(replaced, `http@${i}`).length >= 3,
          15_000,
        );
      }
    } finally {
      await load.stop();
    }

    const stored = await settle(urls[1] ?? '', blogId, readers);
    expectAcknowledgedStored(load.acknowledged(), stored);
    for (const reader of readers) {
      expectReaderMatchesStore(reader, stored, { oneSegment: true });
      expect(reader.connects, 'every reader was moved by the restart').toBeGreaterThanOrEqual(2);
    }
  }, 60_000);
});
