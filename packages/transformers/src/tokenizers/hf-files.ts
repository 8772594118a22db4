/**
 * The tokenizer of a Hugging Face model folder, from the folder's files' contents, as
 * `AutoTokenizer.from_pretrained(folder)` chooses among them:
 *   tokenizer.json                 — the fast tokenizer file: model.type "WordPiece" (BERT) or "BPE"
 *                                    with ByteLevel pre-tokenization (GPT-2);
 *   vocab.txt                      — BERT's slow-tokenizer vocabulary (lowercased unless
 *                                    tokenizer_config.json says do_lower_case: false);
 *   vocab.json + merges.txt        — GPT-2's slow-tokenizer files.
 *
 * No file system: each file is given as a string or its bytes (strict UTF-8), so a browser passes
 * what it fetched; `loadHfTokenizer(folder)` (hf-folder.ts, Node) reads a folder and calls this.
 *
 *   hfTokenizerFromFiles({ 'tokenizer.json': await (await fetch(url)).text() }).encode('Hello world')
 *
 * The files are checked by the loaders of wordpiece.ts and bpe.ts; a bad file is a FormatError
 * naming the folder (`name`), the file and the place in it:
 *   models/bert: vocab.txt line 7 repeats the piece "the" of line 3
 *   models/gpt2: tokenizer.json $.model.merges[12] = "Ġ t": both pieces and their concatenation must be in the vocabulary
 */
import { decodeUtf8, FormatError, parseJson, readJson, shape, ValidationError } from '@firth/numeric';
import { ByteLevelBPETokenizer } from './bpe.js';
import { WordPieceTokenizer } from './wordpiece.js';

/** The files of a Hugging Face model folder that hold a tokenizer, as text or bytes. */
/**
 * File `file` of a folder given as `files` (name → text or bytes): its text (bytes decoded as
 * UTF-8), or null when it is not there; any other value is a ValidationError.
 */
export function fileText<T extends object>(files: T, folder: string, file: keyof T & string): string | null {
  const content: unknown = files[file];
  if (content === undefined || content === null) return null;
  if (typeof content === 'string') return content;
  if (content instanceof Uint8Array) return decodeUtf8(content, folder, file);
  throw new ValidationError(`files['${file}'] must be a string or a Uint8Array`, file);
}

export interface HfTokenizerFiles {
  'tokenizer.json'?: string | Uint8Array;
  'vocab.txt'?: string | Uint8Array;
  'tokenizer_config.json'?: string | Uint8Array;
  'vocab.json'?: string | Uint8Array;
  'merges.txt'?: string | Uint8Array;
}

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

/**
 * The tokenizer the files describe: tokenizer.json first, else vocab.txt (with
 * tokenizer_config.json's do_lower_case), else vocab.json + merges.txt. `folder` names the
 * files' folder in messages.
 */
export function hfTokenizerFromFiles(
  files: HfTokenizerFiles,
  folder = 'tokenizer',
): WordPieceTokenizer | ByteLevelBPETokenizer {
  if (typeof files !== 'object' || files === null)
    throw new ValidationError('files must be an object of file name → text or bytes', 'files');
  const text = (file: keyof HfTokenizerFiles) => fileText(files, folder, file);
  const json = text('tokenizer.json');
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
  const vocabTxt = text('vocab.txt');
  if (vocabTxt !== null) {
    const configText = text('tokenizer_config.json');
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
  const vocabJson = text('vocab.json');
  const merges = text('merges.txt');
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
