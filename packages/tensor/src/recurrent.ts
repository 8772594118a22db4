/**
 * Recurrent layers as single fused ops: a whole sequence of vanilla-RNN, LSTM or GRU steps forward,
 * and backpropagation through time backward — what the char-RNN lessons (@firth/deep) train on.
 *
 * Each op takes the input half of the gate pre-activations for every step at once,
 *   xp = x·Wx   (T·B, G·H), time-major: row t·B + b is sequence b at time t
 * (one big product, autograd's matmul before the op — what cuDNN does too), an optional bias b
 * (G·H) added inside the op (saving a pass and a buffer each way; db = Σ_rows dz), the
 * recurrent weights Wh (H, G·H) and the initial state, and loops over time: per step one float32
 * product h_{t−1}·Wh (B, H)·(H, G·H) in matmul-f32.ts, then the gates elementwise (σ and tanh of a
 * whole step's block at once in WebAssembly SIMD, activations.ts). Backward walks the
 * steps in reverse with one product per step (dh_{t−1} = dz_t Whᵀ) and makes dWh = Σ_t h_{t−1}ᵀ dz_t
 * as ONE product over all steps at the end. Gate layouts (the same as @firth/deep's tf cells):
 *   RNN  G = 1:  h_t = tanh(z),  z = xp_t + h_{t−1}Wh
 *   LSTM G = 4 [i | f | g | o]:  c_t = σ(f)⊙c_{t−1} + σ(i)⊙tanh(g),  h_t = σ(o)⊙tanh(c_t)
 *   GRU  G = 3 [r | z | n] (PyTorch's form):  r = σ(xr + hr), z = σ(xz + hz),
 *        n = tanh(xn + r⊙(hn + b_hn)),  h_t = (1 − z)⊙n + z⊙h_{t−1}     ([hr | hz | hn] = h_{t−1}Wh)
 * Every gradient is checked against central differences in recurrent.test.ts.
 *
 * Float64 tensors run the same loops in double precision: the products matmul-f64.ts's, σ and tanh
 * activations.ts's JavaScript reference (Math.exp in float64), nothing rounded to float32.
 *
 * The final state (h_T, and the LSTM's c_T) is returned as plain tensors, without a gradient: it is
 * what carries over to the next chunk of text when sampling or evaluating (a gradient there would tie
 * every chunk's graph to the next). hs, and the LSTM's cs, carry the gradient.
 */
import { ValidationError } from '@firth/numeric';
import { activations, jsActivations } from './activations.js';
import { type DType, dtypeOf, type Floats, gradOf, like, productsOf, result, Tensor } from './autograd.js';

export interface RecurrentOutput<A extends Floats = Float32Array> {
  /** h_1 … h_T, time-major (T·B, H). */
  hs: Tensor<A>;
  /** h_T (B, H), no gradient. */
  h: Tensor<A>;
  /** The LSTM's c_T (B, H), no gradient. */
  c?: Tensor<A>;
  /**
   * The LSTM's c_1 … c_T, time-major (T·B, H), with a gradient: what a caller that unrolls the
   * sequence itself chains into the next call's c0 (as it chains hs into h0) — the vanishing-gradient
   * lesson does, one step per call.
   */
  cs?: Tensor<A>;
}

/** σ and tanh in place, as activations.ts's kernels, over either array type. */
interface Gates {
  sigmoid(x: Floats): void;
  tanh(x: Floats): void;
  lstmGates(z: Floats, rows: number, H: number): void;
}
/**
 * The gate activations for a dtype: activations.ts's (wasm or JavaScript) for float32, its
 * JavaScript loops for float64 (they read and write plain indices: in double precision there).
 */
const gatesOf = (dtype: DType): Gates =>
  (dtype === 'float64' ? jsActivations : activations) as unknown as Gates;

function sizes(op: string, xp: Tensor<Floats>, Wh: Tensor<Floats>, h0: Tensor<Floats>, G: number) {
  if (Wh.shape.length !== 2 || Wh.shape[1] !== G * Wh.shape[0]!)
    throw new ValidationError(`${op}: Wh must be (H, ${G}·H), got shape ${JSON.stringify(Wh.shape)}`, 'Wh');
  const H = Wh.shape[0]!;
  if (h0.shape.length !== 2 || h0.shape[1] !== H)
    throw new ValidationError(`${op}: h0 must be (batch, ${H}), got shape ${JSON.stringify(h0.shape)}`, 'h0');
  const B = h0.shape[0]!;
  const GH = G * H;
  if (xp.shape.at(-1) !== GH || xp.size % (B * GH) !== 0 || xp.size === 0)
    throw new ValidationError(
      `${op}: xp must be (T·${B}, ${GH}) for a batch of ${B}, got shape ${JSON.stringify(xp.shape)}`,
      'xp',
    );
  return { H, B, GH, T: xp.size / (B * GH) };
}

/** z (rows, GH) = xp's rows from `o` plus the bias b (or a plain copy without one). */
function inputHalf<A extends Floats>(z: A, xp: A, o: number, GH: number, b: A | null): void {
  if (!b) {
    z.set(xp.subarray(o, o + z.length));
    return;
  }
  for (let r = 0; r < z.length; r += GH) for (let j = 0; j < GH; j++) z[r + j] = xp[o + r + j]! + b[j]!;
}

/** db += Σ over the rows of dZ (rows, GH). */
function biasGrad<A extends Floats>(b: Tensor<A> | undefined, dZ: A, GH: number): void {
  const db = b ? gradOf(b) : null;
  if (!db) return;
  for (let r = 0; r < dZ.length; r += GH) for (let j = 0; j < GH; j++) db[j]! += dZ[r + j]!;
}

function checkBias<A extends Floats>(op: string, b: Tensor<A> | undefined, GH: number): A | null {
  if (b === undefined) return null;
  if (b.size !== GH) throw new ValidationError(`${op}: b must hold ${GH} values, got ${b.size}`, 'b');
  return b.data;
}

/**
 * Whᵀ (G·H, H), made once per backward pass: every step's dh_{t−1} = dz_t Whᵀ is then a plain
 * product, not one that transposes Wh again at each of the T steps.
 */
function transposed<A extends Floats>(Wh: Tensor<A>): A {
  const [r, c] = Wh.shape as [number, number];
  const w = Wh.data;
  const out = like(Wh, r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = w[i * c + j]!;
  return out;
}

/** Adds src into dst (both the same length). */
function addInto(dst: Floats | null, src: Floats): void {
  if (dst) for (let i = 0; i < src.length; i++) dst[i]! += src[i]!;
}

/** The final h (and c) as gradient-free tensors, copied out of the op's buffers. */
const state = <A extends Floats>(buf: A, t: number, B: number, H: number): Tensor<A> =>
  new Tensor(buf.slice(t * B * H, (t + 1) * B * H) as A, [B, H]);

/**
 * Vanilla (Elman) RNN over a sequence: h_t = tanh(xp_t + h_{t−1}Wh).
 *   d: dz_t = dh_t ⊙ (1 − h_t²);  dh_{t−1} += dz_t Whᵀ;  dWh = Σ h_{t−1}ᵀ dz_t;  dxp_t = dz_t
 */
export function rnnSequence<T extends Floats>(
  xp: Tensor<T>,
  Wh: Tensor<T>,
  h0: Tensor<T>,
  b?: Tensor<T>,
): RecurrentOutput<T> {
  const dtype = dtypeOf('rnnSequence', xp, Wh, h0, ...(b ? [b] : []));
  const P = productsOf(dtype);
  const act = gatesOf(dtype);
  const { H, B, T } = sizes('rnnSequence', xp, Wh, h0, 1);
  const bias = checkBias('rnnSequence', b, H);
  const BH = B * H;
  const Hs = like(xp, (T + 1) * BH); // h_0 … h_T
  Hs.set(h0.data);
  const w = Wh.data;
  for (let t = 0; t < T; t++) {
    const z = Hs.subarray((t + 1) * BH, (t + 2) * BH);
    inputHalf(z, xp.data, t * BH, H, bias);
    P.matmul(Hs.subarray(t * BH, (t + 1) * BH), w, B, H, H, z, true);
    act.tanh(z);
  }
  const hs = result(Hs.subarray(BH) as T, [T * B, H], b ? [xp, Wh, h0, b] : [xp, Wh, h0], (out) => {
    const dHs = out.grad!;
    const wT = transposed(Wh);
    const dZ = like(xp, T * BH);
    const dh = like(xp, BH);
    for (let t = T - 1; t >= 0; t--) {
      const o = t * BH;
      for (let k = 0; k < BH; k++) {
        const h = Hs[o + BH + k]!;
        dZ[o + k] = (dHs[o + k]! + dh[k]!) * (1 - h * h);
      }
      P.matmul(dZ.subarray(o, o + BH), wT, B, H, H, dh);
    }
    const dWh = gradOf(Wh);
    if (dWh) P.matmulTN(Hs.subarray(0, T * BH), dZ, T * B, H, H, dWh, true);
    addInto(gradOf(xp), dZ);
    biasGrad(b, dZ, H);
    addInto(gradOf(h0), dh);
  });
  return { hs, h: state(Hs, T, B, H) };
}

/**
 * LSTM over a sequence, gates [i | f | g | o] in xp and Wh:
 *   z = xp_t + h_{t−1}Wh;  i, f, o = σ(·), g = tanh(·);  c_t = f⊙c_{t−1} + i⊙g;  h_t = o⊙tanh(c_t)
 *   d: dc_t = dc_{t+1}⊙f_{t+1} + dh_t⊙o⊙(1 − tanh²c_t) (+ the gradient reaching cs at t);  dz_i = dc_t⊙g⊙i(1−i),  dz_f = dc_t⊙c_{t−1}⊙f(1−f),
 *      dz_g = dc_t⊙i⊙(1−g²),  dz_o = dh_t⊙tanh(c_t)⊙o(1−o);  dh_{t−1} += dz Whᵀ;  dWh = Σ h_{t−1}ᵀ dz
 */
export function lstmSequence<T extends Floats>(
  xp: Tensor<T>,
  Wh: Tensor<T>,
  h0: Tensor<T>,
  c0: Tensor<T>,
  b?: Tensor<T>,
): RecurrentOutput<T> {
  const dtype = dtypeOf('lstmSequence', xp, Wh, h0, c0, ...(b ? [b] : []));
  const P = productsOf(dtype);
  const act = gatesOf(dtype);
  const { H, B, GH, T } = sizes('lstmSequence', xp, Wh, h0, 4);
  const bias = checkBias('lstmSequence', b, GH);
  if (c0.size !== B * H)
    throw new ValidationError(
      `lstmSequence: c0 must be (${B}, ${H}), got shape ${JSON.stringify(c0.shape)}`,
      'c0',
    );
  const BH = B * H;
  const Hs = like(xp, (T + 1) * BH);
  const Cs = like(xp, (T + 1) * BH);
  Hs.set(h0.data);
  Cs.set(c0.data);
  const A = like(xp, T * B * GH); // the activated gates i, f, g, o of every step
  const TC = like(xp, T * BH); // tanh(c_t)
  const w = Wh.data;
  for (let t = 0; t < T; t++) {
    const z = A.subarray(t * B * GH, (t + 1) * B * GH);
    inputHalf(z, xp.data, t * B * GH, GH, bias);
    P.matmul(Hs.subarray(t * BH, (t + 1) * BH), w, B, H, GH, z, true);
    act.lstmGates(z, B, H); // z now holds i, f, g, o
    const s0 = t * BH;
    for (let b = 0; b < B; b++) {
      const o = b * GH;
      const s = s0 + b * H;
      // c_t = f ⊙ c_{t−1} + i ⊙ g
      for (let j = 0; j < H; j++) Cs[s + BH + j] = z[o + H + j]! * Cs[s + j]! + z[o + j]! * z[o + 2 * H + j]!;
    }
    const tc = TC.subarray(s0, s0 + BH);
    tc.set(Cs.subarray(s0 + BH, s0 + 2 * BH));
    act.tanh(tc);
    // h_t = o ⊙ tanh(c_t)
    for (let b = 0; b < B; b++)
      for (let j = 0; j < H; j++) Hs[s0 + BH + b * H + j] = z[b * GH + 3 * H + j]! * tc[b * H + j]!;
  }
  const parents = b ? [xp, Wh, h0, c0, b] : [xp, Wh, h0, c0];
  // Backpropagation through time from gradients reaching the hs (dHs) or the cs (dCs): hs and cs
  // are two outputs, each runs it with its own (the gradients add up: the pass is linear in them).
  const bptt = (dHs: T | null, dCs: T | null) => {
    const wT = transposed(Wh);
    const dZ = like(xp, T * B * GH);
    const dh = like(xp, BH);
    const dc = like(xp, BH);
    for (let t = T - 1; t >= 0; t--) {
      for (let b = 0; b < B; b++) {
        const o = (t * B + b) * GH;
        const s = t * BH + b * H;
        for (let j = 0; j < H; j++) {
          const k = b * H + j;
          const i = A[o + j]!;
          const f = A[o + H + j]!;
          const g = A[o + 2 * H + j]!;
          const og = A[o + 3 * H + j]!;
          const tc = TC[s + j]!;
          const dht = (dHs ? dHs[s + j]! : 0) + dh[k]!;
          const dct = dc[k]! + (dCs ? dCs[s + j]! : 0) + dht * og * (1 - tc * tc);
          dZ[o + j] = dct * g * i * (1 - i);
          dZ[o + H + j] = dct * Cs[s + j]! * f * (1 - f);
          dZ[o + 2 * H + j] = dct * i * (1 - g * g);
          dZ[o + 3 * H + j] = dht * tc * og * (1 - og);
          dc[k] = dct * f;
        }
      }
      P.matmul(dZ.subarray(t * B * GH, (t + 1) * B * GH), wT, B, GH, H, dh);
    }
    const dWh = gradOf(Wh);
    if (dWh) P.matmulTN(Hs.subarray(0, T * BH), dZ, T * B, H, GH, dWh, true);
    addInto(gradOf(xp), dZ);
    biasGrad(b, dZ, GH);
    addInto(gradOf(h0), dh);
    addInto(gradOf(c0), dc);
  };
  const hs = result(Hs.subarray(BH) as T, [T * B, H], parents, (out) => bptt(out.grad!, null));
  const cs = result(Cs.subarray(BH) as T, [T * B, H], parents, (out) => bptt(null, out.grad!));
  return { hs, h: state(Hs, T, B, H), c: state(Cs, T, B, H), cs };
}

/**
 * GRU over a sequence (PyTorch's form), gates [r | z | n] in xp and Wh, b_hn (H) inside the reset:
 *   [hr | hz | hn] = h_{t−1}Wh;  r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r⊙(hn + b_hn)),
 *   h_t = n + z⊙(h_{t−1} − n)
 *   d: dn = dh⊙(1−z), dz = dh⊙(h_{t−1} − n), da = dn⊙(1−n²) (a: n's pre-activation),
 *      dr = da⊙(hn + b_hn);  dxp = [dr⊙r(1−r) | dz⊙z(1−z) | da],  dhp = [same | same | da⊙r],
 *      db_hn = Σ da⊙r;  dh_{t−1} = dh⊙z + dhp Whᵀ;  dWh = Σ h_{t−1}ᵀ dhp
 */
export function gruSequence<T extends Floats>(
  xp: Tensor<T>,
  Wh: Tensor<T>,
  bhn: Tensor<T>,
  h0: Tensor<T>,
  b?: Tensor<T>,
): RecurrentOutput<T> {
  const dtype = dtypeOf('gruSequence', xp, Wh, bhn, h0, ...(b ? [b] : []));
  const P = productsOf(dtype);
  const act = gatesOf(dtype);
  const f64 = dtype === 'float64';
  const { H, B, GH, T } = sizes('gruSequence', xp, Wh, h0, 3);
  const bias = checkBias('gruSequence', b, GH);
  // the input half xp + b (rounded to float32, as a stored sum would be; float64: not rounded), b
  // read per gate (zeros without one)
  const x = xp.data;
  const bv = bias ?? like(xp, GH);
  if (bhn.size !== H)
    throw new ValidationError(`gruSequence: bhn must hold ${H} values, got ${bhn.size}`, 'bhn');
  const BH = B * H;
  const Hs = like(xp, (T + 1) * BH);
  Hs.set(h0.data);
  const HP = like(xp, T * B * GH); // h_{t−1}Wh, its n third turned into hn + b_hn
  const R = like(xp, T * BH);
  const Z = like(xp, T * BH);
  const N = like(xp, T * BH);
  const w = Wh.data;
  const bn = bhn.data;
  for (let t = 0; t < T; t++) {
    const hp = HP.subarray(t * B * GH, (t + 1) * B * GH);
    P.matmul(Hs.subarray(t * BH, (t + 1) * BH), w, B, H, GH, hp);
    const s0 = t * BH;
    // r = σ(xr + hr), z = σ(xz + hz)
    for (let b = 0; b < B; b++) {
      const o = (t * B + b) * GH;
      const ol = b * GH;
      const s = s0 + b * H;
      if (f64)
        for (let j = 0; j < H; j++) {
          R[s + j] = x[o + j]! + bv[j]! + hp[ol + j]!;
          Z[s + j] = x[o + H + j]! + bv[H + j]! + hp[ol + H + j]!;
        }
      else
        for (let j = 0; j < H; j++) {
          R[s + j] = Math.fround(x[o + j]! + bv[j]!) + hp[ol + j]!;
          Z[s + j] = Math.fround(x[o + H + j]! + bv[H + j]!) + hp[ol + H + j]!;
        }
    }
    act.sigmoid(R.subarray(s0, s0 + BH));
    act.sigmoid(Z.subarray(s0, s0 + BH));
    // n = tanh(xn + r ⊙ (hn + b_hn))
    for (let b = 0; b < B; b++) {
      const o = (t * B + b) * GH;
      const ol = b * GH;
      const s = s0 + b * H;
      for (let j = 0; j < H; j++) {
        const hnb = hp[ol + 2 * H + j]! + bn[j]!;
        hp[ol + 2 * H + j] = hnb;
        const xn = x[o + 2 * H + j]! + bv[2 * H + j]!;
        N[s + j] = (f64 ? xn : Math.fround(xn)) + R[s + j]! * hnb;
      }
    }
    act.tanh(N.subarray(s0, s0 + BH));
    // h_t = n + z ⊙ (h_{t−1} − n)
    for (let k = s0; k < s0 + BH; k++) Hs[k + BH] = N[k]! + Z[k]! * (Hs[k]! - N[k]!);
  }
  const parents = b ? [xp, Wh, bhn, h0, b] : [xp, Wh, bhn, h0];
  const hs = result(Hs.subarray(BH) as T, [T * B, H], parents, (out) => {
    const dHs = out.grad!;
    const wT = transposed(Wh);
    const dX = like(xp, T * B * GH);
    const dP = like(xp, T * B * GH);
    const dh = like(xp, BH);
    const dbn = like(xp, H);
    for (let t = T - 1; t >= 0; t--) {
      for (let b = 0; b < B; b++) {
        const o = (t * B + b) * GH;
        const s = t * BH + b * H;
        for (let j = 0; j < H; j++) {
          const k = b * H + j;
          const r = R[s + j]!;
          const z = Z[s + j]!;
          const n = N[s + j]!;
          const dht = dHs[s + j]! + dh[k]!;
          const da = dht * (1 - z) * (1 - n * n);
          const dzr = da * HP[o + 2 * H + j]! * r * (1 - r);
          const dzz = dht * (Hs[s + j]! - n) * z * (1 - z);
          dX[o + j] = dzr;
          dX[o + H + j] = dzz;
          dX[o + 2 * H + j] = da;
          dP[o + j] = dzr;
          dP[o + H + j] = dzz;
          dP[o + 2 * H + j] = da * r;
          dbn[j]! += da * r;
          dh[k] = dht * z; // the direct path; the one through Wh is added below
        }
      }
      P.matmul(dP.subarray(t * B * GH, (t + 1) * B * GH), wT, B, GH, H, dh, true);
    }
    const dWh = gradOf(Wh);
    if (dWh) P.matmulTN(Hs.subarray(0, T * BH), dP, T * B, H, GH, dWh, true);
    addInto(gradOf(xp), dX);
    biasGrad(b, dX, GH);
    addInto(gradOf(bhn), dbn);
    addInto(gradOf(h0), dh);
  });
  return { hs, h: state(Hs, T, B, H) };
}
