/**
 * The one place that decides which engine trains @firth/deep's CNN and char-RNN models, and where
 * TensorFlow.js runs when it is the one.
 *
 * Engine (`chooseEngine`): the option `engine` of CNNClassifier / CharLanguageModel, else
 * `FIRTH_DEEP_ENGINE=firth|tfjs`, else `tfjs` when @tensorflow/tfjs-node is installed (native
 * libtensorflow: the user installed it to be used), else `firth` — @firth/tensor, Firth's own engine
 * (WebAssembly SIMD products, fused conv / recurrent ops). Pretrained TF.js models (USE-lite) always
 * run on TF.js; the ml5 char-LSTM runs in plain Float32 math.
 * Everything else in @firth/deep imports `tf`
 * from here and is backend-agnostic.
 *
 * Order, when nothing is asked for (measured in ../shared/notes/tfjs.md):
 *   1. `tensorflow` — @tensorflow/tfjs-node (native libtensorflow), when the user has installed it.
 *      It is not a dependency: its install downloads libtensorflow, which fails offline.
 *   2. `wasm` — @tensorflow/tfjs-backend-wasm with SIMD, ~20× faster than `cpu` here.
 *   3. `cpu` — pure JavaScript, always works.
 * `FIRTH_TF_BACKEND=cpu|wasm|tensorflow` or `initBackend({ backend })` forces one.
 *
 * Two repairs to the stock wasm backend (tfjs 4.22) live here too:
 * - its emscripten loader installs process-wide `uncaughtException`/`unhandledRejection` handlers
 *   that rethrow, so any stray rejection anywhere would kill the host (n8n); they are removed;
 * - `BatchMatMul` with a transpose flag runs a scalar loop at ~0.03–1.7 GFLOP/s (every backward
 *   pass: dW = xᵀ·dy, dx = dy·Wᵀ); it is re-registered to transpose explicitly first and then take
 *   the fast XNNPACK path. A test checks it against the cpu backend.
 */
import { dirname, resolve } from 'node:path';
import { ValidationError } from '@firth/numeric';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { findAbove, requireHere } from './locate.js';

export { tf };

/** Which engine trains the CNN and char-RNN models: Firth's own (@firth/tensor) or TensorFlow.js. */
export type DeepEngine = 'firth' | 'tfjs';
export const DEEP_ENGINES: readonly DeepEngine[] = ['firth', 'tfjs'];

/** Whether @tensorflow/tfjs-node can be loaded from here (resolving it loads nothing). */
function tfjsNodeInstalled(): boolean {
  try {
    requireHere.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

/**
 * The engine for a model: `requested` unless 'auto' / undefined, else FIRTH_DEEP_ENGINE, else 'tfjs'
 * when @tensorflow/tfjs-node is installed, else 'firth'.
 *
 *   chooseEngine() // 'firth' on a machine without tfjs-node
 */
export function chooseEngine(requested?: DeepEngine | 'auto'): DeepEngine {
  const want = requested ?? 'auto';
  if (want !== 'auto' && !DEEP_ENGINES.includes(want))
    throw new ValidationError(
      `engine must be one of ${DEEP_ENGINES.join(', ')} or auto, got ${JSON.stringify(want)}`,
      'engine',
    );
  if (want !== 'auto') return want;
  const env = process.env.FIRTH_DEEP_ENGINE;
  if (env !== undefined && env !== '') {
    if (!DEEP_ENGINES.includes(env as DeepEngine))
      throw new ValidationError(
        `FIRTH_DEEP_ENGINE must be one of ${DEEP_ENGINES.join(', ')}, got ${JSON.stringify(env)}`,
        'engine',
      );
    return env as DeepEngine;
  }
  return tfjsNodeInstalled() ? 'tfjs' : 'firth';
}

/** A backend Firth knows how to pick. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendOptions {
  /** Which backend; `auto` tries tensorflow, wasm, cpu in that order. @default env FIRTH_TF_BACKEND or 'auto' */
  backend?: BackendName | 'auto';
  /** Folder holding tfjs-backend-wasm's `.wasm` files. @default found next to the package or bundle */
  wasmDir?: string;
}

/** Finds the wasm binaries: FIRTH_TFJS_WASM_DIR, a `firth-wasm/` folder beside a bundle, or the npm package. */
export function findWasmDir(): string {
  if (process.env.FIRTH_TFJS_WASM_DIR) return resolve(process.env.FIRTH_TFJS_WASM_DIR);
  return (
    findAbove('firth-wasm', 'tfjs-backend-wasm-simd.wasm') ??
    dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm'))
  );
}

let current: Promise<BackendName> | undefined;
let requested: string | undefined;

/**
 * Makes a backend active (once; later calls with the same request return the same promise).
 *
 *   await initBackend() // 'wasm' on a machine without tfjs-node
 */
export function initBackend(options: BackendOptions = {}): Promise<BackendName> {
  const want = options.backend ?? (process.env.FIRTH_TF_BACKEND as BackendName | undefined) ?? 'auto';
  if (want !== 'auto' && !BACKEND_NAMES.includes(want)) {
    throw new Error(
      `Unknown TensorFlow.js backend "${want}"; use one of ${BACKEND_NAMES.join(', ')} or auto`,
    );
  }
  const key = `${want}|${options.wasmDir ?? ''}`;
  if (current && requested === key) return current;
  requested = key;
  current = choose(want, options.wasmDir);
  return current;
}

async function choose(want: BackendName | 'auto', wasmDir?: string): Promise<BackendName> {
  const order: BackendName[] = want === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [want];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (await activate(name, wasmDir)) return name;
      failures.push(`${name}: setBackend returned false`);
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start (${failures.join('; ')})`);
}

async function activate(name: BackendName, wasmDir?: string): Promise<boolean> {
  if (name === 'tensorflow') {
    // Registers the 'tensorflow' backend as a side effect; throws when not installed or broken.
    requireHere('@tensorflow/tfjs-node');
    return tf.setBackend('tensorflow');
  }
  if (name === 'wasm') {
    // setWasmPaths needs an absolute folder ending in '/', or setBackend quietly returns false.
    setWasmPaths(`${wasmDir ?? findWasmDir()}/`);
    const before = listenerSnapshot();
    try {
      if (!(await tf.setBackend('wasm'))) return false;
      await tf.ready();
    } finally {
      removeAddedListeners(before);
    }
    repairWasmMatMul();
    return true;
  }
  const ok = await tf.setBackend('cpu');
  // The cpu backend prints a "Hi, looks like you are running TensorFlow.js in Node.js" banner on
  // first use; Firth chose cpu on purpose (or as the last resort), so skip the banner.
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
  return ok;
}

type ProcessEvent = 'uncaughtException' | 'unhandledRejection';
const EVENTS: ProcessEvent[] = ['uncaughtException', 'unhandledRejection'];
function listenerSnapshot(): Map<ProcessEvent, Set<unknown>> {
  return new Map(EVENTS.map((e) => [e, new Set(process.listeners(e as 'uncaughtException'))]));
}
function removeAddedListeners(before: Map<ProcessEvent, Set<unknown>>): void {
  for (const e of EVENTS) {
    for (const l of process.listeners(e as 'uncaughtException')) {
      if (!before.get(e)?.has(l)) process.removeListener(e, l);
    }
  }
}

let matMulRepaired = false;
/**
 * C = op(A)·op(B) where op transposes when the flag is set. The stock wasm kernel is fast only
 * when neither flag is set, so materialise Aᵀ / Bᵀ with the wasm Transpose kernel and call it
 * without flags.  (batch, m, k)·(batch, k, n) → (batch, m, n)
 */
function repairWasmMatMul(): void {
  if (matMulRepaired) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
      const temps: tf.TensorInfo[] = [];
      const swapLast = (x: tf.TensorInfo): tf.TensorInfo => {
        const perm = x.shape.map((_, i) => i);
        const n = perm.length;
        [perm[n - 2], perm[n - 1]] = [perm[n - 1] as number, perm[n - 2] as number];
        const t = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
        temps.push(t);
        return t;
      };
      const a = transposeA ? swapLast(inputs.a as tf.TensorInfo) : (inputs.a as tf.TensorInfo);
      const b = transposeB ? swapLast(inputs.b as tf.TensorInfo) : (inputs.b as tf.TensorInfo);
      const out = original.kernelFunc({
        inputs: { a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      for (const t of temps) (backend as { disposeData(id: object): void }).disposeData(t.dataId);
      return out;
    },
  });
  matMulRepaired = true;
}
