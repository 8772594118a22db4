/**
 * The MLP's per-batch arithmetic (mlp.ts) twice: the readable JavaScript loops (`activate`,
 * `derivative`, and mlp.ts's `forward` / `backprop` with optimizers.ts), which are the reference,
 * and `WasmTrainer`, the fast path, which keeps the training data, the parameters, their gradients,
 * the optimizer's moments and every intermediate in one @firth/tensor F64Workspace and runs each
 * mini-batch there: no arrays allocated or copied per batch, the products and the elementwise steps
 * (bias + activation, derivatives, bias gradients, L2 term, SGD / Adam) in WebAssembly SIMD.
 *
 * The two paths perform the same floating-point operations in the same order, so their weights are
 * bit-identical — with one exception: tanh, which the reference takes from Math.tanh and the
 * workspace computes itself (within 2 ulp of it, as numpy's tanh is within an ulp of both);
 * mlp.test.ts checks both paths against the scikit-learn fixtures and against each other.
 *
 * Where the time goes (CPU profile of the bench's regressor, [128, 64] tanh, batch 100, issue 17):
 * the products ~53% — at 26–27 GFLOP/s (fused) they run at ~90% of the f64x2 fused-multiply-add
 * peak measured on the 2-core bench machine (29 GFLOP/s; wasm SIMD is 128 bits wide, OpenBLAS's
 * AVX-512 kernels under scikit-learn twice that) — tanh ~18% (5.5 ns per element against
 * Math.tanh's 18), the other kernels 1–2% each. One thread: a mini-batch's products take tens of
 * microseconds each, the order of a worker hand-off, so the products are not split across threads.
 */
import { createF64Workspace, type F64Workspace } from '@firth/tensor';
import { binaryLogLoss, logLoss, pairwiseSum, squaredLoss } from './losses.js';
import type { MLPActivation, MLPOutActivation } from './mlp-options.js';
import { AdamOptimizer, type Optimizer, SGDOptimizer } from './optimizers.js';

/** Hidden activations in place on a row-major array, as sklearn's ACTIVATIONS. */
export function activate(kind: MLPActivation | MLPOutActivation, z: Float64Array, cols: number): void {
  if (kind === 'tanh') for (let i = 0; i < z.length; i++) z[i] = Math.tanh(z[i]!);
  // σ(z) = 1 / (1 + e^−z)   (scipy's expit)
  else if (kind === 'logistic') for (let i = 0; i < z.length; i++) z[i] = 1 / (1 + Math.exp(-z[i]!));
  // ReLU: max(z, 0), written as a comparison because V8's Math.max on doubles is ~4× slower here; the
  // same doubles: z <= 0 (negative, −0 or +0) -> +0, z > 0 and NaN stay (np.maximum keeps NaN too)
  else if (kind === 'relu') {
    for (let i = 0; i < z.length; i++) if (z[i]! <= 0) z[i] = 0;
  } else if (kind === 'softmax') {
    for (let r = 0; r < z.length; r += cols) {
      // softmax(z)_c = e^(z_c − max z) / Σ_c' e^(z_c' − max z)   per row
      let max = z[r]!;
      for (let c = 1; c < cols; c++) max = Math.max(max, z[r + c]!);
      for (let c = 0; c < cols; c++) z[r + c] = Math.exp(z[r + c]! - max);
      const sum = pairwiseSum(z, r, cols);
      for (let c = 0; c < cols; c++) z[r + c]! /= sum;
    }
  }
}

/** δ <- δ ⊙ f'(z), written with the activation's output a = f(z), as sklearn's DERIVATIVES. */
export function derivative(kind: MLPActivation, a: Float64Array, delta: Float64Array): void {
  if (kind === 'tanh')
    for (let i = 0; i < a.length; i++) delta[i]! *= 1 - a[i]! ** 2; // 1 − a²
  else if (kind === 'logistic') {
    for (let i = 0; i < a.length; i++) {
      delta[i]! *= a[i]!; // a · (1 − a)
      delta[i]! *= 1 - a[i]!;
    }
  } else if (kind === 'relu') for (let i = 0; i < a.length; i++) if (a[i] === 0) delta[i] = 0; // 1[a > 0]
}

/** What the trainer needs to know of the model. */
export interface TrainerModel {
  /** Layer widths [nFeatures, ...hidden, nOutputs]. */
  units: number[];
  W: Float64Array[];
  b: Float64Array[];
  activation: MLPActivation;
  outActivation: MLPOutActivation;
  alpha: number;
  lossName: 'log_loss' | 'squared_error';
}

/**
 * mlp.ts's `backprop` + `optimizer.update` for one mini-batch, in a workspace. While it lives, the
 * model's W and b and the optimizer's moments are views of the workspace (`W`, `b`); `finish` moves
 * them back into plain arrays.
 */
export class WasmTrainer {
  readonly W: Float64Array[];
  readonly b: Float64Array[];
  private readonly ws: F64Workspace;
  /** The mini-batch's row numbers (for gatherRows). */
  private readonly rows: Int32Array;
  private readonly X: Float64Array;
  private readonly Y: Float64Array;
  private readonly acts: Float64Array[];
  private readonly Yb: Float64Array;
  private readonly gW: Float64Array[];
  private readonly gb: Float64Array[];
  private readonly deltas: [Float64Array, Float64Array];
  private readonly scratch: Float64Array;
  /** The optimizer's per-parameter buffers as views: [velocity] (SGD) or [m, v] (Adam). */
  private readonly state: Float64Array[][];

  /** A trainer for the rows of (X, Y), or null where the workspace is unavailable (then use the reference). */
  static create(
    model: TrainerModel,
    X: Float64Array,
    Y: Float64Array,
    batchSize: number,
    opt: Optimizer,
  ): WasmTrainer | null {
    if (!(opt instanceof SGDOptimizer) && !(opt instanceof AdamOptimizer)) return null;
    const { units } = model;
    const L = units.length - 1;
    const paramSize = model.W.reduce((s, w) => s + w.length, 0) + model.b.reduce((s, b) => s + b.length, 0);
    const nState = opt instanceof AdamOptimizer ? 2 : 1;
    const widest = Math.max(...units.slice(1));
    let doubles =
      X.length + Y.length + paramSize * (2 + nState) + batchSize * units[L]! + 2 * batchSize * widest;
    doubles += units.reduce((s, u) => s + batchSize * u, 0);
    doubles += Math.max(...model.W.map((w) => w.length)) + batchSize / 2;
    doubles += 2 * (8 + 4 * L * (2 + nState)); // alignment padding, ≤ 1 double per array
    const ws = createF64Workspace(doubles, { fused: true });
    return ws === null ? null : new WasmTrainer(ws, model, X, Y, batchSize, opt);
  }

  private constructor(
    ws: F64Workspace,
    private readonly model: TrainerModel,
    X: Float64Array,
    Y: Float64Array,
    batchSize: number,
    private readonly opt: SGDOptimizer | AdamOptimizer,
  ) {
    this.ws = ws;
    const copy = (a: Float64Array) => {
      const v = ws.alloc(a.length);
      v.set(a);
      return v;
    };
    this.X = copy(X);
    this.Y = copy(Y);
    this.W = model.W.map(copy);
    this.b = model.b.map(copy);
    this.gW = model.W.map((w) => ws.alloc(w.length));
    this.gb = model.b.map((b) => ws.alloc(b.length));
    const { units } = model;
    this.acts = units.map((u) => ws.alloc(batchSize * u));
    this.Yb = ws.alloc(batchSize * units[units.length - 1]!);
    const widest = Math.max(...units.slice(1));
    this.deltas = [ws.alloc(batchSize * widest), ws.alloc(batchSize * widest)];
    this.scratch = ws.alloc(Math.max(...model.W.map((w) => w.length)));
    this.rows = ws.allocInt32(batchSize);
    if (opt instanceof SGDOptimizer) {
      opt.velocities = opt.velocities.map(copy);
      this.state = [opt.velocities];
    } else {
      opt.ms = opt.ms.map(copy);
      opt.vs = opt.vs.map(copy);
      this.state = [opt.ms, opt.vs];
    }
  }

  /** One mini-batch of rows `idx`: forward, loss, backward, optimizer step; returns the batch's loss. */
  step(idx: number[]): number {
    const { units, activation, outActivation, alpha, lossName } = this.model;
    const { ws, acts, W, b, gW, gb } = this;
    const L = W.length;
    const n = idx.length;
    const nFeatures = units[0]!;
    const nOut = units[L]!;
    // the batch's rows of X and Y
    const rows = n === this.rows.length ? this.rows : this.rows.subarray(0, n);
    rows.set(idx);
    ws.gatherRows(this.X, rows, acts[0]!, nFeatures);
    ws.gatherRows(this.Y, rows, this.Yb, nOut);
    // forward: A_{l+1} = f(A_l W_l + b_l)
    for (let l = 0; l < L; l++) {
      const [fanIn, fanOut] = [units[l]!, units[l + 1]!];
      ws.matmul(acts[l]!, W[l]!, acts[l + 1]!, n, fanIn, fanOut);
      const kind = l + 1 < L ? activation : outActivation;
      if (kind === 'identity' || kind === 'relu' || kind === 'tanh')
        ws.biasAct(acts[l + 1]!, b[l]!, n, fanOut, kind);
      else {
        // logistic and softmax: the bias in the workspace, the activation in JavaScript on the view
        ws.biasAct(acts[l + 1]!, b[l]!, n, fanOut, 'identity');
        activate(kind, acts[l + 1]!.subarray(0, n * fanOut), fanOut);
      }
    }
    const out = acts[L]!.subarray(0, n * nOut);
    const Yb = this.Yb.subarray(0, n * nOut);
    let loss: number;
    if (lossName === 'squared_error') loss = squaredLoss(Yb, out);
    else if (outActivation === 'logistic') loss = binaryLogLoss(Yb, out, n);
    else loss = logLoss(Yb, out, n);
    let values = 0;
    for (const w of W) values += ws.sumSquares(w);
    loss += (0.5 * alpha * values) / n;
    // backward: δ_{L−1} = A_L − Y, then down the layers
    let [delta, spare] = this.deltas;
    ws.sub(out, Yb, delta, n * nOut);
    for (let l = L - 1; l >= 0; l--) {
      const [fanIn, fanOut] = [units[l]!, units[l + 1]!];
      ws.matmulTN(acts[l]!, delta, gW[l]!, n, fanIn, fanOut);
      ws.gradL2(gW[l]!, W[l]!, alpha, n);
      if (fanOut === 1) gb[l]![0] = pairwiseSum(delta, 0, n) / n;
      else ws.colMean(delta, gb[l]!, n, fanOut);
      if (l === 0) break;
      ws.matmulNT(delta, W[l]!, spare, n, fanOut, fanIn, this.scratch);
      if (activation !== 'identity') ws.actDeriv(acts[l]!, spare, n * fanIn, activation);
      [delta, spare] = [spare, delta];
    }
    // optimizer step over [...W, ...b] with [...gW, ...gb]
    const opt = this.opt;
    if (opt instanceof SGDOptimizer) {
      const [vel] = this.state as [Float64Array[]];
      for (let p = 0; p < L; p++) {
        ws.sgdStep(W[p]!, vel[p]!, gW[p]!, opt.momentum, opt.learningRate, opt.nesterov);
      }
      for (let p = 0; p < L; p++) {
        ws.sgdStep(b[p]!, vel[L + p]!, gb[p]!, opt.momentum, opt.learningRate, opt.nesterov);
      }
    } else {
      const [m, v] = this.state as [Float64Array[], Float64Array[]];
      const eta = opt.nextStepSize();
      const { beta1, beta2, epsilon } = opt;
      for (let p = 0; p < L; p++) ws.adamStep(W[p]!, m[p]!, v[p]!, gW[p]!, beta1, beta2, eta, epsilon);
      for (let p = 0; p < L; p++)
        ws.adamStep(b[p]!, m[L + p]!, v[L + p]!, gb[p]!, beta1, beta2, eta, epsilon);
    }
    return loss;
  }

  /** Moves the optimizer's buffers back into plain arrays; returns plain copies of W and b. */
  finish(): { W: Float64Array[]; b: Float64Array[] } {
    const opt = this.opt;
    if (opt instanceof SGDOptimizer) opt.velocities = opt.velocities.map((v) => v.slice());
    else {
      opt.ms = opt.ms.map((v) => v.slice());
      opt.vs = opt.vs.map((v) => v.slice());
    }
    return { W: this.W.map((w) => w.slice()), b: this.b.map((v) => v.slice()) };
  }
}
