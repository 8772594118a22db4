/**
 * pipeline('translation_en_to_fr') with no model folder: the lexicon translator
 * (lexicon-translator.ts) in Hugging Face's shape, each result saying what made it.
 *
 *   const translate = await pipeline('translation_en_to_fr');
 *   await translate('This is amazing.')
 *   // [{ translation_text: "C'est incroyable.", method: 'lexicon', unknown_words: [] }]
 *
 * The pair comes from the task name (translation_en_to_fr, translation_fr_to_en) or, for plain
 * 'translation', from src_lang / tgt_lang (English → French when neither is given). Any other pair
 * is a ValidationError naming the pairs it knows and the Marian / T5 folder path.
 */
import { ValidationError } from '@firth/numeric';
import {
  checkLexiconPair,
  type LexiconTranslation,
  lexicon,
  lexiconTranslate,
} from './lexicon-translator.js';
import { defaultModel, type PipelineInfo, texts, withInfo } from './pipeline.js';
import type { ResolvedTask } from './tasks.js';

export interface LexiconTranslationOptions {
  /** For the task 'translation': the source language ('en' or 'fr'). */
  src_lang?: string;
  /** For the task 'translation': the target language ('fr' or 'en'). */
  tgt_lang?: string;
}

/** One text → [result]; several → one result per text. */
export interface LexiconTranslationPipeline extends PipelineInfo {
  (input: string, options?: LexiconTranslationOptions): Promise<LexiconTranslation[]>;
  (input: string[], options?: LexiconTranslationOptions): Promise<LexiconTranslation[]>;
}

function pair(task: ResolvedTask, o: LexiconTranslationOptions): { from: string; to: string } {
  if (typeof o !== 'object' || o === null)
    throw new ValidationError('translation: options must be an object', 'options');
  const other = Object.keys(o).filter((k) => k !== 'src_lang' && k !== 'tgt_lang');
  if (other.length > 0)
    throw new ValidationError(
      `translation: the lexicon default takes only src_lang / tgt_lang, not ${other.join(', ')} (generation options need a Marian or T5 folder)`,
      other[0]!,
    );
  const { src_lang: src, tgt_lang: tgt } = o;
  if (task.translation) {
    if (
      (src !== undefined && src !== task.translation.from) ||
      (tgt !== undefined && tgt !== task.translation.to)
    )
      throw new ValidationError(
        `translation: src_lang / tgt_lang (${src} → ${tgt}) contradict the task ${task.name}`,
        src !== undefined ? 'src_lang' : 'tgt_lang',
      );
    return task.translation;
  }
  if ((src === undefined) !== (tgt === undefined))
    throw new ValidationError(
      'translation: give both src_lang and tgt_lang, or neither',
      src === undefined ? 'src_lang' : 'tgt_lang',
    );
  const chosen = { from: src ?? 'en', to: tgt ?? 'fr' };
  checkLexiconPair(chosen.from, chosen.to);
  return chosen;
}

/** The default translation pipeline; the pair is checked now when the task name gives it. */
export async function buildLexiconTranslation(task: ResolvedTask): Promise<LexiconTranslationPipeline> {
  if (task.translation) checkLexiconPair(task.translation.from, task.translation.to);
  const lex = lexicon();
  return withInfo(
    async (input: string | string[], options: LexiconTranslationOptions = {}) => {
      const { from, to } = pair(task, options);
      return texts(input, 'translation').map((t) => lexiconTranslate(t, from, to));
    },
    'translation',
    // a lexicon has entries, not learnt parameters
    {
      ...defaultModel('translation', 0),
      description: `${defaultModel('translation', 0).description} (${lex.contentWords.length} nouns, adjectives and verbs, ${lex.words.size} grammar words, ${lex.phrases.size} phrases)`,
    },
  ) as unknown as LexiconTranslationPipeline;
}
