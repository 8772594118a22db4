/**
 * llama2.c's tokenizer read from a file (Node only): by default the shipped `tok512.bin` of
 * tinyllamas-stories260K in @firth/datasets. The parsing is `SentencePieceBPETokenizer.fromBytes`
 * (sentencepiece-bpe.ts), which a browser calls with the bytes it fetched.
 *
 *   loadLlama2cTokenizer().encode('Once upon a time') // [1, …]
 */
import { readFileSync } from 'node:fs';
import { dataPath } from '@firth/datasets';
import { ValidationError } from '@firth/numeric';
import { SentencePieceBPETokenizer } from './sentencepiece-bpe.js';

const TOK512 = 'models/tinyllamas-stories260K/tok512.bin';

/** Reads a llama2.c tokenizer file (`tokenizer.py`'s export), the shipped tok512.bin by default. */
export function loadLlama2cTokenizer(path?: string, vocabSize = 512): SentencePieceBPETokenizer {
  // Where the shipped tok512.bin is (in @firth/datasets, or next to a bundle: see dataPath).
  const file = path ?? dataPath(TOK512);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ValidationError(
      `cannot read the llama2.c tokenizer at ${file}: ${(e as Error).message}`,
      'path',
    );
  }
  return SentencePieceBPETokenizer.fromBytes(bytes, vocabSize, file);
}
