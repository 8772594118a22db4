/**
 * Tokenizer Playground node (course: "Tokenizer Playground"): one text cut by several tokenizers
 * side by side — Firth's (llama2.c SentencePiece BPE, byte-level BPE, WordPiece, characters) and
 * GPT-4o's (o200k_base) — with the tokens, ids, counts and characters per token.
 *
 *   text 'Once upon a time'
 *   // counts: { 'llama2c-tinystories': 4, …, 'gpt-4o': 4 }
 *
 * Thin adapter: @firth/llm's compareTokenizers does the work.
 */
import { compareTokenizers, PLAYGROUND_TOKENIZERS, type PlaygroundTokenizerName } from '@firth/llm';
import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  UserError,
} from 'n8n-workflow';
import { mapItems } from '../shared/per-item';

export class TokenizerPlayground implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Tokenizer Playground',
    name: 'tokenizerPlayground',
    icon: { light: 'file:tokenizerPlayground.svg', dark: 'file:tokenizerPlayground.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["tokenizers"].join(", ") }}',
    description:
      "Compare how Firth's tokenizers and GPT-4o's cut the same text into tokens. Lesson: Introduction to Large Language Models",
    defaults: { name: 'Tokenizer Playground' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Text',
        name: 'text',
        type: 'string',
        typeOptions: { rows: 3 },
        default: 'Once upon a time',
      },
      {
        displayName: 'Tokenizers',
        name: 'tokenizers',
        type: 'multiOptions',
        options: [
          {
            name: 'BPE (Byte-Level, Tiny Shakespeare, 512)',
            value: 'bpe-shakespeare',
          },
          { name: 'Characters (Tiny Shakespeare, 65)', value: 'char-shakespeare' },
          { name: 'GPT-4o (O200k_base, 200k)', value: 'gpt-4o' },
          { name: 'Llama2.c TinyStories (SentencePiece BPE, 512)', value: 'llama2c-tinystories' },
          { name: 'WordPiece (BERT-Style, Tiny Shakespeare, 1000)', value: 'wordpiece-shakespeare' },
        ],
        default: [...PLAYGROUND_TOKENIZERS],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return mapItems(this, async (i, item) => {
      const text = this.getNodeParameter('text', i);
      if (typeof text !== 'string') throw new UserError(`Text must be text, got ${typeof text}`);
      const names = this.getNodeParameter('tokenizers', i) as PlaygroundTokenizerName[];
      if (!Array.isArray(names) || names.length === 0) throw new UserError('Tokenizers: choose at least one');
      for (const name of names)
        if (!PLAYGROUND_TOKENIZERS.includes(name))
          throw new UserError(`Unknown tokenizer "${name}": one of ${PLAYGROUND_TOKENIZERS.join(', ')}`);
      const views = await compareTokenizers(text, names);
      return {
        json: {
          ...item.json,
          text,
          counts: Object.fromEntries(views.map((v) => [v.name, v.count])),
          tokenizers: views as unknown as IDataObject[],
        },
        pairedItem: { item: i },
      };
    });
  }
}
