/** `firth bert train`: pretrain a tiny BERT (masked LM + NSP) and fine-tune it on SST-2 (trainBert). */
import { resolve } from 'node:path';
import type { CommandSpec } from '../args.js';
import { printResult } from '../io.js';
import { runTraining } from '../training.js';

export const bertTrain: CommandSpec = {
  name: 'bert train',
  summary: 'Pretrain a tiny BERT on the Lee corpus and SST-2 phrases, fine-tune it for sentiment, save it.',
  description:
    'WordPiece vocabulary, masked-LM + next-sentence pretraining, SST-2 fine-tuning, accuracy on the\n' +
    'GLUE dev set and the labelled test set; --out gets a Hugging Face folder (config.json,\n' +
    'model.safetensors, vocab.txt). Ctrl-C stops after the current step, saves the model as it\n' +
    'stands and exits with code 130.',
  options: {
    out: { type: 'string', placeholder: 'dir', default: 'bert-checkpoint', description: 'model folder' },
    'pretrain-steps': { type: 'integer', min: 0, default: 2000, description: 'pretraining steps' },
    epochs: { type: 'integer', min: 1, default: 2, description: 'fine-tuning passes over SST-2' },
    'train-limit': { type: 'integer', min: 1, description: 'fine-tune on the first N SST-2 phrases only' },
    'lee-only': { type: 'boolean', description: 'pretrain on the Lee corpus only' },
    'vocab-size': { type: 'integer', min: 110, default: 4000, description: 'WordPiece pieces' },
    hidden: { type: 'integer', min: 2, default: 128, description: 'hidden size' },
    layers: { type: 'integer', min: 1, default: 2, description: 'encoder layers' },
    heads: { type: 'integer', min: 1, default: 2, description: 'attention heads' },
    'max-length': { type: 'integer', min: 8, default: 64, description: 'tokens per sequence' },
    'batch-size': { type: 'integer', min: 1, default: 32, description: 'sequences per step' },
    lr: { type: 'number', min: 0, default: 2e-4, description: 'fine-tuning learning rate' },
    'pretrain-lr': { type: 'number', min: 0, default: 5e-4, description: 'pretraining learning rate' },
  },
  examples: [
    'firth bert train --pretrain-steps 600 --epochs 2 --out my-bert',
    'firth bert train --pretrain-steps 20 --train-limit 500 --epochs 1 --lee-only --out tiny-bert',
  ],
  async run({ options, json }) {
    const out = resolve(options.out as string);
    const num = (k: string) => options[k] as number | undefined;
    process.stderr.write(
      `bert: pretraining then fine-tuning a BERT (${options.layers} layers, hidden ${options.hidden}); model -> ${out}\n`,
    );
    const { result, interrupted } = await runTraining(
      {
        kind: 'bert',
        out,
        options: {
          pretrainSteps: num('pretrain-steps'),
          epochs: num('epochs'),
          vocabSize: num('vocab-size'),
          hiddenSize: num('hidden'),
          numHiddenLayers: num('layers'),
          numAttentionHeads: num('heads'),
          maxLength: num('max-length'),
          batchSize: num('batch-size'),
          lr: num('lr'),
          pretrainLr: num('pretrain-lr'),
          ...(options['train-limit'] === undefined ? {} : { trainLimit: num('train-limit') }),
          leeOnly: options['lee-only'] === true,
        },
      },
      (m) =>
        m.phase === 'eval' || m.phase === 'end'
          ? `bert ${m.stage}: ${m.phase} at step ${m.step}/${m.steps}  loss ${m.loss.toFixed(4)}  ${Object.entries(
              m.metrics,
            )
              .filter(([k]) => k !== 'lr')
              .map(([k, v]) => `${k} ${v.toFixed(4)}`)
              .join('  ')}`
          : null,
    );
    const pretrain = result.pretrain as { steps: number; lastLoss: number };
    const finetune = result.finetune as { steps: number; devAccuracy: number; testAccuracy: number };
    if (interrupted) {
      process.stderr.write(
        `bert: interrupted (pretraining ${pretrain.steps} steps, fine-tuning ${finetune.steps}); saved ${out}\n`,
      );
      if (json) printResult(true, result, () => '');
      return 130;
    }
    printResult(
      json,
      result,
      () =>
        `saved ${out}: pretraining ${pretrain.steps} steps (loss ${pretrain.lastLoss.toFixed(4)}), fine-tuning ${finetune.steps} steps; SST-2 accuracy dev ${finetune.devAccuracy.toFixed(4)}, test ${finetune.testAccuracy.toFixed(4)}; cos(bank, bank) ${(result.bankCosine as number).toFixed(4)}`,
    );
    return 0;
  },
};
