/**
 * Benchmark (not a test): tokens per second of the llama2.c TinyStories model, greedy from BOS,
 * 256 new tokens with the KV cache, one thread — Firth's llama2c.ts against the independent NumPy
 * implementation in fixtures/generate_llama2c.py (Debian's python3-numpy, one BLAS thread),
 * measured in the same run. Goal from the issue: ≥ 500 tokens/s on one core.
 *
 *   pnpm --filter @firth/transformers bench
 *
 * Each side: 1 warm-up run, then the median of 5 timed runs. Only generation is timed (not loading).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage, median, runPython } from '../../../scripts/bench/peer.js';
import { argmax } from './generation.js';
import { loadLlama2c } from './llama2c-file.js';

const STEPS = 256;
const RUNS = 5;
const here = dirname(fileURLToPath(import.meta.url));

const model = await loadLlama2c();
function greedy(): number[] {
  const run = model.start();
  let logits = run.step(1);
  const ids: number[] = [];
  for (let n = 0; n < STEPS; n++) {
    const t = argmax(logits);
    ids.push(t);
    logits = run.step(t);
  }
  return ids;
}
greedy(); // warm-up: let V8 compile the hot loops
const firthMs: number[] = [];
let firthIds: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  firthIds = greedy();
  firthMs.push(performance.now() - t0);
}

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
  { script: join(here, '..', 'fixtures', 'generate_llama2c.py'), steps: STEPS, runs: RUNS },
  { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
);

const tps = (ms: number) => Math.round((STEPS * 1000) / ms);
console.log(
  `llama2.c TinyStories 260K, greedy from BOS, ${STEPS} tokens, median of ${RUNS}; ${loadAverage()}`,
);
const firth = tps(median(firthMs));
console.log(
  `Firth (llama2c.ts)  ${firth} tokens/s  (goal ≥ 500 on one core: ${firth >= 500 ? 'met' : 'NOT met'})`,
);
if (typeof numpy === 'string') {
  console.log(`NumPy reference not available: ${numpy}`);
} else {
  const ref = tps(median(numpy.ms));
  console.log(`NumPy ${numpy.numpy} reference  ${ref} tokens/s`);
  console.log(
    `Firth/NumPy ${(firth / ref).toFixed(2)}×; same tokens: ${JSON.stringify(firthIds) === JSON.stringify(numpy.ids)}`,
  );
}
