/**
 * @firth/rag — retrieval for the course's RAG lesson (issue 7, "RAG and agents"), each step its own
 * file: load → split → index (BM25, vectors) → retrieve (hybrid) → measure (Cranfield) → answer
 * with numbered sources (extractive offline, or any chat model).
 * Everything is offline and LangChain-compatible (`Document`, `VectorStore`, `BaseRetriever`).
 *
 * The Node entry (also `@firth/rag/node`): the browser entry (browser.ts) and what reads files —
 * loaders, PDF, the SQLite store, the course notes, Cranfield.
 */
// Everything that needs no file system: BM25, splitters, the memory store, hybrid retrieval,
// metrics, the extractive answer and the RAG chain (browser.ts).
export * from './browser.js';
export {
  askCourseNotes,
  COURSE_NOTES_QUESTIONS,
  courseNotesDir,
  courseNotesRetriever,
  loadCourseNotes,
  loadFolder,
  questionIndex,
  questionRetriever,
  resolveStoreFile,
  sectionText,
  sharedCourseNotesRetriever,
} from './course-notes.js';
// 6. Measuring retrieval: recall@k, MRR, nDCG@10; the Cranfield benchmark.
export { type CranfieldBenchmark, cranfieldBenchmark, cranfieldGain, cranfieldSplit } from './cranfield.js';
// 4c. Embeddings for any LangChain vector store, offline: Firth's word vectors (GloVe by default),
//     tiny BERT (contextual, 128 dimensions), Universal Sentence Encoder Lite (512 dimensions,
//     through @firth/deep, an optional peer imported on the first embedding).
export { FirthBertEmbeddings, type FirthBertEmbeddingsParams } from './firth-bert-embeddings.js';
export { FirthEmbeddings, type FirthEmbeddingsParams } from './firth-embeddings.js';
export {
  FirthUseEmbeddings,
  type FirthUseEmbeddingsParams,
  type SentenceEncoder,
  type UseLiteLoadOptions,
} from './firth-use-embeddings.js';
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
// 4b. The same exact store persisted in one SQLite file (node:sqlite; WAL; survives a kill mid-insert).
// Several processes may share one file (writers take turns, up to busyTimeout; StoreBusyError).
export {
  DEFAULT_BUSY_TIMEOUT_MS,
  FirthSqliteVectorStore,
  type FirthSqliteVectorStoreArgs,
  SQLITE_STORE_FORMAT,
  StoreBusyError,
} from './sqlite-store.js';
