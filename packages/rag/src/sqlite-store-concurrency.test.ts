/**
 * FirthSqliteVectorStore shared by several processes at once (n8n workers on one machine): real
 * child processes insert, replace and search one file concurrently; afterwards every document is
 * there exactly once, every search saw whole batches and untorn rows, and a writer kept waiting
 * past its busyTimeout gets a StoreBusyError while the event loop keeps running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Document } from '@langchain/core/documents';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onSources } from './source-child.test-support.js';
import { FirthSqliteVectorStore, StoreBusyError } from './sqlite-store.js';

/** Vectors are given, never embedded: embedding a query is an error here. */
const noEmbeddings = {
  embedQuery: async (): Promise<number[]> => {
    throw new Error('not used');
  },
  embedDocuments: async (): Promise<number[][]> => {
    throw new Error('not used');
  },
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firth-sqlite-conc-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const source = new URL('./sqlite-store.ts', import.meta.url).href;

/** Runs `script` (an .mjs text) as a child process over the sources; resolves with its stdout lines. */
function runChild(
  name: string,
  script: string,
  args: string[],
): { proc: ChildProcess; done: Promise<string[]> } {
  const file = join(dir, name);
  writeFileSync(file, script);
  const proc = spawn(process.execPath, onSources(file, ...args), { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d) => {
    stdout += d;
  });
  proc.stderr!.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<string[]>((resolve, reject) => {
    proc.on('exit', (code, signal) =>
      code === 0
        ? resolve(stdout.split('\n').filter(Boolean))
        : reject(new Error(`${name} ${args.join(' ')} exited ${code ?? signal}: ${stderr}`)),
    );
  });
  return { proc, done };
}

const WRITERS = 4;
const BATCHES = 12;
const BATCH = 8;
const SHARED = 4;

/**
 * One writer process: BATCHES batches of BATCH new documents (ids w<w>-b<b>-r<j>) plus, in the
 * same transaction, a new version of the SHARED ids every writer replaces; a full search after each
 * batch. A document's content is its vector as JSON, so a torn row (content of one version, vector
 * of another) shows. Prints one JSON line of what it saw.
 */
const writer = `
import { FirthSqliteVectorStore } from ${JSON.stringify(source)};
const [path, w, index] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const none = async () => { throw new Error('not used'); };
// loaded: wait for the go, so that every writer starts at once
console.log('ready');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.destroy();
const store = new FirthSqliteVectorStore({ path, similarity: 'l2', index, busyTimeout: 60000,
  embeddings: { embedQuery: none, embedDocuments: none } });
const vec = (w, b, j) => [w + 1, b + 1, j + 1, (w * 31 + b * 7 + j) % 5];
const problems = [];
const counts = [];
let lastCount = 0;
for (let b = 0; b < ${BATCHES}; b++) {
  const docs = [], vectors = [], ids = [];
  for (let j = 0; j < ${BATCH}; j++) {
    const v = vec(w, b, j);
    docs.push({ pageContent: JSON.stringify(v), metadata: { w, b, j } });
    vectors.push(v);
    ids.push('w' + w + '-b' + b + '-r' + j);
  }
  for (let j = 0; j < ${SHARED}; j++) {
    const v = [100 + j, w, b, 1];
    docs.push({ pageContent: JSON.stringify(v), metadata: { shared: j, w, b } });
    vectors.push(v);
    ids.push('shared-' + j);
  }
  await store.addVectors(vectors, docs, { ids });
  // everything, nearest first: every group whole, every score that of the row's own vector
  const all = await store.similaritySearchVectorWithScore([0, 0, 0, 0], 100000);
  const groups = new Map();
  for (const [doc, score] of all) {
    const v = JSON.parse(doc.pageContent);
    const d = Math.hypot(...v);
    if (Math.abs(d - score) > 1e-4 * Math.max(1, d)) problems.push('torn row ' + doc.id + ': ' + score + ' vs ' + d);
    if (doc.metadata.shared === undefined) {
      const g = doc.metadata.w + '/' + doc.metadata.b;
      groups.set(g, (groups.get(g) ?? 0) + 1);
    } else if (v[1] !== doc.metadata.w || v[2] !== doc.metadata.b) problems.push('torn shared ' + doc.id);
  }
  for (const [g, n] of groups) if (n !== ${BATCH}) problems.push('group ' + g + ' seen with ' + n + ' rows');
  for (let own = 0; own <= b; own++) if (groups.get(w + '/' + own) !== ${BATCH}) problems.push('own batch ' + own + ' missing');
  if (all.length < lastCount) problems.push('count went back from ' + lastCount + ' to ' + all.length);
  lastCount = all.length;
  counts.push(all.length);
  if (index === 'hnsw') {
    // the approximate index (k < rows) finds this batch's rows and the other processes' rows
    const [[nearest]] = await store.similaritySearchVectorWithScore(vec(w, b, 3), 1);
    if (nearest.id !== 'w' + w + '-b' + b + '-r3') problems.push('hnsw missed its own row: ' + nearest.id);
  }
}
store.close();
console.log(JSON.stringify({ w, problems, counts }));
`;

describe('FirthSqliteVectorStore shared by several processes', () => {
  it('concurrent writers and readers: every document exactly once, whole batches, no torn rows', async () => {
    const path = join(dir, 'shared.db');
    // the file does not exist yet: the writers race to create it too
    const children = Array.from({ length: WRITERS }, (_, w) =>
      runChild('writer.mjs', writer, [path, String(w), w === WRITERS - 1 ? 'hnsw' : 'exact']),
    );
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) =>
            c.proc.stdout!.on('data', (d) => String(d).includes('ready') && resolve()),
          ),
      ),
    );
    for (const c of children) c.proc.stdin!.write('go\n');
    const reports = (await Promise.all(children.map((c) => c.done))).map(
      (lines) => JSON.parse(lines.at(-1)!) as { w: number; problems: string[]; counts: number[] },
    );
    for (const r of reports) expect(r.problems, `writer ${r.w}`).toEqual([]);
    // the writers overlapped: some search saw another writer's rows before that writer finished
    const finalCount = WRITERS * BATCHES * BATCH + SHARED;
    expect(reports.some((r) => r.counts.some((n, b) => n > (b + 1) * BATCH + SHARED && n < finalCount))).toBe(
      true,
    );

    const store = new FirthSqliteVectorStore({ path, embeddings: noEmbeddings });
    expect(store.count()).toBe(finalCount);
    const all = await store.similaritySearchVectorWithScore([0, 0, 0, 0], finalCount);
    const ids = all.map(([d]) => d.id!).sort();
    const expected = [
      ...Array.from({ length: WRITERS * BATCHES * BATCH }, (_, i) => {
        const w = Math.floor(i / (BATCHES * BATCH));
        const b = Math.floor(i / BATCH) % BATCHES;
        return `w${w}-b${b}-r${i % BATCH}`;
      }),
      ...Array.from({ length: SHARED }, (_, j) => `shared-${j}`),
    ].sort();
    expect(ids).toEqual(expected); // each exactly once, nothing else
    for (const [doc, score] of all) expect(score).toBeCloseTo(Math.hypot(...JSON.parse(doc.pageContent)), 4);
    store.close();
    const db = new DatabaseSync(path);
    expect(db.prepare('PRAGMA integrity_check').get()?.integrity_check).toBe('ok');
    db.close();
    // the HNSW file the processes left (each saved its own view) is reconciled on open
    const hnsw = new FirthSqliteVectorStore({ path, embeddings: noEmbeddings, index: 'hnsw' });
    expect(hnsw.ann?.size).toBe(finalCount);
    const [[top]] = (await hnsw.similaritySearchVectorWithScore([2, 5, 8, (31 + 4 * 7 + 7) % 5], 1)) as [
      [Document, number],
    ];
    expect(top.id).toBe('w1-b4-r7');
    hnsw.close();
  }, 120_000);

  it('a writer kept waiting past busyTimeout gets a StoreBusyError naming the file; readers never wait', async () => {
    const path = join(dir, 'locked.db');
    const store = new FirthSqliteVectorStore({ path, embeddings: noEmbeddings, busyTimeout: 400 });
    await store.addVectors([[1, 0]], [new Document({ pageContent: 'first' })], { ids: ['first'] });
    // another process takes the write lock and holds it until told (a line on stdin)
    const holder = runChild(
      'holder.mjs',
      `import { DatabaseSync } from 'node:sqlite';
const db = new DatabaseSync(process.argv[2]);
db.exec('BEGIN IMMEDIATE');
db.exec("UPDATE meta SET value = value WHERE key = 'format'");
console.log('locked');
process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); console.log('released'); process.exit(0); });
`,
      [path],
    );
    await new Promise<void>((resolve) =>
      holder.proc.stdout!.on('data', (d) => String(d).includes('locked') && resolve()),
    );

    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const attempt = store.addVectors([[0, 1]], [new Document({ pageContent: 'second' })], {
      ids: ['second'],
    });
    await expect(attempt).rejects.toThrow(StoreBusyError);
    const waited = performance.now() - started;
    clearInterval(timer);
    await expect(attempt).rejects.toThrow(
      `${path}: adding documents gave up after waiting 400 ms (busyTimeout) for another process's write lock on the store; nothing was written.`,
    );
    expect(waited).toBeGreaterThanOrEqual(400);
    expect(waited).toBeLessThan(4000);
    // SQLite's busy handler waited in slices of at most 50 ms: the event loop ran in between
    expect(ticks).toBeGreaterThanOrEqual(4);
    // readers are not blocked by the writer's lock (WAL)
    const t0 = performance.now();
    const hits = await store.similaritySearchVectorWithScore([1, 0], 5);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(hits.map(([d]) => d.id)).toEqual(['first']);
    expect(store.count()).toBe(1); // nothing of the refused write

    // a write that is let through before its (longer) timeout waits, then succeeds
    const patient = new FirthSqliteVectorStore({ path, embeddings: noEmbeddings, busyTimeout: 20_000 });
    const late = patient.addVectors([[0, 1]], [new Document({ pageContent: 'second' })], { ids: ['second'] });
    setTimeout(() => holder.proc.stdin!.write('go\n'), 300);
    await expect(late).resolves.toEqual(['second']);
    expect((await holder.done).at(-1)).toBe('released');
    expect(store.count()).toBe(2);
    patient.close();
    store.close();
  }, 60_000);

  it('refuses a busyTimeout that is not a whole number of milliseconds', () => {
    for (const busyTimeout of [-1, 1.5, Number.NaN, 2 ** 31])
      expect(
        () => new FirthSqliteVectorStore({ path: join(dir, 'x.db'), embeddings: noEmbeddings, busyTimeout }),
      ).toThrow(/^busyTimeout must be a whole number of milliseconds from 0 to 2147483647, got /);
  });

  it("one process's view follows what another wrote: the dimension, new, replaced and deleted rows (HNSW too)", async () => {
    const path = join(dir, 'two.db');
    const a = new FirthSqliteVectorStore({ path, embeddings: noEmbeddings, index: 'hnsw' });
    const b = new FirthSqliteVectorStore({ path, embeddings: noEmbeddings, index: 'hnsw' });
    expect(a.dimension).toBeUndefined();
    await b.addVectors(
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      ['x', 'y', 'xy'].map((t) => new Document({ pageContent: t })),
      { ids: ['x', 'y', 'xy'] },
    );
    // a learns the dimension b stored, and refuses vectors of another length without writing them
    await expect(a.addVectors([[1, 2, 3]], [new Document({ pageContent: 'z' })])).rejects.toThrow(
      'vector 0 has 3 dimensions but this store holds 2-dimensional vectors',
    );
    expect(a.dimension).toBe(2);
    expect(a.count()).toBe(3);
    // k < rows: a searches its HNSW index, reconciled with b's rows
    const near = async (s: FirthSqliteVectorStore, q: number[]) =>
      (await s.similaritySearchVectorWithScore(q, 1)).map(([d]) => d.id);
    expect(await near(a, [0, 1])).toEqual(['y']);
    await b.addVectors([[-1, 0]], [new Document({ pageContent: 'y moved' })], { ids: ['y'] }); // replaced
    expect(await near(a, [-1, 0.1])).toEqual(['y']);
    await b.delete({ ids: ['y'] });
    expect(await near(a, [-1, 0.1])).not.toEqual(['y']);
    expect(a.ann?.size).toBe(2);
    await a.addVectors([[0, -1]], [new Document({ pageContent: 'down' })], { ids: ['down'] });
    expect(await near(b, [0, -1])).toEqual(['down']);
    a.close();
    b.close();
  });
});
