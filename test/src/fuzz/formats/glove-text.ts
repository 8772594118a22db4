/**
 * Stanford GloVe text (no header; "word v1 … vdim" a line, the first line sets dim), loaded
 * through `loadVectors(path, { format: 'glove' })`. Seeds from Firth's writer (the first 20 words
 * of the shipped GloVe 6B 100d among them) and hand-written variants; the independent check is
 * `shared/word-vectors.ts`.
 */
import { join } from 'node:path';
import { loadVectors } from '@firth/embeddings';
import type { Files, FuzzFormat } from '../format.ts';
import { bytes, vectorSeeds } from './shared/vector-seeds.ts';
import { compare, readText, textMutators } from './shared/word-vectors.ts';

const NAME = 'glove.txt';

const format: FuzzFormat = {
  name: 'glove-text',
  kind: 'text',
  seeds: async () => [...(await vectorSeeds('glove', NAME)), { [NAME]: bytes('a 1\r\nb 2\r\nc -3.25e+2') }],
  extra: textMutators(false),
  load: (_files: Files, dir: string) => loadVectors(join(dir, NAME), { format: 'glove' }),
  inconsistency: (files: Files, loaded) => compare(readText(files[NAME]!, false), loaded as never),
};
export default format;
