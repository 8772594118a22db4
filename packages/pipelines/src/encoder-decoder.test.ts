import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { ValidationError } from '@firth/numeric';
import { reversalTask, Seq2SeqTransformer } from '@firth/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  encoderDecoderPipeline,
  type Seq2SeqTextModel,
  seq2seqRequest,
  seq2seqTask,
} from './encoder-decoder.js';
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

  it('reads the folder’s config.json: a missing file, a model that is not an encoder–decoder, one this build cannot run', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'firth-encdec-'));
    await expect(pipeline('summarization', empty)).rejects.toThrow(/cannot read .*config\.json: ENOENT/);
    await expect(pipeline('translation_en_to_fr', dataPath('models/bert-tiny'))).rejects.toThrow(
      /is a bert model, not an encoder–decoder \(T5, BART, Marian/,
    );
    writeFileSync(join(empty, 'config.json'), '{"architectures": ["T5ForConditionalGeneration"]}');
    await expect(pipeline('text2text-generation', empty)).rejects.toThrow(/is a t5 encoder–decoder/);
    writeFileSync(join(empty, 'config.json'), '{"model_type": ');
    await expect(pipeline('text2text-generation', empty)).rejects.toThrow(/config\.json/);
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
