/**
 * Recurrent Text Generator node: the course's RNN lesson as a character-level language model.
 * Train an RNN / LSTM / GRU on text (tiny Shakespeare ships with Firth, or the items' text) and
 * sample from it, or sample from the pretrained ml5 char-LSTM shipped with Firth.
 *
 * Thin adapter (STYLE.md): @firth/deep does the work — training on @firth/tensor (TensorFlow.js for the pretrained ml5 char-LSTM, or when @tensorflow/tfjs-node is installed).
 */
import { loadTinyShakespeare } from '@firth/datasets';
import {
  type CellType,
  CharLanguageModel,
  type CharLanguageModelJSON,
  type CharLanguageModelOptions,
  loadMl5CharLSTM,
  type TextSampler,
  vanishingGradientSvg,
  vanishingGradientTable,
} from '@firth/deep';
import { lossCurveSvg, type ProgressCallback } from '@firth/neural';
import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  NodeOperationError,
  UserError,
} from 'n8n-workflow';
import { toErrorMessage } from '../shared/dataset';
import { parseModelParameter, plotBinaries } from '../shared/parameters';
import { withRounded } from '../shared/rounded';

export class RecurrentTextGenerator implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Recurrent Text Generator',
    name: 'recurrentTextGenerator',
    icon: { light: 'file:recurrent.svg', dark: 'file:recurrent.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle:
      '={{ $parameter["operation"] + ($parameter["operation"] === "train" ? " " + $parameter["cell"] : "") }}',
    description:
      'Character-level RNN / LSTM / GRU: train on text or sample (pretrained Shakespeare LSTM). Lesson: Introduction to Deep Neural Networks',
    defaults: { name: 'Recurrent Text Generator' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Operation',
        name: 'operation',
        type: 'options',
        noDataExpression: true,
        options: [
          {
            name: 'Sample',
            value: 'sample',
            action: 'Generate text character by character',
            description: 'Continue a prompt for each item with a trained or the pretrained model',
          },
          {
            name: 'Train',
            value: 'train',
            action: 'Train a character level language model',
            description: 'Train on text and output the model, its loss curve and a sample',
          },
          {
            name: 'Vanishing Gradient',
            value: 'vanishingGradient',
            action: 'Compare gradient flow in an RNN and an LSTM',
            description:
              "Gradient norm of the last step's loss with respect to each earlier hidden state, plain RNN vs LSTM: a table and a log plot",
          },
        ],
        default: 'sample',
      },
      {
        displayName: 'Time Steps',
        name: 'timeSteps',
        type: 'number',
        typeOptions: { minValue: 2, maxValue: 500 },
        default: 50,
        displayOptions: { show: { operation: ['vanishingGradient'] } },
        description: 'Length of the unrolled sequence',
      },
      {
        displayName: 'Hidden Units',
        name: 'gradientHiddenSize',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 32,
        displayOptions: { show: { operation: ['vanishingGradient'] } },
      },
      {
        displayName: 'Model',
        name: 'modelSource',
        type: 'options',
        options: [
          {
            name: 'Pretrained Shakespeare LSTM (Ml5)',
            value: 'ml5',
            description: "Ml5's 2-layer, 128-unit char-LSTM trained on tiny Shakespeare (ships with Firth)",
          },
          { name: 'Trained Model', value: 'trained', description: 'The "model" output of a Train step' },
        ],
        default: 'ml5',
        displayOptions: { show: { operation: ['sample'] } },
      },
      {
        displayName: 'Trained Model',
        name: 'model',
        type: 'json',
        default: '',
        required: true,
        placeholder: "={{ $('Recurrent Text Generator').first().json.model }}",
        displayOptions: { show: { operation: ['sample'], modelSource: ['trained'] } },
        description: 'The "model" output of a Recurrent Text Generator Train step',
      },
      {
        displayName: 'Prompt',
        name: 'prompt',
        type: 'string',
        typeOptions: { rows: 2 },
        default: 'ROMEO:\n',
        displayOptions: { show: { operation: ['sample', 'train'] } },
        description:
          'Text the model reads first; the sample continues it. Every character must be in the vocabulary.',
      },
      {
        displayName: 'Length',
        name: 'length',
        type: 'number',
        typeOptions: { minValue: 1, maxValue: 5000 },
        default: 200,
        displayOptions: { show: { operation: ['sample', 'train'] } },
        description: 'Characters to generate',
      },
      {
        displayName: 'Temperature',
        name: 'temperature',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: 0.5,
        displayOptions: { show: { operation: ['sample', 'train'] } },
        description: 'Below 1 picks likely characters more often; 0 always takes the most likely one',
      },
      {
        displayName: 'Seed',
        name: 'seed',
        type: 'number',
        default: 0,
        description:
          'Seed of the random draws and of the initial weights: the same seed gives the same result',
      },
      {
        displayName: 'Training Text',
        name: 'textSource',
        type: 'options',
        options: [
          {
            name: 'Tiny Shakespeare (Ships With Firth)',
            value: 'tinyShakespeare',
            description: "Karpathy's 1.1 MB of Shakespeare plays",
          },
          {
            name: 'Item Field',
            value: 'field',
            description: 'The chosen field of every item, joined by newlines',
          },
        ],
        default: 'tinyShakespeare',
        displayOptions: { show: { operation: ['train'] } },
      },
      {
        displayName: 'Text Field',
        name: 'textField',
        type: 'string',
        default: 'text',
        displayOptions: { show: { operation: ['train'], textSource: ['field'] } },
      },
      {
        displayName: 'Max Characters',
        name: 'maxChars',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: 100000,
        displayOptions: { show: { operation: ['train'] } },
        description:
          'Use only the first this many characters (0 = all); the last 10% is held out for validation',
      },
      {
        displayName: 'Cell',
        name: 'cell',
        type: 'options',
        options: [
          { name: 'LSTM', value: 'lstm', description: 'Long short-term memory: gates keep gradients alive' },
          { name: 'GRU', value: 'gru', description: 'Gated recurrent unit: two gates, fewer weights' },
          { name: 'RNN', value: 'rnn', description: "Elman's plain tanh RNN: suffers vanishing gradients" },
        ],
        default: 'lstm',
        displayOptions: { show: { operation: ['train'] } },
      },
      {
        displayName: 'Hidden Size',
        name: 'hiddenSize',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 64,
        displayOptions: { show: { operation: ['train'] } },
        description: 'Units per recurrent layer',
      },
      {
        displayName: 'Steps',
        name: 'steps',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 200,
        displayOptions: { show: { operation: ['train'] } },
        description: 'Adam updates, one random batch of windows each',
      },
      {
        displayName: 'Output',
        name: 'output',
        type: 'options',
        options: [
          {
            name: 'Model',
            value: 'model',
            description: 'One item: loss curve, validation loss, sample, model',
          },
          {
            name: 'Model and Progress',
            value: 'progress',
            description:
              'The model item, then one item per validation point (step, loss, validation loss, time)',
          },
        ],
        default: 'model',
        displayOptions: { show: { operation: ['train'] } },
      },
      {
        displayName: 'Options',
        name: 'trainOptions',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        displayOptions: { show: { operation: ['train'] } },
        options: [
          {
            displayName: 'Batch Size',
            name: 'batchSize',
            type: 'number',
            typeOptions: { minValue: 1 },
            default: 32,
            description: 'Windows per step',
          },
          {
            displayName: 'Embedding Size',
            name: 'embeddingSize',
            type: 'number',
            typeOptions: { minValue: 1 },
            default: 32,
          },
          {
            displayName: 'Layers',
            name: 'numLayers',
            type: 'number',
            typeOptions: { minValue: 1 },
            default: 1,
            description: 'Stacked recurrent layers',
          },
          {
            displayName: 'Learning Rate',
            name: 'learningRate',
            type: 'number',
            typeOptions: { minValue: 0 },
            default: 0.005,
            description: "Adam's step size",
          },
          {
            displayName: 'Sequence Length',
            name: 'seqLength',
            type: 'number',
            typeOptions: { minValue: 1 },
            default: 64,
            description: 'Characters per training window (how far back gradients flow)',
          },
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const operation = this.getNodeParameter('operation', 0) as 'train' | 'sample' | 'vanishingGradient';
    if (operation === 'vanishingGradient') return [await vanishingGradient.call(this)];
    return operation === 'train' ? [await train.call(this)] : [await sample.call(this)];
  }
}

/** Sampling options of item i. */
function sampleOptions(ctx: IExecuteFunctions, i: number) {
  return {
    prompt: ctx.getNodeParameter('prompt', i, '') as string,
    length: ctx.getNodeParameter('length', i) as number,
    temperature: ctx.getNodeParameter('temperature', i) as number,
    seed: ctx.getNodeParameter('seed', i) as number,
  };
}

async function sample(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const items = this.getInputData();
  const out: INodeExecutionData[] = [];
  // One model per distinct source, reused across items (loading or deserialising is the slow part).
  const cache = new Map<string, TextSampler>();
  try {
    for (let i = 0; i < items.length; i++) {
      try {
        const source = this.getNodeParameter('modelSource', i) as 'ml5' | 'trained';
        let key = 'ml5';
        let json: unknown;
        if (source === 'trained') {
          json = parseModelParameter(this.getNodeParameter('model', i), 'Recurrent Text Generator Train');
          key = JSON.stringify(json).slice(0, 2000);
        }
        let model = cache.get(key);
        if (!model) {
          model =
            source === 'ml5'
              ? await loadMl5CharLSTM()
              : CharLanguageModel.fromJSON(json as CharLanguageModelJSON);
          cache.set(key, model);
        }
        const options = sampleOptions(this, i);
        const text = await model.sample(options);
        out.push({
          json: { ...items[i]!.json, ...options, text, completion: options.prompt + text, model: source },
          pairedItem: { item: i },
        });
      } catch (error) {
        const message = toErrorMessage(error);
        if (this.continueOnFail()) {
          out.push({ json: { ...items[i]!.json, error: message }, pairedItem: { item: i } });
          continue;
        }
        throw new NodeOperationError(this.getNode(), message, { itemIndex: i });
      }
    }
  } finally {
    for (const model of cache.values()) (model as { dispose?: () => void }).dispose?.();
  }
  return out;
}

async function train(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const items = this.getInputData();
  const pairedItem = items.map((_, item) => ({ item }));
  let itemIndex = 0;
  let model: CharLanguageModel | undefined;
  try {
    let text: string;
    if (this.getNodeParameter('textSource', 0) === 'tinyShakespeare') {
      text = loadTinyShakespeare();
    } else {
      const field = this.getNodeParameter('textField', 0) as string;
      const parts: string[] = [];
      for (const [i, item] of items.entries()) {
        itemIndex = i;
        const value = item.json[field];
        if (typeof value !== 'string')
          throw new UserError(
            `Item ${i}: field "${field}" must be text, got ${value === undefined ? 'nothing' : typeof value}`,
          );
        parts.push(value);
      }
      itemIndex = 0;
      text = parts.join('\n');
    }
    const maxChars = this.getNodeParameter('maxChars', 0, 0) as number;
    if (maxChars > 0) text = text.slice(0, maxChars);
    // the last 10% is held out (at most 2,000 characters of it are scored: evaluating runs the
    // network one character at a time, so a long validation text would dominate training time)
    const cut = Math.floor(text.length * 0.9);
    const validationText = text.slice(cut, cut + 2000);
    const options = this.getNodeParameter('trainOptions', 0, {}) as IDataObject;
    model = new CharLanguageModel({
      cell: this.getNodeParameter('cell', 0) as CellType,
      hiddenSize: this.getNodeParameter('hiddenSize', 0) as number,
      seed: this.getNodeParameter('seed', 0) as number,
      ...(options as CharLanguageModelOptions),
    });
    // training you can watch: every validation point becomes a row (an output item on request)
    const progress: IDataObject[] = [];
    const onProgress: ProgressCallback = (e) => {
      if (e.phase === 'step' && e.metrics?.valLoss !== undefined)
        progress.push({ step: e.step, loss: e.loss, valLoss: e.metrics.valLoss, elapsedMs: e.elapsedMs });
    };
    const steps = this.getNodeParameter('steps', 0) as number;
    await model.fit(text.slice(0, cut), {
      steps,
      validationText,
      evalEvery: Math.max(1, Math.floor(steps / 4)),
      onProgress,
    });
    const sampled = sampleOptions(this, 0);
    const generated = await model.sample(sampled);
    const json = withRounded(
      {
        cell: model.options.cell,
        vocabSize: model.vocab.length,
        trainChars: cut,
        validationChars: validationText.length,
        steps,
        loss: model.lossCurve.at(-1),
        lossCurve: model.lossCurve,
        valLossCurve: model.valLossCurve,
        valLoss: model.valLossCurve.at(-1)?.loss,
        prompt: sampled.prompt,
        sample: generated,
        model: model.toJSON() as unknown as IDataObject,
      },
      ['loss', 'valLoss'],
    );
    const svg = lossCurveSvg(
      { train: model.lossCurve },
      { title: `Char-${model.options.cell.toUpperCase()} training loss (nats/char)`, xLabel: 'step' },
    );
    const out: INodeExecutionData = {
      json,
      pairedItem,
      binary: await plotBinaries(this, svg, 'loss-curve'),
    };
    if (this.getNodeParameter('output', 0, 'model') === 'progress') {
      return [out, ...progress.map((row) => ({ json: row, pairedItem }))];
    }
    return [out];
  } catch (error) {
    const message = toErrorMessage(error);
    if (this.continueOnFail())
      return [{ json: { error: message, itemIndex }, pairedItem: { item: itemIndex } }];
    throw new NodeOperationError(this.getNode(), message, { itemIndex });
  } finally {
    model?.dispose();
  }
}

/**
 * The course's vanishing-gradient demonstration: ‖∂L/∂h_t‖ for every step t of one unrolled
 * sequence, L being the last step's loss, for a plain RNN and an LSTM of the same size.
 * One output item per time step, and the log plot on the first.
 */
async function vanishingGradient(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const items = this.getInputData();
  const pairedItem = items.map((_, item) => ({ item }));
  try {
    const rows = await vanishingGradientTable({
      timeSteps: this.getNodeParameter('timeSteps', 0) as number,
      hiddenSize: this.getNodeParameter('gradientHiddenSize', 0) as number,
      seed: this.getNodeParameter('seed', 0) as number,
    });
    const last = rows.at(-1)!;
    const out: INodeExecutionData[] = rows.map((row) => ({
      json: {
        ...row,
        // how much of the last step's gradient survives back to step t
        rnnRatio: row.rnn / last.rnn,
        lstmRatio: row.lstm / last.lstm,
      },
      pairedItem,
    }));
    out[0]!.binary = await plotBinaries(this, vanishingGradientSvg(rows), 'vanishing-gradient');
    return out;
  } catch (error) {
    const message = toErrorMessage(error);
    if (this.continueOnFail()) return [{ json: { error: message }, pairedItem }];
    throw new NodeOperationError(this.getNode(), message, { itemIndex: 0 });
  }
}
