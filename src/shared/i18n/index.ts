/**
 * The reader page's interface in the blog's language (SPEC §9), shared by the server page and the
 * browser client: one catalogue per language, `t()` with plurals (Intl.PluralRules) and numbers
 * (Intl.NumberFormat), the text direction, and every date (Intl.DateTimeFormat, Intl.RelativeTimeFormat)
 * in the blog's time zone. A language without a catalogue falls back to English strings; its dates and
 * numbers still follow the language.
 */
import type { Verification } from '../../schema.js';
import { en, type Catalogue, type Message, type MessageKey } from './en.js';
import { fa } from './fa.js';
import { ru } from './ru.js';
import { uk } from './uk.js';

export type { MessageKey } from './en.js';

const CATALOGUES: Record<string, Catalogue> = { en, ru, uk, fa };
export const CATALOGUE_LANGUAGES = Object.keys(CATALOGUES);

/** Scripts written right to left, by language subtag (Arabic, Persian, Hebrew, Urdu, Pashto, …). */
const RTL_LANGUAGES = new Set([
  'ar',
  'fa',
  'he',
  'iw',
  'ur',
  'ps',
  'sd',
  'ug',
  'yi',
  'dv',
  'ckb',
  'syr',
  'ku-arab',
]);

function baseLanguage(language: string): string {
  return language.split('-')[0]?.toLowerCase() ?? 'en';
}

/** `rtl` for a language written right to left, else `ltr` (the `<html dir>`). */
export function textDirection(language: string): 'rtl' | 'ltr' {
  const lower = language.toLowerCase();
  if (/-arab\b/.test(lower)) return 'rtl';
  return RTL_LANGUAGES.has(baseLanguage(lower)) ? 'rtl' : 'ltr';
}

/** A language Intl can use; an unusable tag falls back to English rather than throw on a page. */
function usable(language: string): string {
  try {
    return Intl.getCanonicalLocales(language)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

const cache = new Map<string, unknown>();
function memo<T>(key: string, make: () => T): T {
  let value = cache.get(key) as T | undefined;
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

function pluralRules(language: string): Intl.PluralRules {
  return memo(`p:${language}`, () => new Intl.PluralRules(usable(language)));
}

/** A number in the language's digits and grouping ("1,234", "۱٬۲۳۴"). */
export function formatNumber(language: string, n: number): string {
  return memo(`n:${language}`, () => new Intl.NumberFormat(usable(language))).format(n);
}

function pick(message: Message, language: string, n: number | undefined): string {
  if (typeof message === 'string') return message;
  const category = n === undefined ? 'other' : pluralRules(language).select(n);
  return message[category] ?? message.other ?? '';
}

/**
 * The message `key` in `language` (or English), with `{name}` replaced by `vars.name`. A number var `n`
 * picks the plural form and is written in the language's digits.
 */
export function t(language: string, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const catalogue = CATALOGUES[baseLanguage(language)] ?? en;
  const n = typeof vars['n'] === 'number' ? vars['n'] : undefined;
  const text = pick(catalogue[key], language, n);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(language, value) : value;
  });
}

/** The editor's verification labels (SPEC §10), in the order the console offers them. */
export const VERIFICATIONS = ['unconfirmed', 'confirmed', 'disputed'] as const;
const VERIFICATION_KEYS = {
  unconfirmed: 'verificationUnconfirmed',
  confirmed: 'verificationConfirmed',
  disputed: 'verificationDisputed',
} as const satisfies Record<NonNullable<Verification>, MessageKey>;

/** The verification label in `language`'s words, or '' when none was given. */
export function verificationText(language: string, verification: Verification | undefined): string {
  return verification ? t(language, VERIFICATION_KEYS[verification]) : '';
}

// ---- dates ---------------------------------------------------------------------------------------

/** Where and how a page shows times: the blog's language and time zone (SPEC §9). */
export interface PageLocale {
  language: string;
  timeZone: string;
}

export const DEFAULT_LOCALE: PageLocale = { language: 'en', timeZone: 'UTC' };

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Entries younger than this show a relative time ("3 minutes ago"); older ones their date. */
export const RELATIVE_MAX_AGE_MS = 12 * HOUR_MS;

function zoned(locale: PageLocale, kind: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return memo(`d:${kind}:${locale.language}:${locale.timeZone}`, () => {
    try {
      return new Intl.DateTimeFormat(usable(locale.language), { ...options, timeZone: locale.timeZone });
    } catch {
      return new Intl.DateTimeFormat(usable(locale.language), { ...options, timeZone: 'UTC' });
    }
  });
}

function parse(iso: string): number | undefined {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * The clock time in the blog's zone with the zone's short name: "14:32 EET", "۱۶:۰۲ (‎+۳:۳۰ گرینویچ)".
 * Plain English takes British names, which know more zones by abbreviation (EET, CET, BST).
 */
export function formatClock(iso: string, locale: PageLocale): string {
  const at = parse(iso);
  if (at === undefined) return iso;
  const language =
    baseLanguage(locale.language) === 'en' && !locale.language.includes('-') ? 'en-GB' : locale.language;
  return zoned({ ...locale, language }, 'clock', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(at);
}

/** The full date and time in the blog's zone, for hover titles. */
export function formatFull(iso: string, locale: PageLocale): string {
  const at = parse(iso);
  return at === undefined ? iso : zoned(locale, 'full', { dateStyle: 'full', timeStyle: 'long' }).format(at);
}

/** "3 minutes ago" in the blog's language for recent times; the date in the blog's zone for older ones. */
export function formatRelative(iso: string, locale: PageLocale, now: number): string {
  const at = parse(iso);
  if (at === undefined) return iso;
  const age = now - at;
  if (age < 0 || age >= RELATIVE_MAX_AGE_MS) return zoned(locale, 'date', { dateStyle: 'medium' }).format(at);
  const relative = memo(
    `r:${locale.language}`,
    () => new Intl.RelativeTimeFormat(usable(locale.language), { numeric: 'auto', style: 'long' }),
  );
  if (age < MINUTE_MS) return relative.format(0, 'second');
  if (age < HOUR_MS) return relative.format(-Math.floor(age / MINUTE_MS), 'minute');
  return relative.format(-Math.floor(age / HOUR_MS), 'hour');
}
