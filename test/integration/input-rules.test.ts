/**
 * Issue 8, "decide and document": text that shows nothing is blank, control characters are removed,
 * and an update that changes nothing is no change (no new version, no event).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import {
  call,
  connectEditor,
  connectReader,
  EventLog,
  expectOk,
  expectRefused,
  newBlog,
  type EditorSocket,
  type ReaderSocket,
} from '../helpers/clients.js';

let app: TestApp;
let editor: EditorSocket;
const opened: ReaderSocket[] = [];

beforeAll(async () => {
  app = await startApp();
  editor = await connectEditor(app.url, app.token);
});
afterAll(async () => {
  editor.close();
  await app.stop();
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

describe('text rules', () => {
  it.each([
    ['zero-width spaces', '\u200B\u200B\u200B'],
    ['a BOM and a word joiner', '\uFEFF\u2060'],
    ['spaces and a soft hyphen', '  \u00AD \n'],
    ['control characters only', '\u0000\u0007\u001B'],
  ])('a body of %s is invalid (blank)', async (_label, body) => {
    const blogId = await newBlog(app, { editor });
    const error = expectRefused(await call(editor, 'entry:create', { blogId, body }));
    expect(error.code).toBe('invalid');
    expect(error.issues?.[0]?.path).toEqual(['body']);
  });

  it('control characters are removed from bodies and headlines; a headline stays one line', async () => {
    const blogId = await newBlog(app, { editor });
    const { entry } = expectOk(
      await call(editor, 'entry:create', {
        blogId,
        headline: 'Kerry\nand\tLavrov\u0000',
        body: 'Talks\u0000 begin\u001B[31m.\nSecond line\ttabbed.',
      }),
    );
    expect(entry.headline).toBe('Kerry and Lavrov');
    expect(entry.body).toBe('Talks begin[31m.\nSecond line\ttabbed.');
  });
});

describe('an update that changes nothing', () => {
  it('answers the entry as it is: no new version and no event', async () => {
    const blogId = await newBlog(app, { editor });
    const { entry } = expectOk(
      await call(editor, 'entry:create', { blogId, body: 'Same', headline: 'Title', keyEvent: true }),
    );
    const reader = await connectReader(app.url);
    opened.push(reader);
    const log = new EventLog(reader);
    expectOk(await call(reader, 'subscribe', { blogId }));

    const same = expectOk(
      await call(editor, 'entry:update', {
        blogId,
        entryId: entry.id,
        body: 'Same',
        headline: 'Title',
        keyEvent: true,
        pinned: false,
      }),
    );
    expect(same.entry).toEqual(entry);

    // The next event the reader sees is the next real change, at version 2.
    expectOk(await call(editor, 'entry:update', { blogId, entryId: entry.id, body: 'Changed' }));
    const [next] = await log.waitFor(1, blogId);
    expect(next).toMatchObject({ type: 'entry.updated', entry: { body: 'Changed', version: 2 } });
    expect(log.count(blogId)).toBe(1);
  });
});
