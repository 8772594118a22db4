/**
 * Transformer Generate node: the lesson "GPT" on a real pretrained model — Karpathy's llama2.c
 * TinyStories model (260K parameters, shipped) continues a prompt, with an LLM playground's
 * parameters: max new tokens, temperature, top-k, top-p, repetition penalty, stop sequences, seed.
 * Or the GPT a GPT Train step just trained: its checkpoint arrives as binary data (safetensors,
 * the character vocabulary in the metadata).
 *
 * Thin adapter (STYLE.md): @firth/transformers' loadLlama2c, GPT and generate do the work.
 */
import {
  type CausalLM,
  type CharTokenizer,
  type GPT,
  generate,
  type Llama2c,
  loadLlama2c,
  readCharGptCheckpoint,
  shippedTokenizer,
} from '@firth/transformers';
import {
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  NodeOperationError,
  UserError,
} from 'n8n-workflow';
import { toErrorMessage } from '../shared/dataset';
import { mapItems } from '../shared/per-item';

/** The model is read once per process. */
let tinyStories: Promise<Llama2c> | null = null;

export class TransformerGenerate implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Transformer Generate',
    name: 'transformerGenerate',
    icon: { light: 'file:transformerGenerate.svg', dark: 'file:transformerGenerate.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle:
      '={{ ($parameter["model"] === "gptCheckpoint" ? "GPT checkpoint" : "TinyStories") + ", T=" + $parameter["temperature"] }}',
    description:
      'Continue a text with a local transformer language model (TinyStories or your GPT). Lesson: Contextual Word Embeddings (BERT and GPT)',
    defaults: { name: 'Transformer Generate' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Model',
        name: 'model',
        type: 'options',
        options: [
          {
            name: 'TinyStories 260K (Llama2.c, Shipped)',
            value: 'tinystories-260k',
            description:
              "Karpathy's tiny Llama 2 trained on children's stories: 5 layers, 64-wide, 512 tokens",
          },
          {
            name: 'GPT Checkpoint From Input Binary',
            value: 'gptCheckpoint',
            description: 'The character-level GPT a GPT Train step trained (its binary checkpoint)',
          },
        ],
        default: 'tinystories-260k',
      },
      {
        displayName: 'Input Binary Field',
        name: 'binaryPropertyName',
        type: 'string',
        default: 'data',
        required: true,
        displayOptions: { show: { model: ['gptCheckpoint'] } },
        description: 'The binary property holding the GPT Train checkpoint (safetensors)',
      },
      {
        displayName: 'Prompt',
        name: 'prompt',
        type: 'string',
        typeOptions: { rows: 2 },
        default: 'Once upon a time',
        description: 'The text to continue; empty starts a story from scratch',
      },
      {
        displayName: 'Max New Tokens',
        name: 'maxNewTokens',
        type: 'number',
        typeOptions: { minValue: 1, maxValue: 500 },
        default: 100,
      },
      {
        displayName: 'Temperature',
        name: 'temperature',
        type: 'number',
        typeOptions: { minValue: 0, maxValue: 2 },
        default: 0.8,
        description: '0 always picks the most likely token (greedy); higher values are more random',
      },
      {
        displayName: 'Seed',
        name: 'seed',
        type: 'number',
        default: 42,
        description: 'The same seed (with the same settings) gives the same text',
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: [
          {
            displayName: 'Repetition Penalty',
            name: 'repetitionPenalty',
            type: 'number',
            typeOptions: { minValue: 0.01 },
            default: 1,
            description: 'Above 1 discourages tokens that already appeared',
          },
          {
            displayName: 'Stop Sequences',
            name: 'stop',
            type: 'string',
            typeOptions: { multipleValues: true },
            default: [],
            description: 'Up to 4 texts that end generation (not included in the output)',
          },
          {
            displayName: 'Top K',
            name: 'topK',
            type: 'number',
            typeOptions: { minValue: 0 },
            default: 0,
            description: 'Sample among the K most likely tokens; 0 means all',
          },
          {
            displayName: 'Top P',
            name: 'topP',
            type: 'number',
            typeOptions: { minValue: 0, maxValue: 1 },
            default: 1,
            description: 'Sample from the smallest set of tokens whose probability reaches P',
          },
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return mapItems(this, async (i, item) => {
      const prompt = String(this.getNodeParameter('prompt', i) ?? '');
      let model: CausalLM;
      let tokenizer: Parameters<typeof generate>[1];
      let startIds: number[];
      if (this.getNodeParameter('model', i) === 'gptCheckpoint') {
        ({ model, tokenizer } = await readGptCheckpoint(this, i, item));
        // an empty prompt starts a new line (when the vocabulary has one)
        const newline = (tokenizer as CharTokenizer).tokenToId('\n');
        startIds = newline === undefined ? [] : [newline];
      } else {
        tinyStories ??= loadLlama2c();
        model = await tinyStories.catch((error) => {
          tinyStories = null;
          throw error;
        });
        tokenizer = shippedTokenizer('llama2c-tinystories') as Parameters<typeof generate>[1];
        // an empty prompt starts from the beginning-of-sequence token alone
        startIds = [1];
      }
      const options = this.getNodeParameter('options', i, {}) as {
        repetitionPenalty?: number;
        stop?: string[];
        topK?: number;
        topP?: number;
      };
      const t0 = performance.now();
      const result = await generate(model, tokenizer, prompt, {
        maxNewTokens: this.getNodeParameter('maxNewTokens', i) as number,
        temperature: this.getNodeParameter('temperature', i) as number,
        seed: this.getNodeParameter('seed', i) as number,
        ...options,
        ...(prompt === '' && startIds.length > 0 ? { promptIds: startIds } : {}),
      });
      const seconds = (performance.now() - t0) / 1000;
      return {
        json: {
          ...item.json,
          prompt,
          text: result.text,
          completion: prompt + result.text,
          finishReason: result.finishReason,
          usage: { promptTokens: result.promptTokens, completionTokens: result.completionTokens },
          tokensPerSecond: Math.round(result.completionTokens / Math.max(seconds, 1e-6)),
        },
        pairedItem: { item: i },
      };
    });
  }
}

/** The GPT and its character tokenizer from item i's binary checkpoint; errors say what is wrong. */
async function readGptCheckpoint(
  ctx: IExecuteFunctions,
  i: number,
  item: INodeExecutionData,
): Promise<{ model: GPT; tokenizer: CharTokenizer }> {
  const name = ctx.getNodeParameter('binaryPropertyName', i) as string;
  if (!item.binary?.[name]) {
    const present = Object.keys(item.binary ?? {});
    throw new UserError(
      `No binary field "${name}" on the item (${present.length > 0 ? `it has ${present.map((p) => `"${p}"`).join(', ')}` : 'it has no binary data'}): connect the output of a GPT Train step`,
    );
  }
  const bytes = new Uint8Array(await ctx.helpers.getBinaryDataBuffer(i, name));
  try {
    return readCharGptCheckpoint(bytes, `Binary field "${name}"`);
  } catch (error) {
    throw new NodeOperationError(
      ctx.getNode(),
      `${toErrorMessage(error)}: expected the checkpoint of a GPT Train step`,
      { itemIndex: i },
    );
  }
}
