/**
 * Benchmark (not a test): one attention forward + backward on the shapes of the models that train
 * on it — the char-GPT step's causal self-attention (batch 32, context 64, 4 heads of 32) and a BERT
 * batch's padded self-attention (batch 16, 128 tokens, 4 heads of 64, a key mask) — in four ways:
 *   ops       matmulNT, softmax and matmul as separate autograd ops (what nn.ts ran before)
 *   products  attention() on the batched products and softmax kernels (path: 'products')
 *   fused     attention() on attention-f32.wat (one wasm call each way)
 *   packed    selfAttentionWithWeights on the rows of x [Wq Wk Wv] (no head split/merge copies)
 * each with the head split and merge it needs, interleaved, the median CPU time of the timed runs.
 *
 * Run (from packages/tensor):
 *   node --import ../../scripts/bench/ts-hooks.mjs --conditions=firth-source \
 *     --experimental-transform-types --disable-warning=ExperimentalWarning src/attention.bench.ts
 * Environment: FIRTH_BENCH_REPS (timed runs per way and shape, default 21). The machine may be
 * shared: the load average is printed before and after.
 */
import { RandomState } from '@firth/numeric';
import { loadAverage } from '../../../scripts/bench/peer.js';
import { attention, selfAttentionWithWeights } from './attention.js';
import { matmul, matmulNT, reshape, softmax, splitHeads, swapAxes12, Tensor } from './autograd.js';

const REPS = Number(process.env.FIRTH_BENCH_REPS ?? 21);
type Way = 'ops' | 'products' | 'fused' | 'packed';
const WAYS: Way[] = ['ops', 'products', 'fused', 'packed'];

const shapes = [
  { name: 'GPT step (causal)', B: 32, T: 64, h: 4, hd: 32, causal: true, padded: false },
  { name: 'BERT batch (key mask)', B: 16, T: 128, h: 4, hd: 64, causal: false, padded: true },
];

console.log(`attention forward + backward, median CPU ms of ${REPS} runs; ${loadAverage()}`);
for (const sh of shapes) {
  const { B, T, h, hd, causal } = sh;
  const D = h * hd;
  const rng = new RandomState(0);
  const qkv = Tensor.randn([B, T, 3 * D], rng, 1, true);
  const G = Tensor.randn([B * T * D, 1], rng, 1);
  // padded: sequence b has T − 4b real tokens
  const keyMask = sh.padded
    ? Array.from({ length: B * T }, (_, i) => (i % T < T - 4 * Math.floor(i / T) ? 1 : 0))
    : undefined;
  const options = { causal, keyMask };
  const step = (way: Way) => {
    let y: Tensor;
    if (way === 'packed') y = selfAttentionWithWeights(qkv, h, options).out;
    else {
      const [q, k, v] = [0, 1, 2].map((p) => splitHeads(qkv, h, p, 3)) as [Tensor, Tensor, Tensor];
      const o =
        way === 'ops'
          ? matmul(softmax(matmulNT(q, k), { ...options, scale: 1 / Math.sqrt(hd) }), v)
          : attention(q, k, v, { ...options, path: way });
      y = reshape(swapAxes12(o), [B, T, D]);
    }
    matmul(reshape(y, [1, y.size]), G).backward();
    qkv.grad = null;
  };
  const ms = new Map<Way, number[]>(WAYS.map((w) => [w, []]));
  for (const w of WAYS) for (let i = 0; i < 2; i++) step(w);
  for (let r = 0; r < REPS; r++)
    for (const w of WAYS) {
      const c = process.cpuUsage();
      step(w);
      const u = process.cpuUsage(c);
      ms.get(w)!.push((u.user + u.system) / 1000);
    }
  const median = (w: Way) => ms.get(w)!.sort((a, b) => a - b)[REPS >> 1]!;
  console.log(
    `${sh.name} (B ${B}, T ${T}, ${h} heads of ${hd}): ` +
      WAYS.map((w) => `${w} ${median(w).toFixed(1)}`).join(', ') +
      ` ms; packed/ops ${(median('packed') / median('ops')).toFixed(2)}×`,
  );
}
console.log(loadAverage());
