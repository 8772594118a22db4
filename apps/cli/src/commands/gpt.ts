/** `firth gpt train`: nanoGPT's train.py for Firth's character-level GPT (trainCharGpt). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandSpec } from '../args.js';
import { existingFile, printResult } from '../io.js';
import { formatDuration } from '../progress.js';
import { runTraining } from '../training.js';

export const gptTrain: CommandSpec = {
  name: 'gpt train',
  summary: 'Train the character-level GPT (default: on tiny Shakespeare) and save checkpoints.',
  description:
    "The first 90 % of the text trains, the last 10 % validates (nanoGPT's split). --out gets\n" +
    'model.safetensors (the last weights, with the vocabulary) and best.safetensors (the best\n' +
    'validation loss); `firth generate --model <out>` samples from it. Ctrl-C stops after the\n' +
    'current step, saves model.safetensors and exits with code 130.',
  options: {
    text: {
      type: 'string',
      placeholder: 'file',
      description: 'train on this text file instead of tiny Shakespeare',
    },
    out: { type: 'string', placeholder: 'dir', default: 'gpt-checkpoint', description: 'checkpoint folder' },
    steps: { type: 'integer', min: 1, default: 1900, description: 'optimizer steps' },
    minutes: {
      type: 'number',
      min: 0.001,
      default: 20,
      description: 'stop (and save) after this many minutes',
    },
    'batch-size': { type: 'integer', min: 1, default: 32, description: 'sequences per step' },
    'block-size': { type: 'integer', min: 2, default: 64, description: 'context window in characters' },
    layers: { type: 'integer', min: 1, default: 4, description: 'transformer blocks' },
    heads: { type: 'integer', min: 1, default: 4, description: 'attention heads' },
    embd: { type: 'integer', min: 1, default: 128, description: 'model width (divisible by --heads)' },
    lr: {
      type: 'number',
      min: 0,
      default: 1e-3,
      description: 'peak learning rate (AdamW, warm-up, cosine decay)',
    },
    'eval-every': { type: 'integer', min: 1, default: 100, description: 'validate every N steps' },
    seed: { type: 'integer', min: 0, default: 0, description: 'seeds the initial weights' },
  },
  examples: [
    'firth gpt train --steps 300 --minutes 5 --out my-gpt',
    'firth gpt train --text notes.txt --layers 2 --embd 64 --out notes-gpt',
  ],
  async run({ options, json }) {
    const text = options.text
      ? readFileSync(existingFile(options.text as string, 'text file'), 'utf8')
      : undefined;
    const out = resolve(options.out as string);
    process.stderr.write(
      `gpt: training a character-level GPT on ${options.text ?? 'tiny Shakespeare'} (${options.layers} layers, width ${options.embd}, context ${options['block-size']}); checkpoints -> ${out}\n`,
    );
    const { result, interrupted } = await runTraining(
      {
        kind: 'gpt',
        out,
        options: {
          ...(text === undefined ? {} : { text }),
          steps: options.steps as number,
          minutes: options.minutes as number,
          batchSize: options['batch-size'] as number,
          blockSize: options['block-size'] as number,
          nLayer: options.layers as number,
          nHead: options.heads as number,
          nEmbd: options.embd as number,
          lr: options.lr as number,
          evalEvery: options['eval-every'] as number,
          seed: options.seed as number,
          sampleTokens: json ? 0 : 200,
        },
      },
      (m) =>
        m.phase === 'eval'
          ? `gpt: step ${m.step}/${m.steps}  train loss ${m.loss.toFixed(4)}  val loss ${m.metrics.valLoss?.toFixed(4)}  lr ${m.metrics.lr?.toExponential(2)}  ${formatDuration(m.elapsedMs / 1000)}`
          : null,
    );
    if (interrupted) {
      process.stderr.write(`gpt: interrupted after ${result.steps} steps; saved ${result.checkpoint}\n`);
      if (json) printResult(true, result, () => '');
      return 130;
    }
    printResult(json, result, () =>
      [
        `saved ${result.checkpoint} (${result.steps} steps in ${formatDuration(result.seconds as number)}, ${result.parameters} parameters; train loss ${(result.trainLoss as number).toFixed(4)}, best validation loss ${(result.bestValLoss as number).toFixed(4)})`,
        ...(result.sample ? ['sample:', result.sample as string] : []),
      ].join('\n'),
    );
    return 0;
  },
};
