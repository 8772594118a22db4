/**
 * Benchmark: Word2Vec skip-gram and CBOW, one epoch on the text8-style corpus, trained by Firth
 * and by gensim 4.2 (Debian's python3-gensim, `/usr/bin/python3`) in the same run. Prints words/s
 * for both and their ratio, then analogy accuracy (questions-words.txt, restrict_vocab 30000),
 * WordSim-353 and SimLex-999 Spearman ρ for both. Goal: Firth ≥ 1.5× gensim's words/s, analogy
 * accuracy within one point.
 *
 * Run:  pnpm bench:word2vec                 (repo root or packages/embeddings)
 * Settings (both sides): vector size 100, window 5, negative 5, no hs, sample 1e-3, min count 5,
 * 2 workers, 1 epoch, alpha 0.025 → 0.0001, seed 1. Modes: sg (skip-gram) and cbow with negative
 * sampling; sg-hs and cbow-hs with hierarchical softmax instead (hs 1, negative 0, both sides). Only training is timed (not the vocabulary
 * scan, not Python's start-up); words/s = corpus words ÷ training seconds, as gensim reports it.
 * Firth's vocabulary scan also records the corpus as word ids, and its training reads those rather
 * than the text (gensim's reads the text again): so each comparison also prints words/s over vocab
 * scan + training, the time from file to trained vectors on both sides.
 * Environment: FIRTH_TEXT8 (corpus path; default ../shared/data/enwiki2015_text8style.txt.gz from
 * the repo root), FIRTH_BENCH_MODES (default "sg,cbow"; also sg-hs, cbow-hs), FIRTH_BENCH_WORKERS
 * (default 2; both sides), FIRTH_BENCH_REPS (trainings per side,
 * alternating Firth and gensim; the fastest of each side is compared, default 1), FIRTH_BENCH_PYTHON.
 * On a shared machine throughput varies by up to ~2× from run to run: compare within one run.
 * Without the corpus it says so and exits 0; without gensim it prints Firth's numbers only.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage, runPython } from '../../../scripts/bench/peer.js';
import { Word2Vec } from './word2vec.js';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = resolve(
  process.env.FIRTH_TEXT8 ??
    join(here, '..', '..', '..', '..', 'shared', 'data', 'enwiki2015_text8style.txt.gz'),
);
const evalDir = join(here, '..', '..', 'datasets', 'data', 'evaluation');
const files = {
  analogies: join(evalDir, 'questions-words.txt'),
  wordsim: join(evalDir, 'wordsim353.tsv'),
  simlex: join(evalDir, 'simlex999.txt'),
};
const reps = Math.max(1, Number(process.env.FIRTH_BENCH_REPS ?? 1) || 1);
const MODES = {
  sg: { name: 'skip-gram, negative sampling', sg: 1, hs: 0, negative: 5 },
  cbow: { name: 'CBOW, negative sampling', sg: 0, hs: 0, negative: 5 },
  'sg-hs': { name: 'skip-gram, hierarchical softmax', sg: 1, hs: 1, negative: 0 },
  'cbow-hs': { name: 'CBOW, hierarchical softmax', sg: 0, hs: 1, negative: 0 },
} as const;
type Mode = keyof typeof MODES;
const modes = (process.env.FIRTH_BENCH_MODES ?? 'sg,cbow').split(',').map((s) => s.trim()) as Mode[];
for (const m of modes)
  if (!(m in MODES)) throw new Error(`FIRTH_BENCH_MODES: unknown mode ${m} (one of ${Object.keys(MODES)})`);
const workers = Math.max(1, Number(process.env.FIRTH_BENCH_WORKERS ?? 2) || 2);
const SETTINGS = {
  vectorSize: 100,
  window: 5,
  negative: 5,
  hs: 0,
  sample: 1e-3,
  minCount: 5,
  workers,
  epochs: 1,
  seed: 1,
} as const;

interface Result {
  vocab: number;
  words: number;
  vocabSeconds: number;
  trainSeconds: number;
  wordsPerSecond: number;
  analogy: number;
  semantic: number;
  syntactic: number;
  wordsim: number;
  simlex: number;
}

/** Semantic = the first 5 sections of questions-words.txt, syntactic = the other 9 (gram*). */
function splitAccuracy(sections: { section: string; correct: number; incorrect: number }[]) {
  const sum = (pred: (s: string) => boolean) => {
    const picked = sections.filter((s) => s.section !== 'Total accuracy' && pred(s.section));
    const c = picked.reduce((a, s) => a + s.correct, 0);
    const n = picked.reduce((a, s) => a + s.correct + s.incorrect, 0);
    return n > 0 ? c / n : 0;
  };
  return { semantic: sum((s) => !s.startsWith('gram')), syntactic: sum((s) => s.startsWith('gram')) };
}

async function runFirth(mode: Mode): Promise<Result> {
  const { sg, hs, negative } = MODES[mode];
  // gensim trains with compute_loss=False by default: Firth likewise skips the loss here
  const model = new Word2Vec({ ...SETTINGS, sg, hs, negative, computeLoss: false });
  const t0 = performance.now();
  await model.buildVocab(corpus);
  const vocabSeconds = (performance.now() - t0) / 1000;
  await model.train(corpus);
  const wv = model.wv;
  const a = wv.evaluateWordAnalogies(files.analogies, { restrictVocab: 30000 });
  return {
    vocab: model.vocabulary!.size,
    words: model.rawWords,
    vocabSeconds,
    trainSeconds: model.trainSeconds,
    wordsPerSecond: model.rawWords / model.trainSeconds,
    analogy: a.score,
    ...splitAccuracy(a.sections),
    wordsim: wv.evaluateWordPairs(files.wordsim).spearman,
    simlex: wv.evaluateWordPairs(files.simlex).spearman,
  };
}

const PY = `
import json, sys, time
try:
    import gensim
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence
except ImportError as e:
    print(json.dumps({"error": str(e)})); sys.exit(0)
spec = json.load(open(sys.argv[1]))
s = spec["settings"]
corpus = LineSentence(spec["corpus"])
m = Word2Vec(vector_size=s["vectorSize"], window=s["window"], negative=s["negative"], hs=s["hs"],
             sample=s["sample"], min_count=s["minCount"], workers=s["workers"], epochs=s["epochs"],
             seed=s["seed"], sg=spec["sg"])
t0 = time.perf_counter(); m.build_vocab(corpus); tv = time.perf_counter() - t0
t0 = time.perf_counter()
m.train(corpus, total_examples=m.corpus_count, total_words=m.corpus_total_words, epochs=m.epochs)
tt = time.perf_counter() - t0
score, sections = m.wv.evaluate_word_analogies(spec["analogies"], restrict_vocab=30000)
def acc(secs):
    c = sum(len(x["correct"]) for x in secs); n = c + sum(len(x["incorrect"]) for x in secs)
    return c / n if n else 0.0
body = [x for x in sections if x["section"] != "Total accuracy"]
print(json.dumps({"vocab": len(m.wv), "words": m.corpus_total_words, "vocabSeconds": tv, "trainSeconds": tt,
  "wordsPerSecond": m.corpus_total_words * m.epochs / tt, "analogy": score,
  "semantic": acc([x for x in body if not x["section"].startswith("gram")]),
  "syntactic": acc([x for x in body if x["section"].startswith("gram")]),
  "wordsim": m.wv.evaluate_word_pairs(spec["wordsim"])[1][0],
  "simlex": m.wv.evaluate_word_pairs(spec["simlex"])[1][0], "version": gensim.__version__}))
`;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
function row(name: string, r: Result): string {
  return [
    name.padEnd(8),
    `vocab ${r.vocab}`,
    `train ${r.trainSeconds.toFixed(1)} s`,
    `${Math.round(r.wordsPerSecond / 1000)}k words/s`,
    `analogy ${pct(r.analogy)} (sem ${pct(r.semantic)} / syn ${pct(r.syntactic)})`,
    `WS353 ρ ${r.wordsim.toFixed(3)}`,
    `SimLex ρ ${r.simlex.toFixed(3)}`,
    `(vocab scan ${r.vocabSeconds.toFixed(1)} s)`,
  ].join('  ');
}

if (!existsSync(corpus)) {
  console.log(`corpus not found: ${corpus} — set FIRTH_TEXT8 to a text8-style file; skipped`);
  process.exit(0);
}
console.log(`Word2Vec, 1 epoch on ${corpus}`);
console.log(`settings ${JSON.stringify(SETTINGS)}; ${loadAverage()}`);
const summary: string[] = [];
for (const mode of modes) {
  const { sg, hs, negative } = MODES[mode];
  console.log(`\n${MODES[mode].name} (sg ${sg}, hs ${hs}, negative ${negative})`);
  let firth: Result | null = null;
  let gensim: (Result & { version: string }) | string | null = null;
  for (let r = 0; r < reps; r++) {
    const f = await runFirth(mode);
    console.log(row('Firth', f));
    if (!firth || f.wordsPerSecond > firth.wordsPerSecond) firth = f;
    const g = runPython<Result & { version: string }>(PY, {
      settings: { ...SETTINGS, hs, negative },
      sg,
      corpus,
      ...files,
    });
    if (typeof g === 'string') {
      gensim = g;
      break;
    }
    console.log(row(`gensim ${g.version}`, g));
    if (!gensim || typeof gensim === 'string' || g.wordsPerSecond > gensim.wordsPerSecond) gensim = g;
  }
  if (typeof gensim === 'string' || !gensim || !firth) {
    console.log(`gensim not available: ${gensim} — skipped the comparison`);
    continue;
  }
  const ratio = firth.wordsPerSecond / gensim.wordsPerSecond;
  const endToEnd = (r: Result) => r.words / (r.vocabSeconds + r.trainSeconds);
  const e2e = endToEnd(firth) / endToEnd(gensim);
  const gap = 100 * (firth.analogy - gensim.analogy);
  const line =
    `${reps > 1 ? `fastest of ${reps}: ` : ''}Firth/gensim words/s ${ratio.toFixed(2)}× (goal ≥ 1.5: ${ratio >= 1.5 ? 'met' : 'NOT met'}); ` +
    `analogy ${gap >= 0 ? '+' : ''}${gap.toFixed(1)} points (goal within 1: ${gap >= -1 ? 'met' : 'NOT met'}); ` +
    `vocab scan + training ${e2e.toFixed(2)}×; ${loadAverage()}`;
  console.log(line);
  summary.push(
    `${mode.padEnd(8)} ${workers} workers  Firth ${Math.round(firth.wordsPerSecond / 1000)}k  gensim ${Math.round(gensim.wordsPerSecond / 1000)}k words/s  ` +
      `${ratio.toFixed(2)}× (scan + train ${e2e.toFixed(2)}×)  analogy ${pct(firth.analogy)} / ${pct(gensim.analogy)}  WS353 ${firth.wordsim.toFixed(3)} / ${gensim.wordsim.toFixed(3)}  ` +
      `SimLex ${firth.simlex.toFixed(3)} / ${gensim.simlex.toFixed(3)}`,
  );
}
if (summary.length > 0) console.log(`\nsummary (Firth / gensim):\n${summary.join('\n')}\n${loadAverage()}`);
