/**
 * Transformer Generate node: the lesson "GPT" on a real pretrained model — Karpathy's llama2.c
 * TinyStories model (260K parameters, shipped) continues a prompt, with an LLM playground's
 * parameters: max new tokens, temperature, top-k, top-p, repetition penalty, stop sequences, seed.
 *
 * Thin adapter (STYLE.md): @firth/transformers' loadLlama2c and generate do the work.
 */
import { generate, type Llama2c, loadLlama2c, shippedTokenizer } from '@firth/transformers';
import {
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
} from 'n8n-workflow';
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
    subtitle: '={{ "TinyStories, T=" + $parameter["temperature"] }}',
    description: 'Continue a text with a local transformer language model (offline)',
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
        ],
        default: 'tinystories-260k',
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
        typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
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
            typeOptions: { minValue: 0.01, numberPrecision: 2 },
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
            typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
            default: 1,
            description: 'Sample from the smallest set of tokens whose probability reaches P',
          },
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return mapItems(this, async (i, item) => {
      tinyStories ??= loadLlama2c();
      const model = await tinyStories.catch((error) => {
        tinyStories = null;
        throw error;
      });
      const tokenizer = shippedTokenizer('llama2c-tinystories') as Parameters<typeof generate>[1];
      const prompt = String(this.getNodeParameter('prompt', i) ?? '');
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
        // an empty prompt starts from the beginning-of-sequence token alone
        ...(prompt === '' ? { promptIds: [1] } : {}),
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
