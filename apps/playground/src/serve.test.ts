import { describe, expect, it } from 'vitest';
import { playgroundPort } from './serve.js';

describe('playgroundPort: the port rule of start, firth playground and firth-playground', () => {
  it('reads a port number, 8790 when unset, and names the setting it refuses', () => {
    expect(playgroundPort(undefined)).toBe(8790);
    expect(playgroundPort('')).toBe(8790);
    expect(playgroundPort('0')).toBe(0);
    expect(playgroundPort('8791')).toBe(8791);
    expect(() => playgroundPort('80a')).toThrow(
      'FIRTH_PLAYGROUND_PORT must be a port number 0–65535, not 80a',
    );
    expect(() => playgroundPort('65536', '--port')).toThrow(
      '--port must be a port number 0–65535, not 65536',
    );
  });
});
