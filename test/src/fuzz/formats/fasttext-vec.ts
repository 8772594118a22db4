/**
 * fastText's .vec (the word2vec text format; fastText ends every line with a space), loaded
 * through `loadVectors(path)` — the format detected from the `.vec` extension. Seeds from Firth's
 * writer and fastText-style lines; the independent check is `shared/word-vectors.ts`.
 */
import { join } from 'node:path';
import { loadVectors } from '@firth/embeddings';
import type { Files, FuzzFormat } from '../format.ts';
import { bytes, vectorSeeds } from './shared/vector-seeds.ts';
import { compare, readText, textMutators } from './shared/word-vectors.ts';

const NAME = 'wiki.vec';

const format: FuzzFormat = {
  name: 'fasttext-vec',
  kind: 'text',
  seeds: async () => [
    ...(await vectorSeeds('fasttext', NAME)),
    { [NAME]: bytes('4 3\n, 0.1 -0.2 0.3 \nthe 1 2 3 \n. -1e-05 0 4 \n</s> 0.5 0.5 0.5 \n') },
  ],
  extra: textMutators(true),
  load: (_files: Files, dir: string) => loadVectors(join(dir, NAME)),
  inconsistency: (files: Files, loaded) => compare(readText(files[NAME]!, true), loaded as never),
};
export default format;
