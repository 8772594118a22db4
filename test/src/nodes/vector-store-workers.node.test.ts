/**
 * The Firth Vector Store node as two n8n workers on one machine run it: two processes load the
 * built community package (dist/, what `n8n worker` requires) and execute the node at once —
 * inserts and searches on one store file, each execution opening the file once and closing it at
 * the end. Afterwards every inserted item is in the store exactly once, and every search found the
 * text its process had just inserted.
 *
 * Builds nothing: run `node build.mjs` in packages/n8n-nodes-firth first (turbo does, before tests).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirthSqliteVectorStore } from '@firth/rag';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/node-types.js';

const NODE_BUNDLE = join(
  repoRoot,
  'packages/n8n-nodes-firth/dist/nodes/VectorStoreFirth/VectorStoreFirth.node.js',
);
const WORKERS = 2;
const EXECUTIONS = 12;
const ITEMS = 5;

/**
 * One worker: EXECUTIONS insert executions of ITEMS items each, every one followed by a search
 * execution for one of the texts just inserted. Embeddings: 16 numbers drawn from the text's hash
 * (the same text, the same vector), connected as the node's Embedding sub-node.
 */
const worker = `
const { VectorStoreFirth } = require(${JSON.stringify(NODE_BUNDLE)});
const [storeFile, w] = [process.argv[2], process.argv[3]];
const embed = (text) => {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return Array.from({ length: 16 }, () => ((h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0) / 2 ** 32) - 0.5);
};
const embeddings = { embedDocuments: async (ts) => ts.map(embed), embedQuery: async (t) => embed(t) };
const node = new VectorStoreFirth();
const defaults = Object.fromEntries(node.description.properties.map((p) => [p.name, p.default]));
const run = async (items, parameters) => {
  const params = { ...defaults, storeFile, ...parameters };
  const ctx = {
    getInputData: () => items.map((json) => ({ json })),
    getNode: () => ({ id: 'store', name: 'Firth Vector Store', type: 'n8n-nodes-firth.vectorStoreFirth', typeVersion: 1, position: [0, 0], parameters: {} }),
    getNodeParameter: (name, i, fallback) => (params[name] === undefined ? fallback : params[name]),
    continueOnFail: () => false,
    getNodeInputs: () => [{ type: 'main' }, { type: 'ai_embedding' }],
    getInputConnectionData: async () => embeddings,
  };
  return (await node.execute.call(ctx))[0];
};
process.stdout.write('ready\\n');
process.stdin.once('data', async () => {
  const problems = [];
  for (let e = 0; e < ${EXECUTIONS}; e++) {
    const texts = Array.from({ length: ${ITEMS} }, (_, i) => 'worker ' + w + ' execution ' + e + ' item ' + i);
    const inserted = await run(texts.map((text) => ({ text, w: Number(w), e })), { operation: 'insert' });
    if (inserted.some((o) => o.json.inserted !== 1)) problems.push('execution ' + e + ': ' + JSON.stringify(inserted.map((o) => o.json)));
    const query = texts[e % ${ITEMS}];
    const [hit] = await run([{ query }], { operation: 'search', query, topK: 1 });
    if (hit?.json.document.pageContent !== query) problems.push('search ' + e + ' found ' + JSON.stringify(hit?.json.document));
  }
  console.log(JSON.stringify({ w, problems }));
  process.exit(0);
});
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firth-store-workers-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('Firth Vector Store node in two worker processes at once', () => {
  it('every item inserted exactly once; every search finds what its worker just inserted', async () => {
    const storeFile = join(dir, 'shared.sqlite');
    const script = join(dir, 'worker.cjs');
    writeFileSync(script, worker);
    const procs: ChildProcess[] = [];
    const outputs = Array.from({ length: WORKERS }, (_, w) => {
      const proc = spawn(process.execPath, [script, storeFile, String(w)], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      procs.push(proc);
      let stdout = '';
      let stderr = '';
      proc.stderr!.on('data', (d) => {
        stderr += d;
      });
      const ready = new Promise<void>((resolve) =>
        proc.stdout!.on('data', (d) => {
          stdout += d;
          if (stdout.includes('ready')) resolve();
        }),
      );
      const done = new Promise<string>((resolve, reject) =>
        proc.on('exit', (code) =>
          code === 0
            ? resolve(stdout.trim().split('\n').at(-1)!)
            : reject(new Error(`worker ${w} exited ${code}: ${stderr}`)),
        ),
      );
      return { ready, done };
    });
    await Promise.all(outputs.map((o) => o.ready));
    for (const p of procs) p.stdin!.write('go\n');
    const reports = (await Promise.all(outputs.map((o) => o.done))).map(
      (line) => JSON.parse(line) as { w: string; problems: string[] },
    );
    for (const r of reports) expect(r.problems, `worker ${r.w}`).toEqual([]);

    const none = async (): Promise<number[]> => {
      throw new Error('not used');
    };
    const store = new FirthSqliteVectorStore({
      path: storeFile,
      embeddings: { embedQuery: none, embedDocuments: async () => [] },
    });
    const n = WORKERS * EXECUTIONS * ITEMS;
    expect(store.count()).toBe(n);
    const all = await store.similaritySearchVectorWithScore(new Array(16).fill(0.1), n);
    const texts = all.map(([d]) => d.pageContent).sort();
    const expected = Array.from({ length: n }, (_, k) => {
      const w = Math.floor(k / (EXECUTIONS * ITEMS));
      const e = Math.floor(k / ITEMS) % EXECUTIONS;
      return `worker ${w} execution ${e} item ${k % ITEMS}`;
    }).sort();
    expect(texts).toEqual(expected);
    store.close();
  }, 120_000);
});
