import { describe, expect, it } from 'vitest';
import { validHost } from '../../../src/http/public-origin.js';

describe('validHost', () => {
  it.each([
    ['live.example.org', 'live.example.org'],
    ['Live.Example.ORG:8443', 'live.example.org:8443'],
    ['127.0.0.1:3000', '127.0.0.1:3000'],
    ['localhost', 'localhost'],
    ['[::1]:3000', '[::1]:3000'],
    ['[2001:db8::1]', '[2001:db8::1]'],
    ['my_service:80', 'my_service:80'],
  ])('accepts %s', (value, expected) => {
    expect(validHost(value)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    'javascript:alert(1)',
    'evil.example"><script>',
    'evil.example/path',
    'evil.example?x',
    'evil.example#x',
    'user@evil.example',
    'evil.example:0',
    'evil.example:65536',
    'evil.example:',
    '[::1',
    '[not-ipv6]',
    '-leading.example',
    'a..b',
    'evil example',
    'x'.repeat(300),
  ])('refuses %j', (value) => {
    expect(validHost(value)).toBeUndefined();
  });
});
