/**
 * GPT Train node: the lesson "GPT" as a training run you can watch — nanoGPT's character-level
 * GPT learns tiny Shakespeare (shipped) or the items' text. Outputs the loss before and after
 * training, the validation loss on the held-out end of the text, the loss curve, a sample, and
 * the checkpoint as binary safetensors (the character vocabulary in its metadata) for the
 * Transformer Generate node.
 *
 * Thin adapter (STYLE.md): @firth/transformers' GPT and CharTokenizer do the work.
 */
import { loadTinyShakespeare } from '@firth/datasets';
import { CharTokenizer, GPT, generate } from '@firth/transformers';
import {
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  UserError,
} from 'n8n-workflow';
import { mapItems } from '../shared/per-item';
import { withRounded } from '../shared/rounded';

/** How many of the last steps' batch losses `finalLoss` averages (one batch alone is noisy). */
const FINAL_LOSS_STEPS = 10;

export class GptTrain implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'GPT Train',
    name: 'gptTrain',
    icon: { light: 'file:gptTrain.svg', dark: 'file:gptTrain.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle:
      '={{ $parameter["nLayer"] + " layers × " + $parameter["nEmbd"] + ", " + $parameter["steps"] + " steps" }}',
    description:
      'Train a character-level GPT (nanoGPT) on tiny Shakespeare or your text, offline. Lesson: Contextual Word Embeddings (BERT and GPT)',
    defaults: { name: 'GPT Train' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Training Text',
        name: 'textSource',
        type: 'options',
        options: [
          {
            name: 'Tiny Shakespeare (Ships With Firth)',
            value: 'tinyShakespeare',
            description: "Karpathy's 1.1 MB of Shakespeare plays, 65 distinct characters",
          },
          {
            name: 'Item Field',
            value: 'field',
            description: 'The chosen text field of each item: one model per item',
          },
        ],
        default: 'tinyShakespeare',
      },
      {
        displayName: 'Text Field',
        name: 'textField',
        type: 'string',
        default: 'text',
        displayOptions: { show: { textSource: ['field'] } },
      },
      {
        displayName: 'Layers',
        name: 'nLayer',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 2,
        description: 'Transformer blocks (nanoGPT n_layer); each adds attention and a feed-forward layer',
      },
      {
        displayName: 'Heads',
        name: 'nHead',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 2,
        description: 'Attention heads per block (n_head); Width must be a multiple of it',
      },
      {
        displayName: 'Width',
        name: 'nEmbd',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 64,
        description: 'Size of every token vector, d_model (n_embd)',
      },
      {
        displayName: 'Context Length',
        name: 'blockSize',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 32,
        description: 'Characters the model sees at once (block_size)',
      },
      {
        displayName: 'Steps',
        name: 'steps',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 200,
        description: 'Optimizer steps (AdamW, warm-up then cosine decay); ~40 ms each for the defaults',
      },
      {
        displayName: 'Batch Size',
        name: 'batchSize',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 16,
        description: 'Random windows of the text per step',
      },
      {
        displayName: 'Learning Rate',
        name: 'lr',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: 0.003,
        description: 'Peak learning rate; it decays to a tenth by the last step',
      },
      {
        displayName: 'Seed',
        name: 'seed',
        type: 'number',
        default: 0,
        description:
          'Seeds the initial weights, the batches and the sample: the same seed gives the same model',
      },
      {
        displayName: 'Validation Fraction',
        name: 'validationFraction',
        type: 'number',
        typeOptions: { minValue: 0, maxValue: 0.5 },
        default: 0.1,
        description: 'The end of the text held out for the validation loss (nanoGPT: 0.1); 0 for none',
      },
      {
        displayName: 'Put Checkpoint in Field',
        name: 'binaryPropertyName',
        type: 'string',
        default: 'data',
        description: 'Binary property for the checkpoint (safetensors with the vocabulary)',
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: [
          {
            displayName: 'Sample Length',
            name: 'sampleLength',
            type: 'number',
            typeOptions: { minValue: 0 },
            default: 100,
            description: 'Characters to sample after training (temperature 0.8); 0 for none',
          },
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    let shakespeare: string | undefined;
    return mapItems(this, async (i, item) => {
      const source = this.getNodeParameter('textSource', i) as string;
      let text: string;
      if (source === 'tinyShakespeare') text = shakespeare ??= loadTinyShakespeare();
      else {
        const field = this.getNodeParameter('textField', i) as string;
        const value = item.json[field];
        if (typeof value !== 'string')
          throw new UserError(
            `Field "${field}" must be text, got ${value === undefined ? 'nothing' : typeof value}`,
          );
        text = value;
      }
      if (text === '') throw new UserError('The training text is empty');
      const size = (name: string, label: string) => {
        const v = this.getNodeParameter(name, i) as number;
        if (!Number.isInteger(v) || v < 1)
          throw new UserError(`${label} must be a positive whole number, got ${v}`);
        return v;
      };
      const nLayer = size('nLayer', 'Layers');
      const nHead = size('nHead', 'Heads');
      const nEmbd = size('nEmbd', 'Width');
      const blockSize = size('blockSize', 'Context Length');
      const steps = size('steps', 'Steps');
      const batchSize = size('batchSize', 'Batch Size');
      if (nEmbd % nHead !== 0)
        throw new UserError(
          `Width ${nEmbd} is not divisible by Heads ${nHead}: each head gets Width / Heads dimensions`,
        );
      const lr = this.getNodeParameter('lr', i) as number;
      if (!(lr > 0)) throw new UserError(`Learning Rate must be above 0, got ${lr}`);
      const valFraction = this.getNodeParameter('validationFraction', i) as number;
      if (!(valFraction >= 0 && valFraction < 1))
        throw new UserError(`Validation Fraction must be at least 0 and below 1, got ${valFraction}`);
      const seed = this.getNodeParameter('seed', i) as number;
      const { sampleLength = 100 } = this.getNodeParameter('options', i, {}) as { sampleLength?: number };

      // vocabulary: the sorted distinct characters; the last `valFraction` of the ids is held out
      const tokenizer = new CharTokenizer().train(text);
      const ids = tokenizer.encode(text);
      const cut = valFraction > 0 ? Math.floor(ids.length * (1 - valFraction)) : ids.length;
      const trainIds = ids.slice(0, cut);
      const valIds = ids.slice(cut);
      if (trainIds.length < blockSize + 1)
        throw new UserError(
          `The training text has ${trainIds.length} characters${valFraction > 0 ? ` after holding out ${valIds.length} for validation` : ''}; Context Length ${blockSize} needs at least ${blockSize + 1}`,
        );
      if (valFraction > 0 && valIds.length < blockSize + 1)
        throw new UserError(
          `The validation part has ${valIds.length} characters; Context Length ${blockSize} needs at least ${blockSize + 1}: raise Validation Fraction or give more text`,
        );

      const model = new GPT({ vocabSize: tokenizer.vocabSize, blockSize, nLayer, nHead, nEmbd, seed });
      const t0 = performance.now();
      model.fit(trainIds, {
        steps,
        batchSize,
        lr,
        seed: seed + 1,
        ...(valFraction > 0 ? { valTokens: valIds, evalEvery: Math.ceil(steps / 4) } : {}),
      });
      const elapsedMs = Math.round(performance.now() - t0);
      const tail = model.lossCurve.slice(-FINAL_LOSS_STEPS);

      // a sample starts a new line when the text has one (Shakespeare: a speaker's name comes next)
      const start = tokenizer.tokenToId('\n') !== undefined ? '\n' : [...text][0]!;
      const sample =
        sampleLength > 0
          ? (await generate(model, tokenizer, start, { temperature: 0.8, maxNewTokens: sampleLength, seed }))
              .text
          : '';
      const checkpoint = model.toSafetensors({ tokenizer: JSON.stringify(tokenizer.toJSON()) });
      const binaryPropertyName = this.getNodeParameter('binaryPropertyName', i) as string;
      const json = withRounded(
        {
          ...item.json,
          textSource: source,
          vocabSize: tokenizer.vocabSize,
          trainTokens: trainIds.length,
          validationTokens: valIds.length,
          parameterCount: model.parameterCount,
          config: { ...model.config },
          steps: model.lossCurve.length,
          initialLoss: model.lossCurve[0],
          finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
          valLoss: model.valLossCurve.at(-1)?.loss ?? null,
          lossCurve: model.lossCurve,
          valLossCurve: model.valLossCurve,
          elapsedMs,
          sample,
        },
        ['initialLoss', 'finalLoss', 'valLoss'],
      );
      return {
        json,
        binary: {
          [binaryPropertyName]: await this.helpers.prepareBinaryData(
            Buffer.from(checkpoint),
            `gpt-${source === 'tinyShakespeare' ? 'shakespeare' : 'text'}.safetensors`,
            'application/octet-stream',
          ),
        },
        pairedItem: { item: i },
      };
    });
  }
}
