/**
 * The shipped tiny BERT (models/bert-tiny, pretrained, and models/bert-tiny-sst2, its SST-2 fine-tune: 2 layers, 128 wide, 4,000 WordPiece tokens, 64
 * positions) as the BERT nodes read it: Fill Mask, Contextual Embeddings and the BERT choice of the
 * Embeddings Firth sub-node. The model is read once per process (@firth/transformers caches it);
 * texts are checked here so that every node words the same mistake the same way.
 */
import { loadTinyBert, type TinyBert } from '@firth/transformers';
import { UserError } from 'n8n-workflow';

export { MONEY_BANK, RIVER_BANK } from '@firth/transformers';

/** The shipped model; a missing or damaged folder names itself. */
export function tinyBert(): Promise<TinyBert> {
  return loadTinyBert().catch((error: unknown) => {
    throw new UserError(
      `Could not read the shipped BERT (models/bert-tiny, models/bert-tiny-sst2): ${error instanceof Error ? error.message : String(error)}`,
    );
  });
}

/**
 * A text parameter: text as it is, a number (an expression's result) as its digits; empty,
 * whitespace-only or anything else fails with the parameter's label.
 */
export function textOf(value: unknown, label: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string')
    throw new UserError(
      `${label} must be text, got ${value === null ? 'null' : value === undefined ? 'nothing' : Array.isArray(value) ? 'an array' : typeof value}`,
    );
  if (value.trim() === '') throw new UserError(`${label} is empty`);
  return value;
}

/**
 * True when the model reads only part of the text: [CLS] + its pieces + [SEP] exceed the positions
 * BERT has (the rest is cut off, as Hugging Face's `truncation=True` does).
 */
export function isTruncated({ bert, tokenizer }: TinyBert, text: string): boolean {
  return tokenizer.tokenize(text).length + 2 > bert.config.maxPositionEmbeddings;
}
