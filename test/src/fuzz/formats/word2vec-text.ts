/**
 * word2vec text ("<count> <dim>" header, then "word v1 … vdim" a line), loaded through
 * `loadVectors(path, { format: 'word2vec' })`. Seeds from Firth's writer and hand-written
 * variants; the independent check is `shared/word-vectors.ts`'s own reading of the format.
 */
import { join } from 'node:path';
import { loadVectors } from '@firth/embeddings';
import type { Files, FuzzFormat } from '../format.ts';
import { bytes, vectorSeeds } from './shared/vector-seeds.ts';
import { compare, readText, textMutators } from './shared/word-vectors.ts';

const NAME = 'vectors.txt';

const format: FuzzFormat = {
  name: 'word2vec-text',
  kind: 'text',
  seeds: async () => [
    ...(await vectorSeeds('word2vec', NAME)),
    { [NAME]: bytes('3 2\r\nthe 0.418 0.24968\r\n, 0.013441 0.23682\r\nof -0.15164 .5\r\n') },
    { [NAME]: bytes('2 3\nx 1 2 3\ny 4.5e-3 -6. 7') },
  ],
  extra: textMutators(true),
  load: (_files: Files, dir: string) => loadVectors(join(dir, NAME), { format: 'word2vec' }),
  inconsistency: (files: Files, loaded) => compare(readText(files[NAME]!, true), loaded as never),
};
export default format;
