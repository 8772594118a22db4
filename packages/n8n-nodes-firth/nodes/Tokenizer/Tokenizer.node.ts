/**
 * Tokenizer node: the tokenizer playground — a text cut into tokens by one of Firth's tokenizers
 * (llama2.c's SentencePiece BPE, byte-level BPE, WordPiece, characters), with the ids and counts.
 *
 * Thin adapter (STYLE.md): @firth/transformers' shippedTokenizer and tokenizeForDisplay do the work.
 */
import {
  SHIPPED_TOKENIZERS,
  type ShippedTokenizerName,
  shippedTokenizer,
  tokenizeForDisplay,
} from '@firth/transformers';
import {
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  UserError,
} from 'n8n-workflow';
import { mapItems } from '../shared/per-item';

export class Tokenizer implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Tokenizer',
    name: 'tokenizer',
    icon: { light: 'file:tokenizer.svg', dark: 'file:tokenizer.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["tokenizer"] }}',
    description:
      'Split text into tokens and ids with a BPE, WordPiece, SentencePiece or character tokenizer. Lesson: Contextual Word Embeddings (BERT and GPT)',
    defaults: { name: 'Tokenizer' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Tokenizer',
        name: 'tokenizer',
        type: 'options',
        options: [
          {
            name: 'BPE (Byte-Level, Tiny Shakespeare, 512)',
            value: 'bpe-shakespeare',
            description: 'GPT-2-style byte-level BPE trained on tiny Shakespeare',
          },
          {
            name: 'Characters (Tiny Shakespeare, 65)',
            value: 'char-shakespeare',
            description: 'One token per character',
          },
          {
            name: 'Llama2.c TinyStories (SentencePiece BPE, 512)',
            value: 'llama2c-tinystories',
            description: 'The tokenizer of the TinyStories model used by Transformer Generate',
          },
          {
            name: 'WordPiece (BERT-Style, Tiny Shakespeare, 1000)',
            value: 'wordpiece-shakespeare',
            description: 'Uncased WordPiece with ## continuation pieces',
          },
        ],
        default: 'llama2c-tinystories',
      },
      {
        displayName: 'Text',
        name: 'text',
        type: 'string',
        typeOptions: { rows: 3 },
        default: 'Once upon a time, there was a little girl named Lily.',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return mapItems(this, async (i, item) => {
      const name = this.getNodeParameter('tokenizer', i) as ShippedTokenizerName;
      if (!SHIPPED_TOKENIZERS.includes(name)) throw new UserError(`Unknown tokenizer "${name}"`);
      const text = this.getNodeParameter('text', i);
      if (typeof text !== 'string') throw new UserError(`Text must be text, got ${typeof text}`);
      const result = tokenizeForDisplay(shippedTokenizer(name), text);
      return { json: { ...item.json, tokenizer: name, ...result }, pairedItem: { item: i } };
    });
  }
}
