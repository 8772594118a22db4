import { describe, expect, it } from 'vitest';
import {
  checkTextLength,
  clipMessage,
  MAX_MESSAGE_LENGTH,
  MAX_TEXT_LENGTH,
  quote,
  uniqueLabels,
  ValidationError,
} from './validation.js';

describe('uniqueLabels (np.unique order)', () => {
  it('sorts numbers ascending and strings by code point, not UTF-16 code unit', () => {
    expect(uniqueLabels([3, 1, 2, 1], 'y')).toEqual([1, 2, 3]);
    // U+FF01 < U+1F600 by code point, although '😀' starts with the surrogate U+D83D < U+FF01
    expect(uniqueLabels(['😀', '！', 'b', 'a', 'b'], 'y')).toEqual(['a', 'b', '！', '😀']);
  });

  it('refuses a mix of numbers and strings, naming the field', () => {
    expect(() => uniqueLabels([1, 'a'], 'y')).toThrow(ValidationError);
    expect(() => uniqueLabels([1, 'a'], 'y')).toThrow(/y mixes numbers and strings/);
  });
});

describe('checkTextLength', () => {
  it('accepts strings up to the limit and names the length past it', () => {
    expect(checkTextLength('abc', 'text', 3)).toBe('abc');
    expect(() => checkTextLength('abcd', 'text', 3)).toThrow(
      'text has 4 characters; at most 3 are accepted (split it into smaller pieces)',
    );
    expect(() => checkTextLength(42, 'prompt')).toThrow('prompt must be a string, got 42');
    expect(MAX_TEXT_LENGTH).toBe(4194304);
  });
});

describe('messages that quote what the user sent stay short', () => {
  it('quote cuts long values and says how long they were', () => {
    expect(quote('bank')).toBe('"bank"');
    expect(quote('ab'.repeat(100), 6)).toBe('"ababab…" (200 characters)');
  });

  it('a ValidationError message is cut at MAX_MESSAGE_LENGTH, the path kept', () => {
    const e = new ValidationError(`unknown word "${'w'.repeat(5_000_000)}"`, 'word');
    expect(e.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(e.message).toMatch(/^unknown word "w+ … \(message cut: 5000015 characters\)$/);
    expect(e.path).toBe('word');
    expect(clipMessage('short')).toBe('short');
  });
});
