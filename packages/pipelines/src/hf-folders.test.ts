/**
 * pipeline(task, folder) on users' Hugging Face folders: the tiny BERT / DistilBERT / RoBERTa /
 * Llama / GPT-2 checkpoints of @firth/transformers' fixtures (PyTorch's outputs in reference.json)
 * with tokenizers of their vocabulary; each pipeline's numbers checked against PyTorch's.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, ValidationError } from '@firth/numeric';
import { generate, loadAutoTokenizer, loadGpt2, loadHfModel, loadLlama } from '@firth/transformers';
import { describe, expect, it } from 'vitest';
import type { Conversation } from './conversational.js';
import {
  byteLevelTokenizer,
  fixture,
  hfFolder,
  reference,
  seq2seqFolder,
  wordLevelTokenizer,
} from './hf-folders.test-support.js';
import { type ClassificationLabel, type FillMaskResult, pipeline } from './pipeline.js';
import type { QaAnswer } from './question-answering.js';
import type { EntityGroup, TokenEntity } from './token-classification.js';

const softmax = (xs: number[]) => {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
};

interface EncoderReference {
  input_ids: number[][];
  last_hidden_state: number[][][];
  logits?: number[][] | number[][][];
}

const BERT_SPECIALS = { 0: '[PAD]', 1: '[UNK]', 2: '[CLS]', 3: '[SEP]' };
const ROBERTA_SPECIALS = { 0: '<s>', 1: '<pad>', 2: '</s>' };
const specialsOf = (name: string) => (name.includes('roberta') ? ROBERTA_SPECIALS : BERT_SPECIALS);

/**
 * The fixture with a WordLevel tokenizer of its 40 ids and no post-processor, so that the text
 * `decode(reference.input_ids[0])` encodes to exactly the ids PyTorch ran on.
 */
function encoderFolder(
  name: string,
  extra: Record<number, string> = {},
  config: Record<string, unknown> = {},
) {
  const specials = { ...specialsOf(name), ...extra };
  const unk: [number, string] = name.includes('roberta') ? [3, '<unk>'] : [1, '[UNK]'];
  const files: Record<string, string | Record<string, unknown>> = {
    'tokenizer.json': wordLevelTokenizer(40, specials, unk),
  };
  const mask = Object.values(extra).find((t) => /mask/i.test(t));
  if (mask) files['tokenizer_config.json'] = { mask_token: mask };
  const folder = hfFolder(name, files, config);
  const ref = reference<EncoderReference>(name);
  return { folder, ref, ids: ref.input_ids[0]! };
}

/**
 * PyTorch's outputs for the fixture's first row — except BERT's, whose reference ran with token
 * types [0 0 0 0 1 1 0 0] that no text encodes to: for BERT the same checkpoint's forward pass on
 * the text's ids (HfEncoder, checked against PyTorch in @firth/transformers' hf-models2.test.ts).
 */
async function expected(name: string, folder: string, ids: number[]) {
  const ref = reference<EncoderReference>(name);
  if (!name.startsWith('hf-tiny2-bert-'))
    return {
      hidden: ref.last_hidden_state[0]!,
      logits: ref.logits?.[0] as number[] | number[][] | undefined,
    };
  const m = await loadHfModel(folder);
  if (m.kind !== 'encoder') throw new Error('not an encoder');
  const out = m.model.forward({ inputIds: [ids] });
  return { hidden: out.lastHiddenState[0]!, logits: out.logits?.[0] };
}

const textOf = async (folder: string, ids: number[]) => {
  const tok = await loadAutoTokenizer(folder);
  const text = tok.decode(ids);
  expect(tok.encode(text)).toEqual(ids);
  return text;
};

describe("text-classification on a user's BERT, DistilBERT or RoBERTa …ForSequenceClassification", () => {
  for (const arch of ['bert', 'distilbert', 'roberta'])
    it(`${arch}: the softmax of PyTorch's logits, labels from id2label, HF's shapes`, async () => {
      const name = `hf-tiny2-${arch}-seqcls`;
      const { folder, ids } = encoderFolder(name, {}, { id2label: { 0: 'sad', 1: 'calm', 2: 'happy' } });
      const text = await textOf(folder, ids);
      const classify = await pipeline('sentiment-analysis', folder);
      expect(classify.task).toBe('text-classification');
      expect(classify.model).toMatchObject({ id: folder, isDefault: false });
      const want = softmax((await expected(name, folder, ids)).logits as number[]);
      const all = (await classify(text, { top_k: null })) as ClassificationLabel[];
      expect(all.map((l) => l.label).sort()).toEqual(['calm', 'happy', 'sad']);
      for (const { label, score } of all)
        expect(score).toBeCloseTo(want[['sad', 'calm', 'happy'].indexOf(label)]!, 4);
      expect(all[0]!.score).toBeGreaterThanOrEqual(all[1]!.score);
      // one text → [best]; a batch with top_k 1 → one label each
      expect(await classify(text)).toEqual([all[0]]);
      expect(await classify([text, text])).toEqual([all[0], all[0]]);
      expect(await classify([text], { top_k: 2 })).toEqual([all.slice(0, 2)]);
    });

  it('one label or multi_label_classification: a sigmoid per label (HF’s function_to_apply)', async () => {
    const { folder, ids } = encoderFolder(
      'hf-tiny2-roberta-seqcls',
      {},
      {
        problem_type: 'multi_label_classification',
      },
    );
    const text = await textOf(folder, ids);
    const classify = await pipeline('text-classification', folder);
    const all = (await classify(text, { top_k: null })) as ClassificationLabel[];
    const logits = (await expected('hf-tiny2-roberta-seqcls', folder, ids)).logits as number[];
    for (const { label, score } of all)
      expect(score).toBeCloseTo(1 / (1 + Math.exp(-logits[Number(label.slice(6))]!)), 4);
  });

  it("the shipped SST-2 BERT read as a user's folder (vocab.txt) says positive to a positive sentence", async () => {
    const { dataPath } = await import('@firth/datasets');
    const classify = await pipeline('sentiment-analysis', dataPath('models/bert-tiny-sst2'));
    const [best] = await classify('a wonderful , moving and beautifully made film');
    expect(best!.label).toBe('positive');
    expect(classify.model.parameters).toBeGreaterThan(500_000);
  });
});

describe("fill-mask on a user's …ForMaskedLM", () => {
  for (const [arch, maskAt] of [
    ['bert', 3],
    ['distilbert', 3],
    ['roberta', 3],
  ] as const)
    it(`${arch}: top_k tokens by the softmax of PyTorch's logits at each mask`, async () => {
      const name = `hf-tiny2-${arch}-mlm`;
      const ref = reference<EncoderReference>(name);
      const maskId = ref.input_ids[0]![maskAt]!;
      const mask = arch === 'roberta' ? '<mask>' : '[MASK]';
      const { folder, ids } = encoderFolder(name, { [maskId]: mask });
      const text = await textOf(folder, ids);
      const unmask = await pipeline('fill-mask', folder);
      const positions = ids.flatMap((id, t) => (id === maskId ? [t] : []));
      const logits = (await expected(name, folder, ids)).logits as number[][];
      const out = (await unmask(text, { top_k: 3 })) as FillMaskResult[] | FillMaskResult[][];
      const perMask = (positions.length === 1 ? [out] : out) as FillMaskResult[][];
      expect(perMask).toHaveLength(positions.length);
      const tok = await loadAutoTokenizer(folder);
      positions.forEach((t, m) => {
        const p = softmax(logits[t]!);
        const best = p
          .map((score, token) => ({ score, token }))
          .sort((a, b) => b.score - a.score)
          .slice(0, 3);
        expect(perMask[m]!.map((r) => r.token)).toEqual(best.map((b) => b.token));
        perMask[m]!.forEach((r, k) => {
          expect(r.score).toBeCloseTo(best[k]!.score, 5);
          expect(r.token_str).toBe(tok.decode([r.token]));
          const filled = ids.slice();
          filled[t] = r.token;
          expect(r.sequence).toBe(tok.decode(filled, { skipSpecialTokens: true }));
        });
      });
      await expect(unmask('no mask here')).rejects.toThrow(ValidationError);
    });
});

describe("feature-extraction on any user's encoder folder (its head not read)", () => {
  for (const name of ['hf-tiny2-distilbert-base', 'hf-tiny2-roberta-base', 'hf-tiny2-bert-seqcls'])
    it(`${name}: PyTorch's last hidden states, and their mean`, async () => {
      const { folder, ids } = encoderFolder(name);
      const text = await textOf(folder, ids);
      const extract = await pipeline('feature-extraction', folder);
      const [h] = (await extract(text)) as number[][][];
      const { hidden } = await expected(name, folder, ids);
      expect(h).toHaveLength(hidden.length);
      for (const [t, row] of h!.entries())
        for (const [j, x] of row.entries()) expect(x).toBeCloseTo(hidden[t]![j]!, 4);
      const [mean] = (await extract([text], { pooling: 'mean' })) as number[][];
      for (const [j, x] of mean!.entries())
        expect(x).toBeCloseTo(hidden.reduce((s, r) => s + r[j]!, 0) / hidden.length, 4);
    });
});

interface LlamaReference {
  prompt: number[];
  greedy_ids: number[];
}

const llamaFolder = (files: Record<string, string | Record<string, unknown>> = {}) =>
  hfFolder('hf-tiny2-llama-gqa', {
    'tokenizer.json': byteLevelTokenizer(40, { 0: '<unk>', 1: '<s>', 2: '</s>' }, { before: ['<s>'] }),
    ...files,
  });

describe("text-generation on a user's Llama or GPT-2 folder", () => {
  it("Llama: greedy continues the prompt with PyTorch's greedy ids", async () => {
    const folder = llamaFolder();
    const { prompt, greedy_ids: greedy } = reference<LlamaReference>('hf-tiny2-llama-gqa');
    const tok = await loadAutoTokenizer(folder);
    const text = tok.decode(prompt, { skipSpecialTokens: true });
    expect(tok.encode(text)).toEqual(prompt);
    const gen = await pipeline('text-generation', folder);
    expect(gen.model).toMatchObject({ id: folder, isDefault: false });
    const [out] = await gen(text, { max_new_tokens: greedy.length });
    expect(out!.generated_text).toBe(text + tok.decode(greedy));
    expect(await gen(text, { max_new_tokens: greedy.length, return_full_text: false })).toEqual([
      { generated_text: tok.decode(greedy) },
    ]);
  });

  it('GPT-2: as @firth/transformers’ generate on the same model and tokenizer, sampling seeded', async () => {
    const folder = hfFolder('hf-tiny-gpt2', {
      'tokenizer.json': byteLevelTokenizer(50, { 0: '<|endoftext|>' }),
    });
    const gen = await pipeline('text-generation', folder);
    const tok = await loadAutoTokenizer(folder);
    const lm = await loadGpt2(folder);
    const options = { max_new_tokens: 6, do_sample: true, temperature: 0.9, seed: 3 };
    const direct = await generate(
      lm,
      { encode: (t) => tok.encode(t), decode: (ids) => tok.decode(ids, { skipSpecialTokens: true }) },
      'the cat',
      {
        maxNewTokens: 6,
        temperature: 0.9,
        topK: 50,
        topP: 1,
        repetitionPenalty: 1,
        seed: 3,
        stopTokens: [0],
      },
    );
    expect(await gen(['the cat'], options)).toEqual([[{ generated_text: `the cat${direct.text}` }]]);
    expect(gen.model.parameters).toBe(lm.parameterCount);
  });
});

describe("conversational on a user's chat model (a folder with a chat template)", () => {
  // short: the tiny Llama's context is 32 tokens
  const TEMPLATE =
    "{{ bos_token }}{% for m in messages %}{{ m['role'][0] }} {{ m['content'] }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}a{% endif %}";

  it('renders the conversation with the template, generates until </s>, appends the reply', async () => {
    const folder = llamaFolder({
      'tokenizer_config.json': { bos_token: '<s>', eos_token: '</s>', chat_template: TEMPLATE },
    });
    const chat = await pipeline('conversational', folder);
    const c = (await chat([{ role: 'user', content: 'hi' }], { max_new_tokens: 4 })) as Conversation;
    expect(c.messages).toHaveLength(2);
    expect(c.messages[1]!.role).toBe('assistant');
    // the same by hand: the rendered prompt's ids (no special tokens added: the template wrote <s>)
    const tok = await loadAutoTokenizer(folder);
    const rendered = tok.applyChatTemplate([{ role: 'user', content: 'hi' }], {
      add_generation_prompt: true,
    });
    expect(rendered).toBe('<s>u hi</s>a');
    const lm = await loadLlama(folder);
    const direct = await generate(
      lm,
      {
        encode: (t) => tok.encode(t, { addSpecialTokens: false }),
        decode: (ids) => tok.decode(ids, { skipSpecialTokens: true }),
      },
      rendered,
      { maxNewTokens: 4, temperature: 0, stopTokens: [2] },
    );
    expect(c.messages[1]!.content).toBe(direct.text.trim());
    // a later turn sees the whole conversation
    c.addMessage({ role: 'user', content: 'ok' });
    const c2 = (await chat(c, { max_new_tokens: 2 })) as Conversation;
    expect(c2.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('a folder without a chat template is refused, naming the files', async () => {
    await expect(pipeline('conversational', llamaFolder())).rejects.toThrow(
      /has no chat template \(tokenizer_config\.json's chat_template, or chat_template\.jinja\)/,
    );
  });
});

describe('bad folders', () => {
  it('are refused with the file or the class named', async () => {
    // no tokenizer
    await expect(pipeline('text-classification', fixture('hf-tiny2-distilbert-seqcls'))).rejects.toThrow(
      /no tokenizer files/,
    );
    // a class that does not compute the task
    const tokcls = encoderFolder('hf-tiny2-bert-tokcls').folder;
    const e = await pipeline('text-classification', tokcls).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect(String(e)).toMatch(/BertForTokenClassification.*needs a BertForSequenceClassification/);
    await expect(pipeline('text-generation', tokcls)).rejects.toThrow(/needs a causal language model/);
    await expect(pipeline('fill-mask', llamaFolder())).rejects.toThrow(/LlamaForCausalLM/);
    // a broken config.json
    const broken = mkdtempSync(join(tmpdir(), 'firth-bad-'));
    writeFileSync(join(broken, 'config.json'), '{"model_type": "bert",');
    const f = await pipeline('feature-extraction', broken).catch((x: unknown) => x);
    expect(f).toBeInstanceOf(FormatError);
    expect(String(f)).toMatch(/config\.json/);
    // a broken tokenizer.json, a truncated model.safetensors: FormatErrors naming the file
    const badTok = hfFolder('hf-tiny2-roberta-seqcls', {
      'tokenizer.json': '{"model": {"type": "BPE", "vocab": 3}}',
    });
    const t = await pipeline('text-classification', badTok).catch((x: unknown) => x);
    expect(t).toBeInstanceOf(FormatError);
    expect(String(t)).toMatch(/tokenizer\.json/);
    const badWeights = seq2seqFolder('hf-tiny-bart');
    writeFileSync(
      join(badWeights, 'model.safetensors'),
      readFileSync(join(badWeights, 'model.safetensors')).subarray(0, 200),
    );
    const w = await pipeline('summarization', badWeights).catch((x: unknown) => x);
    expect(w).toBeInstanceOf(FormatError);
    expect(String(w)).toMatch(/model\.safetensors/);
    // an architecture Firth does not read
    writeFileSync(join(broken, 'config.json'), '{"model_type": "xlnet"}');
    await expect(pipeline('feature-extraction', broken)).rejects.toThrow(/config\.json.*model_type.*xlnet/);
  });
});

describe("zero-shot-classification on a user's NLI folder (HF's algorithm)", () => {
  /** The tiny RoBERTa classifier as an NLI model: its 3 labels named as MNLI's, a RoBERTa byte-level tokenizer. */
  const nliFolder = (id2label: Record<number, string>) =>
    hfFolder(
      'hf-tiny2-roberta-seqcls',
      {
        'tokenizer.json': byteLevelTokenizer(
          40,
          { 0: '<s>', 1: '<pad>', 2: '</s>', 3: '<unk>' },
          {
            post: {
              type: 'RobertaProcessing',
              sep: ['</s>', 2],
              cls: ['<s>', 0],
              trim_offsets: true,
              add_prefix_space: false,
            },
          },
        ),
      },
      { id2label },
    );

  it('premise = text, hypothesis = the template filled; entailment softmax across labels, or entailment vs contradiction per label', async () => {
    const folder = nliFolder({ 0: 'CONTRADICTION', 1: 'NEUTRAL', 2: 'ENTAILMENT' });
    const classify = await pipeline('zero-shot-classification', folder);
    expect(classify.model).toMatchObject({ id: folder, isDefault: false });
    const text = 'the cat sat';
    const labels = ['cat', 'sat', 'on'];
    // the logits by hand: each pair through the model, <s> premise </s></s> hypothesis </s>
    const tok = await loadAutoTokenizer(folder);
    const m = await loadHfModel(folder);
    if (m.kind !== 'encoder') throw new Error('not an encoder');
    const logits = labels.map((l) => {
      const enc = tok.encodePlus(text, { pair: l });
      expect(enc.ids.length).toBeLessThanOrEqual(16); // the model's positions: nothing cut
      expect(enc.ids[0]).toBe(0);
      expect(enc.ids.filter((i) => i === 2)).toHaveLength(3);
      return (m.model.forward({ inputIds: [enc.ids] }).logits as number[][])[0]!;
    });
    const entail = logits.map((r) => r[2]!);
    const ranking = labels.map((_, k) => k).sort((a, b) => entail[b]! - entail[a]!);
    const out = await classify(text, labels, { hypothesis_template: '{}' });
    expect(out.sequence).toBe(text);
    expect(out.labels).toEqual(ranking.map((k) => labels[k]));
    const z = entail.reduce((s, x) => s + Math.exp(x), 0);
    for (const [i, s] of out.scores.entries()) expect(s).toBeCloseTo(Math.exp(entail[ranking[i]!]!) / z, 6);
    expect(out.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    // multi_label: sigmoid(entailment − contradiction) per label, contradiction = label 0
    const multi = await classify([text], labels, { hypothesis_template: '{}', multi_label: true });
    const expectedMulti = logits.map((r) => 1 / (1 + Math.exp(r[0]! - r[2]!)));
    for (const [i, l] of multi[0]!.labels.entries())
      expect(multi[0]!.scores[i]).toBeCloseTo(expectedMulti[labels.indexOf(l)]!, 6);
    // one label alone is scored on its own (HF)
    const one = await classify(text, 'cat', { hypothesis_template: '{}' });
    expect(one.scores[0]).toBeCloseTo(expectedMulti[0]!, 6);
  });

  it('entailment as label 0: contradiction is the last label (HF); no entailment label: refused', async () => {
    const folder = nliFolder({ 0: 'entailment', 1: 'neutral', 2: 'contradiction' });
    const classify = await pipeline('zero-shot-classification', folder);
    const tok = await loadAutoTokenizer(folder);
    const m = await loadHfModel(folder);
    if (m.kind !== 'encoder') throw new Error('not an encoder');
    const ids = tok.encode('the cat', { pair: 'sat' });
    expect(ids.length).toBeLessThanOrEqual(16);
    const r = (m.model.forward({ inputIds: [ids] }).logits as number[][])[0]!;
    const one = await classify('the cat', ['sat'], { hypothesis_template: '{}' });
    expect(one.scores[0]).toBeCloseTo(1 / (1 + Math.exp(r[2]! - r[0]!)), 6);
    // a text longer than the model's 16 positions: the premise is cut, the hypothesis kept (only_first)
    const long = 'the cat sat on the mat the cat sat on the mat';
    const p = tok.encode(long, { addSpecialTokens: false });
    expect(p.length).toBeGreaterThan(12);
    const h = tok.encode('sat', { addSpecialTokens: false });
    const cut = [0, ...p.slice(0, 16 - 4 - h.length), 2, 2, ...h, 2];
    const rc = (m.model.forward({ inputIds: [cut] }).logits as number[][])[0]!;
    const [cutScore] = (await classify(long, ['sat'], { hypothesis_template: '{}' })).scores;
    expect(cutScore).toBeCloseTo(1 / (1 + Math.exp(rc[2]! - rc[0]!)), 6);
    await expect(
      pipeline('zero-shot-classification', nliFolder({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' })),
    ).rejects.toThrow(
      /is not an NLI model: config\.json's id2label \(LABEL_0, LABEL_1, LABEL_2\) names no entailment label/,
    );
  });
});

const BERT_VOCAB = readFileSync(join(fixture('hf-tiny2-bert-qa'), 'vocab.txt'), 'utf8');
const robertaTokenizer = () =>
  byteLevelTokenizer(
    40,
    { 0: '<s>', 1: '<pad>', 2: '</s>', 3: '<unk>' },
    {
      post: {
        type: 'RobertaProcessing',
        sep: ['</s>', 2],
        cls: ['<s>', 0],
        trim_offsets: true,
        add_prefix_space: false,
      },
    },
  );
/** DistilBERT with BERT's vocab.txt (WordPiece), RoBERTa with a byte-level BPE tokenizer.json. */
const withTokenizer = (name: string, config: Record<string, unknown> = {}) =>
  hfFolder(
    name,
    name.includes('roberta') ? { 'tokenizer.json': robertaTokenizer() } : { 'vocab.txt': BERT_VOCAB },
    config,
  );

describe("question-answering on a user's DistilBERT or RoBERTa …ForQuestionAnswering (any tokenizer)", () => {
  for (const [arch, question, context] of [
    ['distilbert', 'where do pandas live', 'pandas live in the forest in china'],
    ['roberta', 'cat', 'the cat sat on'],
  ] as const)
    it(`${arch}: HF's window, softmax over the context and the classifier token, the best span's offsets`, async () => {
      const folder = withTokenizer(`hf-tiny2-${arch}-qa`);
      const qa = await pipeline('question-answering', folder);
      expect(qa.model).toMatchObject({ id: folder, isDefault: false });
      const top = (await qa(question, context, { top_k: 3 })) as QaAnswer[];
      expect(top).toHaveLength(3);
      for (const a of top) expect(context.slice(a.start, a.end)).toBe(a.answer);
      // by hand: the window is the tokenizer's pair encoding; p_start · p_end over context tokens
      const tok = await loadAutoTokenizer(folder);
      const enc = tok.encodePlus(question, { pair: context });
      const m = await loadHfModel(folder);
      if (m.kind !== 'encoder') throw new Error('not an encoder');
      const out = m.model.forward({ inputIds: [enc.ids], tokenTypeIds: [enc.tokenTypeIds] });
      const q = tok.encode(question, { addSpecialTokens: false }).length;
      const specialsBetween = arch === 'roberta' ? 2 : 1;
      const first = 1 + q + specialsBetween;
      const ctx = Array.from({ length: enc.ids.length - 1 - first }, (_, k) => first + k);
      const sm = (xs: number[]) => {
        const z = [0, ...ctx].reduce((s, k) => s + Math.exp(xs[k]!), 0);
        return (k: number) => Math.exp(xs[k]!) / z;
      };
      const ps = sm(out.startLogits![0]!);
      const pe = sm(out.endLogits![0]!);
      const spans = ctx.flatMap((i) => ctx.filter((j) => j >= i && j < i + 15).map((j) => ps(i) * pe(j)));
      spans.sort((a, b) => b - a);
      expect(top.map((a) => a.score)).toEqual(spans.slice(0, 3).map((s) => expect.closeTo(s, 6)));
      const withNull = (await qa(question, context, {
        handle_impossible_answer: true,
        top_k: 100,
      })) as QaAnswer[];
      expect(withNull.find((a) => a.answer === '')!.score).toBeCloseTo(ps(0) * pe(0), 6);
    });

  it('a context longer than the model: windows sharing doc_stride tokens, answers in the context', async () => {
    const folder = withTokenizer('hf-tiny2-roberta-qa');
    const qa = await pipeline('question-answering', folder);
    const context = 'the cat sat on the mat the cat sat on the hat';
    const a = (await qa('cat', context, { doc_stride: 2 })) as QaAnswer;
    expect(context.slice(a.start, a.end)).toBe(a.answer);
    expect(a.answer).not.toBe('');
  });
});

describe("token-classification on a user's DistilBERT or RoBERTa …ForTokenClassification (any tokenizer)", () => {
  const labels = { 0: 'O', 1: 'B-PER', 2: 'I-PER', 3: 'B-LOC', 4: 'I-LOC' };
  for (const [arch, text] of [
    ['distilbert', 'pandas live in the forest in china'],
    ['roberta', 'the cat sat on the mat'],
  ] as const)
    it(`${arch}: each token's softmax at its position, offsets, HF's aggregations`, async () => {
      const folder = withTokenizer(`hf-tiny2-${arch}-tokcls`, { id2label: labels });
      const ner = await pipeline('ner', folder);
      expect(ner.model).toMatchObject({ id: folder, isDefault: false });
      const tokens = (await ner(text, { ignore_labels: [] })) as TokenEntity[];
      const tok = await loadAutoTokenizer(folder);
      const enc = tok.encodePlus(text);
      // the tokens are the tokenizer's own on the whole text, at their positions after <s> / [CLS]
      expect(tokens.map((t) => t.index)).toEqual(tokens.map((_, k) => k + 1));
      expect(tokens.map((t) => t.word)).toEqual(enc.tokens.slice(1, -1));
      const m = await loadHfModel(folder);
      if (m.kind !== 'encoder') throw new Error('not an encoder');
      const logits = m.model.forward({ inputIds: [enc.ids] }).logits as number[][][];
      for (const t of tokens) {
        const p = softmax(logits[0]![t.index]!);
        const best = p.indexOf(Math.max(...p));
        expect(t.entity).toBe(Object.values(labels)[best]);
        expect(t.score).toBeCloseTo(p[best]!, 6);
        expect(text.slice(t.start, t.end)).toBe(t.word.replace(/^(##|Ġ)/, ''));
      }
      const groups = (await ner(text, { aggregation_strategy: 'first', ignore_labels: [] })) as EntityGroup[];
      // every word once, in order (a lone 'Ġ' token, RoBERTa's space before a word it has no merge for, spans nothing)
      expect(
        groups
          .map((g) => text.slice(g.start, g.end))
          .filter((w) => w !== '')
          .join(' '),
      ).toBe(text);
    });
});

describe("sentence-similarity on a user's DistilBERT or RoBERTa folder", () => {
  for (const name of ['hf-tiny2-distilbert-base', 'hf-tiny2-roberta-base'])
    it(`${name}: the cosine of the mean last hidden states (feature-extraction's mean)`, async () => {
      const folder = withTokenizer(name);
      const similarity = await pipeline('sentence-similarity', folder);
      const extract = await pipeline('feature-extraction', folder);
      const source = name.includes('roberta') ? 'the cat sat' : 'pandas live in the forest';
      const others = name.includes('roberta')
        ? ['the cat', 'on the mat']
        : ['pandas eat bamboo', 'paris is a city'];
      const scores = (await similarity({ source_sentence: source, sentences: others })) as number[];
      const [s, ...o] = (await extract([source, ...others], {
        pooling: 'mean',
        normalize: true,
      })) as number[][];
      expect(scores).toHaveLength(2);
      for (const [k, v] of o.entries())
        expect(scores[k]).toBeCloseTo(
          v.reduce((acc, x, j) => acc + x * s![j]!, 0),
          6,
        );
    });
});
