/**
 * Hugging Face encoder–decoders (T5, T5 v1.1-style gated, BART, Marian) against the PyTorch modules
 * of fixtures/generate_hf_seq2seq.py: encoder states and decoder logits to 1e-4, and HF's greedy and
 * beam search giving the same token ids (and beam scores to 1e-4).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import {
  BartForConditionalGeneration,
  loadSeq2Seq,
  marianSinusoidalPositions,
  relativePositionBucket,
  seq2seqForward,
  T5ForConditionalGeneration,
} from './hf-seq2seq.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import {
  bannedNgramTokens,
  generateSeq2Seq,
  generateSeq2SeqBatch,
  generateSeq2SeqText,
  generateSeq2SeqTexts,
  type Seq2SeqGenerateOptions,
  seq2seqTaskOptions,
} from './seq2seq-generate.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

interface Reference {
  input_ids: number[][];
  decoder_input_ids: number[][];
  encoder_last_hidden_state: number[][][];
  logits: number[][][];
  generations: {
    input_ids: number[];
    options: Record<string, unknown>;
    sequences: number[][];
    sequences_scores?: number[];
  }[];
}
const reference = (name: string): Reference =>
  JSON.parse(readFileSync(join(fixtures, name, 'reference.json'), 'utf8'));

const maxDiff = (a: number[][], b: number[][]) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (const [i, row] of a.entries()) {
    expect(row.length).toBe(b[i]!.length);
    for (const [j, v] of row.entries()) m = Math.max(m, Math.abs(v - b[i]![j]!));
  }
  return m;
};

/** HF generate()'s keyword names → Firth's options. */
const toOptions = (o: Record<string, unknown>): Seq2SeqGenerateOptions => {
  const names: Record<string, keyof Seq2SeqGenerateOptions> = {
    max_new_tokens: 'maxNewTokens',
    num_beams: 'numBeams',
    length_penalty: 'lengthPenalty',
    early_stopping: 'earlyStopping',
    no_repeat_ngram_size: 'noRepeatNgramSize',
    num_return_sequences: 'numReturnSequences',
    min_length: 'minLength',
  };
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => {
      if (!names[k]) throw new Error(`unmapped option ${k}`);
      return [names[k], v];
    }),
  );
};

const MODELS = [
  ['hf-tiny-t5', T5ForConditionalGeneration, 't5'],
  ['hf-tiny-t5-gated', T5ForConditionalGeneration, 't5'],
  ['hf-tiny-bart', BartForConditionalGeneration, 'bart'],
  ['hf-tiny-marian', BartForConditionalGeneration, 'marian'],
] as const;

describe.each(MODELS)('%s equals its PyTorch reference', (name, cls, architecture) => {
  it('encoder states and decoder logits (cached decoding, one position a step) to 1e-4', async () => {
    const model = await loadSeq2Seq(join(fixtures, name));
    expect(model).toBeInstanceOf(cls);
    expect(model.architecture).toBe(architecture);
    const ref = reference(name);
    for (const [n, ids] of ref.input_ids.entries()) {
      const out = seq2seqForward(model, ids, ref.decoder_input_ids[n]!);
      expect(
        maxDiff(out.encoderLastHiddenState, ref.encoder_last_hidden_state[n]!),
        `encoder ${n}`,
      ).toBeLessThan(1e-4);
      expect(maxDiff(out.logits, ref.logits[n]!), `logits ${n}`).toBeLessThan(1e-4);
    }
  });

  it('greedy and beam search: the same ids as HF’s algorithms in PyTorch, beam scores to 1e-4', async () => {
    const model = await loadSeq2Seq(join(fixtures, name));
    const ref = reference(name);
    expect(ref.generations.length).toBe(14);
    for (const g of ref.generations) {
      const got = generateSeq2Seq(model, g.input_ids, toOptions(g.options));
      const label = `${JSON.stringify(g.input_ids)} ${JSON.stringify(g.options)}`;
      expect(got.sequences, label).toEqual(g.sequences);
      if (g.sequences_scores) {
        expect(got.sequencesScores!.length).toBe(g.sequences_scores.length);
        for (const [i, s] of g.sequences_scores.entries())
          expect(Math.abs(got.sequencesScores![i]! - s), label).toBeLessThan(1e-4);
      } else expect(got.sequencesScores).toBeUndefined();
    }
  });
});

describe.each(MODELS)('%s: a padded batch gives each sequence’s own results', (name) => {
  it('encoder states and decoder logits of both inputs padded together equal PyTorch’s unpadded ones to 1e-4', async () => {
    const model = await loadSeq2Seq(join(fixtures, name));
    const ref = reference(name);
    const [long, short] = ref.input_ids as [number[], number[]];
    expect(short.length).toBeLessThan(long.length);
    // ragged rows: padded here on the right with the pad token; and rows padded with another token
    // (3) under an explicit mask — the mask, not the token, must hide the padding
    const T = long.length;
    const padded = [long, [...short, ...new Array<number>(T - short.length).fill(3)]];
    const mask = padded.map((row, b) => row.map((_, t) => (t < ref.input_ids[b]!.length ? 1 : 0)));
    for (const states of [model.encodeBatch([long, short]), model.encodeBatch(padded, mask)]) {
      expect(states.map((s) => s.length)).toEqual([T, T]);
      for (const [b, ids] of ref.input_ids.entries())
        expect(
          maxDiff(states[b]!.slice(0, ids.length), ref.encoder_last_hidden_state[b]!),
          `encoder ${b}`,
        ).toBeLessThan(1e-4);
      // the decoder rows of both sequences stepped together, each over its own token positions
      const batch = model.startDecoderBatch(states, mask);
      const [u0, u1] = ref.decoder_input_ids as [number[], number[]];
      const logits: number[][][] = [[], []];
      for (let i = 0; i < u0.length; i++) {
        const rows = i < u1.length ? [0, 1] : [0];
        const out = batch.step(
          rows.map((b) => ref.decoder_input_ids[b]![i]!),
          i === 0 ? undefined : rows,
        );
        for (const [r, b] of rows.entries()) logits[b]!.push(out[r]!);
      }
      expect(maxDiff(logits[0]!, ref.logits[0]!)).toBeLessThan(1e-4);
      expect(maxDiff(logits[1]!, ref.logits[1]!)).toBeLessThan(1e-4);
    }
    // without the mask the padding is read as tokens: the short sequence's states change
    const unmasked = model.encodeBatch(
      padded,
      padded.map((row) => row.map(() => 1)),
    );
    expect(maxDiff(unmasked[1]!.slice(0, short.length), ref.encoder_last_hidden_state[1]!)).toBeGreaterThan(
      1e-3,
    );
  });

  it('generateSeq2SeqBatch: both inputs at once give PyTorch’s ids for each, greedy and beam search', async () => {
    const model = await loadSeq2Seq(join(fixtures, name));
    const ref = reference(name);
    const options = [...new Set(ref.generations.map((g) => JSON.stringify(g.options)))];
    for (const o of options) {
      const gens = ref.input_ids.map(
        (ids) =>
          ref.generations.find((g) => JSON.stringify(g.options) === o && g.input_ids.join() === ids.join())!,
      );
      const got = generateSeq2SeqBatch(model, ref.input_ids, toOptions(JSON.parse(o)));
      for (const [b, g] of gens.entries()) {
        expect(got[b]!.sequences, `${b} ${o}`).toEqual(g.sequences);
        if (g.sequences_scores)
          for (const [i, s] of g.sequences_scores.entries())
            expect(Math.abs(got[b]!.sequencesScores![i]! - s)).toBeLessThan(1e-4);
      }
    }
  });
});

describe('encoder–decoder pieces', () => {
  it('generation defaults come from config.json (BART forces bos and eos, Marian bans its pad token)', async () => {
    const bart = await loadSeq2Seq(join(fixtures, 'hf-tiny-bart'));
    expect(bart.generationConfig).toMatchObject({
      decoderStartTokenId: 2,
      eosTokenId: [2],
      forcedBosTokenId: 0,
      forcedEosTokenId: 2,
    });
    const marian = await loadSeq2Seq(join(fixtures, 'hf-tiny-marian'));
    expect(marian.generationConfig).toMatchObject({ decoderStartTokenId: 25, badWordsIds: [[25]] });
    // forced BOS: the first generated token is 0 whatever the model prefers; turned off, it is not forced
    const ids = [0, 5, 9, 3, 2];
    expect(generateSeq2Seq(bart, ids, { maxNewTokens: 3 }).sequences[0]!.slice(0, 2)).toEqual([2, 0]);
    const free = generateSeq2Seq(bart, ids, {
      maxNewTokens: 3,
      forcedBosTokenId: null,
      forcedEosTokenId: null,
    });
    const firstLogits = bart.startDecoder(bart.encode(ids)).step(2);
    expect(free.sequences[0]![1]).toBe(firstLogits.indexOf(Math.max(...firstLogits)));
    // max_new_tokens counts after the decoder start; forced eos takes the last slot
    expect(generateSeq2Seq(bart, ids, { maxNewTokens: 3 }).sequences[0]!.length).toBeLessThanOrEqual(4);
    expect(generateSeq2Seq(bart, ids, { maxNewTokens: 3 }).sequences[0]!.at(-1)).toBe(2);
  });

  it('generation_config.json overrides config.json, as HF reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-s2s-'));
    cpSync(join(fixtures, 'hf-tiny-bart'), dir, { recursive: true });
    writeFileSync(
      join(dir, 'generation_config.json'),
      JSON.stringify({ num_beams: 3, forced_bos_token_id: null, max_length: 6, no_repeat_ngram_size: 2 }),
    );
    const model = await loadSeq2Seq(dir);
    expect(model.generationConfig).toMatchObject({ numBeams: 3, maxLength: 6, noRepeatNgramSize: 2 });
    expect(model.generationConfig.forcedBosTokenId).toBe(0); // null in the file: config.json's applies
    const out = generateSeq2Seq(model, [0, 7, 14, 2]);
    expect(out.sequencesScores).toHaveLength(1);
    expect(out.sequences[0]!.length).toBeLessThanOrEqual(6);
  });

  it('text in, text out: a task’s prefix and settings from task_specific_params, special tokens not decoded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-s2s-'));
    cpSync(join(fixtures, 'hf-tiny-t5'), dir, { recursive: true });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    config.task_specific_params = {
      summarization: {
        prefix: 'summarize: ',
        num_beams: 4,
        length_penalty: 0.5,
        max_length: 8,
        min_length: 4,
      },
      translation_en_to_fr: { prefix: 'translate English to French: ', num_beams: 2, max_length: 6 },
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const model = await loadSeq2Seq(dir);
    expect(seq2seqTaskOptions(model, 'translation')).toEqual({
      task: 'translation_en_to_fr',
      prefix: 'translate English to French: ',
      options: { numBeams: 2, maxLength: 6 },
    });
    expect(seq2seqTaskOptions(model, 'text2text-generation')).toBeNull();
    // a toy tokenizer: one id per letter (a = 2 …), eos (19) appended as a T5 tokenizer does
    const seen: string[] = [];
    const tok = {
      encode: (t: string) => {
        seen.push(t);
        return [...t.replace(/[^a-z]/g, '')].map((ch) => 2 + ((ch.charCodeAt(0) - 97) % 17)).concat(19);
      },
      decode: (ids: readonly number[]) => ids.map((i) => `<${i}>`).join(''),
    };
    const out = generateSeq2SeqText(model, tok, 'the cat sat', {
      task: 'summarization',
      numReturnSequences: 2,
    });
    expect(seen).toEqual(['summarize: the cat sat']);
    const direct = generateSeq2Seq(model, tok.encode('summarize: the cat sat'), {
      numBeams: 4,
      lengthPenalty: 0.5,
      maxLength: 8,
      minLength: 4,
      numReturnSequences: 2,
    });
    expect(out.map((o) => o.ids)).toEqual(direct.sequences);
    expect(out.map((o) => o.score)).toEqual(direct.sequencesScores);
    // the decoder start (0 = pad) and eos (19) are special: not decoded
    for (const o of out)
      expect(o.text).toBe(
        o.ids
          .filter((i) => i !== 0 && i !== 19)
          .map((i) => `<${i}>`)
          .join(''),
      );
    // the caller's options win over the task's; maxNewTokens over its max_length
    const greedy = generateSeq2SeqText(model, tok, 'the cat sat', {
      task: 'summarization',
      numBeams: 1,
      maxNewTokens: 2,
    });
    expect(greedy).toHaveLength(1);
    expect(greedy[0]!.ids).toHaveLength(3);
    expect(greedy[0]!.score).toBeUndefined();
    // several texts padded into one batch: each one's results as alone
    const texts = ['the cat sat', 'a dog', 'birds fly south in winter'];
    for (const o of [
      { task: 'summarization', numReturnSequences: 2 },
      { task: 'translation', numBeams: 1 },
    ]) {
      const batch = generateSeq2SeqTexts(model, tok, texts, o);
      const alone = texts.map((t) => generateSeq2SeqText(model, tok, t, o));
      // the same ids and texts; scores to float32 rounding (the padded rows' softmax skips the padding)
      expect(batch.map((r) => r.map(({ text, ids }) => ({ text, ids })))).toEqual(
        alone.map((r) => r.map(({ text, ids }) => ({ text, ids }))),
      );
      for (const [i, r] of batch.entries())
        for (const [j, x] of r.entries())
          expect(Math.abs((x.score ?? 0) - (alone[i]![j]!.score ?? 0))).toBeLessThan(1e-5);
    }
    expect(() => generateSeq2SeqTexts(model, tok, [])).toThrow(/texts must be a non-empty array of strings/);
  });

  it('T5 relative position buckets: exact near, logarithmic far, capped; past-only in the decoder', () => {
    // 32 buckets, max distance 128 (T5's defaults): bidirectional halves, 8 exact per side
    expect(
      [0, -1, -7, -8, -12, -16, -127, -500].map((r) => relativePositionBucket(r, true, 32, 128)),
    ).toEqual([0, 1, 7, 8, 9, 10, 15, 15]);
    expect([1, 7, 8, 16, 128].map((r) => relativePositionBucket(r, true, 32, 128))).toEqual([
      17, 23, 24, 26, 31,
    ]);
    // the decoder sees only the past: a later key is bucket 0
    expect([3, 0, -3, -16, -20].map((r) => relativePositionBucket(r, false, 32, 128))).toEqual([
      0, 0, 3, 16, 17,
    ]);
  });

  it('Marian sinusoids: sin of the even angles in the first half, cos of the odd in the second', () => {
    const p = marianSinusoidalPositions(3, 4);
    expect(p[0]).toEqual([0, 0, 1, 1]);
    expect(p[2]![0]).toBeCloseTo(Math.sin(2), 6);
    expect(p[2]![1]).toBeCloseTo(Math.sin(2 / 100), 6);
    expect(p[2]![3]).toBeCloseTo(Math.cos(2 / 100), 6);
  });

  it('no_repeat_ngram_size bans the token that would repeat an n-gram', () => {
    expect(bannedNgramTokens([5, 6, 7, 5, 6], 3)).toEqual([7]);
    expect(bannedNgramTokens([5, 6, 5], 2)).toEqual([6]);
    expect(bannedNgramTokens([5], 3)).toEqual([]);
  });

  it('a beam run that forks keeps its own cache (the cached logits equal a fresh run)', async () => {
    const model = await loadSeq2Seq(join(fixtures, 'hf-tiny-t5'));
    const enc = model.encode([5, 9, 3, 1]);
    const a = model.startDecoder(enc);
    a.step(0);
    a.step(7);
    const b = a.fork();
    const la = a.step(3);
    const lb = b.step(11);
    expect(a.length).toBe(3);
    expect(b.length).toBe(3);
    const fresh = seq2seqForward(model, [5, 9, 3, 1], [0, 7, 11]).logits[2]!;
    expect(maxDiff([lb], [fresh])).toBeLessThan(1e-12);
    expect(maxDiff([la], [lb])).toBeGreaterThan(1e-3);
  });
});

describe('decoder rows stepped together', () => {
  it('a row that continues keeps its cache, a second continuation copies it, a dropped row is gone', async () => {
    const model = await loadSeq2Seq(join(fixtures, 'hf-tiny-bart'));
    const ids = [0, 5, 9, 3, 2];
    const fresh = (dec: number[]) => seq2seqForward(model, ids, dec).logits.at(-1)!;
    const batch = model.startDecoderBatch([model.encode(ids)]);
    batch.step([2]);
    // one row becomes three: the first takes the cache, the two others are copies
    let out = batch.step([0, 7, 11], [0, 0, 0]);
    expect(batch.rows).toBe(3);
    expect(maxDiff([out[0]!], [fresh([2, 0])])).toBeLessThan(1e-6);
    expect(maxDiff([out[1]!], [fresh([2, 7])])).toBeLessThan(1e-6);
    expect(maxDiff([out[2]!], [fresh([2, 11])])).toBeLessThan(1e-6);
    // rows swapped, one dropped: each still reads its own history
    out = batch.step([4, 6], [2, 0]);
    expect(batch.rows).toBe(2);
    expect(maxDiff([out[0]!], [fresh([2, 11, 4])])).toBeLessThan(1e-6);
    expect(maxDiff([out[1]!], [fresh([2, 0, 6])])).toBeLessThan(1e-6);
    // the same rows again (no from): they go on
    out = batch.step([8, 8]);
    expect(maxDiff([out[1]!], [fresh([2, 0, 6, 8])])).toBeLessThan(1e-6);
    expect(() => batch.step([1, 1], [0, 2])).toThrow(/from must name rows of the last step, 0\.\.1/);
    expect(() => batch.step([1])).toThrow(/one token a row \(2\)/);
  });
});

describe('encoder–decoder checkpoints — bad input', () => {
  const copy = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-s2s-'));
    cpSync(join(fixtures, name), dir, { recursive: true });
    return dir;
  };
  const editConfig = (dir: string, edit: (c: Record<string, unknown>) => void) => {
    const c = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    edit(c);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(c));
  };
  const dropTensor = (dir: string, name: string) => {
    const tensors = readSafetensors(readFileSync(join(dir, 'model.safetensors')));
    expect(tensors.delete(name)).toBe(true);
    writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(tensors as never));
  };

  it('a missing tensor is a FormatError naming model.safetensors and the tensor', async () => {
    for (const [name, tensor] of [
      ['hf-tiny-t5', 'decoder.block.1.layer.1.EncDecAttention.k.weight'],
      ['hf-tiny-t5-gated', 'lm_head.weight'],
      ['hf-tiny-bart', 'model.decoder.layernorm_embedding.bias'],
      ['hf-tiny-marian', 'model.encoder.layers.1.fc2.weight'],
    ] as const) {
      const dir = copy(name);
      dropTensor(dir, tensor);
      const err = await loadSeq2Seq(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FormatError);
      expect((err as Error).message).toContain(join(dir, 'model.safetensors'));
      expect((err as Error).message).toContain(`"${tensor}"`);
    }
  });

  it('a bad config field is a FormatError naming config.json and the field', async () => {
    const cases: [string, (c: Record<string, unknown>) => void, RegExp][] = [
      ['hf-tiny-t5', (c) => (c.d_model = -4), /config\.json: \$\.d_model must be an integer ≥ 1/],
      [
        'hf-tiny-t5',
        (c) => (c.feed_forward_proj = 'gated-mish'),
        /config\.json: \$\.feed_forward_proj names an activation/,
      ],
      [
        'hf-tiny-t5',
        (c) => (c.feed_forward_proj = 'relu-gated'),
        /config\.json: \$\.feed_forward_proj must be ACT or gated-ACT/,
      ],
      [
        'hf-tiny-t5',
        (c) => (c.eos_token_id = 99),
        /config\.json: \$\.eos_token_id must be a token id below vocab_size 24/,
      ],
      [
        'hf-tiny-t5',
        (c) => (c.relative_attention_num_buckets = 2),
        /config\.json: \$\.relative_attention_num_buckets must be ≥ 4, got 2/,
      ],
      [
        'hf-tiny-t5',
        (c) => (c.relative_attention_max_distance = 3),
        /config\.json: \$\.relative_attention_max_distance must be ≥ relative_attention_num_buckets \/ 2 = 4, got 3/,
      ],
      ['hf-tiny-bart', (c) => delete c.encoder_ffn_dim, /config\.json: \$\.encoder_ffn_dim is missing/],
      [
        'hf-tiny-bart',
        (c) => (c.normalize_before = true),
        /config\.json: \$\.normalize_before must be one of false/,
      ],
      [
        'hf-tiny-bart',
        (c) => (c.decoder_attention_heads = 3),
        /config\.json: \$\.decoder_attention_heads must divide d_model 16/,
      ],
      [
        'hf-tiny-marian',
        (c) => (c.activation_function = 'mish'),
        /config\.json: \$\.activation_function names an activation/,
      ],
      [
        'hf-tiny-marian',
        (c) => (c.model_type = 'pegasus'),
        /config\.json: \$\.model_type must name an encoder–decoder/,
      ],
    ];
    for (const [name, edit, message] of cases) {
      const dir = copy(name);
      editConfig(dir, edit);
      const err = await loadSeq2Seq(dir).catch((e: unknown) => e);
      expect(err, String(message)).toBeInstanceOf(FormatError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain(join(dir, 'config.json'));
    }
    // a config whose sizes disagree with the weights: the tensor named, with both shapes
    const dir = copy('hf-tiny-bart');
    editConfig(dir, (c) => (c.decoder_ffn_dim = 21));
    await expect(loadSeq2Seq(dir)).rejects.toThrow(
      /"model\.decoder\.layers\.0\.fc1\.weight" has shape \[20,16\], but config\.json implies \[21,16\]/,
    );
  });

  it('bad ids and options are ValidationErrors naming them', async () => {
    const model = await loadSeq2Seq(join(fixtures, 'hf-tiny-t5'));
    expect(() => model.encode([])).toThrow(ValidationError);
    expect(() => model.encode([3, 24])).toThrow(/input_ids\[1\] = 24 is outside the vocabulary \[0, 24\)/);
    expect(() => model.encodeBatch([])).toThrow(ValidationError);
    expect(() => model.encodeBatch([[3, 1], [4]], [[1, 1], [1]])).toThrow(
      /every row of input_ids and attention_mask must have 2 values/,
    );
    expect(() =>
      model.encodeBatch(
        [
          [3, 1],
          [4, 0],
        ],
        [
          [1, 1],
          [0, 0],
        ],
      ),
    ).toThrow(/attention_mask\[1\] hides every token/);
    expect(() =>
      model.encodeBatch(
        [
          [3, 1],
          [4, 0],
        ],
        [
          [1, 1],
          [1, 2],
        ],
      ),
    ).toThrow(/attention_mask\[1\] must hold 0s and 1s/);
    expect(() => model.startDecoder(model.encode([3, 1]), [1])).toThrow(/one value per row \(2\)/);
    expect(() => generateSeq2Seq(model, [3, 1], { numBeams: 2, numReturnSequences: 3 })).toThrow(
      /numReturnSequences \(3\) must be ≤ numBeams \(2\)/,
    );
    expect(() => generateSeq2Seq(model, [3, 1], { maxNewTokens: 0 })).toThrow(
      /maxNewTokens must be an integer ≥ 1/,
    );
    expect(() => generateSeq2Seq(model, [3, 1], { forcedBosTokenId: 40 })).toThrow(
      /forcedBosTokenId must be a token id/,
    );
  });
});
