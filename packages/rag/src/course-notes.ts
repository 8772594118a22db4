/**
 * The course notes — docs/concepts/*.md, the project's own explanation of each course concept — as
 * a ready knowledge base: the demo corpus of the RAG lesson, the "course" tool of the agents, and
 * what workflows/rag-course-notes.json answers from.
 *
 * One Document per Markdown section (metadata: source file, heading path). "See also" sections are
 * links, never answers, so they are left out. BM25 indexes the heading path with the text and drops
 * stop words and question words ("what", "how", …), which otherwise match every definition.
 *
 *   const { answer, sources } = await askCourseNotes('What is BERT?');
 *   // answer: 'BERT (Bidirectional Encoder Representations from Transformers) is … [1]'
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { ValidationError } from '@firth/numeric';
import type { Document, DocumentInterface } from '@langchain/core/documents';
import { BM25, type BM25Analyzer, DEFAULT_ANALYZER } from './bm25.js';
import { BM25Retriever } from './bm25-retriever.js';
import { QUESTION_STOP_WORDS } from './extractive.js';
import { FileLoader, type SourceMetadata, SUPPORTED_EXTENSIONS } from './loaders.js';
import { createRagChain, type RagChainOptions, type RagOutput } from './rag-chain.js';
import { RecursiveCharacterSplitter, type SplitterOptions } from './splitters.js';

/**
 * Every supported file under a folder (sub-folders included, sorted by path; FileLoader's folder
 * limits apply: 10 000 entries, 16 levels), through the root-confined FileLoader, then split into chunks of at most `chunkSize` characters. Sections
 * already shorter than a chunk stay whole. An empty folder is an error naming it.
 */
export async function loadFolder(
  dir: string,
  options: SplitterOptions = {},
): Promise<Document<SourceMetadata & { chunk: number }>[]> {
  const loader = new FileLoader({ root: dir });
  const files = loader.list();
  if (files.length === 0)
    throw new ValidationError(
      `No documents in ${loader.root} (supported: ${SUPPORTED_EXTENSIONS.join(', ')})`,
    );
  const docs = await loader.loadAll(files);
  return new RecursiveCharacterSplitter(options).splitDocuments(docs);
}

/**
 * The folder holding the concept pages: `dir` if given, else `FIRTH_COURSE_NOTES_DIR`, else
 * `docs/concepts` found as shipped data (the repository root, or `firth-data/` beside a bundle).
 */
export function courseNotesDir(dir?: string): string {
  return dir ?? process.env.FIRTH_COURSE_NOTES_DIR ?? dataPath('docs/concepts');
}

/** Every section of every concept page, in file order. */
export async function loadCourseNotes(dir?: string): Promise<Document<SourceMetadata>[]> {
  const root = courseNotesDir(dir);
  const files = readdirSync(root)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort();
  if (files.length === 0) throw new ValidationError(`No course notes (*.md) in ${root}`);
  const docs = await new FileLoader({ root }).loadAll(files);
  return docs.filter((d) => !/see also$/i.test(String(d.metadata.section ?? '')));
}

/**
 * The question set over the course notes: each question with the page that answers it (the
 * answer checks of rag-chain.test.ts, the latency benchmark rag.bench.ts).
 */
export const COURSE_NOTES_QUESTIONS: readonly (readonly [question: string, source: string])[] = [
  ['What is BERT?', 'bert.md'],
  ['How does skip-gram differ from CBOW?', 'word2vec.md'],
  ['What is GloVe?', 'glove.md'],
  ['What is a perceptron?', 'perceptron.md'],
  ['What is attention?', 'attention.md'],
  ['What is an AI agent?', 'agents.md'],
  ['What is retrieval-augmented generation?', 'rag.md'],
  ['Why does a transformer need positional encoding?', 'transformers.md'],
  ['Which activation function avoids vanishing gradients?', 'activations.md'],
  ['How does GPT generate text?', 'gpt.md'],
  ['What is a multi-layer perceptron?', 'mlp.md'],
  ['How is cosine similarity computed between word vectors?', 'embeddings.md'],
];

/** The heading path and the text: what BM25 indexes for a section. */
export const sectionText = (d: DocumentInterface): string => `${d.metadata.section ?? ''}\n${d.pageContent}`;

/**
 * BM25 set up for questions over documents: stop words and question words dropped, each passage
 * indexed with its heading path (`sectionText`), the `DEFAULT_ANALYZER` ('english': Porter stems)
 * unless `options.analyzer` says otherwise. The course notes, the RAG nodes' keyword search, the
 * unseen-documents evaluation and `firth rag index` all retrieve through it.
 */
export function questionRetriever(
  docs: DocumentInterface[],
  k = 4,
  options: { analyzer?: BM25Analyzer } = {},
): BM25Retriever {
  return BM25Retriever.fromDocuments(docs, { k, ...questionBm25Options(options.analyzer) });
}

/**
 * The same index as `questionRetriever`, as a bare `BM25` whose `toJSON()` snapshot can be saved
 * and read back (`BM25.fromJSON`): what `firth rag index` writes.
 */
export function questionIndex(docs: DocumentInterface[], options: { analyzer?: BM25Analyzer } = {}): BM25 {
  const { indexText, ...bm25 } = questionBm25Options(options.analyzer);
  return new BM25(bm25).fit(docs as Document[], { indexText });
}

function questionBm25Options(analyzer: BM25Analyzer | undefined) {
  return {
    analyzer: analyzer ?? DEFAULT_ANALYZER,
    stopWords: QUESTION_STOP_WORDS,
    indexText: sectionText,
  };
}

/** A BM25 retriever over the course notes (stop words and question words dropped). */
export async function courseNotesRetriever(
  options: { k?: number; dir?: string; analyzer?: BM25Analyzer } = {},
): Promise<BM25Retriever> {
  return questionRetriever(await loadCourseNotes(options.dir), options.k ?? 4, {
    analyzer: options.analyzer,
  });
}

let shared: Promise<BM25Retriever> | undefined;

/**
 * The retriever over the shipped course notes, built once per process (the notes do not change
 * while it runs); a failed build is retried on the next call. `search(query, k)` takes any k.
 */
export function sharedCourseNotesRetriever(): Promise<BM25Retriever> {
  if (!shared) {
    shared = courseNotesRetriever();
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}

/**
 * Answers a question from the course notes with numbered citations: the extractive answerer by
 * default (sentences copied from the notes, no invented text), or `llm` when one is given. `k`
 * passages are retrieved (default 4).
 */
export async function askCourseNotes(
  question: string,
  options: Omit<RagChainOptions, 'retriever'> & { dir?: string } = {},
): Promise<RagOutput> {
  if (typeof question !== 'string' || question.trim() === '') {
    throw new ValidationError('question must be a non-empty string');
  }
  const { dir, ...chainOptions } = options;
  const notes = dir ? await courseNotesRetriever({ dir }) : await sharedCourseNotesRetriever();
  const k = chainOptions.k ?? 4;
  return createRagChain({ retriever: (q) => notes.search(q, k), ...chainOptions }).invoke({ question });
}

/**
 * Where a named store file lives: an absolute path as given, else under `dir` (default
 * `~/.n8n/firth`, beside n8n's own data). Its folder is created; with `mustExist`, a missing file is
 * an error (a retriever must not silently search a new, empty store).
 */
export function resolveStoreFile(file: string, options: { dir?: string; mustExist?: boolean } = {}): string {
  const name = typeof file === 'string' ? file.trim() : '';
  if (name === '')
    throw new ValidationError('Store File is empty: name a .sqlite file, e.g. course-notes.sqlite');
  const path = isAbsolute(name) ? name : join(options.dir ?? join(homedir(), '.n8n', 'firth'), name);
  if (options.mustExist && !existsSync(path))
    throw new ValidationError(`Store File ${path} does not exist: insert documents into it first`);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}
