/**
 * Writes the shipped stories260K model (or any llama2.c checkpoint and tokenizer) as a
 * llama-architecture GGUF file, for llama.cpp, Ollama or node-llama-cpp:
 *
 *   pnpm --filter @firth/transformers gguf:write -- --type q8_0 --out stories260K-q8_0.gguf
 *   options: --type f32|q8_0 (default f32), --out FILE (relative to where pnpm was run),
 *            --model stories.bin --tokenizer tok.bin --vocab 512 (default: the shipped ones)
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ValidationError } from '@firth/numeric';
import { llama2cToGguf } from './gguf-llama.js';
import { loadLlama2c } from './llama2c-file.js';
import { loadLlama2cTokenizer } from './tokenizers/sentencepiece-file.js';

/** Parses the arguments, writes the file and returns its path and size. */
export async function writeLlama2cGguf(argv: string[]): Promise<{ path: string; bytes: number }> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      type: { type: 'string', default: 'f32' },
      out: { type: 'string' },
      model: { type: 'string' },
      tokenizer: { type: 'string' },
      vocab: { type: 'string', default: '512' },
    },
  });
  const type = values.type;
  if (type !== 'f32' && type !== 'q8_0')
    throw new ValidationError(`--type must be f32 or q8_0, got ${type}`, 'type');
  const model = await loadLlama2c(values.model);
  const tokenizer = loadLlama2cTokenizer(values.tokenizer, Number(values.vocab));
  const bytes = llama2cToGguf(model, tokenizer, { type });
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? `stories260K-${type}.gguf`);
  writeFileSync(path, bytes);
  return { path, bytes: bytes.length };
}

// Run as a script (pnpm gguf:write): no top-level await, so a bundle or require() of the package
// never trips on this module.
if (import.meta.url === `file://${process.argv[1]}`) {
  writeLlama2cGguf(process.argv.slice(2)).then(
    ({ path, bytes }) => console.log(`wrote ${path} (${bytes} bytes)`),
    (error: Error) => {
      console.error(`gguf:write: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
