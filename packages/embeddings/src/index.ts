/**
 * @firth/embeddings — how words became vectors: from one-hot and counts to Word2Vec and GloVe,
 * with gensim's KeyedVectors API for querying them.
 */

// ── Pre-2013 representations: one-hot and bag-of-words = scikit-learn 1.2.1 (bag-of-words.ts) ──
//   new CountVectorizer().fitTransform(['The cat sat', 'The cat ate the fish']) // [[0, 1, 0, 1, 1], [1, 1, 1, 0, 2]]
export {
  buildAnalyzer,
  CountVectorizer,
  type CountVectorizerJSON,
  type CountVectorizerOptions,
  type CsrMatrix,
  compareCodePoints,
  type DocumentFrequency,
  oneHot,
  toDense,
} from './bag-of-words.js';
// ── Word–word co-occurrence counts, the matrix GloVe factorises (cooccurrence.ts) ───────────────
export {
  type Cooccurrence,
  type CooccurrenceOptions,
  cooccurrenceMatrix,
  cooccurrenceMatrixSparse,
} from './cooccurrence.js';
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
// ── Document vectors: mean (spaCy's doc.similarity) and SIF pooling (document-similarity.ts) ────
export {
  cosineOf,
  type DocumentSimilarityOptions,
  documentSimilarity,
  type EmbedTextsOptions,
  embedTexts,
  firstPrincipalComponent,
  meanVector,
  type Pooling,
  removeComponent,
  type SifOptions,
  sifEmbeddings,
  sifVector,
  simpleTokens,
  wordProbabilities,
} from './document-similarity.js';
// ── Intrinsic evaluation as gensim computes it: analogies, word-pair correlations (evaluation.ts) ──
//   answerAnalogy(glove, { a: 'man', b: 'king', c: 'woman', expected: 'queen' }).correct // true
export {
  type AnalogyAnswer,
  type AnalogyAnswerOptions,
  type AnalogyOptions,
  type AnalogyQuestion,
  type AnalogyResult,
  type AnalogySection,
  answerAnalogy,
  averageRanks,
  evaluateWordAnalogies,
  evaluateWordPairs,
  pearson,
  spearman,
  type WordPairsOptions,
  type WordPairsResult,
} from './evaluation.js';
// ── GloVe: weighted least squares on log co-occurrences, AdaGrad as Stanford's glove.c (glove.ts) ──
//   new GloVe(sentences, { vectorSize: 50, minCount: 1 }).wv.mostSimilar('data')
//   await GloVe.create('lee_background.cor', { xMax: 10 })  // files and other streamed corpora
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
// ── Querying word vectors: gensim's KeyedVectors (keyed-vectors.ts, evaluation.ts) ──────────────
//   kv.mostSimilar({ positive: ['woman', 'king'], negative: ['man'], topn: 1 }) // [['queen', 0.7699]]
export {
  KeyError,
  KeyedVectors,
  type KeyedVectorsJSON,
  type KeyOrVector,
  type MostSimilarOptions,
  type Similar,
  type WeightedKey,
} from './keyed-vectors.js';
// ── NumPy's argsort tie order, which decides CountVectorizer's maxFeatures (numpy-argsort.ts) ──
export { numpyArgsort } from './numpy-argsort.js';
// ── Pretrained vectors by name, offline (pretrained.ts) ─────────────────────────────────────────
export {
  clearPretrainedCache,
  loadPretrained,
  type PretrainedName,
  type PretrainedOptions,
} from './pretrained.js';
// ── TF-IDF = scikit-learn 1.2.1's TfidfVectorizer (tfidf.ts) ───────────────────────────────────
export { TfidfVectorizer, type TfidfVectorizerJSON, type TfidfVectorizerOptions } from './tfidf.js';
// ── Word tokenizers: scikit-learn's analyzer, gensim's simple_preprocess (tokenizer.ts) ────────
//   simplePreprocess('At about 4:00pm AEDT') // ['at', 'about', 'pm', 'aedt']
export {
  DEFAULT_TOKEN_PATTERN,
  deaccent,
  ENGLISH_STOP_WORDS,
  GENSIM_ALPHABETIC,
  type SimplePreprocessOptions,
  simplePreprocess,
  type TokenizeOptions,
  tokenize,
} from './tokenizer.js';
// ── Word-vector files: word2vec text/binary, GloVe, fastText .vec, ml5 JSON (vector-formats.ts) ──
export {
  detectFormat,
  type LoadVectorsOptions,
  loadVectors,
  saveVectors,
  type VectorFormat,
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
