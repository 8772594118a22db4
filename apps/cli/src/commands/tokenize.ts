/** `firth tokenize`: the tokenizer playground on the command line (tokenizeWith from @firth/llm). */
import { readFileSync } from 'node:fs';
import type { PlaygroundTokenizerName } from '@firth/llm';
import { CliError, type CommandSpec } from '../args.js';
import { printResult } from '../io.js';

/** @firth/llm's PLAYGROUND_TOKENIZERS (a test checks they agree), listed here so --help loads no model code. */
export const TOKENIZERS = [
  'llama2c-tinystories',
  'bpe-shakespeare',
  'wordpiece-shakespeare',
  'char-shakespeare',
  'gpt-4o',
] as const satisfies readonly PlaygroundTokenizerName[];

/** Short names for the shipped tokenizers. */
const ALIASES: Record<string, PlaygroundTokenizerName> = {
  llama2c: 'llama2c-tinystories',
  bpe: 'bpe-shakespeare',
  wordpiece: 'wordpiece-shakespeare',
  bert: 'wordpiece-shakespeare',
  char: 'char-shakespeare',
};

export const tokenizeCommand: CommandSpec = {
  name: 'tokenize',
  summary: 'Cut a text into tokens: the ids and the pieces.',
  description:
    "Tokenizers: llama2c-tinystories (llama2.c's SentencePiece BPE, 512 pieces), bpe-shakespeare\n" +
    '(GPT-2-style byte-level BPE, 512 ids, trained on tiny Shakespeare), wordpiece-shakespeare (BERT-\n' +
    "style WordPiece), char-shakespeare, gpt-4o (OpenAI's o200k_base). Short names: llama2c, bpe,\n" +
    'wordpiece or bert, char. "-" reads the text from stdin.',
  args: [{ name: 'text', description: 'the text, or - for stdin', rest: true }],
  options: {
    tokenizer: {
      type: 'string',
      placeholder: 'name',
      default: 'llama2c-tinystories',
      choices: [...TOKENIZERS, ...Object.keys(ALIASES)],
      description: 'which tokenizer',
    },
  },
  examples: [
    'firth tokenize "Once upon a time" --tokenizer gpt-4o',
    'echo "To be, or not to be" | firth tokenize - --tokenizer bpe',
  ],
  async run({ args, options, json }) {
    const { tokenizeWith } = await import('@firth/llm');
    const text = args.text === '-' ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : args.text!;
    const name = ALIASES[options.tokenizer as string] ?? (options.tokenizer as PlaygroundTokenizerName);
    const view = await tokenizeWith(name, text);
    if (view.error) throw new CliError(`${name}: ${view.error}`);
    printResult(json, view, () => {
      const w = Math.max(...view.ids.map((id) => String(id).length), 2);
      return [
        `${name}: ${view.count} tokens, ${[...text].length} characters (${view.charsPerToken} per token)`,
        ...view.ids.map((id, i) => `${String(id).padStart(w)}  ${JSON.stringify(view.tokens[i])}`),
      ].join('\n');
    });
    return 0;
  },
};
