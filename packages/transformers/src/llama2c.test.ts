import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { argmax, generate, sampleNext, streamGenerate } from './generation.js';
import { Llama2c, parseLlama2cCheckpoint } from './llama2c.js';
import { loadLlama2c } from './llama2c-file.js';
import { loadLlama2cTokenizer } from './tokenizers/sentencepiece-file.js';

/** Written by fixtures/generate_llama2c.py: an independent NumPy forward pass (float32). */
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/llama2c-stories260k.json', import.meta.url), 'utf8'),
) as { greedy: { ids: number[]; logits: number[][]; steps: number } };

describe('llama2.c stories260K', () => {
  it('reads the checkpoint header: dim 64, 5 layers, 8 heads over 4 kv heads, tied classifier', async () => {
    const model = await loadLlama2c();
    expect(model.config).toEqual({
      dim: 64,
      hiddenDim: 172,
      nLayers: 5,
      nHeads: 8,
      nKvHeads: 4,
      vocabSize: 512,
      seqLen: 512,
      sharedClassifier: true,
    });
    expect(model.weights.wcls).toBe(model.weights.tokenEmbedding);
  });

  it('matches the NumPy reference: logits of the first 3 positions to 1e-4, 256 greedy tokens from BOS', async () => {
    const model = await loadLlama2c();
    const run = model.start();
    let logits = run.step(1); // BOS
    const ids: number[] = [];
    for (let n = 0; n < fixture.greedy.steps; n++) {
      if (n < fixture.greedy.logits.length) {
        const ref = fixture.greedy.logits[n]!;
        let worst = 0;
        for (let i = 0; i < 512; i++) worst = Math.max(worst, Math.abs(logits[i]! - ref[i]!));
        expect(worst, `position ${n}`).toBeLessThan(1e-4);
      }
      const next = argmax(logits);
      ids.push(next);
      logits = run.step(next);
    }
    expect(ids).toEqual(fixture.greedy.ids);
    expect(run.position).toBe(fixture.greedy.steps + 1);
  });

  it('Llama2c.fromBytes (an ArrayBuffer or a Uint8Array, no file system) is the model loadLlama2c reads', async () => {
    const file = readFileSync(dataPath('models/tinyllamas-stories260K/stories260K.bin'));
    const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    const fromBuffer = Llama2c.fromBytes(buffer, 'stories260K.bin');
    const fromView = Llama2c.fromBytes(new Uint8Array(buffer));
    const loaded = await loadLlama2c();
    expect(fromBuffer.config).toEqual(loaded.config);
    const expected = [...loaded.start().step(1)];
    expect([...fromBuffer.start().step(1)]).toEqual(expected);
    expect([...fromView.start().step(1)]).toEqual(expected);
    expect(() => Llama2c.fromBytes(buffer.slice(0, 100), 'cut.bin')).toThrow(/cut\.bin/);
  });

  it('runs are independent: two sequences interleaved give what each gives alone', async () => {
    const model = await loadLlama2c();
    const a = model.start();
    const b = model.start();
    const alone = model.start();
    const tokens = [1, 403, 407, 261];
    let la: Float32Array = new Float32Array();
    let lAlone: Float32Array = new Float32Array();
    for (const t of tokens) {
      la = a.step(t);
      b.step(((t * 7) % 500) + 3);
      lAlone = alone.step(t);
    }
    expect([...la]).toEqual([...lAlone]);
  });

  it('seeded sampling is reproducible and temperature 0 is greedy', async () => {
    const model = await loadLlama2c();
    const logits = model.start().step(1);
    const opts = { temperature: 1, topK: 0, topP: 0.9, repetitionPenalty: 1 };
    const draw = (seed: number) => {
      const rng = new RandomState(seed);
      return Array.from({ length: 20 }, () => sampleNext(logits, opts, new Set(), rng));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(sampleNext(logits, { ...opts, temperature: 0 }, new Set(), new RandomState(1))).toBe(
      argmax(logits),
    );
  });
});

describe('llama2.c forward passes: the wasm decoder (llama-decode.wat) against the JavaScript reference', () => {
  it('the same logits to float32 rounding at every one of 300 positions, and the same greedy tokens', async () => {
    const model = await loadLlama2c();
    expect(model.backend).toBe('wasm');
    const wasm = model.start({ backend: 'wasm' });
    const js = model.start({ backend: 'js' });
    let lw = wasm.step(1);
    let lj = js.step(1);
    let worst = 0;
    for (let n = 0; n < 300; n++) {
      let scale = 0;
      for (let i = 0; i < 512; i++) {
        worst = Math.max(worst, Math.abs(lw[i]! - lj[i]!));
        scale = Math.max(scale, Math.abs(lj[i]!));
      }
      // float32 sums in four lanes vs float64 sums: ~1e-6 of the largest logit, through 5 layers
      expect(worst, `position ${n}`).toBeLessThan(5e-6 * scale + 1e-5);
      const next = argmax(lj);
      expect(argmax(lw), `position ${n}`).toBe(next);
      lw = wasm.step(next);
      lj = js.step(next);
    }
    expect(worst).toBeGreaterThan(0); // two different summations, not one path run twice
    expect(wasm.position).toBe(301);
  });

  it('FIRTH_MATMUL=js makes the reference the default; a model the decoder cannot run falls back to it', () => {
    const config = {
      dim: 12,
      hiddenDim: 8,
      nLayers: 1,
      nHeads: 2, // heads of 6: not a multiple of 4
      nKvHeads: 1,
      vocabSize: 5,
      seqLen: 4,
      sharedClassifier: true,
    };
    const { dim, hiddenDim, vocabSize } = config;
    const rng = new RandomState(3);
    const t = (n: number) => Float32Array.from({ length: n }, () => rng.normal(0, 0.3));
    const emb = t(vocabSize * dim);
    const odd = new Llama2c(config, {
      tokenEmbedding: emb,
      rmsAtt: t(dim),
      wq: t(dim * dim),
      wk: t(6 * dim),
      wv: t(6 * dim),
      wo: t(dim * dim),
      rmsFfn: t(dim),
      w1: t(hiddenDim * dim),
      w2: t(dim * hiddenDim),
      w3: t(hiddenDim * dim),
      rmsFinal: t(dim),
      wcls: emb,
    });
    expect(odd.backend).toBe('js');
    expect(odd.start().step(2)).toHaveLength(5);
    expect(() => odd.start({ backend: 'wasm' })).toThrow(
      'the wasm decoder cannot run this model here (no WebAssembly SIMD, or a width that is not a multiple of 4)',
    );
    const before = process.env.FIRTH_MATMUL;
    process.env.FIRTH_MATMUL = 'js';
    try {
      const { config: c, weights } = parseLlama2cCheckpoint(
        readFileSync(dataPath('models/tinyllamas-stories260K/stories260K.bin')),
      );
      expect(new Llama2c(c, weights).backend).toBe('js');
    } finally {
      if (before === undefined) delete process.env.FIRTH_MATMUL;
      else process.env.FIRTH_MATMUL = before;
    }
  });

  it('many sequences alive at once each get their own cache; the JS and wasm runs mix freely', async () => {
    const model = await loadLlama2c();
    const first = [...model.start({ backend: 'js' }).step(1)];
    const runs = Array.from({ length: 40 }, (_, i) => model.start({ backend: i % 2 ? 'js' : 'wasm' }));
    for (const [i, r] of runs.entries()) r.step(1 + (i % 7));
    // after the others' steps (and the memory growing under them), a fresh wasm run still starts clean
    const fresh = model.start({ backend: 'wasm' }).step(1);
    for (let i = 0; i < 512; i++) expect(Math.abs(fresh[i]! - first[i]!)).toBeLessThan(1e-5);
    const again = runs[0]!.step(403);
    expect(again).toHaveLength(512);
    expect(runs[0]!.position).toBe(2);
  });
});

describe('llama2.c checkpoints — bad input', () => {
  const bytes = readFileSync(dataPath('models/tinyllamas-stories260K/stories260K.bin'));
  it('a truncated file, a header that is not a config, a token outside the vocabulary, a full sequence', async () => {
    expect(() => parseLlama2cCheckpoint(bytes.subarray(0, 1000), 'cut.bin')).toThrow(
      'cut.bin: has 1000 bytes, but its header (dim 64, hidden_dim 172, n_layers 5, n_heads 8, n_kv_heads 4, vocab_size 512, seq_len 512) needs exactly 1056540: 1055540 bytes missing',
    );
    expect(() => parseLlama2cCheckpoint(bytes.subarray(0, 10), 'tiny.bin')).toThrow(
      'tiny.bin: has 10 bytes, too few for the 28-byte header',
    );
    const bad = Uint8Array.from(bytes);
    new DataView(bad.buffer).setInt32(12, 7, true); // n_heads 7: 64 is not divisible by 7
    expect(() => parseLlama2cCheckpoint(bad, 'bad.bin')).toThrow(
      'bad.bin: header field n_heads is 7, which does not divide dim 64',
    );
    await expect(loadLlama2c('/nonexistent/model.bin')).rejects.toThrow(
      'cannot read /nonexistent/model.bin: ENOENT',
    );
    const { config, weights } = parseLlama2cCheckpoint(bytes);
    const run = new Llama2c({ ...config, seqLen: 2 }, weights).start();
    expect(() => run.step(512)).toThrow('token 512 is outside the vocabulary [0, 512)');
    run.step(1);
    run.step(2);
    expect(() => run.step(3)).toThrow('the sequence is full: the model knows 2 positions');
  });
});

describe('llama2.c checkpoints — each inconsistency is refused before anything is allocated', () => {
  const bytes = readFileSync(dataPath('models/tinyllamas-stories260K/stories260K.bin'));
  /** stories260K with header field `i` (0 dim … 6 seq_len) set to `v`. */
  const withField = (i: number, v: number) => {
    const b = Uint8Array.from(bytes);
    new DataView(b.buffer).setInt32(4 * i, v, true);
    return b;
  };
  const parse =
    (b: Uint8Array, options = {}) =>
    () =>
      parseLlama2cCheckpoint(b, 'm.bin', options);

  it('header fields: positive, bounded, heads dividing dim into even heads, kv heads dividing heads', () => {
    expect(parse(withField(3, 0))).toThrow('m.bin: header field n_heads is 0: must be 1 … 16777216');
    expect(parse(withField(0, 2 ** 30))).toThrow(
      'm.bin: header field dim is 1073741824: must be 1 … 16777216',
    );
    expect(parse(withField(5, 0))).toThrow('m.bin: header field vocab_size is 0: must be ± 1 … 16777216');
    expect(parse(withField(5, -(2 ** 31)))).toThrow('header field vocab_size is -2147483648');
    expect(parse(withField(4, 3))).toThrow(
      'm.bin: header field n_kv_heads is 3, which does not divide n_heads 8',
    );
    expect(parse(withField(3, 64))).toThrow(
      'm.bin: header field n_heads is 64: heads of 1 values, but RoPE needs an even head size',
    );
  });

  it('header inconsistent with the file size: bytes missing, trailing bytes, the other classifier convention', () => {
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    // run.c mmaps the file and ignores extra bytes; legacy_export writes none, so they are refused
    expect(parse(longer)).toThrow(
      /^m\.bin: has 1056544 bytes, but its header \(.*\) needs exactly 1056540: 4 bytes too many$/,
    );
    // vocab_size −512: the classifier (512 × 64 floats) is stored after the weights, and is not there
    expect(parse(withField(5, -512))).toThrow('needs exactly 1187612: 131072 bytes missing');
    // 2^24 layers of dim 2^24: the size is counted exactly (not rounded past 2^53) and nothing allocated
    const huge = Uint8Array.from(bytes);
    for (const i of [0, 1, 2]) new DataView(huge.buffer).setInt32(4 * i, 2 ** 24, true);
    expect(parse(huge)).toThrow(/needs exactly 113336797840710020628508: \d+ bytes missing$/);
    const v1 = withField(0, 0x616b3432);
    new DataView(v1.buffer).setInt32(4, 1, true);
    expect(parse(v1)).toThrow(
      'm.bin: is a llama2.c version 1 export (magic "ak42"); only the legacy format is read',
    );
  });

  it('NaN/Infinity weights: refused naming the tensor, loaded with allowNonFinite', async () => {
    const nan = Uint8Array.from(bytes);
    // w1 starts after the header and tokenEmbedding (512·64), rmsAtt (5·64), wq, wk, wv, wo, rmsFfn
    const w1 = 512 * 64 + 5 * 64 + 5 * 64 * 64 + 2 * 5 * 32 * 64 + 5 * 64 * 64 + 5 * 64;
    new DataView(nan.buffer).setFloat32(28 + 4 * (w1 + 10), Number.NaN, true);
    expect(parse(nan)).toThrow(
      'm.bin: tensor w1 holds NaN at index 10: weights must be finite (pass allowNonFinite: true to load them anyway)',
    );
    expect(Number.isNaN(parseLlama2cCheckpoint(nan, 'm.bin', { allowNonFinite: true }).weights.w1[10])).toBe(
      true,
    );
    const dir = mkdtempSync(join(tmpdir(), 'firth-llama2c-'));
    try {
      writeFileSync(join(dir, 'nan.bin'), nan);
      await expect(loadLlama2c(join(dir, 'nan.bin'))).rejects.toThrow(
        /nan\.bin: tensor w1 holds NaN at index 10/,
      );
      expect((await loadLlama2c(join(dir, 'nan.bin'), { allowNonFinite: true })).vocabSize).toBe(512);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TinyStories generation (model + tokenizer)', () => {
  const reference = JSON.parse(
    readFileSync(new URL('../fixtures/llama2c-stories260k.json', import.meta.url), 'utf8'),
  ) as { greedy: { text: string; steps: number } };

  it("greedy from BOS writes the reference story: 'Once upon a time, there was a little girl named Lily. …'", async () => {
    const [model, tokenizer] = await Promise.all([loadLlama2c(), loadLlama2cTokenizer()]);
    const r = await generate(model, tokenizer, '', { promptIds: [1], temperature: 0, maxNewTokens: 256 });
    expect(r.text.startsWith('Once upon a time, there was a little girl named Lily.')).toBe(true);
    expect(r.text).toBe(reference.greedy.text);
    expect(r).toMatchObject({ finishReason: 'length', completionTokens: 256, promptTokens: 1 });
  });

  it('continues a prompt; streams chunk by chunk; the same seed gives the same story', async () => {
    const [model, tokenizer] = await Promise.all([loadLlama2c(), loadLlama2cTokenizer()]);
    const chunks: string[] = [];
    for await (const c of streamGenerate(model, tokenizer, 'Once upon a time', {
      temperature: 0.8,
      topP: 0.9,
      seed: 42,
      maxNewTokens: 40,
      stop: ['\n'],
    }))
      chunks.push(c.text);
    const again = await generate(model, tokenizer, 'Once upon a time', {
      temperature: 0.8,
      topP: 0.9,
      seed: 42,
      maxNewTokens: 40,
      stop: ['\n'],
    });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(again.text);
    expect(again.text).not.toContain('\n');
    expect(again.text.length).toBeGreaterThan(20);
  });
});
