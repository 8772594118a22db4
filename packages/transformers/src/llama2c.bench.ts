/**
 * Benchmark (not a test): tokens per second of the llama2.c TinyStories 260K model, greedy from BOS,
 * 256 new tokens with the KV cache, one thread, against two peers measured in the same run:
 *   - llama2.c's own run.c (Karpathy, MIT), compiled here with `gcc -O3 -march=native` (no OpenMP:
 *     one thread) from the source in $FIRTH_LLAMA2C_SRC (a folder holding run.c) or
 *     ~/.cache/firth/llama2.c/run.c — the source is not part of Firth; its own `achieved tok/s` line
 *     is the figure (its timer counts milliseconds and leaves out the first token);
 *   - the independent NumPy implementation in fixtures/generate_llama2c.py (Debian's python3-numpy,
 *     one BLAS thread).
 * Firth is timed on both paths: 'wasm' (the WebAssembly SIMD decoder, @firth/tensor's
 * llama-decode.wat — what `start()` uses) and 'js' (the JavaScript reference in llama2c.ts).
 * Goal from issue 17: Firth ≥ 0.7× run.c on one core.
 *
 *   FIRTH_LLAMA2C_SRC=/path/to/llama2.c pnpm --filter @firth/transformers bench
 *
 * Firth and run.c alternate, ROUNDS rounds after a warm-up, medians reported; only generation is
 * timed (not loading). The texts they generate are compared.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataPath } from '@firth/datasets';
import { loadAverage, median, runPython } from '../../../scripts/bench/peer.js';
import { argmax } from './generation.js';
import type { Llama2cBackend } from './llama2c.js';
import { loadLlama2c } from './llama2c-file.js';
import { loadLlama2cTokenizer } from './tokenizers/sentencepiece-file.js';

const STEPS = 256;
const ROUNDS = 7;
const here = dirname(fileURLToPath(import.meta.url));
const MODEL = dataPath('models/tinyllamas-stories260K/stories260K.bin');
const TOKENIZER = dataPath('models/tinyllamas-stories260K/tok512.bin');

const model = await loadLlama2c(MODEL);
const tokenizer = loadLlama2cTokenizer(TOKENIZER);
function greedy(backend: Llama2cBackend): number[] {
  const run = model.start({ backend });
  let logits = run.step(1);
  const ids: number[] = [];
  for (let n = 0; n < STEPS; n++) {
    const t = argmax(logits);
    ids.push(t);
    logits = run.step(t);
  }
  return ids;
}
function timed(backend: Llama2cBackend): { ms: number; ids: number[] } {
  const t0 = performance.now();
  const ids = greedy(backend);
  return { ms: performance.now() - t0, ids };
}

// ── run.c: found, compiled, or the reason it is not measured ─────────────────────────────────────
const srcDir = process.env.FIRTH_LLAMA2C_SRC ?? join(homedir(), '.cache', 'firth', 'llama2.c');
const runC = ((): { binary: string; tmp: string } | string => {
  const source = join(srcDir, 'run.c');
  if (!existsSync(source))
    return `source not found at ${source} (set FIRTH_LLAMA2C_SRC to a folder holding llama2.c's run.c)`;
  const probe = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (probe.error) return 'gcc missing';
  const tmp = mkdtempSync(join(tmpdir(), 'firth-llama2c-'));
  const binary = join(tmp, 'run');
  const cc = spawnSync('gcc', ['-O3', '-march=native', '-o', binary, source, '-lm'], { encoding: 'utf8' });
  if (cc.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    return `gcc failed: ${(cc.stderr || cc.stdout).trim().split('\n').at(-1)}`;
  }
  return { binary, tmp };
})();
/**
 * One run.c generation: its `achieved tok/s`, and the text it printed when `keepText` (otherwise its
 * stdout goes to /dev/null: run.c flushes every token, and a pipe would slow the timed runs).
 */
function runCOnce(binary: string, keepText: boolean): { tps: number; text: string } {
  // -t 0: greedy; -n STEPS: STEPS forward passes from BOS, each printing the token it picks
  const r = spawnSync(binary, [MODEL, '-z', TOKENIZER, '-t', '0', '-n', String(STEPS)], {
    encoding: 'utf8',
    stdio: ['ignore', keepText ? 'pipe' : 'ignore', 'pipe'],
  });
  const m = /achieved tok\/s: ([\d.]+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`run.c exited ${r.status}: ${r.stderr?.trim()}`);
  return { tps: Number(m[1]), text: r.stdout ?? '' };
}

// warm-up: V8 compiles the hot loops, the page cache holds the model
greedy('wasm');
greedy('js');
const runCText = typeof runC === 'string' ? '' : runCOnce(runC.binary, true).text;
const wasmMs: number[] = [];
const jsMs: number[] = [];
const runCTps: number[] = [];
let ids: number[] = [];
let jsIds: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const w = timed('wasm');
  wasmMs.push(w.ms);
  ids = w.ids;
  const j = timed('js');
  jsMs.push(j.ms);
  jsIds = j.ids;
  if (typeof runC !== 'string') {
    runCTps.push(runCOnce(runC.binary, false).tps);
  }
}
const loadAfterFirthAndRunC = loadAverage();
if (typeof runC !== 'string') rmSync(runC.tmp, { recursive: true, force: true });

const PY = `
import json, sys, time, importlib.util
spec = json.load(open(sys.argv[1]))
try:
    import numpy as np
except ImportError as e:
    print(json.dumps({"error": str(e)})); sys.exit(0)
s = importlib.util.spec_from_file_location("ref", spec["script"])
ref = importlib.util.module_from_spec(s); s.loader.exec_module(ref)
cfg, w = ref.load_model(ref.MODEL_PATH)
def greedy():
    m = ref.Transformer(cfg, w)
    token, ids = 1, []
    for pos in range(spec["steps"]):
        logits = m.forward(token, pos)
        token = int(np.argmax(logits)); ids.append(token)
    return ids
greedy()
ms = []
for _ in range(spec["runs"]):
    t0 = time.perf_counter(); ids = greedy(); ms.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"ms": ms, "ids": ids, "numpy": np.__version__}))
`;
const numpy = runPython<{ ms: number[]; ids: number[]; numpy: string }>(
  PY,
  { script: join(here, '..', 'fixtures', 'generate_llama2c.py'), steps: STEPS, runs: 3 },
  { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
);
const loadAfterNumpy = loadAverage();

const tps = (ms: number) => Math.round((STEPS * 1000) / ms);
const firth = tps(median(wasmMs));
console.log(`llama2.c TinyStories 260K, greedy from BOS, ${STEPS} tokens, one thread`);
console.log(
  `Firth wasm (llama-decode.wat)   ${firth} tokens/s  (median of ${ROUNDS}; ${loadAfterFirthAndRunC})`,
);
console.log(
  `Firth js (llama2c.ts reference) ${tps(median(jsMs))} tokens/s  (median of ${ROUNDS}; same ids as wasm: ${JSON.stringify(jsIds) === JSON.stringify(ids)})`,
);
if (typeof runC === 'string') {
  console.log(`run.c: not measured (${runC})`);
} else {
  const peer = median(runCTps);
  // run.c prints each token's piece as it goes (no space after BOS) and a newline at the end
  const sameText = runCText.trim() === tokenizer.decode(ids).trim();
  console.log(
    `run.c (gcc -O3 -march=native, no OpenMP: 1 thread) ${Math.round(peer)} tokens/s  (median of ${ROUNDS}, alternating with Firth; ${loadAfterFirthAndRunC})`,
  );
  console.log(
    `Firth/run.c ${(firth / peer).toFixed(2)}× (goal ≥ 0.7×: ${firth / peer >= 0.7 ? 'met' : 'NOT met'}); same text: ${sameText}`,
  );
  if (!sameText) console.log(`  run.c: ${JSON.stringify(runCText.trim().slice(0, 200))}`);
}
if (typeof numpy === 'string') {
  console.log(`NumPy reference: not measured (${numpy})`);
} else {
  const ref = tps(median(numpy.ms));
  console.log(
    `NumPy ${numpy.numpy} reference  ${ref} tokens/s  (median of 3, after Firth; ${loadAfterNumpy})`,
  );
  console.log(
    `Firth/NumPy ${(firth / ref).toFixed(2)}×; same tokens: ${JSON.stringify(ids) === JSON.stringify(numpy.ids)}`,
  );
}
console.log(`Firth's first tokens: ${JSON.stringify(tokenizer.decode(ids).slice(0, 80))}…`);
