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
import {
  AUTO_TOKENIZER_FILES,
  type AutoTokenizerFiles,
  autoTokenizerFromFiles,
  BINARY_TOKENIZER_FILES,
} from './hf-auto.js';
import { type HfTokenizerFiles, hfTokenizerFromFiles } from './hf-files.js';
import type { HfTokenizer } from './hf-tokenizer.js';
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

/**
 * The tokenizer of a Hugging Face folder as the general pipeline (hf-tokenizer.ts), for every model
 * the folder may hold — Unigram (T5, ALBERT, XLNet, Marian), BPE (GPT-2, RoBERTa, BART, Llama,
 * Mistral, Qwen), WordPiece — with tokenizer_config.json's special tokens and chat template:
 *
 *   const tok = await loadAutoTokenizer('models/flan-t5-small');
 *   tok.encode('translate English to German: Hello') // ids ending in </s>
 *   tok.applyChatTemplate(messages, { add_generation_prompt: true })
 *
 * Reads the files `autoTokenizerFromFiles` (hf-auto.ts) chooses among; a missing file is skipped,
 * an unreadable one is a ValidationError naming it.
 */
export async function loadAutoTokenizer(folder: string): Promise<HfTokenizer> {
  const files: AutoTokenizerFiles = {};
  for (const file of AUTO_TOKENIZER_FILES) {
    if (BINARY_TOKENIZER_FILES.has(file)) {
      // SentencePiece models are read only when there is no tokenizer.json
      if (files['tokenizer.json'] !== undefined) continue;
      const bytes = await readFile(join(folder, file)).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw new ValidationError(`cannot read ${join(folder, file)}: ${e.code ?? e.message}`, file);
      });
      if (bytes !== undefined) (files as Record<string, Uint8Array>)[file] = new Uint8Array(bytes);
      continue;
    }
    const text = await readIf(folder, file as 'tokenizer.json');
    if (text !== undefined) (files as Record<string, string>)[file] = text;
  }
  return autoTokenizerFromFiles(files, folder);
}
