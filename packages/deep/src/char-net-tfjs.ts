/**
 * The char-RNN network on TensorFlow.js (tfjs-node when installed, else its wasm backend): the
 * cells of rnn.ts written with tf ops, differentiated by tf.variableGrads, tf's Adam.
 */
import { tf } from './backend.js';
import type { CharNet, CharNetConfig, CharNetWeights } from './char-net.js';
import { type CellState, cellFromJSON } from './rnn.js';

type States = CellState[];

/** A trainable variable holding `t` (which it takes over). */
function toVariable(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

export function tfjsCharNet(config: CharNetConfig, w: CharNetWeights): CharNet<States> {
  const V = w.by.length;
  const cells = w.cells.map((c) => cellFromJSON(c));
  /** E (V, Emb): row i is character i's vector, looked up as onehot(i)·E. */
  const embedding = toVariable(tf.tensor2d(w.embedding));
  /** Output layer: logits = h·Wy + by, Wy (H, V), by (V). */
  const Wy = toVariable(tf.tensor2d(w.Wy));
  const by = toVariable(tf.tensor1d(w.by));
  const vars = [embedding, ...cells.flatMap((c) => c.variables()), Wy, by];
  let optimizer: tf.Optimizer | null = null;

  const zeroStates = (batch: number): States => cells.map((c) => c.initialState(batch));

  /** Runs the network over T·B time-major ids from `states`: logits (T·B, V) and the final states. */
  const forward = (ids: number[], B: number, states: States): { logits: tf.Tensor2D; states: States } => {
    const T = ids.length / B;
    // x = onehot(ids)·E   (T·B, V) @ (V, Emb) -> (T·B, Emb)   (a matmul: tf.gather's gradient fails on wasm)
    const onehot = tf.oneHot(tf.tensor1d(ids, 'int32'), V).cast('float32') as tf.Tensor2D;
    let layerInput: tf.Tensor2D = tf.matMul(onehot, embedding);
    const finals: States = [];
    cells.forEach((cell, l) => {
      // the input half of every step at once: xp = x·Wx + b   (T·B, G·H), then T slices of (B, G·H)
      const xp = T === 1 ? [cell.projectInput(layerInput)] : tf.split(cell.projectInput(layerInput), T, 0);
      let state = states[l] as CellState;
      const hs: tf.Tensor2D[] = [];
      for (const xt of xp) {
        // state_t = cell(x_t, state_{t−1})   — the same weights at every step
        state = cell.stepProjected(xt as tf.Tensor2D, state);
        hs.push(state.h);
      }
      finals.push(state);
      // layer l's outputs h_1..h_T are layer l+1's inputs   (T·B, H)
      layerInput = hs.length === 1 ? (hs[0] as tf.Tensor2D) : tf.concat(hs, 0);
    });
    // logits = h·Wy + by   (T·B, H) @ (H, V) + (V) -> (T·B, V)
    const logits = tf.add(tf.matMul(layerInput, Wy), by) as tf.Tensor2D;
    return { logits, states: finals };
  };

  return {
    zeroStates: (batch) => tf.tidy(() => zeroStates(batch)),
    run: (ids, B, states) => {
      const out = tf.tidy(() => forward(ids, B, states));
      const logits = out.logits.dataSync() as Float32Array;
      out.logits.dispose();
      return { logits, states: out.states };
    },
    disposeStates: (states) => tf.dispose(states as unknown as tf.Tensor[]),
    trainStep: async (x, y, B) => {
      optimizer ??= tf.train.adam(config.learningRate);
      const opt = optimizer;
      const lossTensor = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const { logits } = forward(x, B, zeroStates(B));
          // mean over rows of −log softmax(logits)[target]
          const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), V).cast('float32');
          return tf.mean(tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
        }, vars);
        // ‖g‖ = sqrt(Σ_params Σ g²);  g ← g · clipNorm / max(‖g‖, clipNorm)   (global-norm clipping)
        const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
        const scale = tf.div(config.clipNorm, tf.maximum(norm, config.clipNorm));
        opt.applyGradients(Object.entries(grads).map(([name, g]) => ({ name, tensor: tf.mul(g, scale) })));
        return value;
      });
      const loss = (await lossTensor.data())[0] as number;
      lossTensor.dispose();
      return loss;
    },
    endTraining: () => {
      optimizer?.dispose();
      optimizer = null;
    },
    weights: () => ({
      embedding: embedding.arraySync() as number[][],
      cells: cells.map((c) => c.toJSON()),
      Wy: Wy.arraySync() as number[][],
      by: by.arraySync() as number[],
    }),
    dispose: () => {
      tf.dispose([embedding, Wy, by]);
      for (const c of cells) c.dispose();
    },
  };
}
