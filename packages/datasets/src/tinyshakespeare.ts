/** Tiny Shakespeare (karpathy/char-rnn), the character-level language-modelling corpus. */
import { readFileSync } from 'node:fs';
import { dataPath } from './paths.js';

/**
 * The whole text, 1,115,394 characters.
 *
 *   loadTinyShakespeare().slice(0, 14) // 'First Citizen:'
 */
export function loadTinyShakespeare(path = dataPath('data/tinyshakespeare/input.txt')): string {
  return readFileSync(path, 'utf8');
}
