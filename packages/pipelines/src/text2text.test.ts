import { ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { pipeline } from './pipeline.js';
import { TEXT2TEXT_PREFIXES } from './text2text.js';

const article =
  'The council voted on Tuesday to close the old bridge. Engineers found cracks in two of its supports last month. The bridge carries about 4,000 cars a day. A ferry will run until a new bridge opens in 2027.';

describe("text2text-generation's default: T5's prefixes sent to Firth's offline defaults", () => {
  it('each prefix answers as its component pipeline does, and says which answered', async () => {
    const t2t = await pipeline('text2text-generation');
    expect(t2t.task).toBe('text2text-generation');
    expect(t2t.model.id).toBe('firth-t5-prefixes');
    expect(t2t.model.description).toMatch(/NOT a T5/);

    const translate = await pipeline('translation_en_to_fr');
    const [fr] = await translate('This is amazing.');
    expect(await t2t('translate English to French: This is amazing.')).toEqual([
      { generated_text: fr!.translation_text, task: 'translation_en_to_fr', model: 'firth-lexicon-en-fr' },
    ]);
    expect(fr!.translation_text).toBe("C'est incroyable.");
    const [en] = await (await pipeline('translation_fr_to_en'))("C'est incroyable.");
    expect((await t2t("translate French to English: C'est incroyable."))[0]!.generated_text).toBe(
      en!.translation_text,
    );

    const [summary] = await (await pipeline('summarization'))(article);
    expect(await t2t(`summarize: ${article}`)).toEqual([
      { generated_text: summary!.summary_text, task: 'summarization', model: 'extractive-use-lite' },
    ]);

    const qa = await pipeline('question-answering');
    const context = 'Giant pandas live in the mountains of central China.';
    const answer = (await qa('Where do pandas live?', context)) as { answer: string };
    const [r] = await t2t(`question: Where do pandas live? context: ${context}`);
    expect(r).toEqual({ generated_text: answer.answer, task: 'question-answering', model: 'firth-qa-rules' });
    expect(r!.generated_text).not.toBe('');

    const classify = await pipeline('sentiment-analysis');
    for (const text of ['I love this!', 'I hate this so much!']) {
      const [label] = await classify(text);
      const [s] = await t2t(`sst2 sentence: ${text}`);
      expect(s!.generated_text).toBe(label!.label.toLowerCase());
      expect(['positive', 'negative']).toContain(s!.generated_text);
      expect(s!.task).toBe('sentiment-analysis');
    }
  });

  it('a batch gives one result per text, each from its own component', async () => {
    const t2t = await pipeline('text2text-generation');
    const out = await t2t(['translate English to French: The water is cold.', 'sst2 sentence: I love this!']);
    expect(out.map((o) => o.task)).toEqual(['translation_en_to_fr', 'sentiment-analysis']);
    expect(out[0]!.generated_text).toBe("L'eau est froide.");
  });

  it('refuses text without a known prefix (listing them), an empty body, a malformed question, options', async () => {
    const t2t = await pipeline('text2text-generation');
    const err = await t2t('Write me a poem.').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    for (const prefix of Object.keys(TEXT2TEXT_PREFIXES))
      expect((err as Error).message).toContain(prefix.trimEnd());
    expect((err as Error).message).toMatch(/T5 or BART folder/);
    await expect(t2t('summarize:   ')).rejects.toThrow(/nothing after/);
    await expect(t2t('question: Where do pandas live?')).rejects.toThrow(
      /question: <question> context: <context>/,
    );
    await expect(t2t([])).rejects.toThrow(ValidationError);
    await expect(t2t('sst2 sentence: good', { max_length: 5 } as never)).rejects.toThrow(/takes no options/);
  });
});
