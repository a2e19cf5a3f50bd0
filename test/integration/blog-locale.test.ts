/** SPEC §9: a blog's `language` (BCP 47) and `timeZone` (IANA), over HTTP and Socket.IO, on Redis. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Blog, ErrorBody } from '../../src/schema.js';
import { blogIndexKey, blogKeys } from '../../src/store/keys.js';
import { EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api, call, connectEditor } from '../helpers/clients.js';

let app: TestApp;
const prefix = `${uniqueId('locale')}:`;
beforeAll(async () => {
  app = await startApp({ redisUrl: inject('redisUrl'), prefix });
});
afterAll(async () => {
  await app.stop();
});

const put = (blogId: string, body: Record<string, unknown>) =>
  api(app.url, 'PUT', `/api/blogs/${blogId}`, { token: EDITOR_TOKEN, body });

describe('language and timeZone', () => {
  it('default to en and UTC, are stored in canonical form and kept by a later PUT without them', async () => {
    const blogId = uniqueId('loc');
    const created = await put(blogId, { title: 'T' });
    expect(created.body['blog']).toMatchObject({ language: 'en', timeZone: 'UTC' });
    const set = await put(blogId, { title: 'T', language: 'FA-ir', timeZone: 'asia/tehran' });
    expect(set.status).toBe(200);
    expect(set.body['blog']).toMatchObject({ language: 'fa-IR', timeZone: 'Asia/Tehran' });
    await put(blogId, { title: 'Renamed' });
    const read = await api(app.url, 'GET', `/api/blogs/${blogId}`);
    expect(read.body['blog']).toMatchObject({ title: 'Renamed', language: 'fa-IR', timeZone: 'Asia/Tehran' });
    const page = await (await fetch(`${app.url}/blogs/${blogId}`)).text();
    expect(page).toContain('<html lang="fa-IR" dir="rtl">');
  });

  it('are accepted by blog:upsert and refused with invalid when Intl does not know them', async () => {
    const editor = await connectEditor(app.url, EDITOR_TOKEN);
    try {
      const blogId = uniqueId('loc');
      const ok = await call(editor, 'blog:upsert', {
        id: blogId,
        title: 'T',
        language: 'uk',
        timeZone: 'Europe/Kyiv',
      });
      expect(ok).toMatchObject({ ok: true, blog: { language: 'uk', timeZone: 'Europe/Kyiv' } });
      const bad = await call(editor, 'blog:upsert', {
        id: blogId,
        title: 'T',
        timeZone: 'Mars/Olympus_Mons',
      });
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid' } });
    } finally {
      editor.close();
    }
    for (const body of [
      { title: 'T', language: 'not a language!' },
      { title: 'T', language: '' },
      { title: 'T', language: 42 },
      { title: 'T', timeZone: 'Nowhere/Void' },
      { title: 'T', timeZone: 'x'.repeat(100) },
    ]) {
      const res = await put(uniqueId('loc'), body);
      expect(res.status).toBe(400);
      expect((res.body['error'] as ErrorBody).code).toBe('invalid');
    }
  });

  it('read as en and UTC for a blog stored before they existed', async () => {
    const blogId = uniqueId('old');
    const redis = new Redis(inject('redisUrl'));
    try {
      const now = new Date().toISOString();
      const old = {
        id: blogId,
        title: 'Old',
        description: '',
        status: 'live',
        createdAt: now,
        updatedAt: now,
      };
      await redis.set(blogKeys(prefix, blogId).blog, JSON.stringify(old));
      await redis.zadd(blogIndexKey(prefix), 0, blogId);
    } finally {
      redis.disconnect();
    }
    const read = await api(app.url, 'GET', `/api/blogs/${blogId}`);
    expect(read.body['blog']).toMatchObject({ id: blogId, language: 'en', timeZone: 'UTC' });
    const list = await api(app.url, 'GET', '/api/blogs');
    const listed = (list.body['blogs'] as Blog[]).find((b) => b.id === blogId);
    expect(listed).toMatchObject({ language: 'en', timeZone: 'UTC' });
    const page = await (await fetch(`${app.url}/blogs/${blogId}`)).text();
    expect(page).toContain('<html lang="en" dir="ltr">');
  });
});
