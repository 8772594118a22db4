/**
 * @firth/rag — retrieval for the course's RAG lesson (issue 7, "RAG and agents"), each step its own
 * file: load → split → index (BM25, vectors) → retrieve (hybrid) → measure (Cranfield) → answer
 * with numbered sources (extractive offline, or any chat model).
 * Everything is offline and LangChain-compatible (`Document`, `VectorStore`, `BaseRetriever`).
 */

// 3. Lexical retrieval: Okapi BM25 with Lucene's idf.
export {
  BM25,
  BM25_FORMAT,
  type BM25Hit,
  type BM25JSON,
  type BM25Options,
  checkQuery,
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
  answerWithSources,
  citedNumbers,
  citedSentences,
  citedSources,
  formatSources,
  invalidCitations,
  passageNumbers,
  type RagSource,
  sourceLabel,
  sourceOf,
} from './citations.js';
export {
  askCourseNotes,
  COURSE_NOTES_QUESTIONS,
  courseNotesDir,
  courseNotesRetriever,
  loadCourseNotes,
  loadFolder,
  resolveStoreFile,
  sectionText,
  sharedCourseNotesRetriever,
} from './course-notes.js';
// 6. Measuring retrieval: recall@k, MRR, nDCG@10; the Cranfield benchmark.
export { type CranfieldBenchmark, cranfieldBenchmark, cranfieldGain } from './cranfield.js';
export {
  type AnswerSentence,
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
} from './extractive.js';
// 5. Hybrid retrieval: reciprocal rank fusion of BM25 and vectors, as a LangChain retriever.
export {
  documentKey,
  type Fused,
  type FusionOptions,
  HybridRetriever,
  type HybridRetrieverInput,
  reciprocalRankFusion,
} from './hybrid.js';
// 1. Loaders: text, Markdown (sections), HTML, JSON → Documents; files confined to a root folder,
//    within size limits (MAX_FILE_BYTES; MAX_TEXT_LENGTH from @firth/numeric; folder entries, depth).
export {
  FileLoader,
  type FileLoaderOptions,
  type JsonLoadOptions,
  loadHtml,
  loadJson,
  loadMarkdown,
  loadText,
  MAX_FILE_BYTES,
  type SourceMetadata,
  SUPPORTED_EXTENSIONS,
} from './loaders.js';
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
// 1b. PDF: one Document per page with text ({ source, page, pages }), through unpdf (pdf.js).
export {
  joinTextItems,
  loadPdf,
  MAX_PDF_BYTES,
  MAX_PDF_DECODED_BYTES,
  MAX_PDF_PAGES,
  type PdfMetadata,
  type PdfOptions,
  type PdfTextItem,
} from './pdf.js';
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
// 4b. The same exact store persisted in one SQLite file (node:sqlite; WAL; survives a kill mid-insert).
export {
  FirthSqliteVectorStore,
  type FirthSqliteVectorStoreArgs,
  SQLITE_STORE_FORMAT,
} from './sqlite-store.js';
