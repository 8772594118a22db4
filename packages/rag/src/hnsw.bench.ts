/**
 * The ANN benchmark (`pnpm --filter @firth/rag bench:ann`): builds an HnswIndex over N synthetic
 * 384-d vectors and reports build time, peak RSS and heap, index file bytes, recall@10 against
 * exact search (exact-search.ts's `score` and `TopK`, every row) over Q queries, and p50/p95 query
 * milliseconds for several efSearch values.
 *
 *   node … src/hnsw.bench.ts --n 100000 --queries 1000 [--data mixture|uniform] [--M 16] [--efc 100]
 *     [--shrink nearest|heuristic] [--clusters 1000] [--ef 16,32,64,128] [--budget-s S]
 *     [--save FILE [--checkpoint 100000]] [--load FILE [--resume]] [--truth FILE]
 *
 * --save FILE writes the built index (HnswIndex.save) before the ground truth is computed;
 * --load FILE skips the build and loads that file instead (pass the same --n, --data and --clusters
 * as the build: they define the data and the queries), so an efSearch sweep (--ef) can be re-run
 * without rebuilding. --checkpoint K also saves every K inserts; --load FILE --resume goes on
 * inserting from the loaded index's size up to --n (a long build that was stopped). --truth FILE caches the exact top 10 (JSON): read when it exists and matches
 * the run's data, N and query count, written otherwise. Build time is reported as wall seconds
 * and as CPU seconds of this process (process.cpuUsage, user + system), since the machine is shared.
 *
 * Data (no million real embeddings are available offline):
 *   mixture — a Gaussian mixture meant to look like sentence embeddings: 1,000 cluster centres
 *     (N(0, 1/384) per coordinate, norm ≈ 1), each cluster spread along its own random 16-d
 *     subspace (N(0, 0.2²) per latent coordinate), plus isotropic noise N(0, 0.01²) per coordinate,
 *     then normalised. Intrinsic dimension ≈ 16 per cluster, 384 ambient.
 *   uniform — N(0, 1) per coordinate, normalised: uniform on the sphere, the hardest case (no
 *     structure for a graph to exploit; real embeddings never look like this).
 * Queries are further draws from the same distribution (not points of the index). Rows are
 * generated from their index, so the exact scan regenerates them instead of holding a second copy:
 * the memory reported is the index's.
 */

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { score, TopK } from './exact-search.js';
import { HnswIndex } from './hnsw.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const TARGET = Number(arg('n', '100000'));
/** Stop inserting after this many seconds and measure what was built (a partial build, said so). */
const BUDGET_S = Number(arg('budget-s', 'Infinity'));
const Q = Number(arg('queries', '1000'));
const DATA = arg('data', 'mixture');
const M = Number(arg('M', '16'));
const EFC = Number(arg('efc', '100'));
const EFS = arg('ef', arg('efs', '16,32,64,128')).split(',').map(Number);
const SAVE = arg('save', '');
const LOAD = arg('load', '');
/** With --load: go on inserting rows index.size … N − 1 (a build interrupted after a checkpoint). */
const RESUME = process.argv.includes('--resume');
/** With --save: also save every this many inserts (0: only at the end). */
const CHECKPOINT = Number(arg('checkpoint', '0'));
const TRUTH = arg('truth', '');
const DIM = 384;
const K = 10;
const CLUSTERS = Number(arg('clusters', '1000'));
const SHRINK = arg('shrink', 'nearest') as 'nearest' | 'heuristic';
const SUB = 16;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

const setup = rng(12345);
const centres = new Float32Array(CLUSTERS * DIM).map(() => gaussian(setup) / Math.sqrt(DIM));
const bases = new Float32Array(CLUSTERS * SUB * DIM).map(() => gaussian(setup) / Math.sqrt(DIM));

/** Row i of the data set (i ≥ N: queries), normalised, into out. */
function row(i: number, out: Float32Array): Float32Array {
  const next = rng(Math.imul(i + 1, 0x9e3779b1) ^ 0x5bd1e995);
  if (DATA === 'uniform') for (let j = 0; j < DIM; j++) out[j] = gaussian(next);
  else {
    const c = Math.floor(next() * CLUSTERS);
    for (let j = 0; j < DIM; j++) out[j] = centres[c * DIM + j]! + 0.01 * gaussian(next);
    for (let s = 0; s < SUB; s++) {
      const z = 0.2 * gaussian(next);
      const b = (c * SUB + s) * DIM;
      for (let j = 0; j < DIM; j++) out[j] = out[j]! + z * bases[b + j]!;
    }
  }
  let sq = 0;
  for (let j = 0; j < DIM; j++) sq += out[j]! * out[j]!;
  const inv = 1 / Math.sqrt(sq);
  for (let j = 0; j < DIM; j++) out[j] = out[j]! * inv;
  return out;
}

const mb = (b: number) => (b / 2 ** 20).toFixed(0);
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
log(
  `shrink=${SHRINK} clusters=${CLUSTERS} data=${DATA} N=${TARGET} dim=${DIM} queries=${Q} M=${M} efConstruction=${EFC}`,
);

/** CPU seconds (user + system) of this process since `from`. */
const cpuS = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
};
const peakRss = () => mb(process.resourceUsage().maxRSS * 1024);
const buf = new Float32Array(DIM);
let peakHeap = 0;
let index: HnswIndex;
let N = TARGET;
let buildS = Number.NaN;
let buildCpuS = Number.NaN;
let resumed = 0;
if (LOAD) {
  const tl = performance.now();
  index = HnswIndex.load(LOAD);
  N = index.size;
  log(
    `loaded ${LOAD} (${mb(statSync(LOAD).size)} MiB) in ${((performance.now() - tl) / 1000).toFixed(1)} s: ${N} vectors, M=${index.M}, efConstruction=${index.efConstruction}, shrink=${index.shrink}; peak RSS ${peakRss()} MiB`,
  );
  if (index.dim !== DIM) throw new Error(`${LOAD}: dim ${index.dim}, the benchmark's data is ${DIM}-d`);
  if (RESUME) {
    if (N > TARGET) throw new Error(`${LOAD} holds ${N} vectors, more than --n ${TARGET}`);
    resumed = N;
    log(`  resuming the build at row ${N} of ${TARGET}`);
  }
} else
  index = new HnswIndex({
    dim: DIM,
    metric: 'cosine',
    M,
    efConstruction: EFC,
    capacity: TARGET,
    shrink: SHRINK,
  });
if (!LOAD || RESUME) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  N = TARGET;
  for (let i = resumed; i < TARGET; i++) {
    if ((i & 1023) === 0 && performance.now() - t0 > 1000 * BUDGET_S) {
      N = i;
      log(`  budget of ${BUDGET_S} s spent: stopping at ${N} of ${TARGET} vectors (a partial build)`);
      break;
    }
    index.add(String(i), row(i, buf));
    if ((i + 1) % 25000 === 0) {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      const s = (performance.now() - t0) / 1000;
      const c = cpuS(c0);
      const done = i + 1 - resumed;
      log(
        `  ${i + 1} added, ${s.toFixed(0)} s wall (${((1000 * s) / done).toFixed(2)} ms/insert), ${c.toFixed(0)} s CPU (${((1000 * c) / done).toFixed(2)} ms/insert), peak RSS ${peakRss()} MiB`,
      );
    }
    if (SAVE && CHECKPOINT > 0 && (i + 1) % CHECKPOINT === 0 && i + 1 < TARGET) {
      const ts = performance.now();
      index.save(SAVE);
      log(
        `  checkpoint: ${i + 1} vectors saved to ${SAVE} in ${((performance.now() - ts) / 1000).toFixed(1)} s`,
      );
    }
  }
  buildS = (performance.now() - t0) / 1000;
  buildCpuS = cpuS(c0);
  const mem = process.memoryUsage();
  peakHeap = Math.max(peakHeap, mem.heapUsed);
  log(
    `build ${buildS.toFixed(1)} s wall, ${buildCpuS.toFixed(1)} s CPU${resumed ? ` (rows ${resumed}…${N - 1}, resumed)` : ''}; index file ${mb(index.byteLength())} MiB; RSS ${mb(mem.rss)} MiB, heap ${mb(peakHeap)} MiB, array buffers ${mb(mem.arrayBuffers)} MiB, peak RSS ${peakRss()} MiB`,
  );
  if (SAVE) {
    const ts = performance.now();
    index.save(SAVE);
    log(
      `saved ${SAVE} (${mb(statSync(SAVE).size)} MiB) in ${((performance.now() - ts) / 1000).toFixed(1)} s`,
    );
  }
}

// exact ground truth: one pass over the rows, every query scored against each (exact-search.ts)
const queries = Array.from({ length: Q }, (_, q) => row(TARGET + q, new Float32Array(DIM)));
const truthKey = `${DATA} clusters=${CLUSTERS} target=${TARGET} N=${N} Q=${Q}`;
let truthIds: number[][] | undefined;
if (TRUTH && existsSync(TRUTH)) {
  const saved = JSON.parse(readFileSync(TRUTH, 'utf8')) as { key: string; ids: number[][] };
  if (saved.key === truthKey) {
    truthIds = saved.ids;
    log(`exact top ${K} read from ${TRUTH} (${truthKey})`);
  } else log(`${TRUTH} holds "${saved.key}", not "${truthKey}": computing the ground truth again`);
}
let exactMs = Number.NaN;
if (!truthIds) {
  const qNorms = queries.map(() => 1);
  const tops = queries.map(() => new TopK<number>(K, 'cosine'));
  const te = performance.now();
  const ce = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    row(i, buf);
    for (let q = 0; q < Q; q++) {
      const s = score('cosine', queries[q]!, qNorms[q]!, buf, 1);
      if (tops[q]!.admits(s)) tops[q]!.offer(i, s);
    }
    if ((i + 1) % 100000 === 0)
      log(
        `  exact: ${i + 1} of ${N} rows, ${((performance.now() - te) / 1000).toFixed(0)} s wall, ${cpuS(ce).toFixed(0)} s CPU`,
      );
  }
  exactMs = (performance.now() - te) / Q;
  log(
    `exact: ${exactMs.toFixed(1)} ms wall per query, ${((1000 * cpuS(ce)) / Q).toFixed(1)} ms CPU (one pass, all queries at once)`,
  );
  truthIds = tops.map((t) => t.items.map(([i]) => i));
  if (TRUTH) {
    writeFileSync(TRUTH, JSON.stringify({ key: truthKey, ids: truthIds }));
    log(`exact top ${K} written to ${TRUTH}`);
  }
}
const truth = truthIds.map((ids) => new Set(ids.map(String)));

const pct = (xs: number[], p: number) =>
  xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const lines = [`| data | N | efSearch | recall@10 | p50 ms | p95 ms |`, '|---|---|---|---|---|---|'];
for (const ef of EFS) {
  const times: number[] = [];
  let found = 0;
  queries.forEach((q, i) => {
    const t = performance.now();
    const hits = index.search(q, K, { efSearch: ef });
    times.push(performance.now() - t);
    for (const h of hits) if (truth[i]!.has(h.id)) found++;
  });
  const line = `| ${DATA} | ${N} | ${ef} | ${(found / (K * Q)).toFixed(4)} | ${pct(times, 0.5).toFixed(2)} | ${pct(times, 0.95).toFixed(2)} |`;
  lines.push(line);
  log(line);
}
console.log(
  [
    '',
    `data ${DATA}, ${N} of ${TARGET} vectors built, ${Q} queries`,
    LOAD && !RESUME
      ? `index loaded from ${LOAD}: M=${index.M}, efConstruction=${index.efConstruction}, shrink=${index.shrink}`
      : `build ${buildS.toFixed(1)} s wall (${((1000 * buildS) / (N - resumed)).toFixed(2)} ms/insert), ${buildCpuS.toFixed(1)} s CPU (${((1000 * buildCpuS) / (N - resumed)).toFixed(2)} ms/insert)${resumed ? `, rows ${resumed}… only (resumed)` : ''}, M=${index.M}, efConstruction=${index.efConstruction}, shrink=${index.shrink}`,
    `index file ${mb(index.byteLength())} MiB, peak RSS ${peakRss()} MiB, peak heap ${mb(peakHeap)} MiB`,
    `exact search ${Number.isNaN(exactMs) ? '(ground truth read from file)' : `${exactMs.toFixed(1)} ms/query`}`,
    ...lines,
  ].join('\n'),
);
