/** `firth generate`: stream text from the shipped TinyStories model or a `firth gpt train` checkpoint. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CausalLM, GenerationTokenizer } from '@firth/transformers';
import { CliError, type CommandSpec } from '../args.js';

/** The model and tokenizer of --model: 'tinystories', a checkpoint folder or a .safetensors file. */
async function openModel(
  spec: string,
): Promise<{ model: CausalLM; tokenizer: GenerationTokenizer; bos?: number }> {
  const { LLAMA2C_BOS, loadLlama2c, readCharGptCheckpoint, shippedTokenizer } = await import(
    '@firth/transformers'
  );
  if (spec === 'tinystories' || spec === 'tinystories-260k')
    return {
      model: await loadLlama2c(),
      tokenizer: shippedTokenizer('llama2c-tinystories'),
      bos: LLAMA2C_BOS,
    };
  let file = spec;
  try {
    if (statSync(spec).isDirectory()) file = join(spec, 'model.safetensors');
    return readCharGptCheckpoint(readFileSync(file), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new CliError(
        `--model "${spec}": no such checkpoint (a folder from \`firth gpt train\`, a .safetensors file, or tinystories)`,
      );
    throw e;
  }
}

export const generateCommand: CommandSpec = {
  name: 'generate',
  summary: 'Generate text, token by token, streamed to stdout.',
  description:
    "--model tinystories is llama2.c's TinyStories 260K (Karpathy), shipped: it writes children's\n" +
    'stories, it is not an assistant. A folder from `firth gpt train` (or its .safetensors) samples\n' +
    'the character-level GPT. Temperature 0 is greedy; the same --seed gives the same text.',
  options: {
    model: {
      type: 'string',
      placeholder: 'tinystories|dir',
      default: 'tinystories',
      description: 'the model',
    },
    prompt: { type: 'string', default: '', description: 'text to continue' },
    'max-tokens': { type: 'integer', min: 0, default: 256, description: 'most tokens to generate' },
    temperature: { type: 'number', min: 0, default: 0.8, description: '0 = greedy; higher = more random' },
    'top-k': { type: 'integer', min: 0, default: 0, description: 'sample among the k most likely (0 = all)' },
    'top-p': { type: 'number', min: 0, default: 1, description: 'nucleus sampling: smallest set reaching p' },
    seed: { type: 'integer', min: 0, default: 0, description: 'seeds the sampler' },
  },
  examples: [
    'firth generate --prompt "Once upon a time" --max-tokens 60 --temperature 0',
    'firth generate --model my-gpt --prompt "ROMEO:" --max-tokens 200',
  ],
  async run({ options, json }) {
    const { streamGenerate } = await import('@firth/transformers');
    const spec = options.model as string;
    const { model, tokenizer, bos } = await openModel(spec);
    const prompt = options.prompt as string;
    const useBos = prompt === '' && bos !== undefined;
    const chunks = streamGenerate(model, tokenizer, useBos || prompt !== '' ? prompt : '\n', {
      maxNewTokens: options['max-tokens'] as number,
      temperature: options.temperature as number,
      topK: options['top-k'] as number,
      topP: options['top-p'] as number,
      seed: options.seed as number,
      ...(useBos ? { promptIds: [bos] } : {}),
    });
    let text = '';
    let last: { finishReason?: string; usage?: { promptTokens: number; completionTokens: number } } = {};
    const t0 = performance.now();
    if (!json) process.stdout.write(prompt);
    for await (const c of chunks) {
      text += c.text;
      if (!json && c.text) process.stdout.write(c.text);
      if (c.finishReason) last = c;
    }
    const seconds = (performance.now() - t0) / 1000;
    const completion = last.usage?.completionTokens ?? 0;
    if (json)
      process.stdout.write(
        `${JSON.stringify({ model: spec, prompt, text, finishReason: last.finishReason, usage: last.usage, seconds }, null, 2)}\n`,
      );
    else {
      process.stdout.write('\n');
      process.stderr.write(
        `(${completion} tokens in ${seconds.toFixed(2)} s, ${(completion / Math.max(1e-9, seconds)).toFixed(0)} tokens/s, finish: ${last.finishReason})\n`,
      );
    }
    return 0;
  },
};
