/**
 * Benchmark (issues 3, 17): time per training step of @firth/deep's CNN and char-RNN models on
 * Firth's engine (@firth/tensor, the default) and on TF.js (its wasm backend, or tfjs-node when
 * installed), against the same networks in PyTorch (Debian's python3-torch 1.13, `/usr/bin/python3`),
 * all measured in one run. Prints a table (ms per Adam step, medians) with the load average, and one
 * summary line per model with the ratio Firth engine / PyTorch (> 1: Firth is slower).
 *
 *   CNN       CNNClassifier's default layers on the 8×8 digits (pixels / 16), batch 32, Adam 0.01:
 *             conv 3×3×16 same + ReLU → max-pool 2 → conv 3×3×32 same + ReLU → flatten → dense 10.
 *   char-LSTM CharLanguageModel({ cell: 'lstm', hiddenSize: 64, embeddingSize: 32, seqLength: 32,
 *             batchSize: 32 }) on tiny Shakespeare: embedding (V, 32) → LSTM 64 → linear V,
 *             cross-entropy, Adam 0.01, gradients clipped to global norm 5. Also GRU and plain RNN.
 *
 * Run:  pnpm bench                          (from the repo root: turbo runs every package's bench)
 *       cd packages/deep && pnpm bench      (this file only)
 * which runs the TypeScript sources directly (scripts/bench/ts-hooks.mjs; no build, no dist/).
 * Environment: FIRTH_BENCH_STEPS (timed char-RNN steps per side, default 30; the CNN times one
 * epoch, 56 full batches), FIRTH_BENCH_PYTHON (default /usr/bin/python3), FIRTH_TF_BACKEND (the
 * TF.js column's backend).
 *
 * Firth's step times are the gaps between `onProgress` step events of an ordinary `fit` (so they
 * include making the batch and reading the loss back) — wall time, and the process's CPU time
 * (process.cpuUsage: every thread, V8's garbage collector's included; PyTorch's time.process_time at
 * 1 thread is its counterpart), printed in a second table since wall times on a shared machine
 * include other processes' turns, after a warm-up (the CNN's first epoch,
 * the char models' first 5 steps: the wasm heap grows then). PyTorch's are `perf_counter` around
 * the same work: make the batch, forward, loss, backward, (clip,) Adam step, `loss.item()`.
 * PyTorch runs twice, in separate processes: 1 thread (`torch.set_num_threads(1)`,
 * `OPENBLAS_NUM_THREADS=1`; Firth's engine and TF.js' wasm backend run on one thread — Firth's
 * engine has no worker threads for these ops) and with OpenBLAS on 2
 * threads (`OPENBLAS_NUM_THREADS=2`; torch's own pool stays at 1 — 2 + 2 threads oversubscribe a
 * 2-core machine, see shared/notes/tfjs.md). The summary compares with the faster of the two.
 * The weights start differently on the Firth and PyTorch sides (same shapes and initialiser
 * families), so those losses agree only roughly: they show that both sides learn, not that they
 * match. Firth's engine and TF.js start from the same weights and take the same steps (char-lm.test.ts
 * and cnn.test.ts check it), so their losses agree to float32 rounding.
 * Without Python or PyTorch it prints Firth's times and "PyTorch not available: skipped the
 * comparison", and exits 0.
 */
import { loadDigits, loadTinyShakespeare } from '@firth/datasets';
import type { ProgressEvent } from '@firth/neural';
import { loadAverage, median, runPython } from '../../../scripts/bench/peer.js';
import { type DeepEngine, initBackend } from './backend.js';
import { CharLanguageModel } from './char-lm.js';
import { CNNClassifier } from './cnn.js';
import type { CellType } from './rnn.js';

const LM_STEPS = Math.max(1, Number(process.env.FIRTH_BENCH_STEPS ?? 30) || 30);
const LM_WARMUP = 5;
const CNN = { batchSize: 32, learningRate: 0.01 } as const;
const LM = {
  hiddenSize: 64,
  embeddingSize: 32,
  seqLength: 32,
  batchSize: 32,
  learningRate: 0.01,
  clipNorm: 5,
} as const;
const CELLS: CellType[] = ['lstm', 'gru', 'rnn'];

/** ms per step and the loss over the timed steps, one side, one model. */
interface Timing {
  ms: number[];
  /** CPU time per step (ms): user + system of the whole process, all its threads. */
  cpu: number[];
  loss: number;
}

const digits = loadDigits();
const images = digits.images.map((im) => im.map((row) => row.map((v) => v / 16)));
const text = loadTinyShakespeare();
const cnnSteps = Math.floor(images.length / CNN.batchSize); // full batches in an epoch: 56

/** Step times: the gap before each `step` event of the wanted steps (event → previous event). */
function stepTimer(keep: (e: ProgressEvent) => boolean) {
  const ms: number[] = [];
  const cpu: number[] = [];
  const losses: number[] = [];
  let last = 0;
  let lastCpu = process.cpuUsage();
  return {
    onProgress: (e: ProgressEvent) => {
      const used = process.cpuUsage(lastCpu);
      if (e.phase === 'step' && keep(e)) {
        ms.push(e.elapsedMs - last);
        cpu.push((used.user + used.system) / 1000);
        losses.push(e.loss);
      }
      last = e.elapsedMs;
      lastCpu = process.cpuUsage();
    },
    result: (): Timing => ({ ms, cpu, loss: losses.reduce((a, b) => a + b, 0) / losses.length }),
  };
}

async function firthCNN(engine: DeepEngine): Promise<Timing> {
  const cnn = new CNNClassifier({ ...CNN, epochs: 2, seed: 0, engine });
  // epoch 1 warms up; epoch 2's full batches are timed (its last, short batch is not)
  const timer = stepTimer((e) => e.epoch === 2 && e.step <= cnnSteps);
  await cnn.fit(images, digits.target, { onProgress: timer.onProgress });
  cnn.dispose();
  return timer.result();
}

async function firthLM(cell: CellType, engine: DeepEngine): Promise<Timing> {
  const lm = new CharLanguageModel({ ...LM, cell, seed: 0, engine });
  const timer = stepTimer((e) => e.step > LM_WARMUP);
  await lm.fit(text, { steps: LM_WARMUP + LM_STEPS, onProgress: timer.onProgress });
  lm.dispose();
  return timer.result();
}

// The same networks and steps in PyTorch (float32, NCHW for the CNN, time-major for the RNNs).
const PY = `
import json, sys, time
try:
    import torch
    from torch import nn
    import torch.nn.functional as F
except ImportError as e:
    print(json.dumps({"error": str(e)})); sys.exit(0)
spec = json.load(open(sys.argv[1]))
torch.set_num_threads(spec["threads"])
torch.manual_seed(0)

def timed(step, warmup, steps):
    for _ in range(warmup): step()
    ms, cpu, losses = [], [], []
    for _ in range(steps):
        t0 = time.perf_counter(); c0 = time.process_time(); losses.append(step())
        ms.append((time.perf_counter() - t0) * 1000); cpu.append((time.process_time() - c0) * 1000)
    return {"ms": ms, "cpu": cpu, "loss": sum(losses) / len(losses)}

out = {"version": torch.__version__}
c = spec["cnn"]
X = torch.tensor(c["images"], dtype=torch.float32).view(-1, 1, 8, 8)
Y = torch.tensor(c["labels"])
net = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(512, 10))
opt = torch.optim.Adam(net.parameters(), lr=c["lr"])
B = c["batch"]; full = len(X) // B; order = []
def cnn_step():
    global order
    if not order: order = list(torch.randperm(len(X)).split(B)[:full])[::-1]
    rows = order.pop()
    xb, yb = X[rows], Y[rows]
    opt.zero_grad()
    logits = net(xb)
    loss = F.cross_entropy(logits, yb)
    loss.backward(); opt.step()
    (logits.argmax(1) == yb).sum().item()
    return loss.item()
out["cnn"] = timed(cnn_step, full, c["steps"])

m = spec["lm"]
vocab = sorted(set(m["text"])); V = len(vocab); index = {ch: i for i, ch in enumerate(vocab)}
ids = torch.tensor([index[ch] for ch in m["text"]])
T, B, E, H = m["seqLength"], m["batchSize"], m["embeddingSize"], m["hiddenSize"]
RNN = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
for cell in m["cells"]:
    emb, rnn, head = nn.Embedding(V, E), RNN[cell](E, H), nn.Linear(H, V)
    params = [*emb.parameters(), *rnn.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=m["lr"])
    def lm_step():
        starts = torch.randint(0, len(ids) - T, (B,))
        at = starts[None, :] + torch.arange(T)[:, None]          # (T, B), time-major
        h, _ = rnn(emb(ids[at]))                                   # (T, B, H), zero initial state
        loss = F.cross_entropy(head(h).view(-1, V), ids[at + 1].view(-1))
        opt.zero_grad(); loss.backward()
        nn.utils.clip_grad_norm_(params, m["clipNorm"]); opt.step()
        return loss.item()
    out[cell] = timed(lm_step, m["warmup"], m["steps"])
print(json.dumps(out))
`;

interface TorchResult {
  version: string;
  cnn: Timing;
  lstm?: Timing;
  gru?: Timing;
  rnn?: Timing;
}

const peerInput = (threads: number) => ({
  threads,
  cnn: {
    images: digits.data.flat().map((v) => v / 16),
    labels: digits.target,
    batch: CNN.batchSize,
    lr: CNN.learningRate,
    steps: cnnSteps,
  },
  lm: { ...LM, lr: LM.learningRate, text, cells: CELLS, warmup: LM_WARMUP, steps: LM_STEPS },
});

const backend = await initBackend();
const load0 = loadAverage();
console.log(
  `CNN / char-RNN step time: Firth's engine and TF.js (${backend}) vs PyTorch, median ms per Adam step; ${load0}`,
);
const torch1 = runPython<TorchResult>(PY, peerInput(1), { OPENBLAS_NUM_THREADS: '1' });
const firth: Record<string, Timing> = { cnn: await firthCNN('firth') };
const tfjs: Record<string, Timing> = { cnn: await firthCNN('tfjs') };
for (const cell of CELLS) {
  firth[cell] = await firthLM(cell, 'firth');
  tfjs[cell] = await firthLM(cell, 'tfjs');
}
const torch2 =
  typeof torch1 === 'string'
    ? torch1
    : runPython<TorchResult>(PY, peerInput(1), { OPENBLAS_NUM_THREADS: '2' });
const peer = typeof torch1 === 'string' || typeof torch2 === 'string' ? null : { torch1, torch2 };

const MODELS: { key: 'cnn' | CellType; name: string; steps: string }[] = [
  { key: 'cnn', name: 'CNN digits 8×8, batch 32', steps: `${cnnSteps} steps` },
  ...CELLS.map((cell) => ({
    key: cell,
    name: `char-${cell.toUpperCase()} H64 E32 T32 B32`,
    steps: `${LM_STEPS} steps`,
  })),
];
const f1 = (x: number) => x.toFixed(1).padStart(7);
const f2 = (x: number) => x.toFixed(2).padStart(6);
const col = (s: string, n: number) => s.padEnd(n);
console.log(
  `\n${col('model', 30)} ${col('timed', 9)} ${col('Firth', 8)} ${col(`tfjs ${backend}`, 10)} ${col('torch 1T', 9)} ${col('F/1T', 6)} ${col('torch 2T', 9)} ${col('F/2T', 6)} loss Firth / tfjs / 1T / 2T`,
);
const summary: string[] = [];
for (const m of MODELS) {
  const fm = median(firth[m.key]!.ms);
  const tm = median(tfjs[m.key]!.ms);
  if (!peer) {
    console.log(`${col(m.name, 30)} ${col(m.steps, 9)} ${f1(fm)}  ${f1(tm)}`);
    summary.push(`${m.name}: Firth engine ${fm.toFixed(1)} ms/step, TF.js ${backend} ${tm.toFixed(1)}`);
    continue;
  }
  const a = peer.torch1[m.key]!;
  const b = peer.torch2[m.key]!;
  const am = median(a.ms);
  const bm = median(b.ms);
  const losses = [firth[m.key]!.loss, tfjs[m.key]!.loss, a.loss, b.loss];
  console.log(
    `${col(m.name, 30)} ${col(m.steps, 9)} ${f1(fm)}  ${f1(tm)}    ${f1(am)}  ${f2(fm / am)}  ${f1(bm)}  ${f2(fm / bm)}   ${losses.map((l) => l.toFixed(3)).join(' / ')}`,
  );
  const best = Math.min(am, bm);
  summary.push(
    `${m.name}: Firth engine ${fm.toFixed(1)} ms/step (TF.js ${backend} ${tm.toFixed(1)}) vs PyTorch ${best.toFixed(1)} ms/step (faster of 1/2 threads): ratio ${(fm / best).toFixed(2)}`,
  );
}
if (peer) {
  // CPU time per step at 1 thread: on a shared machine, wall time counts other processes' turns too
  console.log(
    `\nCPU time per step, 1 thread (process CPU ms, medians — less sensitive to the load than wall time)\n${col('model', 30)} ${col('Firth', 8)} ${col(`tfjs ${backend}`, 10)} ${col('torch 1T', 9)} F/1T`,
  );
  for (const m of MODELS) {
    const fc = median(firth[m.key]!.cpu);
    const tc = median(tfjs[m.key]!.cpu);
    const pc = median(peer.torch1[m.key]!.cpu);
    console.log(`${col(m.name, 30)} ${f1(fc)}  ${f1(tc)}    ${f1(pc)}  ${f2(fc / pc)}`);
    summary.push(
      `${m.name}: CPU time per step at 1 thread, Firth engine ${fc.toFixed(1)} ms vs PyTorch ${pc.toFixed(1)} ms: ratio ${(fc / pc).toFixed(2)}`,
    );
  }
}
console.log('');
if (peer) console.log(`PyTorch ${peer.torch1.version}; ratio = Firth engine / PyTorch (> 1: Firth slower)`);
else console.log(`PyTorch not available: skipped the comparison (${torch1 as string})`);
for (const line of summary) console.log(line);
console.log(`load average at the start: ${load0}; at the end: ${loadAverage()}`);
