/**
 * Benchmark (not a test): BERT's forward pass over a batch of sentences — Firth (bert-model.ts's
 * `BertModel` on @firth/tensor, `encode(batch, { grad: false })` + `pool`: no backward closures)
 * against the same forward written in plain PyTorch (Debian's python3-torch, `torch.inference_mode`),
 * reading the same weights (the model.safetensors Firth writes), in the same run, at 1 and 2
 * threads (torch.set_num_threads + OPENBLAS/OMP/MKL_NUM_THREADS, OMP_WAIT_POLICY=PASSIVE; Firth:
 * @firth/tensor's setTensorThreads — its large products and attention go to worker threads).
 *
 *   pnpm --filter @firth/transformers bench:bert
 *
 * Batch: 32 SST-2 dev sentences, WordPiece-tokenised by the shipped tokenizer, padded to 64 tokens
 * (attention mask 0 on padding). Models: the shipped tiny BERT (models/bert-tiny: 2 layers × 128,
 * 2 heads) and a random BERT of 4 layers × 256 (4 heads, intermediate 1024). Each side: 2 warm-up
 * forwards, then the median of 7. The outputs are checked equal (max |Firth − PyTorch| printed,
 * last hidden state and pooler). Goal (issue 17): Firth ≤ 2× PyTorch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSst2 } from '@firth/datasets';
import { measureSimdPeak, setTensorThreads } from '@firth/tensor';
import { ENGINE_PARTS, type FloorInput, printFloor } from '../../../scripts/bench/floor.js';
import { loadAverage, median, runPython, table } from '../../../scripts/bench/peer.js';
import { profileByCategory } from '../../../scripts/bench/profile.js';
import { type BertBatch, BertModel } from './bert-model.js';
import { loadTinyBert } from './bert-tiny.js';

const SENTENCES = 32;
const T = 64;
const WARMUP = 2;
const TIMED = 7;

const { bert: tiny, tokenizer } = await loadTinyBert();
const texts = loadSst2('dev')
  .slice(0, SENTENCES)
  .map((e) => e.sentence);
const pad = (row: number[]) => [...row, ...new Array<number>(T - row.length).fill(0)];
const encodings = texts.map((s) => tokenizer.encodePlus(s, undefined, { maxLength: T }));
const batch: BertBatch = {
  inputIds: encodings.map((e) => pad(e.ids)),
  tokenTypeIds: encodings.map((e) => pad(e.tokenTypeIds)),
  attentionMask: encodings.map((e) => pad(e.attentionMask)),
};
const tokens = encodings.reduce((s, e) => s + e.ids.length, 0);

const models: [string, BertModel][] = [
  ['tiny BERT (shipped) 2×128', tiny],
  [
    'BERT 4×256 (random)',
    new BertModel({
      vocabSize: tiny.config.vocabSize,
      hiddenSize: 256,
      numHiddenLayers: 4,
      numAttentionHeads: 4,
      intermediateSize: 1024,
      maxPositionEmbeddings: T,
      seed: 1,
    }),
  ],
];

const forward = (bert: BertModel) => {
  const h = bert.encode(batch, { grad: false });
  return { h, pooled: bert.pool(h, { grad: false }) };
};
function timeFirth(bert: BertModel): number {
  const ms: number[] = [];
  for (let i = 0; i < WARMUP + TIMED; i++) {
    const t0 = performance.now();
    forward(bert);
    if (i >= WARMUP) ms.push(performance.now() - t0);
  }
  return median(ms);
}

const PY = `
import json, sys, time, math, struct
spec = json.load(open(sys.argv[1]))
try:
    import numpy as np, torch, torch.nn.functional as F
except ImportError as e:
    print(json.dumps({"error": str(e)})); sys.exit(0)
torch.set_num_threads(spec["threads"])
def safetensors(path):
    raw = open(path, "rb").read(); n = struct.unpack("<Q", raw[:8])[0]; head = json.loads(raw[8:8 + n])
    out = {}
    for k, v in head.items():
        if k == "__metadata__": continue
        a, b = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(raw[8 + n + a:8 + n + b], dtype=np.float32).reshape(v["shape"]).copy())
    return out
W = safetensors(spec["weights"]); c = spec["config"]
H = c["hiddenSize"]; nh = c["numAttentionHeads"]; hd = H // nh; eps = c["layerNormEps"]
ids = torch.tensor(spec["inputIds"]); types = torch.tensor(spec["tokenTypeIds"]); mask = torch.tensor(spec["attentionMask"])
B, L = ids.shape
def lin(x, p): return F.linear(x, W[p + ".weight"], W[p + ".bias"])
def ln(x, p): return F.layer_norm(x, (H,), W[p + ".weight"], W[p + ".bias"], eps)
def bert():
    e = "bert.embeddings."
    x = W[e + "word_embeddings.weight"][ids] + W[e + "position_embeddings.weight"][:L] + W[e + "token_type_embeddings.weight"][types]
    x = ln(x, e + "LayerNorm")
    bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    heads = lambda t: t.view(B, L, nh, hd).transpose(1, 2)
    for i in range(c["numHiddenLayers"]):
        p = "bert.encoder.layer.%d." % i
        q, k, v = (heads(lin(x, p + "attention.self." + n)) for n in ("query", "key", "value"))
        A = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + bias, dim=-1)
        ctx = (A @ v).transpose(1, 2).reshape(B, L, H)
        a = ln(x + lin(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
        x = ln(a + lin(F.gelu(lin(a, p + "intermediate.dense")), p + "output.dense"), p + "output.LayerNorm")
    return x, torch.tanh(lin(x[:, 0], "bert.pooler.dense"))
ms = []
with torch.inference_mode():
    for i in range(spec["warmup"] + spec["timed"]):
        t0 = time.perf_counter(); h, pooled = bert()
        if i >= spec["warmup"]: ms.append((time.perf_counter() - t0) * 1000)
fh = torch.from_numpy(np.fromfile(spec["firthHidden"], dtype=np.float32)).view(B, L, H)
fp = torch.from_numpy(np.fromfile(spec["firthPooled"], dtype=np.float32)).view(B, H)
# where its time goes: the products' share of the operators' own time over 3 forwards
from torch.profiler import profile, ProfilerActivity
with torch.inference_mode(), profile(activities=[ProfilerActivity.CPU]) as prof:
    for _ in range(3): bert()
ops = prof.key_averages()
products = sum(e.self_cpu_time_total for e in ops if e.key in ("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm"))
productShare = products / sum(e.self_cpu_time_total for e in ops)
print(json.dumps({"ms": ms, "version": torch.__version__, "threads": torch.get_num_threads(), "productShare": productShare,
  "hiddenDiff": (fh - h).abs().max().item(), "pooledDiff": (fp - pooled).abs().max().item()}))
`;

console.log(
  `BERT forward, no gradients: ${SENTENCES} SST-2 sentences padded to ${T} tokens (${tokens} real tokens); ` +
    `median of ${TIMED} after ${WARMUP} warm-up`,
);
const rows: string[][] = [];
const floors: FloorInput[] = [];
const PROFILED = 5;
const dir = mkdtempSync(join(tmpdir(), 'firth-bert-bench-'));
try {
  for (const [name, bert] of models) {
    const weights = join(dir, 'model.safetensors');
    writeFileSync(weights, bert.toSafetensors());
    const { h, pooled } = forward(bert);
    writeFileSync(
      join(dir, 'hidden.f32'),
      new Uint8Array(h.data.buffer, h.data.byteOffset, h.data.byteLength),
    );
    writeFileSync(
      join(dir, 'pooled.f32'),
      new Uint8Array(pooled.data.buffer, pooled.data.byteOffset, pooled.data.byteLength),
    );
    for (const threads of [1, 2]) {
      setTensorThreads(threads);
      const firth = timeFirth(bert);
      const n = String(threads);
      const torch = runPython<{
        ms: number[];
        version: string;
        threads: number;
        hiddenDiff: number;
        pooledDiff: number;
        productShare: number;
      }>(
        PY,
        {
          ...batch,
          config: bert.config,
          weights,
          firthHidden: join(dir, 'hidden.f32'),
          firthPooled: join(dir, 'pooled.f32'),
          threads,
          warmup: WARMUP,
          timed: TIMED,
        },
        // PASSIVE: idle OpenMP threads sleep instead of spinning, which on this shared machine
        // starves the other thread (2-thread runs were slower than 1-thread ones without it)
        { OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, OMP_WAIT_POLICY: 'PASSIVE' },
      );
      if (typeof torch === 'string') {
        rows.push([name, n, firth.toFixed(1), `PyTorch not available: ${torch}`, '', '', loadAverage()]);
        continue;
      }
      const ref = median(torch.ms);
      if (threads === 1) {
        // the floor: the forward's products (flops from the shapes) at WebAssembly SIMD's peak
        const { hiddenSize: H, intermediateSize: I, numHiddenLayers: L } = bert.config;
        const parts = await profileByCategory(() => {
          for (let i = 0; i < PROFILED; i++) forward(bert);
        }, ENGINE_PARTS);
        floors.push({
          what: `${name} forward`,
          // per layer q, k, v, out (H → H) and the feed-forward (H → I → H); the pooler (H → H) on B rows
          denseFlops: L * 2 * SENTENCES * T * (4 * H * H + 2 * H * I) + 2 * SENTENCES * H * H,
          // q·kᵀ and a·v over the whole T×T, every layer
          attentionFlops: L * 2 * 2 * SENTENCES * T * T * H,
          firth: { stepMs: firth, parts, steps: PROFILED },
          peer: { name: 'PyTorch', stepMs: ref, productShare: torch.productShare },
          peak: measureSimdPeak(),
          threads: 1,
          goal: 2,
        });
      }
      rows.push([
        name,
        `${threads} (torch ${torch.threads})`,
        firth.toFixed(1),
        ref.toFixed(1),
        `${(firth / ref).toFixed(2)}×`,
        `${torch.hiddenDiff.toExponential(1)} / ${torch.pooledDiff.toExponential(1)}`,
        loadAverage(),
      ]);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  table(
    ['model', 'threads', 'Firth ms', 'PyTorch ms', 'Firth/PyTorch', 'max |Δ| hidden / pooled', 'load'],
    rows,
  ),
);
console.log('goal (issue 17): Firth ≤ 2× PyTorch at the same thread count');
for (const f of floors) printFloor(f);
