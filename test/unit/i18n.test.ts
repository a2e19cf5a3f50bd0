/** The reader page's catalogues (src/shared/i18n): plurals, numbers, direction, dates in the blog's zone. */
import { describe, expect, it } from 'vitest';
import { en } from '../../src/shared/i18n/en.js';
import { fa } from '../../src/shared/i18n/fa.js';
import {
  CATALOGUE_LANGUAGES,
  formatClock,
  formatFull,
  formatRelative,
  t,
  textDirection,
} from '../../src/shared/i18n/index.js';
import { ru } from '../../src/shared/i18n/ru.js';
import { uk } from '../../src/shared/i18n/uk.js';
import { entryHtml } from '../../src/shared/presentation.js';
import { makeEntry } from '../helpers/store-fixtures.js';

describe('plurals', () => {
  it('Russian picks one / few / many by the number', () => {
    expect(t('ru', 'newUpdates', { n: 1 })).toBe('1 новое обновление');
    expect(t('ru', 'newUpdates', { n: 2 })).toBe('2 новых обновления');
    expect(t('ru', 'newUpdates', { n: 5 })).toBe('5 новых обновлений');
    expect(t('ru', 'newUpdates', { n: 11 })).toBe('11 новых обновлений');
    expect(t('ru', 'newUpdates', { n: 21 })).toBe('21 новое обновление');
    expect(t('ru', 'newUpdates', { n: 22 })).toBe('22 новых обновления');
  });

  it('Ukrainian picks one / few / many by the number', () => {
    expect(t('uk', 'newUpdates', { n: 1 })).toBe('1 нове оновлення');
    expect(t('uk', 'newUpdates', { n: 3 })).toBe('3 нові оновлення');
    expect(t('uk', 'newUpdates', { n: 12 })).toBe('12 нових оновлень');
    expect(t('uk', 'newUpdates', { n: 101 })).toBe('101 нове оновлення');
  });

  it('English has one and other, with grouped digits', () => {
    expect(t('en', 'newUpdates', { n: 1 })).toBe('1 new update');
    expect(t('en', 'newUpdates', { n: 1234 })).toBe('1,234 new updates');
  });

  it('Persian writes the number in Persian digits', () => {
    expect(t('fa', 'newUpdates', { n: 3 })).toBe('۳ به‌روزرسانی تازه');
  });
});

describe('catalogues', () => {
  it('every language has every message, with the same placeholders, none empty', () => {
    expect([...CATALOGUE_LANGUAGES].sort()).toEqual(['en', 'fa', 'ru', 'uk']);
    const placeholders = (message: unknown): string[] =>
      [...new Set(JSON.stringify(message).match(/\{\w+\}/g) ?? [])].sort();
    for (const catalogue of [ru, uk, fa]) {
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
      for (const [key, message] of Object.entries(catalogue)) {
        expect(JSON.stringify(message), key).not.toMatch(/""/);
        expect(placeholders(message), key).toEqual(placeholders(en[key as keyof typeof en]));
      }
    }
  });

  it("renders an entry's verification label and corrections in the blog language (Persian)", () => {
    const at = '2026-11-29T12:00:00.000Z';
    const entry = makeEntry('b', {
      createdAt: at,
      updatedAt: at,
      verification: 'confirmed',
      corrections: [{ at, note: 'نام شهر اصلاح شد' }],
    });
    const html = entryHtml(entry, 'https://example.test/blogs/b', {
      language: 'fa',
      timeZone: 'Asia/Tehran',
    });
    expect(html).toContain(
      `data-verification="confirmed"><span class="visually-hidden">وضعیت راستی‌آزمایی: </span>تأییدشده</span>`,
    );
    expect(html).toContain('<span class="correction-label">اصلاحیه</span>');
    expect(html).toContain('aria-label="اصلاحیه‌ها"');
    expect(html).not.toMatch(/Confirmed|Correction/);
    // English stays as it was.
    const english = entryHtml(entry, 'https://example.test/blogs/b');
    expect(english).toContain('<span class="visually-hidden">Verification: </span>Confirmed</span>');
    expect(english).toContain('<span class="correction-label">Correction</span>');
    expect(english).toContain('aria-label="Corrections"');
  });

  it('a region falls back to its language, another language to English', () => {
    expect(t('ru-RU', 'noUpdates')).toBe('Обновлений пока нет.');
    expect(t('de', 'noUpdates')).toBe('No updates yet.');
    expect(t('en', 'byAuthor', { name: 'Alice' })).toBe('By Alice');
  });

  it('sets the direction right to left for Persian, Arabic, Hebrew and Urdu only', () => {
    for (const lang of ['fa', 'fa-IR', 'ar', 'he', 'ur']) expect(textDirection(lang)).toBe('rtl');
    for (const lang of ['en', 'ru', 'uk', 'de-AT']) expect(textDirection(lang)).toBe('ltr');
  });
});

describe('dates in the blog zone', () => {
  const at = '2014-03-14T12:32:00.000Z';

  it('writes the clock time with the zone name', () => {
    expect(formatClock(at, { language: 'en', timeZone: 'Europe/Kyiv' })).toBe('14:32 EET');
    expect(formatClock(at, { language: 'en', timeZone: 'UTC' })).toBe('12:32 UTC');
    expect(formatClock(at, { language: 'fa', timeZone: 'Asia/Tehran' })).toContain('۱۶:۰۲');
  });

  it('says how long ago in the blog language, and the date once older than 12 hours', () => {
    const now = Date.parse(at) + 5 * 60_000;
    expect(formatRelative(at, { language: 'ru', timeZone: 'UTC' }, now)).toBe('5 минут назад');
    expect(formatRelative(at, { language: 'uk', timeZone: 'UTC' }, now)).toBe('5 хвилин тому');
    expect(formatRelative(at, { language: 'fa', timeZone: 'UTC' }, now)).toBe('۵ دقیقه پیش');
    expect(formatRelative(at, { language: 'en', timeZone: 'UTC' }, Date.parse(at) + 2 * 86_400_000)).toBe(
      'Mar 14, 2014',
    );
    expect(formatFull(at, { language: 'en', timeZone: 'Europe/Kyiv' })).toContain('2:32:00 PM');
  });
});
