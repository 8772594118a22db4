/**
 * What one execution of a Firth node costs inside one worker process — the ceiling on a queue-mode
 * worker's executions per second, before n8n's own share (reading the job from Redis, writing the
 * execution to Postgres). The nodes of the queue tier's workflows, each on one item, called as n8n
 * calls them (execute() with the node's parameters), one after the other in one process, from the
 * built package (dist/, what an n8n worker requires):
 *
 *   - Sentiment (BERT + n-gram ensemble), one sentence;
 *   - Firth Vector Store, Insert: one text embedded with GloVe (Embeddings Firth's default) into a
 *     SQLite store — the store opened, written and closed per execution, as the node does;
 *   - Firth Vector Store, Search: one query against that store (1,000 documents);
 *   - Firth RAG Answer over the course notes (BM25, extractive answer with citations).
 *
 * For each: the first execution (the model loaded), then the mean and p95 of the next ones, and
 * executions/s = 1000 / mean. Then the process's memory report (models and RSS).
 *
 *   cd test && node --import ../scripts/bench/ts-hooks.mjs --conditions=firth-source \
 *     --experimental-transform-types --disable-warning=ExperimentalWarning src/firth-node-cost.bench.ts
 *
 * FIRTH_BENCH_RUNS (default 200) sets the timed executions per node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMemoryReports, processMemory } from '@firth/numeric';
import type { IExecuteFunctions } from 'n8n-workflow';
import { repoRoot } from './harness/node-types.js';

/** A node class from the built package (dist/: what an n8n worker requires). */
const require = createRequire(import.meta.url);
const built = <T>(name: string): T =>
  require(join(repoRoot, `packages/n8n-nodes-firth/dist/nodes/${name}/${name}.node.js`))[name] as T;
type NodeClass = new () => Node;
const Sentiment = built<NodeClass>('Sentiment');
const VectorStoreFirth = built<NodeClass>('VectorStoreFirth');
const RagAnswer = built<NodeClass>('RagAnswer');

const RUNS = Number(process.env.FIRTH_BENCH_RUNS ?? 200);

type Node = {
  description: { properties: { name: string; default: unknown }[] };
  execute(this: IExecuteFunctions): Promise<unknown>;
};

/** One execution of `node` on `items`, as n8n calls it; nothing connected to its AI inputs. */
async function execute(node: Node, items: object[], parameters: Record<string, unknown>): Promise<unknown[]> {
  const params: Record<string, unknown> = {
    ...Object.fromEntries(node.description.properties.map((p) => [p.name, p.default])),
    ...parameters,
  };
  const ctx = {
    getInputData: () => items.map((json) => ({ json })),
    getNode: () => ({
      id: 'n',
      name: 'Node',
      type: 'n8n-nodes-firth.node',
      typeVersion: 1,
      position: [0, 0],
      parameters: {},
    }),
    getNodeParameter: (name: string, _i: number, fallback?: unknown) => params[name] ?? fallback,
    continueOnFail: () => false,
    getNodeInputs: () => [{ type: 'main' }],
    getInputConnectionData: async () => undefined,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  };
  const [out] = (await node.execute.call(ctx as unknown as IExecuteFunctions)) as unknown[][];
  if (!out?.length) throw new Error('no output');
  return out;
}

async function measure(name: string, once: (i: number) => Promise<unknown>) {
  const t0 = performance.now();
  await once(-1);
  const first = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await once(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  const p95 = times[Math.floor(0.95 * (times.length - 1))]!;
  console.log(
    `${name.padEnd(34)} first ${first.toFixed(0).padStart(6)} ms | mean ${mean.toFixed(2).padStart(7)} ms | p95 ${p95.toFixed(2).padStart(7)} ms | ${(1000 / mean).toFixed(1).padStart(7)} executions/s`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'firth-node-cost-'));
const storeFile = join(dir, 'store.sqlite');
try {
  console.log(
    `Node ${process.versions.node}, ${RUNS} timed executions per node, one item each, one process\n`,
  );
  const sentences = [
    'a charming and moving film',
    'a dull , tedious mess',
    'not bad at all',
    'the plot never holds',
  ];
  await measure('Sentiment (BERT + n-grams)', (i) =>
    execute(new Sentiment(), [{ text: sentences[(i + 4) % 4] }], { text: sentences[(i + 4) % 4] }),
  );
  // the store filled to 1,000 documents first (untimed), then one insert per execution
  const vectorStore = new VectorStoreFirth();
  const filler = Array.from({ length: 1000 }, (_, i) => ({
    text: `document ${i} about ${sentences[i % 4]}`,
    n: i,
  }));
  await execute(vectorStore, filler, { operation: 'insert', storeFile });
  await measure('Vector Store insert (GloVe, SQLite)', (i) =>
    execute(vectorStore, [{ text: `new text ${i} on ${sentences[(i + 4) % 4]}` }], {
      operation: 'insert',
      storeFile,
    }),
  );
  await measure('Vector Store search (top 4 of ~1k)', (i) =>
    execute(vectorStore, [{ query: sentences[(i + 4) % 4] }], {
      operation: 'search',
      storeFile,
      query: sentences[(i + 4) % 4],
    }),
  );
  const questions = ['What is BERT?', 'How does attention work?', 'What is a perceptron?', 'What is GloVe?'];
  await measure('RAG Answer (course notes)', (i) =>
    execute(new RagAnswer(), [{ question: questions[(i + 4) % 4] }], { question: questions[(i + 4) % 4] }),
  );
  const memory = processMemory();
  console.log(`\n${formatMemoryReports([{ ...memory, alive: true, rssNowBytes: memory.rssBytes }])}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
