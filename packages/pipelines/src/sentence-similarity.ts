/**
 * sentence-similarity: Hugging Face's task shape (the Inference API's) — `{ source_sentence,
 * sentences }` → one score per sentence, the cosine of its embedding with the source sentence's —
 * with Universal Sentence Encoder Lite as the default embedder, or a user's BERT, DistilBERT or
 * RoBERTa folder (as sentence-transformers saves one, e.g. all-MiniLM-L6-v2: config.json,
 * model.safetensors, vocab.txt / tokenizer.json / vocab.json + merges.txt) embedding a sentence as the mean of its last hidden states over all
 * its tokens, sentence-transformers' mean pooling.
 *
 *   const similarity = await pipeline('sentence-similarity');
 *   await similarity({ source_sentence: 'A kitten is resting on the couch.', sentences: ['The cat is sleeping on the sofa.', 'Shares fell sharply.'] })
 *   // [0.7…, 0.0…]
 */
import { ValidationError } from '@firth/numeric';
import { encodeForEncoder, loadEncoderFolder, runEncoder } from './hf-folder.js';
import { defaultModel, type Pipeline, type PipelineModel, pool, texts, withInfo } from './pipeline.js';
import { cosine, loadSentenceEncoder, type SentenceEncoder } from './sentence-encoder.js';

export interface SentenceSimilarityInput {
  source_sentence: string;
  sentences: string[];
}

/** One input → its scores; several → one list of scores per input. */
export interface SentenceSimilarityPipeline extends Pick<Pipeline<never, never, never>, 'task' | 'model'> {
  (input: SentenceSimilarityInput): Promise<number[]>;
  (input: SentenceSimilarityInput[]): Promise<number[][]>;
}

function checkInput(input: unknown, i: number): SentenceSimilarityInput {
  const where = `sentence-similarity: input ${i}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ValidationError(
      `${where} must be { source_sentence, sentences }, got ${JSON.stringify(input)}`,
      'input',
    );
  const { source_sentence, sentences } = input as Record<string, unknown>;
  if (typeof source_sentence !== 'string' || source_sentence.trim() === '')
    throw new ValidationError(
      `${where}: source_sentence must be a non-empty string, got ${JSON.stringify(source_sentence)}`,
      'source_sentence',
    );
  if (!Array.isArray(sentences))
    throw new ValidationError(
      `${where}: sentences must be a list of strings, got ${JSON.stringify(sentences)}`,
      'sentences',
    );
  try {
    texts(sentences, 'sentence-similarity');
  } catch (e) {
    throw new ValidationError(`${where}: sentences: ${(e as Error).message}`, 'sentences');
  }
  return { source_sentence, sentences };
}

/** The cosine of each sentence with the source sentence, per input. */
export async function sentenceSimilarity(
  encoder: SentenceEncoder,
  input: SentenceSimilarityInput | SentenceSimilarityInput[],
): Promise<number[] | number[][]> {
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0) throw new ValidationError('sentence-similarity: no input given', 'input');
  const checked = list.map(checkInput);
  const all = checked.flatMap((c) => [c.source_sentence, ...c.sentences]);
  const vectors = await encoder.embed(all);
  let at = 0;
  const out = checked.map((c) => {
    const source = vectors[at]!;
    const scores = c.sentences.map((_, k) => cosine(source, vectors[at + 1 + k]!));
    at += 1 + c.sentences.length;
    return scores;
  });
  return Array.isArray(input) ? out : out[0]!;
}

/**
 * A BERT, DistilBERT or RoBERTa folder as a sentence encoder: the mean of the last hidden states
 * over the tokens the folder's tokenizer writes (sentence-transformers' mean pooling).
 */
async function encoderFolderEncoder(folder: string): Promise<SentenceEncoder> {
  const { encoder, tokenizer, info } = await loadEncoderFolder(folder, 'sentence-similarity');
  return {
    parameters: info.parameters,
    embed: async (list) =>
      list.map(
        (text) =>
          pool(runEncoder(encoder, encodeForEncoder(encoder, tokenizer, text)).lastHiddenState[0]!, {
            pooling: 'mean',
          }) as number[],
      ),
  };
}

/** pipeline('sentence-similarity'): USE-lite by default, or a BERT / DistilBERT / RoBERTa folder (mean pooling). */
export async function buildSentenceSimilarity(model?: string): Promise<SentenceSimilarityPipeline> {
  const encoder = model === undefined ? await loadSentenceEncoder() : await encoderFolderEncoder(model);
  const info: PipelineModel =
    model === undefined
      ? defaultModel('sentence-similarity', encoder.parameters)
      : { id: model, isDefault: false, parameters: encoder.parameters };
  return withInfo(
    (input: SentenceSimilarityInput | SentenceSimilarityInput[]) => sentenceSimilarity(encoder, input),
    'sentence-similarity',
    info,
  ) as unknown as SentenceSimilarityPipeline;
}
