/**
 * The sentence encoder behind the default models of zero-shot-classification, sentence-similarity
 * and summarization: Universal Sentence Encoder Lite (Cer et al. 2018), run offline by @firth/deep
 * — one 512-d vector per text, about unit length, trained so that the cosine of two sentences
 * tracks how close they are in meaning. Loaded once per process (a failed load is retried).
 *
 *   const encoder = await loadSentenceEncoder();
 *   const [a, b] = await encoder.embed(['I love this movie', 'This film is great']);
 *   cosine(a, b) // ≈ 0.85
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the tasks need of a sentence encoder. */
export interface SentenceEncoder {
  embed(texts: readonly string[]): Promise<number[][]>;
  /** Numbers in its weights. */
  readonly parameters: number;
}

/** The id the defaults give for USE-lite. */
export const USE_LITE_ID = 'use-lite';

let loaded: Promise<SentenceEncoder> | undefined;

/** USE-lite, loaded on first call and shared by every pipeline of the process. */
export function loadSentenceEncoder(): Promise<SentenceEncoder> {
  if (!loaded) {
    loaded = (async () => {
      // imported here, not at the top: TensorFlow.js (under @firth/deep) loads only when a task needs it
      const { UniversalSentenceEncoderLite } = await import('@firth/deep');
      const use = await UniversalSentenceEncoderLite.load();
      const manifest = JSON.parse(await readFile(join(use.modelDir, 'model.json'), 'utf8')) as {
        weightsManifest: { weights: { shape: number[] }[] }[];
      };
      const parameters = manifest.weightsManifest
        .flatMap((group) => group.weights)
        .reduce((sum, w) => sum + w.shape.reduce((p, d) => p * d, 1), 0);
      return { embed: (texts: readonly string[]) => use.embed(texts), parameters };
    })();
    loaded.catch(() => {
      loaded = undefined;
    });
  }
  return loaded;
}

/** The cosine of two vectors (0 when either is all zeros): @firth/embeddings' `cosineOf`. */
export { cosineOf as cosine } from '@firth/embeddings';
