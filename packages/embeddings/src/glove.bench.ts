/**
 * Benchmark (not a test): Firth's GloVe beside the Stanford GloVe C tool (vocab_count, cooccur,
 * shuffle, glove; Apache-2.0) in one run, on the same corpus with the same settings — issue 21.
 *
 *   pnpm bench:glove                          (repo root or packages/embeddings)
 *   pnpm bench:glove --prefix 1000000         the corpus's first million words: a quick run
 *   pnpm bench:glove --iterations 5,15        accuracy after 5 and 15 iterations (takes long)
 *   pnpm bench:glove --threads 2 --memory 2 path/to/corpus.txt[.gz]
 *
 * Settings (both sides, the issue's): vocabulary min count 5, window 10 (symmetric), 100
 * dimensions, x_max 100, α 0.75, η 0.05, `memory` 4 GB (cooccur/shuffle `-memory`, Firth's
 * `memory` option), 1 iteration, 1 and 2 threads. The corpus (argument, $FIRTH_CORPUS, else
 * ../shared/data/enwiki2015_text8style.txt.gz from the repo root) is decompressed once (`--prefix N`:
 * its first N words) to a temporary plain-text file that both read: the C tools on stdin, Firth as a
 * file path (lines cut into 10,000-word sentences, windows stop there; cooccur.c's only stop at
 * newlines — on a text8-style file a difference of one window per 10,000 words).
 *
 * The C tool: its source (a folder holding src/glove.c, src/cooccur.c, … as in
 * github.com/stanfordnlp/GloVe) from $FIRTH_GLOVE_SRC or ~/.cache/firth/glove, compiled into a
 * temporary folder with `gcc -O3 -march=native -funroll-loops -pthread` (its Makefile's flags); it
 * is not part of Firth. Without the source or gcc the bench says so and measures Firth alone.
 * Each C step is one process, run under /usr/bin/time for its CPU time (user + sys) and peak RSS;
 * glove's iterations are timed by the arrival of its `iter: NNN` lines on stderr. Firth's side runs
 * in a child Node process (this file with `--firth-child`) so that its peak RSS is its own
 * (getrusage's ru_maxrss, the figure /usr/bin/time prints); its stages are timed through the public
 * API: `buildVocab`, then `train`, whose first progress event dates the start of training
 * (`performance.now() − elapsedMs`): what came before it in `train` is co-occurrence counting.
 * vocab_count, cooccur and shuffle run once (they have no thread option); Firth's whole pipeline
 * runs once per thread count (its `train` counts and trains in one call). Firth's `threads` option is
 * passed when GloVe has it (detected on the built model's options); without it Firth trains on one
 * thread and the table says so.
 *
 * Accuracy: both tools' word vectors (C: `-model 2`, W + W̃, its text output read with Firth's
 * `loadVectors`; Firth: `wv`, W + W̃, written as word2vec binary and read back the same way) are
 * scored by the same Firth evaluator: analogy accuracy on questions-words.txt (restrict_vocab
 * 30000), Spearman ρ on WordSim-353 and SimLex-999 — for the last thread count measured.
 *
 * Ratios are C time / Firth time: ≥ 1.0 means Firth is at least as fast. The machine is shared:
 * the load average is printed beside the figures; compare within one run only.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { availableParallelism, homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGunzip } from 'node:zlib';
import { loadAverage, table } from '../../../scripts/bench/peer.js';
import { GloVe, type GloVeOptions, type GloVeProgress } from './glove.js';
import { loadVectors, saveVectors } from './vector-formats.js';

// ── pure parts (glove-bench.test.ts) ────────────────────────────────────────────────────────────

export interface BenchArgs {
  corpus: string | null;
  /** Iteration counts after which accuracy is reported; training runs to the last. */
  iterations: number[];
  threads: number[];
  /** Only the corpus's first `prefix` words; null: all. */
  prefix: number | null;
  /** GB for co-occurrence counting and shuffling (cooccur / shuffle `-memory`, Firth's `memory`). */
  memory: number;
  /** Both tools' random seed (glove -seed, Firth's `seed`): run several to see the spread. */
  seed: number;
  help: boolean;
}

export const USAGE = `pnpm bench:glove [corpus] [--prefix N] [--iterations 1 | 5,15] [--threads 1,2] [--memory GB]
  corpus         plain text or .gz (default $FIRTH_CORPUS, else ../shared/data/enwiki2015_text8style.txt.gz)
  --prefix N     only the corpus's first N words (a quick run)
  --iterations   training iterations; a list (5,15) reports accuracy after each (default 1)
  --threads      thread counts for training, each measured (default 1,2)
  --memory GB    co-occurrence memory budget, both tools (default 4)
  --seed N       both tools' random seed (default 1): accuracy differs from seed to seed`;

function positiveInts(flag: string, text: string | undefined): number[] {
  if (text === undefined || text === '') throw new Error(`${flag} needs a value\n${USAGE}`);
  const xs = text.split(',').map((s) => Number(s.trim()));
  for (const x of xs)
    if (!Number.isInteger(x) || x < 1)
      throw new Error(`${flag} takes positive integers separated by commas, got ${JSON.stringify(text)}`);
  return xs;
}

/** Parses the bench's command line (process.argv.slice(2)); throws an Error with the usage on bad input. */
export function parseArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): BenchArgs {
  const args: BenchArgs = {
    corpus: env.FIRTH_CORPUS ?? null,
    iterations: [1],
    threads: [1, 2],
    prefix: null,
    memory: 4,
    seed: 1,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--iterations') {
      const xs = positiveInts(flag, value());
      args.iterations = [...new Set(xs)].sort((x, y) => x - y);
    } else if (flag === '--threads') args.threads = [...new Set(positiveInts(flag, value()))];
    else if (flag === '--prefix') {
      const xs = positiveInts(flag, value());
      if (xs.length !== 1) throw new Error(`--prefix takes one number of words, got ${xs.length}`);
      args.prefix = xs[0]!;
    } else if (flag === '--memory') {
      const v = value();
      const gb = Number(v);
      if (v === undefined || v === '' || !Number.isFinite(gb) || gb <= 0)
        throw new Error(`--memory takes a number of GB > 0, got ${JSON.stringify(v)}`);
      args.memory = gb;
    } else if (flag === '--seed') {
      const xs = positiveInts(flag, value());
      if (xs.length !== 1) throw new Error(`--seed takes one number, got ${xs.length}`);
      args.seed = xs[0]!;
    } else if (flag.startsWith('-')) throw new Error(`unknown option ${flag}\n${USAGE}`);
    else if (args.corpus !== null && args.corpus !== env.FIRTH_CORPUS)
      throw new Error(`one corpus only, got ${JSON.stringify(args.corpus)} and ${JSON.stringify(a)}`);
    else args.corpus = a;
  }
  return args;
}

/** A line of a child's stderr and when it arrived (ms, any clock). */
export interface TimedLine {
  t: number;
  line: string;
}

/**
 * glove.c's iteration times from its timed stderr lines: iteration 1 starts at the `alpha:` line
 * (the last one before its training loop, at -verbose ≥ 1), each `iter: NNN, cost: …` line ends one,
 * and a checkpoint's `saving intermediate parameters … done.` line restarts the clock (saving is
 * not training). Returns [{ iteration, ms, cost }] in order.
 */
export function gloveIterations(
  lines: readonly TimedLine[],
): { iteration: number; ms: number; cost: number }[] {
  const out: { iteration: number; ms: number; cost: number }[] = [];
  let start: number | null = null;
  for (const { t, line } of lines) {
    const iter = /iter: (\d+), cost: ([-\d.eE+naif]+)/.exec(line);
    if (/^alpha:/.test(line.trim())) start = t;
    else if (iter && start !== null) {
      out.push({ iteration: Number(iter[1]), ms: t - start, cost: Number(iter[2]) });
      start = t;
    }
    if (/saving intermediate parameters/.test(line)) start = t;
  }
  return out;
}

/**
 * glove.c's training time without writing vectors: from its start (`startMs`, the clock of the
 * lines) to its first iteration, plus the iterations (checkpoint saves and the final save left out,
 * as Firth's side does not time writing its vectors). Null when no iteration line came.
 */
export function gloveTrainingMs(lines: readonly TimedLine[], startMs: number): number | null {
  const alpha = lines.find((l) => /^alpha:/.test(l.line.trim()));
  const iters = gloveIterations(lines);
  if (!alpha || iters.length === 0) return null;
  return alpha.t - startMs + iters.reduce((t, it) => t + it.ms, 0);
}

/** vocab_count's `Using vocabulary of size N.` (null when absent). */
export function parseVocabSize(stderr: string): number | null {
  const m = /Using vocabulary of size (\d+)/.exec(stderr);
  return m ? Number(m[1]) : null;
}

/** /usr/bin/time -f '%e %U %S %M' output: wall s, CPU s (user + sys), peak RSS in bytes. */
export function parseTimeOutput(text: string): { wall: number; cpu: number; rss: number } | null {
  const last = text.trim().split('\n').at(-1) ?? '';
  const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/.exec(last.trim());
  if (!m) return null;
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rss: Number(m[4]) * 1024 };
}

/** One measured stage: seconds of wall and CPU time (null when not measured), peak RSS in bytes. */
export interface Stage {
  wall: number;
  cpu: number | null;
  rss: number | null;
}

/** `12.3 s (cpu 20.1)`, `—` when missing. */
export function formatStage(s: Stage | undefined): string {
  if (!s) return '—';
  return s.cpu === null ? `${s.wall.toFixed(2)} s` : `${s.wall.toFixed(2)} s (cpu ${s.cpu.toFixed(2)})`;
}

export function formatBytes(b: number | null | undefined): string {
  if (b === null || b === undefined) return '—';
  return b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${Math.round(b / 1e6)} MB`;
}

/** C time / Firth time, `1.23×`; `—` when either is missing or zero. */
export function ratio(c: number | null | undefined, firth: number | null | undefined): string {
  if (c === null || c === undefined || firth === null || firth === undefined || firth <= 0 || c <= 0)
    return '—';
  return `${(c / firth).toFixed(2)}×`;
}

/**
 * The side-by-side table: one row per stage name (in `order`), C and Firth wall (cpu), the wall and
 * CPU ratios C/Firth, each side's peak RSS at the stage (C: that step's process; Firth: its one
 * process's peak so far, at the stage's end), then a peak-memory row.
 */
export function stageTable(
  order: readonly string[],
  c: Record<string, Stage> | null,
  firth: Record<string, Stage>,
): string {
  const rows = order.map((name) => {
    const cs = c?.[name];
    const fs = firth[name];
    return [
      name,
      formatStage(cs),
      formatStage(fs),
      ratio(cs?.wall, fs?.wall),
      ratio(cs?.cpu, fs?.cpu),
      cs?.rss ? formatBytes(cs.rss) : '',
      fs?.rss ? formatBytes(fs.rss) : '',
    ];
  });
  const peak = (r: Record<string, Stage> | null) => {
    if (!r) return null;
    const xs = Object.values(r).flatMap((s) => (s.rss === null ? [] : [s.rss]));
    return xs.length ? Math.max(...xs) : null;
  };
  rows.push(['peak RSS', formatBytes(peak(c)), formatBytes(peak(firth)), '', '', '', '']);
  return table(
    [
      'stage',
      'C: wall (cpu)',
      'Firth: wall (cpu)',
      'C/Firth wall',
      'C/Firth cpu',
      'C RSS',
      'Firth RSS so far',
    ],
    rows,
  );
}

/**
 * The end-to-end line: C/Firth total wall and CPU ratios against the goal (≥ 1.0 at equal threads;
 * `unequalThreads`: C's thread count when Firth trained on one thread, then no verdict), with a
 * warning when the 1-minute load exceeds the cores (wall times then measure the queue as much as the
 * tools: the CPU ratio is the steadier figure).
 */
export function verdict(
  c: Stage,
  firth: Stage,
  unequalThreads: number | null,
  load1: number,
  cores: number,
): string {
  const judge = (r: number) => (unequalThreads !== null ? '' : r >= 1 ? ' met' : ' NOT met');
  const wall = c.wall / firth.wall;
  const parts = [`${wall.toFixed(2)}× wall${judge(wall)}`];
  if (c.cpu !== null && firth.cpu !== null && firth.cpu > 0) {
    const cpu = c.cpu / firth.cpu;
    parts.push(`${cpu.toFixed(2)}× CPU${judge(cpu)}`);
  }
  const notes = [
    unequalThreads !== null
      ? `not judged: Firth trained on 1 thread, C on ${unequalThreads}`
      : 'goal ≥ 1.0 at equal threads',
  ];
  if (load1 > cores)
    notes.push(`load ${load1.toFixed(1)} > ${cores} cores: wall times are unreliable, prefer CPU`);
  return `end to end C/Firth ${parts.join(', ')} (${notes.join('; ')})`;
}

/** The iteration counts at which glove.c must save: every gcd of the list (then unused ones are ignored). */
export function checkpointEvery(iterations: readonly number[]): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  return iterations.reduce((g, x) => gcd(g, x));
}

// ── Firth's side, in a child process ────────────────────────────────────────────────────────────

interface ChildSpec {
  corpus: string;
  settings: typeof SETTINGS;
  memory: number;
  threads: number;
  iterations: number[];
  tempDir: string;
  outPrefix: string;
}

interface ChildResult {
  stages: Record<string, Stage>;
  iterationStages: Stage[];
  /** Seconds of `train` calls after the first spent recounting co-occurrences (not in the total). */
  recountSeconds: number;
  threadsOption: boolean;
  /** The thread count Firth's progress events report (`metrics.threads`), when they do. */
  threadsUsed: number | null;
  vocab: number;
  entries: number | null;
  vectors: Record<string, string>;
}

const SETTINGS = {
  vectorSize: 100,
  window: 10,
  minCount: 5,
  xMax: 100,
  alpha: 0.75,
  learningRate: 0.05,
  seed: 1,
};

async function firthChild(spec: ChildSpec): Promise<ChildResult> {
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const rss = () => process.resourceUsage().maxRSS * 1024;
  const now = () => performance.now() / 1000;
  const options = {
    ...spec.settings,
    epochs: spec.iterations.at(-1)!,
    memory: spec.memory,
    tempDir: spec.tempDir,
    threads: spec.threads,
  } as GloVeOptions;
  const model = new GloVe(options);
  const threadsOption = 'threads' in model.options;
  const stages: Record<string, Stage> = {};
  const t = now();
  const c = cpu();
  await model.buildVocab(spec.corpus);
  stages.vocabulary = { wall: now() - t, cpu: cpu() - c, rss: rss() };
  const iterationStages: Stage[] = [];
  const vectors: Record<string, string> = {};
  let recountSeconds = 0;
  let trainWall = 0;
  let trainCpu = 0;
  let done = 0;
  let threadsUsed: number | null = null;
  for (const target of spec.iterations) {
    const callStart = now();
    const callCpu = cpu();
    let trainStart: number | null = null;
    let trainStartCpu = 0;
    let lastMs = 0;
    let lastCpu = 0;
    const onProgress = (e: GloVeProgress) => {
      const cpuNow = cpu();
      if (typeof e.metrics?.threads === 'number') threadsUsed = e.metrics.threads;
      if (trainStart === null) {
        // the first event comes one step (65,536 updates) into training: its elapsedMs dates the start;
        // the CPU split is that of the first event (the first step's CPU counts as counting's)
        trainStart = now() - e.elapsedMs / 1000;
        trainStartCpu = cpuNow;
        lastCpu = cpuNow;
      }
      if (e.phase === 'epoch') {
        iterationStages.push({ wall: (e.elapsedMs - lastMs) / 1000, cpu: cpuNow - lastCpu, rss: null });
        lastMs = e.elapsedMs;
        lastCpu = cpuNow;
      }
    };
    await model.train(spec.corpus, { epochs: target - done, onProgress });
    const end = now();
    const start = trainStart ?? end;
    if (done === 0)
      stages.cooccurrence = { wall: start - callStart, cpu: trainStartCpu - callCpu, rss: rss() };
    else recountSeconds += start - callStart;
    trainWall += end - start;
    trainCpu += cpu() - (trainStart === null ? callCpu : trainStartCpu);
    done = target;
    // not timed: the vectors for the evaluation in the parent
    const file = `${spec.outPrefix}-${target}.bin`;
    await saveVectors(model.wv, file, { format: 'word2vec-binary' });
    vectors[target] = file;
  }
  stages.training = { wall: trainWall, cpu: trainCpu, rss: rss() };
  stages['count + shuffle'] = stages.cooccurrence!;
  stages.total = {
    wall: stages.vocabulary.wall + stages.cooccurrence!.wall + trainWall,
    cpu: stages.vocabulary.cpu! + stages.cooccurrence!.cpu! + trainCpu,
    rss: rss(),
  };
  return {
    stages,
    iterationStages,
    recountSeconds,
    threadsOption,
    threadsUsed,
    vocab: model.vocabulary!.size,
    entries:
      model.cooccurrences?.values.length ??
      (model as unknown as { cooccurrenceCount?: number }).cooccurrenceCount ??
      null,
    vectors,
  };
}

// ── the C tool ──────────────────────────────────────────────────────────────────────────────────

const TOOLS = ['vocab_count', 'cooccur', 'shuffle', 'glove'] as const;
type Tool = (typeof TOOLS)[number];

/** Compiles the four tools into `dir`, or says why not. */
function buildC(dir: string): Record<Tool, string> | string {
  const root = process.env.FIRTH_GLOVE_SRC ?? join(homedir(), '.cache', 'firth', 'glove');
  const src = existsSync(join(root, 'src', 'glove.c')) ? join(root, 'src') : root;
  for (const t of TOOLS)
    if (!existsSync(join(src, `${t}.c`)))
      return `source not found: no ${t}.c in ${root} or ${join(root, 'src')} (set FIRTH_GLOVE_SRC to a checkout of github.com/stanfordnlp/GloVe)`;
  if (spawnSync('gcc', ['--version']).error) return 'gcc missing';
  const common = existsSync(join(src, 'common.c')) ? [join(src, 'common.c')] : [];
  const out = {} as Record<Tool, string>;
  for (const t of TOOLS) {
    out[t] = join(dir, t);
    const args = [
      '-O3',
      '-march=native',
      '-funroll-loops',
      '-pthread',
      '-o',
      out[t],
      join(src, `${t}.c`),
      ...common,
      '-lm',
    ];
    const cc = spawnSync('gcc', args, { encoding: 'utf8' });
    if (cc.status !== 0) return `gcc failed on ${t}.c: ${(cc.stderr || cc.stdout).trim().split('\n').at(-1)}`;
  }
  return out;
}

const TIME = '/usr/bin/time';
const haveTime = existsSync(TIME);

/** Runs one C step (stdin/stdout from/to files), timing its stderr lines; wall, CPU, peak RSS. */
async function runC(
  binary: string,
  args: string[],
  stdin: string | null,
  stdout: string | null,
  dir: string,
): Promise<{ stage: Stage; lines: TimedLine[]; stderr: string; startMs: number }> {
  const timeFile = join(dir, 'time.txt');
  const inFd = stdin === null ? 'ignore' : openSync(stdin, 'r');
  const outFd = stdout === null ? 'ignore' : openSync(stdout, 'w');
  const [cmd, argv] = haveTime
    ? [TIME, ['-f', '%e %U %S %M', '-o', timeFile, binary, ...args]]
    : [binary, args];
  const t0 = performance.now();
  const lines: TimedLine[] = [];
  let stderr = '';
  let partial = '';
  const child: ChildProcess = spawn(cmd, argv, { stdio: [inFd, outFd, 'pipe'] });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    const t = performance.now();
    stderr += chunk;
    const parts = (partial + chunk).split(/\r?\n/);
    partial = parts.pop()!;
    for (const line of parts) lines.push({ t, line });
  });
  const code = await new Promise<number | null>((res, rej) => {
    child.on('error', rej);
    child.on('close', res);
  });
  const wall = (performance.now() - t0) / 1000;
  if (typeof inFd === 'number') closeSync(inFd);
  if (typeof outFd === 'number') closeSync(outFd);
  if (code !== 0)
    throw new Error(`${binary} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const timed = haveTime ? parseTimeOutput(readFileSync(timeFile, 'utf8')) : null;
  return { stage: { wall, cpu: timed?.cpu ?? null, rss: timed?.rss ?? null }, lines, stderr, startMs: t0 };
}

// ── the run ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Words a line of the plain corpus holds: both tools stop windows at a newline (cooccur.c) or a
 * line's end (Firth), so both see the same sentences (a one-line corpus would otherwise be cut
 * into Firth's 10,000-word sentences while cooccur.c's windows run on across those cuts).
 */
export const LINE_WORDS = 1000;

/**
 * Copies `text` bytes into `out` as words separated by one space, a newline after every
 * `LINE_WORDS` words, stopping before word `prefix` (null: never). `state` carries the words
 * written and whether the last byte was inside a word across chunks; returns the bytes written and
 * whether the prefix is complete.
 */
export function rewrapChunk(
  text: Uint8Array,
  out: Uint8Array,
  state: { words: number; inWord: boolean },
  prefix: number | null,
): { length: number; done: boolean } {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const b = text[i]!;
    const ws = b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0d;
    if (ws) {
      state.inWord = false;
      continue;
    }
    if (!state.inWord) {
      if (prefix !== null && state.words === prefix) return { length: n, done: true };
      if (state.words > 0) out[n++] = state.words % LINE_WORDS === 0 ? 0x0a : 0x20;
      state.words++;
      state.inWord = true;
    }
    out[n++] = b;
  }
  return { length: n, done: false };
}

/** Writes the corpus (gz or plain), or its first `prefix` words, as plain text; returns the word count. */
async function plainCorpus(source: string, target: string, prefix: number | null): Promise<number> {
  const input = createReadStream(source);
  const stream = source.endsWith('.gz') ? input.pipe(createGunzip()) : input;
  const out = createWriteStream(target);
  const state = { words: 0, inWord: false };
  const write = (buf: Uint8Array) =>
    new Promise<void>((res, rej) => out.write(buf, (err) => (err ? rej(err) : res())));
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = new Uint8Array(2 * chunk.length);
    const r = rewrapChunk(chunk, buf, state, prefix);
    await write(buf.subarray(0, r.length));
    if (r.done) break;
  }
  input.destroy();
  await write(Buffer.from('\n'));
  await new Promise<void>((res) => out.end(res));
  return state.words;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function scoreVectors(kv: Awaited<ReturnType<typeof loadVectors>>, files: Record<string, string>) {
  const a = kv.evaluateWordAnalogies(files.analogies!, { restrictVocab: 30000 });
  const body = a.sections.filter((s) => s.section !== 'Total accuracy');
  const acc = (pick: (s: string) => boolean) => {
    const xs = body.filter((s) => pick(s.section));
    const n = xs.reduce((t, s) => t + s.correct + s.incorrect, 0);
    return n ? xs.reduce((t, s) => t + s.correct, 0) / n : 0;
  };
  return {
    analogy: a.score,
    semantic: acc((s) => !s.startsWith('gram')),
    syntactic: acc((s) => s.startsWith('gram')),
    wordsim: kv.evaluateWordPairs(files.wordsim!).spearman,
    simlex: kv.evaluateWordPairs(files.simlex!).spearman,
  };
}

async function main(args: BenchArgs): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const shared = join(here, '..', '..', '..', '..', 'shared', 'data');
  const corpusSource = resolve(args.corpus ?? join(shared, 'enwiki2015_text8style.txt.gz'));
  if (!existsSync(corpusSource)) {
    console.log(`corpus not found: ${corpusSource} — pass a path or set FIRTH_CORPUS; skipped`);
    return;
  }
  const evalDir = existsSync(join(shared, 'questions-words.txt'))
    ? shared
    : join(here, '..', '..', 'datasets', 'data', 'evaluation');
  const files = {
    analogies: join(evalDir, 'questions-words.txt'),
    wordsim: join(evalDir, 'wordsim353.tsv'),
    simlex: join(evalDir, 'simlex999.txt'),
  };
  const last = args.iterations.at(-1)!;
  if (last >= 5)
    console.log(`note: ${last} iterations on the full corpus take long (tens of minutes per thread count)`);
  const dir = mkdtempSync(join(tmpdir(), 'firth-glove-bench-'));
  try {
    const corpus = join(dir, 'corpus.txt');
    const words = await plainCorpus(corpusSource, corpus, args.prefix);
    console.log(
      `GloVe: Firth vs the Stanford C tool on ${corpusSource}${args.prefix ? ` (first ${words} words)` : ` (${words} words)`}`,
    );
    console.log(
      `settings: min count ${SETTINGS.minCount}, window ${SETTINGS.window}, ${SETTINGS.vectorSize} dimensions, x_max ${SETTINGS.xMax}, α ${SETTINGS.alpha}, η ${SETTINGS.learningRate}, memory ${args.memory} GB, iterations ${args.iterations.join(',')}, threads ${args.threads.join(',')}, seed ${args.seed}; ${loadAverage()}`,
    );

    // the C tool: build, then vocab_count, cooccur, shuffle once
    const bin = buildC(dir);
    let cPre: Record<string, Stage> | null = null;
    let cVocab: number | null = null;
    const m = String(args.memory);
    if (typeof bin === 'string') console.log(`Stanford GloVe C: not measured (${bin}); Firth alone`);
    else {
      console.log(
        `Stanford GloVe C: built with gcc -O3 -march=native -funroll-loops -pthread${haveTime ? '' : ' (no /usr/bin/time: wall time only)'}`,
      );
      const vocabFile = join(dir, 'vocab.txt');
      const v = await runC(
        bin.vocab_count,
        ['-min-count', String(SETTINGS.minCount), '-verbose', '2'],
        corpus,
        vocabFile,
        dir,
      );
      cVocab = parseVocabSize(v.stderr);
      const co = await runC(
        bin.cooccur,
        [
          '-memory',
          m,
          '-vocab-file',
          vocabFile,
          '-verbose',
          '2',
          '-window-size',
          String(SETTINGS.window),
          '-symmetric',
          '1',
          '-overflow-file',
          join(dir, 'overflow'),
        ],
        corpus,
        join(dir, 'cooccurrence.bin'),
        dir,
      );
      const sh = await runC(
        bin.shuffle,
        ['-memory', m, '-verbose', '2', '-temp-file', join(dir, 'temp_shuffle')],
        join(dir, 'cooccurrence.bin'),
        join(dir, 'cooccurrence.shuf.bin'),
        dir,
      );
      rmSync(join(dir, 'cooccurrence.bin'));
      cPre = { vocabulary: v.stage, cooccurrence: co.stage, shuffle: sh.stage };
    }

    let evalVectors: {
      threads: number;
      c: Record<string, string> | null;
      firth: Record<string, string>;
    } | null = null;
    for (const threads of args.threads) {
      let cStages: Record<string, Stage> | null = null;
      let cIters: { iteration: number; ms: number; cost: number }[] = [];
      const cVectors: Record<string, string> = {};
      if (typeof bin !== 'string' && cPre) {
        const save = join(dir, `c-vectors-${threads}`);
        const g = await runC(
          bin.glove,
          [
            '-save-file',
            save,
            '-threads',
            String(threads),
            '-input-file',
            join(dir, 'cooccurrence.shuf.bin'),
            '-x-max',
            String(SETTINGS.xMax),
            '-alpha',
            String(SETTINGS.alpha),
            '-eta',
            String(SETTINGS.learningRate),
            '-iter',
            String(last),
            '-vector-size',
            String(SETTINGS.vectorSize),
            '-binary',
            '0',
            '-model',
            '2',
            '-write-header',
            '0',
            '-vocab-file',
            join(dir, 'vocab.txt'),
            '-verbose',
            '2',
            '-seed',
            String(SETTINGS.seed),
            ...(args.iterations.length > 1
              ? ['-checkpoint-every', String(checkpointEvery(args.iterations))]
              : []),
          ],
          null,
          null,
          dir,
        );
        cIters = gloveIterations(g.lines);
        // training without the vectors' writing (CPU time: the whole process's)
        const trainMs = gloveTrainingMs(g.lines, g.startMs);
        if (trainMs !== null) g.stage.wall = trainMs / 1000;
        for (const it of args.iterations)
          cVectors[it] = it === last ? `${save}.txt` : `${save}.${String(it).padStart(3, '0')}.txt`;
        const sum = (k: 'wall' | 'cpu') =>
          [cPre.vocabulary, cPre.cooccurrence, cPre.shuffle, g.stage].reduce<number | null>(
            (t, s) => (t === null || s![k] === null ? null : t + s![k]!),
            0,
          );
        const both = (a: Stage, b: Stage): Stage => ({
          wall: a.wall + b.wall,
          cpu: a.cpu === null || b.cpu === null ? null : a.cpu + b.cpu,
          rss: Math.max(a.rss ?? 0, b.rss ?? 0) || null,
        });
        cStages = {
          ...cPre,
          'count + shuffle': both(cPre.cooccurrence!, cPre.shuffle!),
          training: g.stage,
          total: { wall: sum('wall')!, cpu: sum('cpu'), rss: g.stage.rss },
        };
      }
      const loadAfterC = loadAverage();

      const spec: ChildSpec = {
        corpus,
        settings: SETTINGS,
        memory: args.memory,
        threads,
        iterations: args.iterations,
        tempDir: dir,
        outPrefix: join(dir, `firth-vectors-${threads}`),
      };
      const specFile = join(dir, 'spec.json');
      await import('node:fs/promises').then((fs) => fs.writeFile(specFile, JSON.stringify(spec)));
      const r = spawnSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), '--firth-child', specFile],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
          maxBuffer: 1 << 24,
        },
      );
      const lastLine = r.stdout?.trim().split('\n').at(-1) ?? '';
      if (r.status !== 0 || !lastLine.startsWith('{'))
        throw new Error(`Firth's child exited ${r.status}: ${lastLine}`);
      const f = JSON.parse(lastLine) as ChildResult;
      const loadAfterFirth = loadAverage();

      console.log(
        `\n${threads} thread${threads > 1 ? 's' : ''} — C: glove -threads ${threads}; Firth: ${f.threadsOption ? `threads ${threads}${f.threadsUsed === null ? '' : ` (its progress events: ${f.threadsUsed})`}` : 'GloVe has no threads option yet: 1 thread'}` +
          ` (vocabulary C ${cVocab ?? '—'} / Firth ${f.vocab} words; Firth ${f.entries ?? '—'} co-occurrence entries)`,
      );
      const order = ['vocabulary', 'cooccurrence', 'shuffle', 'count + shuffle', 'training', 'total'];
      const iterRows = (f.iterationStages.length ? f.iterationStages : cIters).map(
        (_, k) => `  iteration ${k + 1}`,
      );
      const cAll: Record<string, Stage> | null = cStages
        ? {
            ...cStages,
            ...Object.fromEntries(
              cIters.map((it, k) => [`  iteration ${k + 1}`, { wall: it.ms / 1000, cpu: null, rss: null }]),
            ),
          }
        : null;
      const fAll: Record<string, Stage> = {
        ...f.stages,
        ...Object.fromEntries(f.iterationStages.map((s, k) => [`  iteration ${k + 1}`, s])),
      };
      const shown = [...order.slice(0, 5), ...iterRows.slice(0, 20), 'total'];
      console.log(stageTable(shown, cAll, fAll));
      if (f.recountSeconds > 0)
        console.log(
          `(Firth recounted co-occurrences for ${f.recountSeconds.toFixed(1)} s at its later train calls: not in its total)`,
        );
      console.log(`${cStages ? `C steps: ${loadAfterC}; ` : ''}Firth: ${loadAfterFirth}`);
      if (cStages && f.stages.total) {
        const equal = f.threadsOption || threads === 1;
        console.log(
          verdict(
            cStages.total!,
            f.stages.total,
            equal ? null : threads,
            loadavg()[0]!,
            availableParallelism(),
          ),
        );
      }
      evalVectors = { threads, c: cStages ? cVectors : null, firth: f.vectors };
    }

    if (evalVectors) {
      console.log(
        `\naccuracy (same Firth evaluator; vectors of the ${evalVectors.threads}-thread runs; questions-words restrict_vocab 30000)`,
      );
      const rows: string[][] = [];
      for (const it of args.iterations) {
        const sides: [string, string | undefined, 'glove' | 'word2vec-binary'][] = [
          ['C', evalVectors.c?.[it], 'glove'],
          ['Firth', evalVectors.firth[it], 'word2vec-binary'],
        ];
        for (const [name, file, format] of sides) {
          if (!file) continue;
          const s = scoreVectors(await loadVectors(file, { format }), files);
          rows.push([
            `${name}, ${it} iteration${it > 1 ? 's' : ''}`,
            `${pct(s.analogy)} (${pct(s.semantic)} / ${pct(s.syntactic)})`,
            s.wordsim.toFixed(3),
            s.simlex.toFixed(3),
          ]);
        }
      }
      console.log(table(['vectors', 'analogy (sem / syn)', 'WS353 ρ', 'SimLex ρ'], rows));
    }
    console.log(`\n${loadAverage()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  if (process.argv[2] === '--firth-child') {
    const spec = JSON.parse(readFileSync(process.argv[3]!, 'utf8')) as ChildSpec;
    console.log(JSON.stringify(await firthChild(spec)));
    process.exit(0);
  }
  let args: BenchArgs;
  try {
    args = parseArgs(process.argv.slice(2), process.env);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  SETTINGS.seed = args.seed;
  if (args.help) console.log(USAGE);
  else await main(args);
}
