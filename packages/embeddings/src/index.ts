/**
 * @firth/embeddings — how words became vectors: from one-hot and counts to Word2Vec and GloVe,
 * with gensim's KeyedVectors API for querying them.
 *
 * The Node entry (also `@firth/embeddings/node`): the browser entry (browser.ts) and what reads
 * files or starts workers — corpora, Word2Vec and GloVe training, the shipped pretrained vectors,
 * vector files on disk, benchmark files.
 */
// ── Everything that needs no file system: vectorizers, KeyedVectors, document similarity,
//    vector files from their contents (browser.ts)
export * from './browser.js';
// ── GloVe: weighted least squares on log co-occurrences, AdaGrad as Stanford's glove.c (glove.ts) ──
//   new GloVe(sentences, { vectorSize: 50, minCount: 1 }).wv.mostSimilar('data')
//   await GloVe.create('lee_background.cor', { xMax: 10 })  // files and other streamed corpora
export {
  CooccurrenceCounter,
  type CooccurrenceCounterOptions,
  CooccurrenceFile,
  cooccurrenceMemoryPlan,
} from './cooccur-counter.js';
// ── Corpora, streamed: string[][], files (gensim LineSentence, .gz), iterables of lines (corpus.ts) ──
//   for await (const s of sentences('text8.txt.gz')) …  // 10,000-word pseudo-sentences
export {
  type Corpus,
  decodeUtf8,
  LineSentence,
  type LineSentenceOptions,
  MAX_SENTENCE_LENGTH,
  sentences,
  splitLines,
} from './corpus.js';
// ── Benchmark files scored as gensim scores them: questions-words, WordSim-353, SimLex (evaluation.ts)
//   evaluateWordAnalogies(kv, 'questions-words.txt').score
export { evaluateWordAnalogies, evaluateWordPairs } from './evaluation.js';
export {
  type CooccurrenceEntries,
  GloVe,
  type GloVeJSON,
  type GloVeOptions,
  type GloVeParameters,
  type GloVeProgress,
  type GloVeTrainOptions,
  gloveStep,
} from './glove.js';
// ── Pretrained vectors by name, offline (pretrained.ts) ─────────────────────────────────────────
export {
  clearPretrainedCache,
  loadPretrained,
  type PretrainedName,
  type PretrainedOptions,
} from './pretrained.js';
// ── Word-vector files: word2vec text/binary, GloVe, fastText .vec, ml5 JSON (vector-formats.ts) ──
export {
  detectFormat,
  loadVectors,
  saveVectors,
} from './vector-formats.js';
// ── Word2Vec's vocabulary: counts, minCount, subsampling, noise table, Huffman tree (vocabulary.ts) ──
//   (await Vocabulary.build(sentences, { minCount: 1 })).words // most frequent first
export { CUM_TABLE_DOMAIN, Vocabulary, type VocabularyJSON, type VocabularyOptions } from './vocabulary.js';
// ── Word2Vec: CBOW and skip-gram, negative sampling and hierarchical softmax (word2vec.ts) ──────
//   new Word2Vec(sentences, { vectorSize: 50, window: 2, minCount: 1 }).wv.mostSimilar('data')
//   await Word2Vec.create('text8.txt.gz', { sg: 1, workers: 2 })  // files, worker threads
export {
  type TrainOptions,
  Word2Vec,
  type Word2VecJSON,
  type Word2VecOptions,
  type Word2VecProgress,
} from './word2vec.js';
