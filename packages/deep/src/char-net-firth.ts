/**
 * The char-RNN network on Firth's engine (@firth/tensor): an embedding lookup, per layer one product
 * for the input half of every step (xp = x·Wx over the whole window) and one fused op for the
 * recurrence with the bias b inside (rnnSequence / lstmSequence / gruSequence: forward along time,
 * backpropagation through time backward), the output product, cross-entropy; AdamW without decay (= Adam, with TF.js' ε of
 * 1e-7, so both engines take the same steps) after global-norm clipping.
 */
import * as ft from '@firth/tensor';
import type { CharNet, CharNetConfig, CharNetWeights } from './char-net.js';
import type { CellJSON } from './rnn.js';

type Layer = { Wx: ft.Tensor; Wh: ft.Tensor; b: ft.Tensor; bhn?: ft.Tensor };
type State = { h: ft.Tensor; c?: ft.Tensor };

const matrix = (m: number[][] | number[], shape: number[]) =>
  new ft.Tensor(Float32Array.from((m as number[][]).flat()), shape, true);
const toRows = (t: ft.Tensor): number[][] => {
  const [r, c] = t.shape as [number, number];
  return Array.from({ length: r }, (_, i) => Array.from(t.data.subarray(i * c, (i + 1) * c)));
};

export function firthCharNet(config: CharNetConfig, w: CharNetWeights): CharNet<State[]> {
  const { cell, hiddenSize: H, clipNorm } = config;
  const V = w.by.length;
  const E = matrix(w.embedding, [V, w.embedding[0]!.length]);
  const layers: Layer[] = w.cells.map(({ inputSize, weights }) => {
    const GH = (weights.b as number[]).length;
    return {
      Wx: matrix(weights.Wx!, [inputSize, GH]),
      Wh: matrix(weights.Wh!, [H, GH]),
      b: matrix(weights.b!, [GH]),
      ...(weights.bhn && { bhn: matrix(weights.bhn, [H]) }),
    };
  });
  const Wy = matrix(w.Wy, [H, V]);
  const by = matrix(w.by, [V]);
  const params = [E, ...layers.flatMap((l) => [l.Wx, l.Wh, l.b, ...(l.bhn ? [l.bhn] : [])]), Wy, by];
  let adam: ft.AdamW | null = null;

  const zeroStates = (B: number): State[] =>
    layers.map(() => ({
      h: ft.Tensor.zeros([B, H]),
      ...(cell === 'lstm' && { c: ft.Tensor.zeros([B, H]) }),
    }));

  /** logits (T·B, V) and the final states, from time-major ids. */
  const forward = (ids: number[], states: State[]) => {
    // x = E[ids]   (T·B, Emb)
    let x = ft.embedding(E, ids);
    const finals: State[] = [];
    for (const [l, { Wx, Wh, b, bhn }] of layers.entries()) {
      // the input half of every step at once: xp = x·Wx   (T·B, G·H); the op adds b
      const xp = ft.matmul(x, Wx);
      const { h, c } = states[l]!;
      const out =
        cell === 'lstm'
          ? ft.lstmSequence(xp, Wh, h, c!, b)
          : cell === 'gru'
            ? ft.gruSequence(xp, Wh, bhn!, h, b)
            : ft.rnnSequence(xp, Wh, h, b);
      finals.push({ h: out.h, ...(out.c && { c: out.c }) });
      x = out.hs; // layer l's h_1..h_T are layer l+1's inputs
    }
    // logits = h·Wy + by   (T·B, H) @ (H, V) + (V)
    return { logits: ft.add(ft.matmul(x, Wy), by), states: finals };
  };

  return {
    zeroStates,
    run: (ids, _B, states) => {
      const f = forward(ids, states);
      return { logits: f.logits.data, states: f.states };
    },
    disposeStates: () => {},
    trainStep: async (x, y, B) => {
      adam ??= new ft.AdamW(params, { lr: config.learningRate, eps: 1e-7, weightDecay: 0 });
      const loss = ft.crossEntropy(forward(x, zeroStates(B)).logits, y);
      adam.zeroGrad();
      loss.backward();
      ft.clipGradNorm(params, clipNorm); // g ← g · clipNorm / max(‖g‖, clipNorm)
      adam.step();
      return loss.item();
    },
    endTraining: () => {
      adam = null;
    },
    weights: () => ({
      embedding: toRows(E),
      cells: w.cells.map(
        ({ type, inputSize, hiddenSize }, l): CellJSON => ({
          type,
          inputSize,
          hiddenSize,
          weights: {
            Wx: toRows(layers[l]!.Wx),
            Wh: toRows(layers[l]!.Wh),
            b: Array.from(layers[l]!.b.data),
            ...(layers[l]!.bhn && { bhn: Array.from(layers[l]!.bhn!.data) }),
          },
        }),
      ),
      Wy: toRows(Wy),
      by: Array.from(by.data),
    }),
    dispose: () => {},
  };
}
