/**
 * The tokenizer of a Hugging Face model folder, as `AutoTokenizer.from_pretrained(folder)` finds it:
 *   tokenizer.json                 — the fast tokenizer file: model.type "WordPiece" (BERT) or "BPE"
 *                                    with ByteLevel pre-tokenization (GPT-2);
 *   vocab.txt                      — BERT's slow-tokenizer vocabulary (lowercased unless
 *                                    tokenizer_config.json says do_lower_case: false);
 *   vocab.json + merges.txt        — GPT-2's slow-tokenizer files.
 *
 *   const tok = await loadHfTokenizer('models/bert-base-uncased');
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@firth/numeric';
import { ByteLevelBPETokenizer } from './bpe.js';
import { specialAddedTokens } from './tokenizer-json.js';
import { WordPieceTokenizer } from './wordpiece.js';

const readIf = (folder: string, file: string) =>
  readFile(join(folder, file), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new ValidationError(`cannot read ${join(folder, file)}: ${e.code ?? e.message}`, file);
  });

const parse = (text: string, file: string): Record<string, unknown> => {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`${file} is not valid JSON: ${(e as Error).message}`, file);
  }
};

export async function loadHfTokenizer(folder: string): Promise<WordPieceTokenizer | ByteLevelBPETokenizer> {
  const json = await readIf(folder, 'tokenizer.json');
  if (json !== null) {
    const type = (parse(json, 'tokenizer.json').model as { type?: unknown } | undefined)?.type;
    if (type === 'WordPiece') return WordPieceTokenizer.fromJSON(json);
    if (type === 'BPE') return ByteLevelBPETokenizer.fromJSON(json);
    throw new ValidationError(
      `${join(folder, 'tokenizer.json')}: model.type ${JSON.stringify(type)} is not supported (WordPiece, BPE)`,
      'model.type',
    );
  }
  const vocabTxt = await readIf(folder, 'vocab.txt');
  if (vocabTxt !== null) {
    const configText = await readIf(folder, 'tokenizer_config.json');
    const config = configText === null ? {} : parse(configText, 'tokenizer_config.json');
    return WordPieceTokenizer.fromVocabTxt(vocabTxt, { lowercase: config.do_lower_case !== false });
  }
  const vocabJson = await readIf(folder, 'vocab.json');
  const merges = await readIf(folder, 'merges.txt');
  if (vocabJson !== null && merges !== null) {
    const vocab = parse(vocabJson, 'vocab.json') as Record<string, number>;
    const lines = merges.split(/\r?\n/).filter((l) => l !== '' && !l.startsWith('#version'));
    const eos = '<|endoftext|>';
    return ByteLevelBPETokenizer.fromJSON({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: eos in vocab ? specialAddedTokens([[eos, vocab[eos]!]]) : [],
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      post_processor: null,
      decoder: { type: 'ByteLevel' },
      model: { type: 'BPE', vocab, merges: lines },
    });
  }
  throw new ValidationError(
    `${folder}: no tokenizer files (tokenizer.json, vocab.txt, or vocab.json + merges.txt)`,
    'tokenizer',
  );
}
