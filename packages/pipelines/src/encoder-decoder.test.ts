import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { FormatError, ValidationError } from '@firth/numeric';
import {
  generateSeq2SeqText,
  loadAutoTokenizer,
  loadSeq2Seq,
  reversalTask,
  Seq2SeqTransformer,
} from '@firth/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  encoderDecoderPipeline,
  type Seq2SeqTextModel,
  seq2seqRequest,
  seq2seqTask,
} from './encoder-decoder.js';
import {
  fixture,
  hfFolder,
  reference,
  seq2seqFolder,
  t5Tokenizer,
  wordLevelTokenizer,
} from './hf-folders.test-support.js';
import { pipeline } from './pipeline.js';
import { taskInfo } from './tasks.js';

describe('text2text-generation, translation, summarization: a model folder is the encoder–decoder path', () => {
  it('without a folder, translation and text2text get their offline defaults; the abstractive path says it needs one', async () => {
    // (the defaults themselves are tested in translation.test.ts and text2text.test.ts)
    for (const task of ['translation', 'translation_en_to_fr', 'text2text-generation']) {
      expect(taskInfo(task).available).toBe(true);
      expect(taskInfo(task).defaultModel?.description).toMatch(/NOT a/);
    }
    // summarization's abstractive path (a model folder) has no default, and says so
    await expect(encoderDecoderPipeline('summarization', 'summarization', undefined)).rejects.toThrow(
      /summarization has no offline abstractive default that reaches a useful level.*T5, BART or Marian folder/,
    );
  });

  it('reads the folder’s config.json: a missing file, a model that is not an encoder–decoder, bad weights, no tokenizer', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'firth-encdec-'));
    await expect(pipeline('summarization', empty)).rejects.toThrow(/cannot read .*config\.json: ENOENT/);
    await expect(pipeline('translation_en_to_fr', dataPath('models/bert-tiny'))).rejects.toThrow(
      /is a bert model, not an encoder–decoder \(T5, BART, Marian/,
    );
    writeFileSync(join(empty, 'config.json'), '{"architectures": ["T5ForConditionalGeneration"]}');
    await expect(pipeline('text2text-generation', empty)).rejects.toThrow(/model\.safetensors/);
    writeFileSync(join(empty, 'config.json'), '{"model_type": ');
    await expect(pipeline('text2text-generation', empty)).rejects.toThrow(/config\.json/);
    // a model without tokenizer files, and a tokenizer bigger than the model's vocabulary
    await expect(pipeline('text2text-generation', fixture('hf-tiny-t5'))).rejects.toThrow(
      /no tokenizer files/,
    );
    const wrong = hfFolder('hf-tiny-t5', {
      'tokenizer.json': wordLevelTokenizer(30, { 0: '<pad>', 19: '</s>' }, [23, '<unk>']),
    });
    const e = await pipeline('text2text-generation', wrong).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FormatError);
    expect(String(e)).toMatch(/config\.json.*vocab_size.*is 24, but the folder's tokenizer has 30 tokens/);
  });

  it("turns Hugging Face's options into the model's, naming a bad one", () => {
    expect(
      seq2seqRequest('summarization', {
        max_length: 60,
        min_length: 10,
        num_beams: 4,
        length_penalty: 2,
        early_stopping: true,
        no_repeat_ngram_size: 3,
        num_return_sequences: 2,
      }),
    ).toEqual({
      task: 'summarization',
      maxLength: 60,
      minLength: 10,
      numBeams: 4,
      lengthPenalty: 2,
      earlyStopping: true,
      noRepeatNgramSize: 3,
      numReturnSequences: 2,
    });
    expect(seq2seqRequest('translation_en_to_fr', { max_new_tokens: 20 })).toEqual({
      task: 'translation_en_to_fr',
      maxNewTokens: 20,
    });
    // src_lang / tgt_lang choose the model's translation_xx_to_yy settings
    expect(seq2seqRequest('translation', { src_lang: 'en', tgt_lang: 'de' }).task).toBe(
      'translation_en_to_de',
    );
    const bad: [string, object, string][] = [
      ['summarization', { num_beams: 0 }, 'num_beams'],
      ['summarization', { max_new_tokens: 2.5 }, 'max_new_tokens'],
      ['summarization', { min_length: 50, max_length: 10 }, 'min_length'],
      ['summarization', { num_return_sequences: 3, num_beams: 2 }, 'num_return_sequences'],
      ['summarization', { early_stopping: 'soon' }, 'early_stopping'],
      ['summarization', { length_penalty: Number.NaN }, 'length_penalty'],
      ['summarization', { src_lang: 'en' }, 'src_lang'],
      ['translation', { src_lang: 'en' }, 'tgt_lang'],
      ['translation', { src_lang: 'English', tgt_lang: 'fr' }, 'src_lang'],
    ];
    for (const [task, options, name] of bad) {
      const err = (() => {
        try {
          seq2seqRequest(task, options);
        } catch (e) {
          return e;
        }
      })();
      expect(err, name).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).path).toBe(name);
    }
  });
});

describe("the tasks' plumbing on an encoder–decoder that runs: Firth's toy seq2seq trained to reverse digits", () => {
  let model: Seq2SeqTextModel;
  beforeAll(() => {
    const net = new Seq2SeqTransformer({
      vocabSize: 11,
      maxLen: 8,
      dModel: 32,
      nHeads: 4,
      nLayers: 1,
      seed: 0,
    });
    net.fit(reversalTask, { steps: 300, batchSize: 32, lengths: [4, 5, 6], lr: 5e-3 });
    model = {
      id: 'toy-reverse',
      parameters: 1,
      generate: (text) => [net.translate(text.split(' ').map(Number)).join(' ')],
    };
  }, 120_000);

  it("gives each task's key, one text → a list, several → one result each", async () => {
    const info = { id: 'toy-reverse', isDefault: false, parameters: 1 };
    const text2text = seq2seqTask('text2text-generation', 'text2text-generation', model, info);
    expect(text2text.task).toBe('text2text-generation');
    expect(text2text.model).toEqual(info);
    expect(await text2text('3 1 4 1 5')).toEqual([{ generated_text: '5 1 4 1 3' }]);
    expect(await text2text(['3 1 4 1 5', '2 7 1 8'])).toEqual([
      { generated_text: '5 1 4 1 3' },
      { generated_text: '8 1 7 2' },
    ]);
    const translate = seq2seqTask('translation', 'translation_xx_to_yy', model, info);
    expect(await translate('9 2 6 5')).toEqual([{ translation_text: '5 6 2 9' }]);
    const summarize = seq2seqTask('summarization', 'summarization', model, info);
    expect(await summarize('1 2 3 4 5 6')).toEqual([{ summary_text: '6 5 4 3 2 1' }]);
    await expect(summarize('')).rejects.toThrow(/input 0 must be a non-empty string/);
    await expect(summarize('1 2 3 4', { num_beams: 0 })).rejects.toMatchObject({ path: 'num_beams' });
  });
});

interface Seq2SeqReference {
  generations: { input_ids: number[]; options: Record<string, unknown>; sequences: number[][] }[];
}

describe("users' T5, BART and Marian folders (tiny PyTorch-checked models with a tokenizer of their vocabulary)", () => {
  const SPECIAL = {
    'hf-tiny-t5': [0, 19],
    'hf-tiny-bart': [0, 1, 2],
    'hf-tiny-marian': [0, 25],
  } as const;

  for (const name of ['hf-tiny-t5', 'hf-tiny-bart', 'hf-tiny-marian'] as const)
    it(`${name}: the text of PyTorch's generated ids, greedy and beam search, through pipeline()`, async () => {
      const folder = seq2seqFolder(name);
      const tokenizer = await loadAutoTokenizer(folder);
      const text2text = await pipeline('text2text-generation', folder);
      expect(text2text.model).toMatchObject({ id: folder, isDefault: false });
      expect(text2text.model.parameters).toBeGreaterThan(1000);
      const { generations } = reference<Seq2SeqReference>(name);
      for (const g of generations) {
        // the text the tokenizer turns into the reference's input ids (their special tokens as the tokenizer adds them)
        const text = tokenizer.decode(g.input_ids, { skipSpecialTokens: name !== 'hf-tiny-t5' });
        expect(tokenizer.encode(text)).toEqual(g.input_ids);
        const out = await text2text(text, g.options as never);
        const expected = g.sequences.map((seq) => ({
          generated_text: tokenizer.decode(
            seq.filter((t) => !(SPECIAL[name] as readonly number[]).includes(t)),
          ),
        }));
        expect(out).toEqual(expected);
      }
    });

  it('translation and summarization: their keys, task_specific_params (prefix, beams) as generateSeq2SeqText applies them', async () => {
    const folder = seq2seqFolder('hf-tiny-t5', {
      task_specific_params: {
        summarization: { prefix: 'summarize: ', num_beams: 2, max_length: 6, no_repeat_ngram_size: 2 },
        translation_en_to_fr: { prefix: 'translate English to French: ', max_length: 5 },
        translation_en_to_de: { prefix: 'translate English to German: ', max_length: 7, num_beams: 3 },
      },
    });
    const lm = await loadSeq2Seq(folder);
    const tokenizer = await loadAutoTokenizer(folder);
    const direct = (text: string, o: Record<string, unknown>) =>
      generateSeq2SeqText(lm, tokenizer, text, o).map((r) => r.text);
    const text = 'the cat sat on a mat';
    const fr = await pipeline('translation_en_to_fr', folder);
    const [frOut] = await fr(text);
    expect(frOut).toEqual({ translation_text: direct(text, { task: 'translation_en_to_fr' })[0] });
    // the prefix and max_length 5 (the decoder start and at most 4 tokens) applied
    expect(frOut!.translation_text.split(' ').length).toBeLessThanOrEqual(4);
    expect(direct(text, { task: 'translation_en_to_fr' })).not.toEqual(
      direct(text, { prefix: '', maxLength: 5 }),
    );
    // src_lang / tgt_lang choose the entry; 'translation' alone takes the first translation_* entry
    const translate = await pipeline('translation', folder);
    expect(await translate(text, { src_lang: 'en', tgt_lang: 'de' })).toEqual(
      direct(text, { task: 'translation_en_to_de' }).map((t) => ({ translation_text: t })),
    );
    expect(await translate(text)).toEqual([{ translation_text: direct(text, { task: 'translation' })[0] }]);
    const summarize = await pipeline('summarization', folder);
    expect(summarize.model.isDefault).toBe(false);
    expect(
      await summarize([text, 'a dog ran to the park'], { num_beams: 3, num_return_sequences: 2 }),
    ).toEqual(
      [text, 'a dog ran to the park'].map((t) =>
        direct(t, { task: 'summarization', numBeams: 3, numReturnSequences: 2 }).map((s) => ({
          summary_text: s,
        })),
      ),
    );
    expect(await summarize(text, { max_new_tokens: 2 })).toEqual([
      { summary_text: direct(text, { task: 'summarization', maxNewTokens: 2 })[0] },
    ]);
  });

  it('a T5 folder with a T5-style tokenizer (Unigram, Metaspace, … </s>): the prefix and the eos the encoder expects', async () => {
    const folder = hfFolder(
      'hf-tiny-t5',
      { 'tokenizer.json': t5Tokenizer(24, { 0: '<pad>', 19: '</s>' }, 23) },
      { task_specific_params: { translation_en_to_fr: { prefix: 'a dog ran ', num_beams: 2 } } },
    );
    const tokenizer = await loadAutoTokenizer(folder);
    const ids = tokenizer.encode('a dog ran the cat sat');
    expect(ids.at(-1)).toBe(19);
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('a dog ran the cat sat');
    // the prefix is there: without it the input, and so the beams, differ
    expect(ids).not.toEqual(tokenizer.encode('the cat sat'));
    const lm = await loadSeq2Seq(folder);
    const translate = await pipeline('translation_en_to_fr', folder);
    const out = await translate('the cat sat', { num_return_sequences: 2 });
    expect(out).toEqual(
      generateSeq2SeqText(lm, tokenizer, 'the cat sat', {
        task: 'translation_en_to_fr',
        numReturnSequences: 2,
      }).map((r) => ({ translation_text: r.text })),
    );
    expect(out).toHaveLength(2);
    // num_return_sequences checked against the beams the model will run: its task's 2 above, 1 here
    const text2text = await pipeline('text2text-generation', folder);
    await expect(text2text('the cat sat', { num_return_sequences: 2 })).rejects.toThrow(
      /numReturnSequences \(2\) must be ≤ numBeams \(1\)/,
    );
  });

  it("Marian's own tokenizer files (source.spm + vocab.json + tokenizer_config.json): the course's 'This is amazing.'", async () => {
    // the tokenizer fixture's pieces, renumbered by a vocab.json of the tiny model's 26 ids (<pad> last, as Marian's)
    const source = fixture('hf-tok-marian');
    const vocab = JSON.parse(readFileSync(join(source, 'vocab.json'), 'utf8')) as Record<string, number>;
    delete vocab['<pad>'];
    for (let id = Object.keys(vocab).length; id < 25; id++) vocab[`▁w${id}`] = id;
    vocab['<pad>'] = 25;
    const folder = hfFolder('hf-tiny-marian', {
      'vocab.json': JSON.stringify(vocab),
      'tokenizer_config.json': readFileSync(join(source, 'tokenizer_config.json'), 'utf8'),
    });
    copyFileSync(join(source, 'source.spm'), join(folder, 'source.spm'));
    const tokenizer = await loadAutoTokenizer(folder);
    expect(tokenizer.tokenize('This is amazing.')).toEqual(['▁This', '▁is', '▁amazing', '.']);
    expect(tokenizer.encode('This is amazing.')).toEqual([8, 9, 10, 7, 0]);
    const translate = await pipeline('translation_en_to_fr', folder);
    const lm = await loadSeq2Seq(folder);
    expect(await translate('This is amazing.', { num_beams: 3 })).toEqual([
      { translation_text: generateSeq2SeqText(lm, tokenizer, 'This is amazing.', { numBeams: 3 })[0]!.text },
    ]);
  });
});
