/**
 * @firth/rag for a browser (and any bundler that sets the `browser` condition): the retrieval that
 * needs no file system — BM25 and its LangChain retriever, the splitters, the exact in-memory vector
 * store (snapshots as bytes: toSnapshot / fromSnapshot), hybrid retrieval (reciprocal rank fusion),
 * the metrics, the extractive answer with numbered sources and the RAG chain for any chat model.
 * `@firth/rag` resolves here under the `browser` condition; `@firth/rag/browser` names it. The file
 * loaders (text, Markdown, HTML, JSON, PDF), the SQLite store (node:sqlite), the course notes and
 * Cranfield are in the Node entry.
 */

// 3. Lexical retrieval: Okapi BM25 with Lucene's idf; a 'standard' or 'english' (Porter) analyzer.
export {
  BM25,
  BM25_ANALYZERS,
  BM25_FORMAT,
  type BM25Analyzer,
  type BM25Hit,
  type BM25JSON,
  type BM25Options,
  checkAnalyzer,
  checkQuery,
  DEFAULT_ANALYZER,
  ENGLISH_STOP_WORDS,
  MAX_QUERY_LENGTH,
  type TokenizeOptions,
  tokenize,
} from './bm25.js';
export { BM25Retriever, type BM25RetrieverInput } from './bm25-retriever.js';
export {
  CITATION_QUESTIONS,
  type CitationQuestion,
  type CitationScore,
  type PassageRef,
  scoreCitations,
} from './citation-eval.js';
// 7. Generation with sources: each passage its own numbered source, each sentence citing its passage;
//    the answer as prose with its sources; the extractive answerer (offline) and the RAG chain (any chat model).
export {
  type AnswerEvidence,
  answerEvidence,
  answerWithSources,
  type CitedPassage,
  citedNumbers,
  citedSentences,
  citedSources,
  formatSources,
  invalidCitations,
  passageNumbers,
  type RagSource,
  sourceLabel,
  sourceOf,
  stripCitations,
} from './citations.js';
// 8. Conversations: a follow-up rewritten into a standalone question before retrieval.
export {
  type ChatHistoryMessage,
  type ChatTurn,
  CONDENSE_QUESTION_PROMPT,
  type CondenseOptions,
  chatTurns,
  condenseOffline,
  condenseQuestion,
  createCondenseQuestionChain,
  createHistoryAwareRetriever,
  subjectOf,
} from './conversation.js';
export {
  type AnswerCandidate,
  type AnswerSentence,
  answerCandidates,
  type Citation,
  containsPhrase,
  type ExtractiveAnswer,
  type ExtractiveOptions,
  extractiveAnswer,
  NO_ANSWER,
  normalizeSpace,
  proseSentences,
  QUESTION_STOP_WORDS,
  QUESTION_WORDS,
  type QuestionKind,
  questionKind,
  tightSpan,
} from './extractive.js';
// 4b. An approximate nearest-neighbour index (HNSW) for the stores' { index: 'hnsw' }.
export {
  checkIndexKind,
  HNSW_DEFAULTS,
  HNSW_FORMAT,
  type HnswHit,
  HnswIndex,
  type HnswOptions,
  type HnswParameters,
  type HnswSearchOptions,
  INDEX_KINDS,
  type IndexKind,
} from './hnsw.js';
// 5. Hybrid retrieval: reciprocal rank fusion of BM25 and vectors, as a LangChain retriever.
export {
  DEFAULT_FETCH_K,
  DEFAULT_HYBRID_WEIGHTS,
  DEFAULT_RRF_K,
  documentKey,
  type Fused,
  type FusionOptions,
  HybridRetriever,
  type HybridRetrieverInput,
  reciprocalRankFusion,
} from './hybrid.js';
// 4. Dense retrieval: an exact in-memory LangChain vector store (cosine, dot, L2; filters; MMR).
export {
  FirthMemoryVectorStore,
  type FirthMemoryVectorStoreArgs,
  MEMORY_STORE_FORMAT,
  type MetadataFilter,
  type MmrOptions,
  SIMILARITIES,
  type Similarity,
} from './memory-store.js';
export {
  type Evaluation,
  type EvaluationQuery,
  evaluateRetrieval,
  type Id,
  type Judgements,
  ndcgAtK,
  recallAtK,
  reciprocalRank,
} from './metrics.js';
export { porterMeasure, porterStem } from './porter.js';
export {
  ANSWER_TYPES,
  type AnswerType,
  asksForCode,
  holdsAnswerType,
  questionType,
} from './question-type.js';
export {
  createRagChain,
  groundedness,
  type PassageRetriever,
  RAG_PROMPT,
  type RagChainOptions,
  type RagInput,
  type RagOutput,
} from './rag-chain.js';
// 2. Splitters: recursive character, sentence, token windows; metadata kept, chunk index added.
export {
  DEFAULT_SEPARATORS,
  RecursiveCharacterSplitter,
  SentenceSplitter,
  type Separator,
  type SplitterOptions,
  splitSentences,
  TextSplitter,
  type Tokenizer,
  TokenSplitter,
} from './splitters.js';
