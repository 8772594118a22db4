/**
 * @firth/embeddings for a browser (and any bundler that sets the `browser` condition): what needs no
 * file system or worker threads — one-hot, bag-of-words and TF-IDF (scikit-learn's vectorizers),
 * co-occurrence counts, word tokenizers, gensim's KeyedVectors queries (mostSimilar, similarity,
 * doesntMatch, analogies) on vectors you give or parse from a file's contents (parseVectors), and
 * document similarity, PCA (2-D/3-D projections of word vectors), the course's fake 3-D vectors.
 * `@firth/embeddings` resolves here under the `browser` condition;
 * `@firth/embeddings/browser` names it. Training (Word2Vec, GloVe: corpora from files, worker
 * threads), the shipped vectors, vector files on disk and benchmark files are in the Node entry.
 * KeyedVectors' evaluateWordAnalogies / evaluateWordPairs read a file and so need Node.
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
// ── The course's fake 3-D word vectors ("Experimenting with Fake Embeddings") (course-vectors.ts) ──
//   KeyedVectors.fromObject(FAKE_WORD_VECTORS).similarity('king', 'queen') // 0.9995995…
export { FAKE_WORD_VECTORS } from './course-vectors.js';
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
  pearson,
  spearman,
  type WordPairsOptions,
  type WordPairsResult,
} from './evaluation.js';
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
// ── PCA = scikit-learn 1.2.1's PCA(svd_solver='full'), signs included: word vectors in 2-D/3-D (pca.ts)
//   pca({ data: kv.vectors, rows: kv.length, cols: kv.vectorSize }, 3).projected // 20,000 × 3 in ~0.1 s
export { type PcaInput, type PcaResult, pca, symmetricEigen } from './pca.js';
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
// ── Word-vector files from their contents: word2vec text/binary, GloVe, fastText .vec, ml5 JSON (vector-parse.ts)
//   await parseVectors('king 0.5 0.1\nqueen 0.45 0.2\n', { format: 'glove' })
export {
  type LoadVectorsOptions,
  type ParseVectorsOptions,
  parseVectors,
  type VectorFormat,
} from './vector-parse.js';
