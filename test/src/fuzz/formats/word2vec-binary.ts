/**
 * word2vec binary ("<count> <dim>\n", then per word: the word, a space, dim float32 LE, and an
 * optional "\n"), loaded through `loadVectors(path, { format: 'word2vec-binary' })`. Seeds from
 * Firth's writer (gensim's layout, no newlines) and word2vec.c's layout (a newline after each
 * vector); the independent check is `shared/word-vectors.ts`'s own reading of the format.
 */
import { join } from 'node:path';
import { loadVectors } from '@firth/embeddings';
import type { Files, FuzzFormat } from '../format.ts';
import { concat } from '../mutate.ts';
import { vectorSeeds } from './shared/vector-seeds.ts';
import { binaryMutators, compare, readBinary } from './shared/word-vectors.ts';

const NAME = 'vectors.bin';

/** word2vec.c's layout: "\n" after every vector. */
function withNewlines(words: string[], rows: number[][]): Uint8Array {
  const parts: Uint8Array[] = [new TextEncoder().encode(`${words.length} ${rows[0]!.length}\n`)];
  for (const [i, w] of words.entries()) {
    const v = new Uint8Array(4 * rows[i]!.length);
    for (const [k, x] of rows[i]!.entries()) new DataView(v.buffer).setFloat32(4 * k, x, true);
    parts.push(new TextEncoder().encode(`${w} `), v, Uint8Array.of(10));
  }
  return concat(...parts);
}

const format: FuzzFormat = {
  name: 'word2vec-binary',
  kind: 'binary',
  seeds: async () => [
    ...(await vectorSeeds('word2vec-binary', NAME)),
    {
      [NAME]: withNewlines(
        ['</s>', 'the', 'of', 'and'],
        [
          [0.5, -1],
          [1e-3, 2],
          [0, -0],
          [7, 8],
        ],
      ),
    },
  ],
  extra: binaryMutators,
  load: (_files: Files, dir: string) => loadVectors(join(dir, NAME), { format: 'word2vec-binary' }),
  inconsistency: (files: Files, loaded) => compare(readBinary(files[NAME]!), loaded as never),
};
export default format;
