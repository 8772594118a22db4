/**
 * Benchmark (issue 7, "RAG and agents"): how fast the stores take vectors in, and how long one
 * offline RAG question takes end to end.
 *
 * Run:  pnpm --filter @firth/rag bench:rag      (`bench` runs this after cranfield.bench.ts)
 *
 * 1. Insert — 10,000 random unit vectors × 384 (seeded) through `addVectors`, 1,000 per call:
 *    `FirthMemoryVectorStore`, `FirthSqliteVectorStore` (a temporary file, one transaction per
 *    call) and the peer, LangChain's `MemoryVectorStore` (`@langchain/classic`). Ratio = vectors/s
 *    ÷ the peer's. The time to make the vectors is not counted. Beside it: `save` and `load` of the
 *    memory store's snapshot of those 10,000 rows.
 * 2. End-to-end RAG, offline — `docs/concepts`: `FileLoader` (one Document per Markdown section,
 *    "See also" dropped) + `RecursiveCharacterSplitter` (1,000 characters, overlap 100) + BM25
 *    (stop words and `QUESTION_WORDS` dropped) once; then, per question, `createRagChain` without
 *    an LLM: BM25 top 4 → `extractiveAnswer` with numbered sources. Latency p50 / p95 over the 12
 *    questions of `rag-chain.test.ts`, each asked FIRTH_BENCH_ROUNDS times (default 5) after one
 *    untimed warm-up round. No peer: nothing else answers offline the same way.
 *
 * Environment: FIRTH_BENCH_N (vectors, default 10000), FIRTH_BENCH_ROUNDS (default 5). Timings on
 * a shared machine are noisy; the load average is printed with them.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import {
  gaussian,
  loadAverage,
  percentile,
  table,
  unitVector,
  vectorsOnlyEmbeddings,
} from '../../../scripts/bench/peer.js';
import { BM25 } from './bm25.js';
import { COURSE_NOTES_QUESTIONS } from './course-notes.js';
import { QUESTION_STOP_WORDS } from './extractive.js';
import { FileLoader } from './loaders.js';
import { FirthMemoryVectorStore } from './memory-store.js';
import { createRagChain } from './rag-chain.js';
import { RecursiveCharacterSplitter } from './splitters.js';
import { FirthSqliteVectorStore } from './sqlite-store.js';

// The course notes as shipped in @firth/datasets (docs/concepts in the repository links there).
const CONCEPTS = dataPath('docs/concepts');

const QUESTIONS = COURSE_NOTES_QUESTIONS;

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------
// 1. Insert throughput
// ---------------------------------------------------------------------------------------------

async function insert(): Promise<void> {
  const n = Number(process.env.FIRTH_BENCH_N ?? 10_000) || 10_000;
  const d = 384;
  const batch = 1000;
  const rand = gaussian(1);
  const batches = Array.from({ length: Math.ceil(n / batch) }, (_, b) => {
    const m = Math.min(batch, n - b * batch);
    const vectors = Array.from({ length: m }, () => unitVector(rand, d));
    const docs = vectors.map(
      (_, i) => new Document({ pageContent: `doc ${b * batch + i}`, metadata: { i } }),
    );
    return { vectors, docs };
  });
  const noEmbeddings = vectorsOnlyEmbeddings as unknown as EmbeddingsInterface;
  const dir = mkdtempSync(join(tmpdir(), 'firth-rag-bench-'));
  try {
    /** Vectors per second of addVectors over every batch, into a fresh store. */
    const timeInsert = async (add: (v: number[][], docs: Document[]) => Promise<unknown>) => {
      let ms = 0;
      for (const { vectors, docs } of batches) {
        const t0 = performance.now();
        await add(vectors, docs);
        ms += performance.now() - t0;
      }
      return n / (ms / 1000);
    };
    const peer = new MemoryVectorStore(noEmbeddings);
    const peerRate = await timeInsert((v, docs) => peer.addVectors(v, docs));
    const memory = new FirthMemoryVectorStore(noEmbeddings);
    const memoryRate = await timeInsert((v, docs) => memory.addVectors(v, docs));
    const sqlite = await FirthSqliteVectorStore.open({
      path: join(dir, 'bench.db'),
      embeddings: noEmbeddings,
    });
    const sqliteRate = await timeInsert((v, docs) => sqlite.addVectors(v, docs));
    sqlite.close();

    const snapshot = join(dir, 'bench.firthvs');
    let t0 = performance.now();
    await memory.save(snapshot);
    const saveMs = performance.now() - t0;
    t0 = performance.now();
    const loaded = await FirthMemoryVectorStore.load(snapshot, noEmbeddings);
    const loadMs = performance.now() - t0;
    if (loaded.rows.length !== n) throw new Error(`snapshot: ${loaded.rows.length} rows, not ${n}`);

    const row = (name: string, rate: number) => [name, fmt(rate), `${(rate / peerRate).toPrecision(2)}×`];
    console.log(
      `\nInsert: ${fmt(n)} random unit vectors × ${d}, addVectors ${fmt(batch)} per call; ${loadAverage()}\n`,
    );
    console.log(
      table(
        ['store', 'vectors/s', 'vs peer'],
        [
          row('FirthMemoryVectorStore', memoryRate),
          row('FirthSqliteVectorStore (file, WAL)', sqliteRate),
          row('peer: LangChain MemoryVectorStore (@langchain/classic)', peerRate),
        ],
      ),
    );
    console.log(
      "\nThe peer keeps the caller's number[] arrays as they are; the Firth stores copy each into a" +
        ' Float32Array, check it (length, NaN) and store its norm (SQLite also writes the file).',
    );
    console.log(
      `FirthMemoryVectorStore snapshot of ${fmt(n)} rows: save ${saveMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms.`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 2. End-to-end offline RAG on docs/concepts
// ---------------------------------------------------------------------------------------------

async function endToEnd(): Promise<void> {
  const rounds = Number(process.env.FIRTH_BENCH_ROUNDS ?? 5) || 5;
  let t0 = performance.now();
  const files = readdirSync(CONCEPTS)
    .filter((f) => f.endsWith('.md'))
    .sort();
  const sections = (await new FileLoader({ root: CONCEPTS }).loadAll(files)).filter(
    (doc) => !/see also$/i.test(doc.metadata.section ?? ''),
  );
  const loadMs = performance.now() - t0;
  t0 = performance.now();
  const passages = new RecursiveCharacterSplitter({ chunkSize: 1000, chunkOverlap: 100 }).splitDocuments(
    sections,
  );
  const splitMs = performance.now() - t0;
  t0 = performance.now();
  const bm25 = new BM25({ stopWords: QUESTION_STOP_WORDS }).fit(
    passages.map((doc) => `${doc.metadata.section ?? ''}\n${doc.pageContent}`),
  );
  const indexMs = performance.now() - t0;
  const chain = createRagChain({
    retriever: (q: string) => bm25.search(q, 4).map((h) => passages[h.index]!),
  });

  let cited = 0;
  for (const [question, expected] of QUESTIONS) {
    const { sources } = await chain.invoke({ question }); // warm-up round, not timed
    if (sources.some((s) => s.source === expected)) cited++;
  }
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++)
    for (const [question] of QUESTIONS) {
      const t = performance.now();
      await chain.invoke({ question });
      ms.push(performance.now() - t);
    }

  console.log(
    `\nEnd-to-end offline RAG on docs/concepts: ${files.length} files → ${sections.length} sections → ${passages.length} passages; ${loadAverage()}\n`,
  );
  console.log(
    table(
      ['step', 'ms'],
      [
        ['load (FileLoader, Markdown sections), once', loadMs.toFixed(1)],
        ['split (recursive, 1,000 chars), once', splitMs.toFixed(1)],
        ['BM25 index, once', indexMs.toFixed(1)],
        [
          `question → answer, p50 (${ms.length} = ${QUESTIONS.length} questions × ${rounds})`,
          percentile(ms, 50).toFixed(2),
        ],
        ['question → answer, p95', percentile(ms, 95).toFixed(2)],
      ],
    ),
  );
  console.log(
    `\nquestion → answer: createRagChain (no LLM): BM25 top 4 + extractiveAnswer. Peer: none.` +
      ` Answers citing the expected file: ${cited}/${QUESTIONS.length}.`,
  );
}

await insert();
await endToEnd();
