/**
 * pipeline('text2text-generation') with no model folder: T5's task prefixes (Raffel et al. 2020,
 * "Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer") dispatched to
 * Firth's offline defaults — no T5 is run:
 *
 *   'summarize: …'                       → summarization (extractive)
 *   'translate English to French: …'     → translation_en_to_fr (the lexicon translator)
 *   'translate French to English: …'     → translation_fr_to_en
 *   'question: … context: …'             → question-answering
 *   'sst2 sentence: …'                   → sentiment-analysis, answered as T5 does: 'positive' / 'negative'
 *
 *   const t2t = await pipeline('text2text-generation');
 *   await t2t('translate English to French: This is amazing.')
 *   // [{ generated_text: "C'est incroyable.", task: 'translation_en_to_fr', model: 'firth-lexicon-en-fr' }]
 *
 * Each result says which component answered (`task`, and `model`: its default's id). Text with no
 * known prefix is a ValidationError listing the prefixes. A component is loaded the first time a
 * prefix needs it.
 */
import { ValidationError } from '@firth/numeric';
import { defaultModel, type PipelineInfo, pipeline, texts, withInfo } from './pipeline.js';

/** T5's prefixes this default understands, and the task each goes to. */
export const TEXT2TEXT_PREFIXES = {
  'summarize: ': 'summarization',
  'translate English to French: ': 'translation_en_to_fr',
  'translate French to English: ': 'translation_fr_to_en',
  'question: ': 'question-answering',
  'sst2 sentence: ': 'sentiment-analysis',
} as const;

export interface Text2TextResult {
  generated_text: string;
  /** The task whose default answered. */
  task: string;
  /** That default's id. */
  model: string;
}

/** One text → [result]; several → one result per text. */
export interface Text2TextDefaultPipeline extends PipelineInfo {
  (input: string, options?: Record<string, never>): Promise<Text2TextResult[]>;
  (input: string[], options?: Record<string, never>): Promise<Text2TextResult[]>;
}

type Component = ((...args: never[]) => Promise<unknown>) & PipelineInfo;

const prefixList = () =>
  Object.keys(TEXT2TEXT_PREFIXES)
    .map((p) => JSON.stringify(p.trimEnd()))
    .join(', ');

/** The text2text-generation default. */
export async function buildText2Text(): Promise<Text2TextDefaultPipeline> {
  const loaded = new Map<string, Promise<Component>>();
  const component = (task: string) => {
    if (!loaded.has(task)) loaded.set(task, pipeline(task) as unknown as Promise<Component>);
    return loaded.get(task)!;
  };
  const answer = async (text: string): Promise<Text2TextResult> => {
    const prefix = (Object.keys(TEXT2TEXT_PREFIXES) as (keyof typeof TEXT2TEXT_PREFIXES)[]).find((p) =>
      text.startsWith(p),
    );
    if (prefix === undefined)
      throw new ValidationError(
        `text2text-generation: the offline default answers T5's task prefixes ${prefixList()} (each sent to that task's default); "${text.slice(0, 40)}" has none — for free text-to-text generation give a Hugging Face T5 or BART folder: pipeline('text2text-generation', '/path/to/model')`,
        'input',
      );
    const task = TEXT2TEXT_PREFIXES[prefix];
    const body = text.slice(prefix.length).trim();
    if (body === '')
      throw new ValidationError(`text2text-generation: nothing after ${JSON.stringify(prefix)}`, 'input');
    const run = await component(task);
    const done = (generated_text: string) => ({ generated_text, task, model: run.model.id });
    if (task === 'question-answering') {
      const m = /^(.*?)\s+context:\s*(.*)$/s.exec(body);
      if (!m || m[1]!.trim() === '' || m[2]!.trim() === '')
        throw new ValidationError(
          'text2text-generation: write a question as T5 does: "question: <question> context: <context>"',
          'input',
        );
      const a = await (run as unknown as (q: string, c: string) => Promise<{ answer: string }>)(
        m[1]!.trim(),
        m[2]!.trim(),
      );
      return done(a.answer);
    }
    const [out] = await (run as unknown as (t: string) => Promise<Record<string, unknown>[]>)(body);
    if (task === 'summarization') return done(out!.summary_text as string);
    if (task === 'sentiment-analysis') return done((out!.label as string).toLowerCase());
    return done(out!.translation_text as string);
  };
  return withInfo(
    async (input: string | string[], options?: unknown) => {
      if (
        options !== undefined &&
        (typeof options !== 'object' || options === null || Object.keys(options).length > 0)
      )
        throw new ValidationError(
          'text2text-generation: the offline default takes no options (generation options need a T5 or BART folder)',
          'options',
        );
      const out: Text2TextResult[] = [];
      for (const t of texts(input, 'text2text-generation')) out.push(await answer(t));
      return out;
    },
    'text2text-generation',
    defaultModel('text2text-generation', 0),
  ) as unknown as Text2TextDefaultPipeline;
}
