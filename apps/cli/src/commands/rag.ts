/** `firth rag index|ask`: the RAG lesson's pipeline (@firth/rag) over a folder of documents. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BM25, RagOutput } from '@firth/rag';
import { CliError, type CommandSpec, UsageError } from '../args.js';
import { existingFile, existingFolder, printResult, requireOut } from '../io.js';

/**
 * Loads, splits and indexes a folder as the RAG nodes and the course notes do (@firth/rag's
 * questionIndex: stop and question words dropped, heading paths indexed, Porter stems).
 */
async function indexFolder(folder: string, chunkSize: number): Promise<BM25> {
  const { loadFolder, questionIndex } = await import('@firth/rag');
  const docs = await loadFolder(existingFolder(folder, 'folder'), {
    chunkSize,
    chunkOverlap: Math.min(200, Math.floor(chunkSize / 5)),
  });
  return questionIndex(docs);
}

const CHUNK_SIZE = {
  type: 'integer',
  min: 50,
  default: 1000,
  description: 'largest chunk, in characters',
} as const;

export const ragIndex: CommandSpec = {
  name: 'rag index',
  summary: 'Load, split and index a folder of documents (BM25) into one JSON file for `firth rag ask`.',
  description: 'Markdown (split by section), text, HTML, JSON and PDF files, sub-folders included.',
  args: [{ name: 'folder', description: 'the documents' }],
  options: {
    out: { type: 'string', placeholder: 'file', description: 'the index file (JSON)' },
    'chunk-size': CHUNK_SIZE,
  },
  examples: ['firth rag index docs/ --out index.json'],
  async run({ args, options, json }) {
    const out = requireOut(options.out);
    const bm25 = await indexFolder(args.folder!, options['chunk-size'] as number);
    const snapshot = bm25.toJSON();
    writeFileSync(out, JSON.stringify(snapshot));
    const files = new Set(snapshot.documents.map((d) => String(d.metadata.source)));
    const summary = {
      out: resolve(out),
      files: files.size,
      chunks: snapshot.documents.length,
      terms: snapshot.postings.length,
    };
    printResult(
      json,
      summary,
      () => `indexed ${summary.chunks} chunks of ${summary.files} files (${summary.terms} terms) -> ${out}`,
    );
    return 0;
  },
};

export const ragAsk: CommandSpec = {
  name: 'rag ask',
  summary: 'Answer a question from documents, with numbered citations.',
  description:
    'The answer is extractive: sentences copied from the best passages, each citing its passage [n]\n' +
    '(no language model, offline). It reads an index from `firth rag index`, or indexes --folder on\n' +
    'the spot; with neither, it asks the course notes that ship with Firth.',
  args: [{ name: 'question', description: 'the question (quote it, or let the words follow)', rest: true }],
  options: {
    index: { type: 'string', placeholder: 'file', description: 'an index from `firth rag index`' },
    folder: { type: 'string', placeholder: 'dir', description: 'index this folder now instead' },
    k: { type: 'integer', min: 1, default: 4, description: 'passages retrieved' },
    'chunk-size': CHUNK_SIZE,
  },
  examples: [
    'firth rag ask "How does skip-gram differ from CBOW?"',
    'firth rag ask "What is the refund policy?" --index index.json',
  ],
  async run({ args, options, json }) {
    const { askCourseNotes, BM25, createRagChain, sourceLabel } = await import('@firth/rag');
    const question = args.question!;
    const k = options.k as number;
    if (options.index && options.folder) throw new UsageError('give --index or --folder, not both');
    let output: RagOutput;
    if (options.index || options.folder) {
      let bm25: BM25;
      if (options.index) {
        const file = existingFile(options.index as string, 'index');
        try {
          bm25 = BM25.fromJSON(readFileSync(file), file);
        } catch (e) {
          throw new CliError(`${file} is not an index from \`firth rag index\`: ${(e as Error).message}`);
        }
      } else bm25 = await indexFolder(options.folder as string, options['chunk-size'] as number);
      output = await createRagChain({ retriever: (q) => bm25.search(q, k).map((h) => h.document), k }).invoke(
        { question },
      );
    } else output = await askCourseNotes(question, { k });
    const result = { question, answer: output.answer, sources: output.sources };
    printResult(json, result, () =>
      [
        output.answer,
        ...(output.sources.length ? ['', 'Sources:', ...output.sources.map(sourceLabel)] : []),
      ].join('\n'),
    );
    return 0;
  },
};
