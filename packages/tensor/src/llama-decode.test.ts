// The wasm decoder's own bookkeeping: which models it takes, and sequences moving in and out of wasm
// memory. Its logits against the JavaScript reference forward pass (Llama2c's, in
// @firth/transformers) are checked in packages/transformers/src/llama2c.test.ts.
import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { type LlamaDecodeConfig, llamaDecoderF32, llamaDecodeWasmAvailable } from './llama-decode.js';

/** A random model: dim 16, 2 layers, 4 heads of 4 over 2 kv heads, hidden 24, 11 tokens. */
function tinyModel(over: Partial<LlamaDecodeConfig> = {}) {
  const config = {
    dim: 16,
    hiddenDim: 24,
    nLayers: 2,
    nHeads: 4,
    nKvHeads: 2,
    vocabSize: 11,
    seqLen: 9,
    ...over,
  };
  const { dim, hiddenDim, nLayers, vocabSize } = config;
  const kvDim = (dim / config.nHeads) * config.nKvHeads;
  const rng = new RandomState(5);
  const t = (n: number) => Float32Array.from({ length: n }, () => rng.normal(0, 0.5));
  const embedding = t(vocabSize * dim);
  const weights = {
    tokenEmbedding: embedding,
    rmsAtt: t(nLayers * dim),
    wq: t(nLayers * dim * dim),
    wk: t(nLayers * kvDim * dim),
    wv: t(nLayers * kvDim * dim),
    wo: t(nLayers * dim * dim),
    rmsFfn: t(nLayers * dim),
    w1: t(nLayers * hiddenDim * dim),
    w2: t(nLayers * dim * hiddenDim),
    w3: t(nLayers * hiddenDim * dim),
    rmsFinal: t(dim),
    wcls: embedding,
  };
  return { config, weights };
}

describe('llamaDecoderF32', () => {
  it('runs where WebAssembly SIMD does (Node ≥ 16.4)', () => {
    expect(llamaDecodeWasmAvailable).toBe(true);
  });

  it('sequences beyond maxResident move their caches out and back: the same logits, bit for bit', () => {
    const { config, weights } = tinyModel();
    const tokens = [
      [1, 4, 7, 2, 9, 3, 3, 0, 5],
      [2, 2, 8, 1, 10, 6, 4, 7, 1],
      [10, 0, 3, 3, 5, 9, 8, 2, 6],
    ];
    // each sequence alone in its own decoder
    const alone = tokens.map((ts) => {
      const seq = llamaDecoderF32(config, weights)!.start();
      return ts.map((t, pos) => {
        const logits = new Float32Array(11);
        seq.forward(t, pos, logits);
        return [...logits];
      });
    });
    // three interleaved through one block (every step moves a cache) and through two
    for (const maxResident of [1, 2]) {
      const decoder = llamaDecoderF32(config, weights, { maxResident })!;
      const seqs = tokens.map(() => decoder.start());
      for (let pos = 0; pos < 9; pos++)
        for (const [s, seq] of seqs.entries()) {
          const logits = new Float32Array(11);
          seq.forward(tokens[s]![pos]!, pos, logits);
          expect([...logits], `maxResident ${maxResident}, sequence ${s}, position ${pos}`).toEqual(
            alone[s]![pos],
          );
        }
    }
    expect(alone[0]![8]!.every(Number.isFinite)).toBe(true);
  });

  it('null where the kernel cannot run (widths not multiples of 4); maxResident checked', () => {
    const six = tinyModel({ dim: 12, nHeads: 2, nKvHeads: 1 }); // heads of 6
    expect(llamaDecoderF32(six.config, six.weights)).toBeNull();
    const hidden = tinyModel({ hiddenDim: 6 });
    expect(llamaDecoderF32(hidden.config, hidden.weights)).toBeNull();
    const { config, weights } = tinyModel();
    expect(() => llamaDecoderF32(config, weights, { maxResident: 0 })).toThrow(
      'maxResident must be a whole number ≥ 1, got 0',
    );
  });
});
