import { describe, expect, it } from 'vitest';
import { startupText } from '../../src/server.js';

describe('the start-up text main prints (SPEC §1)', () => {
  it('is one "listening on http://HOST:PORT" line when a token is configured', () => {
    expect(
      startupText({
        url: 'http://127.0.0.1:4100',
        port: 4100,
        listeningOn: 'http://0.0.0.0:4100',
        generatedToken: undefined,
      }),
    ).toBe('liveblog listening on http://0.0.0.0:4100\n');
  });

  it('names a generated editor token once, before the listening line', () => {
    expect(
      startupText({
        url: 'http://[::1]:4100',
        port: 4100,
        listeningOn: 'http://[::]:4100',
        generatedToken: 'abc123',
      }),
    ).toBe('editor token (generated for this run): abc123\nliveblog listening on http://[::]:4100\n');
  });
});
