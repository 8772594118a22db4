/** The Lee news corpus (gensim's test data): 300 background articles and 50 test articles. */
import { readFileSync } from 'node:fs';
import { dataPath } from './paths.js';

/**
 * One article per element.
 *
 *   loadLeeCorpus().length // 300 ('background', 59,890 words); loadLeeCorpus('test').length // 50
 */
export function loadLeeCorpus(which: 'background' | 'test' = 'background'): string[] {
  const file = which === 'background' ? 'data/lee/lee_background.cor' : 'data/lee/lee.cor';
  return readFileSync(dataPath(file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}
