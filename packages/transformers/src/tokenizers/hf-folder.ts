/**
 * The tokenizer of a Hugging Face model folder, as `AutoTokenizer.from_pretrained(folder)` finds it:
 *   tokenizer.json                 — the fast tokenizer file: model.type "WordPiece" (BERT) or "BPE"
 *                                    with ByteLevel pre-tokenization (GPT-2);
 *   vocab.txt                      — BERT's slow-tokenizer vocabulary (lowercased unless
 *                                    tokenizer_config.json says do_lower_case: false);
 *   vocab.json + merges.txt        — GPT-2's slow-tokenizer files.
 *
 *   const tok = await loadHfTokenizer('models/bert-base-uncased');
 *
 * The files are read as strict UTF-8 and checked by the loaders of wordpiece.ts and bpe.ts; a bad
 * file is a FormatError naming the folder, the file and the place in it:
 *   models/bert: vocab.txt line 7 repeats the piece "the" of line 3
 *   models/gpt2: tokenizer.json $.model.merges[12] = "Ġ t": both pieces and their concatenation must be in the vocabulary
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeUtf8, FormatError, parseJson, readJson, shape, ValidationError } from '@firth/numeric';
import { ByteLevelBPETokenizer } from './bpe.js';
import { WordPieceTokenizer } from './wordpiece.js';

/** A file's text (strict UTF-8), or null when the folder does not have it. */
const readIf = (folder: string, file: string): Promise<string | null> =>
  readFile(join(folder, file)).then(
    (bytes) => decodeUtf8(bytes, folder, file),
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw new ValidationError(`cannot read ${join(folder, file)}: ${e.code ?? e.message}`, file);
    },
  );

/** Runs a loader that names `file`; its FormatErrors are reported as "<folder>: <file> <where> …". */
function inFolder<T>(folder: string, file: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof FormatError && e.file === file)
      throw new FormatError(folder, e.where ? `${file} ${e.where}` : file, e.problem);
    throw e;
  }
}

const TOKENIZER_CONFIG = shape.object({ do_lower_case: shape.optional(shape.nullable(shape.boolean())) });

export async function loadHfTokenizer(folder: string): Promise<WordPieceTokenizer | ByteLevelBPETokenizer> {
  const json = await readIf(folder, 'tokenizer.json');
  if (json !== null)
    return inFolder(folder, 'tokenizer.json', () => {
      const j = parseJson(json, 'tokenizer.json') as { model?: { type?: unknown } } | null;
      const model = typeof j === 'object' && j !== null ? j.model : undefined;
      if (typeof model !== 'object' || model === null)
        throw new FormatError('tokenizer.json', '', 'has no "model" object');
      if (model.type === 'WordPiece') return WordPieceTokenizer.fromJSON(j as never);
      if (model.type === 'BPE') return ByteLevelBPETokenizer.fromJSON(j as never);
      throw new FormatError(
        'tokenizer.json',
        '$.model.type',
        `${JSON.stringify(model.type) ?? 'undefined'} is not supported (this loader reads WordPiece and BPE)`,
      );
    });
  const vocabTxt = await readIf(folder, 'vocab.txt');
  if (vocabTxt !== null) {
    const configText = await readIf(folder, 'tokenizer_config.json');
    const config: { do_lower_case?: boolean | null } =
      configText === null
        ? {}
        : inFolder(folder, 'tokenizer_config.json', () =>
            readJson(configText, TOKENIZER_CONFIG, 'tokenizer_config.json'),
          );
    return inFolder(folder, 'vocab.txt', () =>
      WordPieceTokenizer.fromVocabTxt(vocabTxt, { lowercase: config.do_lower_case !== false }),
    );
  }
  const vocabJson = await readIf(folder, 'vocab.json');
  const merges = await readIf(folder, 'merges.txt');
  if (vocabJson !== null && merges !== null)
    return inFolder(folder, 'vocab.json', () =>
      inFolder(folder, 'merges.txt', () => ByteLevelBPETokenizer.fromVocabAndMerges(vocabJson, merges)),
    );
  if (vocabJson !== null || merges !== null)
    throw new FormatError(
      folder,
      '',
      `has ${vocabJson !== null ? 'vocab.json but no merges.txt' : 'merges.txt but no vocab.json'}; GPT-2's files come as a pair`,
    );
  throw new ValidationError(
    `${folder}: no tokenizer files (tokenizer.json, vocab.txt, or vocab.json + merges.txt)`,
    'tokenizer',
  );
}
