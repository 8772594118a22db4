/**
 * Speed of the Hugging Face encoder–decoders (hf-seq2seq.ts, seq2seq-generate.ts) at real sizes,
 * with random weights: a T5-small-sized model (d_model 512, 6 + 6 layers, 8 heads, d_ff 2048, vocab
 * 32128) and a BART-base-sized one (d_model 768, 6 + 6 layers, 12 heads, ffn 3072, vocab 50265),
 * written as HF folders (config.json + model.safetensors) in a temporary directory, then:
 *   load         loadSeq2Seq of the folder (reading, checking, laying the weights out)
 *   encode 20    the encoder over 20 input ids
 *   greedy       decoder tokens a second, greedy (eos banned: every step runs)
 *   4-beam step  one step of beam search with 4 beams (the 4 beams' decoder passes and the selection)
 *   batch 4×20   the encoder over 4 padded inputs of 8–20 ids, then 8 greedy tokens for all 4
 * Threads: FIRTH_THREADS (default: the cores, at most 8). `pnpm bench:seq2seq` in
 * packages/transformers; `-- --only t5` runs one model, `--tokens N` sets the decoded tokens.
 * PyTorch's numbers for the same sizes: fixtures/bench_hf_seq2seq.py.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensorThreads } from '@firth/tensor';
import { loadSeq2Seq } from './hf-seq2seq.js';
import { writeSafetensors } from './safetensors.js';
import { generateSeq2Seq, generateSeq2SeqBatch } from './seq2seq-generate.js';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const tokens = args.includes('--tokens') ? Number(args[args.indexOf('--tokens') + 1]) : 8;

/** Uniform in [−a, a) from a xorshift stream (fast: 100M values in a second or two). */
function randomFill(n: number, a: number, seed: { s: number }): Float32Array {
  const out = new Float32Array(n);
  let s = seed.s;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296 - 0.5) * 2 * a;
  }
  seed.s = s;
  return out;
}

type Shapes = [string, number[]][];

function t5Shapes(c: {
  d: number;
  ff: number;
  layers: number;
  vocab: number;
  buckets: number;
  heads: number;
}): Shapes {
  const { d, ff, layers, vocab } = c;
  const out: Shapes = [['shared.weight', [vocab, d]]];
  for (const stack of ['encoder', 'decoder'] as const) {
    for (let i = 0; i < layers; i++) {
      const p = `${stack}.block.${i}.layer`;
      const attn = (name: string) =>
        ['q', 'k', 'v', 'o'].map((m): [string, number[]] => [`${name}.${m}.weight`, [d, d]]);
      out.push([`${p}.0.layer_norm.weight`, [d]], ...attn(`${p}.0.SelfAttention`));
      if (i === 0) out.push([`${p}.0.SelfAttention.relative_attention_bias.weight`, [c.buckets, c.heads]]);
      const f = stack === 'decoder' ? 2 : 1;
      if (stack === 'decoder') out.push([`${p}.1.layer_norm.weight`, [d]], ...attn(`${p}.1.EncDecAttention`));
      out.push(
        [`${p}.${f}.layer_norm.weight`, [d]],
        [`${p}.${f}.DenseReluDense.wi.weight`, [ff, d]],
        [`${p}.${f}.DenseReluDense.wo.weight`, [d, ff]],
      );
    }
    out.push([`${stack}.final_layer_norm.weight`, [d]]);
  }
  return out;
}

function bartShapes(c: { d: number; ff: number; layers: number; vocab: number; positions: number }): Shapes {
  const { d, ff, layers, vocab } = c;
  const out: Shapes = [
    ['model.shared.weight', [vocab, d]],
    ['final_logits_bias', [1, vocab]],
  ];
  const ln = (p: string): Shapes => [
    [`${p}.weight`, [d]],
    [`${p}.bias`, [d]],
  ];
  const attn = (p: string): Shapes =>
    ['q_proj', 'k_proj', 'v_proj', 'out_proj'].flatMap(
      (m): Shapes => [
        [`${p}.${m}.weight`, [d, d]],
        [`${p}.${m}.bias`, [d]],
      ],
    );
  for (const stack of ['encoder', 'decoder'] as const) {
    out.push(
      [`model.${stack}.embed_positions.weight`, [c.positions + 2, d]],
      ...ln(`model.${stack}.layernorm_embedding`),
    );
    for (let i = 0; i < layers; i++) {
      const p = `model.${stack}.layers.${i}`;
      out.push(...attn(`${p}.self_attn`), ...ln(`${p}.self_attn_layer_norm`));
      if (stack === 'decoder') out.push(...attn(`${p}.encoder_attn`), ...ln(`${p}.encoder_attn_layer_norm`));
      out.push(
        [`${p}.fc1.weight`, [ff, d]],
        [`${p}.fc1.bias`, [ff]],
        [`${p}.fc2.weight`, [d, ff]],
        [`${p}.fc2.bias`, [d]],
        ...ln(`${p}.final_layer_norm`),
      );
    }
  }
  return out;
}

/** An HF folder with random weights (norm gains near 1, others small). */
function writeFolder(config: object, shapes: Shapes): { dir: string; params: number } {
  const dir = mkdtempSync(join(tmpdir(), 'firth-s2s-bench-'));
  const seed = { s: 12345 };
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  let params = 0;
  for (const [name, shape] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    params += n;
    const norm = /norm|layer_norm/.test(name) && name.endsWith('.weight');
    const data = randomFill(n, norm ? 0.1 : name.includes('relative_attention_bias') ? 1 : 0.05, seed);
    if (norm) for (let i = 0; i < n; i++) data[i]! += 1;
    tensors.set(name, { shape, data });
  }
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(tensors));
  return { dir, params };
}

const ms = (t0: number) => performance.now() - t0;
/**
 * The best of `runs` timings of fn (ms): on a shared machine the other processes only ever add
 * time, so the fastest run is the closest to the code's own cost.
 */
function best(runs: number, fn: () => void): number {
  let t = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, ms(t0));
  }
  return t;
}

const MODELS = {
  t5: () => {
    const c = { d: 512, ff: 2048, layers: 6, vocab: 32128, buckets: 32, heads: 8 };
    return writeFolder(
      {
        architectures: ['T5ForConditionalGeneration'],
        model_type: 't5',
        vocab_size: c.vocab,
        d_model: c.d,
        d_kv: 64,
        d_ff: c.ff,
        num_layers: c.layers,
        num_heads: c.heads,
        relative_attention_num_buckets: c.buckets,
        feed_forward_proj: 'relu',
        pad_token_id: 0,
        eos_token_id: 1,
        decoder_start_token_id: 0,
      },
      t5Shapes(c),
    );
  },
  bart: () => {
    const c = { d: 768, ff: 3072, layers: 6, vocab: 50265, positions: 1024 };
    return writeFolder(
      {
        architectures: ['BartForConditionalGeneration'],
        model_type: 'bart',
        vocab_size: c.vocab,
        d_model: c.d,
        encoder_layers: c.layers,
        decoder_layers: c.layers,
        encoder_attention_heads: 12,
        decoder_attention_heads: 12,
        encoder_ffn_dim: c.ff,
        decoder_ffn_dim: c.ff,
        max_position_embeddings: c.positions,
        activation_function: 'gelu',
        bos_token_id: 0,
        pad_token_id: 1,
        eos_token_id: 2,
        decoder_start_token_id: 2,
        forced_bos_token_id: 0,
        forced_eos_token_id: 2,
      },
      bartShapes(c),
    );
  },
};

console.log(`threads: ${tensorThreads()} (FIRTH_THREADS), ${tokens} decoded tokens a run`);
for (const [name, make] of Object.entries(MODELS)) {
  if (only && only !== name) continue;
  const { dir, params } = make();
  try {
    const t0 = performance.now();
    const model = await loadSeq2Seq(dir);
    const load = ms(t0);
    const ids = Array.from({ length: 20 }, (_, i) => 5 + ((i * 7919) % 1000));
    const encode = best(5, () => model.encode(ids));
    const long = Array.from({ length: 512 }, (_, i) => 5 + ((i * 7919) % 1000));
    const encodeLong = best(2, () => model.encode(long));
    // eos banned until the last token: every step runs; forced eos off (it would end BART early)
    const fixed = { maxNewTokens: tokens, minNewTokens: tokens, forcedEosTokenId: null };
    const greedy = best(3, () => generateSeq2Seq(model, ids, fixed));
    const beam = best(3, () => generateSeq2Seq(model, ids, { ...fixed, numBeams: 4 }));
    const perToken = (greedy - encode) / tokens;
    const perBeamStep = (beam - encode) / tokens;
    console.log(
      `${name} (${(params / 1e6).toFixed(1)}M parameters): load ${(load / 1000).toFixed(2)} s, ` +
        `encode 20 tokens ${encode.toFixed(0)} ms (512: ${encodeLong.toFixed(0)} ms), greedy ${(1000 / perToken).toFixed(1)} tokens/s ` +
        `(${perToken.toFixed(1)} ms/token), 4-beam step ${perBeamStep.toFixed(0)} ms`,
    );
    const batch = [20, 8, 13, 17].map((n, b) => ids.slice(0, n).map((t) => t + b));
    const tb = best(2, () => generateSeq2SeqBatch(model, batch, fixed));
    const ts = best(2, () => {
      for (const x of batch) generateSeq2Seq(model, x, fixed);
    });
    console.log(
      `${name}: 4 inputs (8–20 ids) padded into one batch, ${tokens} greedy tokens each: ${tb.toFixed(0)} ms (one at a time: ${ts.toFixed(0)} ms)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
