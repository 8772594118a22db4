import { describe, expect, test } from 'vitest';
import { parseCli } from './cli.js';

describe('firth-server command line', () => {
  test('defaults: 127.0.0.1:8787, no key', () => {
    expect(parseCli([], {})).toEqual({
      host: '127.0.0.1',
      port: 8787,
      apiKey: undefined,
      allowRemote: false,
      allowedHosts: [],
      quiet: false,
    });
  });

  test('flags and environment (flags win)', () => {
    expect(parseCli([], { FIRTH_SERVER_PORT: '9000', FIRTH_SERVER_KEY: 'k1' })).toMatchObject({
      port: 9000,
      apiKey: 'k1',
    });
    expect(
      parseCli(['--port', '9100', '--key', 'k2'], { FIRTH_SERVER_PORT: '9000', FIRTH_SERVER_KEY: 'k1' }),
    ).toMatchObject({
      port: 9100,
      apiKey: 'k2',
    });
  });

  test('a non-loopback host needs --allow-remote; bad ports are refused', () => {
    expect(() => parseCli(['--host', '0.0.0.0'], {})).toThrow(/--allow-remote/);
    expect(parseCli(['--host', '0.0.0.0', '--allow-remote'], {})).toMatchObject({
      host: '0.0.0.0',
      allowRemote: true,
    });
    expect(parseCli(['--host', '::1'], {}).host).toBe('::1');
    expect(() => parseCli(['--port', 'http'], {})).toThrow(/--port/);
    expect(() => parseCli(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => parseCli(['--bogus'], {})).toThrow();
  });

  test('--allow-host is repeatable and checked', () => {
    expect(parseCli(['--allow-host', 'mybox.lan', '--allow-host', 'proxy:8080'], {}).allowedHosts).toEqual([
      'mybox.lan',
      'proxy:8080',
    ]);
    expect(parseCli(['--allow-host', '*'], {}).allowedHosts).toEqual(['*']);
    expect(() => parseCli(['--allow-host', 'http://x/'], {})).toThrow(/--allow-host/);
  });
});
