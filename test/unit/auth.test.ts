import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { bearerToken, createAuthenticator, expired, slugify } from '../../src/auth.js';

const SECRET = 'unit-test-jwt-secret-0123456789';
const key = new TextEncoder().encode(SECRET);

function jwt(claims: Record<string, unknown>, options: { exp?: string | number; secret?: Uint8Array } = {}) {
  const builder = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (options.exp !== undefined) builder.setExpirationTime(options.exp);
  return builder.sign(options.secret ?? key);
}

describe('the static token table', () => {
  const authenticate = createAuthenticator({
    editors: [
      { name: 'Alice Smith', token: 's3cr3t-one' },
      { name: 'Wire desk', token: 's3cr3t-two' },
    ],
  });

  it('maps each token to its editor, with a slug id', async () => {
    expect(await authenticate('s3cr3t-one')).toEqual({ id: 'alice-smith', name: 'Alice Smith' });
    expect(await authenticate('s3cr3t-two')).toEqual({ id: 'wire-desk', name: 'Wire desk' });
  });

  it.each([
    ['no token', undefined],
    ['an empty token', ''],
    ['a wrong token', 's3cr3t-three'],
    ['a prefix of a token', 's3cr3t-'],
    ['a token with extra characters', 's3cr3t-one '],
    ['a differently cased token', 'S3CR3T-ONE'],
    ['a huge token', 'x'.repeat(100_000)],
  ])('refuses %s', async (_what, token) => {
    expect(await authenticate(token)).toBeNull();
  });

  it('refuses a JWT when no secret is configured', async () => {
    expect(await authenticate(await jwt({ sub: 'bob', name: 'Bob' }, { exp: '1h' }))).toBeNull();
  });
});

describe('JWT editor tokens', () => {
  const authenticate = createAuthenticator({ editors: [], jwtSecret: SECRET });

  it('accepts an HS256 token signed with the secret: id = sub, name = name', async () => {
    expect(await authenticate(await jwt({ sub: 'bob-42', name: 'Bob Jones' }, { exp: '1h' }))).toEqual({
      id: 'bob-42',
      name: 'Bob Jones',
      expiresAtMs: expect.any(Number) as number,
    });
  });

  it('uses sub as the name when the token has none', async () => {
    expect(await authenticate(await jwt({ sub: 'carol' }, { exp: '1h' }))).toEqual({
      id: 'carol',
      name: 'carol',
      expiresAtMs: expect.any(Number) as number,
    });
  });

  it("carries the token's exp, so a connection can stop writing when it passes", async () => {
    const exp = Math.floor(Date.now() / 1000) + 30;
    const editor = await authenticate(await jwt({ sub: 'dan' }, { exp }));
    expect(editor?.expiresAtMs).toBe(exp * 1000);
    if (!editor) throw new Error('no editor');
    expect(expired(editor, exp * 1000 - 1)).toBe(false);
    expect(expired(editor, exp * 1000)).toBe(true);
    expect(expired({ id: 'static', name: 'Static token' })).toBe(false);
  });

  it('refuses an expired token', async () => {
    const expired = await jwt({ sub: 'bob', name: 'Bob' }, { exp: Math.floor(Date.now() / 1000) - 60 });
    expect(await authenticate(expired)).toBeNull();
  });

  it('refuses a token signed with another secret', async () => {
    const forged = await jwt(
      { sub: 'mallory', name: 'Mallory' },
      { exp: '1h', secret: new TextEncoder().encode('another-secret-0123456789') },
    );
    expect(await authenticate(forged)).toBeNull();
  });

  it('refuses a token without sub', async () => {
    expect(await authenticate(await jwt({ name: 'Nobody' }, { exp: '1h' }))).toBeNull();
  });

  it('refuses an unsigned (alg: none) token', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'mallory', exp: 9_999_999_999 })}.`;
    expect(await authenticate(none)).toBeNull();
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const good = await jwt({ sub: 'bob', name: 'Bob' }, { exp: '1h' });
    const [h, , s] = good.split('.');
    const altered = `${h}.${Buffer.from(JSON.stringify({ sub: 'admin', name: 'Admin', exp: 9_999_999_999 })).toString('base64url')}.${s}`;
    expect(await authenticate(altered)).toBeNull();
  });

  it('refuses garbage that merely has three dots-separated parts', async () => {
    expect(await authenticate('a.b.c')).toBeNull();
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   abc  ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe('slugify', () => {
  it('makes an editor id from a display name', () => {
    expect(slugify('Alice Smith')).toBe('alice-smith');
    expect(slugify('  Zoë  Müller!! ')).toBe('zoe-muller');
    expect(slugify('***')).toBe('editor');
  });
});

describe('contributors (SPEC §10)', () => {
  const authenticate = createAuthenticator({
    editors: [{ name: 'Alice Smith', token: 's3cr3t-one' }],
    contributors: [{ name: 'Carol Jones', token: 's3cr3t-carol' }],
    jwtSecret: SECRET,
  });

  it('marks a CONTRIBUTOR_TOKENS token as a contributor and leaves editors without a role', async () => {
    expect(await authenticate('s3cr3t-carol')).toEqual({
      id: 'carol-jones',
      name: 'Carol Jones',
      role: 'contributor',
    });
    expect(await authenticate('s3cr3t-one')).toEqual({ id: 'alice-smith', name: 'Alice Smith' });
  });

  it('reads the JWT claim role: "contributor"; any other role is an editor', async () => {
    const carol = await authenticate(
      await jwt({ sub: 'carol', name: 'Carol', role: 'contributor' }, { exp: '1h' }),
    );
    expect(carol).toMatchObject({ id: 'carol', role: 'contributor' });
    const bob = await authenticate(await jwt({ sub: 'bob', role: 'editor' }, { exp: '1h' }));
    expect(bob).toMatchObject({ id: 'bob' });
    expect(bob?.role).toBeUndefined();
  });
});
