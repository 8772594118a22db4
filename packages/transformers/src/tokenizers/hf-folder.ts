/**
 * The tokenizer of a Hugging Face model folder on disk (Node only), as
 * `AutoTokenizer.from_pretrained(folder)` finds it: reads tokenizer.json, or else vocab.txt (+
 * tokenizer_config.json), or else vocab.json + merges.txt, and hands their contents to
 * `hfTokenizerFromFiles` (hf-files.ts), which a browser calls with files it fetched.
 *
 *   const tok = await loadHfTokenizer('models/bert-base-uncased');
 *
 * The files are read as strict UTF-8; a bad file is a FormatError naming the folder, the file and
 * the place in it:
 *   models/bert: vocab.txt line 7 repeats the piece "the" of line 3
 *   models/gpt2: tokenizer.json $.model.merges[12] = "Ġ t": both pieces and their concatenation must be in the vocabulary
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeUtf8, ValidationError } from '@firth/numeric';
import type { ByteLevelBPETokenizer } from './bpe.js';
import { type HfTokenizerFiles, hfTokenizerFromFiles } from './hf-files.js';
import type { WordPieceTokenizer } from './wordpiece.js';

/** A file's text (strict UTF-8), or undefined when the folder does not have it. */
const readIf = (folder: string, file: string): Promise<string | undefined> =>
  readFile(join(folder, file)).then(
    (bytes) => decodeUtf8(bytes, folder, file),
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw new ValidationError(`cannot read ${join(folder, file)}: ${e.code ?? e.message}`, file);
    },
  );

export async function loadHfTokenizer(folder: string): Promise<WordPieceTokenizer | ByteLevelBPETokenizer> {
  const json = await readIf(folder, 'tokenizer.json');
  if (json !== undefined) return hfTokenizerFromFiles({ 'tokenizer.json': json }, folder);
  // Read in the order they are chosen, so a file that would not be used is not read either.
  const files: HfTokenizerFiles = {};
  const names = ['vocab.txt', 'tokenizer_config.json', 'vocab.json', 'merges.txt'] as const;
  for (const file of names) {
    if (file === 'tokenizer_config.json' && files['vocab.txt'] === undefined) continue;
    if (file === 'vocab.json' && files['vocab.txt'] !== undefined) break;
    const text = await readIf(folder, file);
    if (text !== undefined) files[file] = text;
  }
  return hfTokenizerFromFiles(files, folder);
}
