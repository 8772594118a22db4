/**
 * Contextual Embeddings node: the lesson "BERT" — after pretraining, a word's vector depends on its
 * sentence. "bank" by a river and "bank" where money is deposited get different vectors (cosine
 * below 1), where static word vectors (GloVe, Word2Vec) give one vector per word. Also the course's
 * "print the embeddings": every token of a text with its vector (`last_hidden_state`), and the
 * mean-pooled sentence vector.
 *
 * Thin adapter (STYLE.md): @firth/transformers' shipped tiny BERT, wordVector, cosine and
 * BertModel.embed do the work.
 */
import { quote, ValidationError } from '@firth/numeric';
import { cosine, poolVectors, wordVector } from '@firth/transformers';
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
import { isTruncated, MONEY_BANK, RIVER_BANK, textOf, tinyBert } from '../shared/bert';
import { mapItems } from '../shared/per-item';
import { withRounded } from '../shared/rounded';

export class ContextualEmbeddings implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Contextual Embeddings',
    name: 'contextualEmbeddings',
    icon: { light: 'file:contextualEmbeddings.svg', dark: 'file:contextualEmbeddings.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle:
      '={{ $parameter["operation"] === "tokenVectors" ? "token vectors" : "\\"" + $parameter["word"] + "\\" in two sentences" }}',
    description:
      "A word's BERT vector in context: one word across two sentences, or every token's vector. Lesson: Contextual Word Embeddings (BERT and GPT)",
    defaults: { name: 'Contextual Embeddings' },
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
            name: 'Compare a Word in Two Sentences',
            value: 'compareWord',
            description: "Cosine between the word's contextual vectors in sentence A and in sentence B",
            action: 'Compare a word in two sentences',
          },
          {
            name: 'Token Vectors',
            value: 'tokenVectors',
            description: 'Every token of a text with its vector, and the mean-pooled sentence vector',
            action: 'List the token vectors of a text',
          },
        ],
        default: 'compareWord',
      },
      {
        displayName: 'Word',
        name: 'word',
        type: 'string',
        default: 'bank',
        displayOptions: { show: { operation: ['compareWord'] } },
        description:
          'The word to compare; it must occur in both sentences (a word split into pieces is their mean)',
      },
      {
        displayName: 'Sentence A',
        name: 'sentenceA',
        type: 'string',
        typeOptions: { rows: 2 },
        default: RIVER_BANK,
        displayOptions: { show: { operation: ['compareWord'] } },
      },
      {
        displayName: 'Sentence B',
        name: 'sentenceB',
        type: 'string',
        typeOptions: { rows: 2 },
        default: MONEY_BANK,
        displayOptions: { show: { operation: ['compareWord'] } },
      },
      {
        displayName: 'Include Vectors',
        name: 'includeVectors',
        type: 'boolean',
        default: false,
        displayOptions: { show: { operation: ['compareWord'] } },
        description: "Whether to output the word's two vectors (128 numbers each) as vectorA and vectorB",
      },
      {
        displayName: 'Text',
        name: 'text',
        type: 'string',
        typeOptions: { rows: 2 },
        default: MONEY_BANK,
        displayOptions: { show: { operation: ['tokenVectors'] } },
        description: 'The text to embed; the model reads at most 64 tokens, [CLS] and [SEP] included',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return mapItems(this, async (i, item) => {
      const model = await tinyBert();
      const { bert, tokenizer } = model;
      let json: IDataObject;
      if (this.getNodeParameter('operation', i) === 'tokenVectors') {
        const text = textOf(this.getNodeParameter('text', i), 'Text');
        const { tokens, vectors } = bert.embed(tokenizer, text);
        json = {
          text,
          tokens,
          vectors,
          sentenceVector: poolVectors(vectors),
          dimensions: bert.config.hiddenSize,
          truncated: isTruncated(model, text),
        };
      } else {
        const word = textOf(this.getNodeParameter('word', i), 'Word').trim();
        const sentenceA = textOf(this.getNodeParameter('sentenceA', i), 'Sentence A');
        const sentenceB = textOf(this.getNodeParameter('sentenceB', i), 'Sentence B');
        const vectorOf = (sentence: string, label: string) => {
          if (tokenizer.tokenize(word).length === 0) throw new UserError(`Word ${quote(word)} has no tokens`);
          try {
            return wordVector(bert, tokenizer, sentence, word);
          } catch (error) {
            const truncated = isTruncated(model, sentence)
              ? ' — the model reads only its first 64 tokens'
              : '';
            throw new NodeOperationError(
              this.getNode(),
              error instanceof ValidationError
                ? `Word ${quote(word)} is not in ${label} (${quote(sentence, 200)})${truncated}`
                : (error as Error),
              { itemIndex: i },
            );
          }
        };
        const vectorA = vectorOf(sentenceA, 'Sentence A');
        const vectorB = vectorOf(sentenceB, 'Sentence B');
        const cos = cosine(vectorA, vectorB);
        json = {
          word,
          sentenceA,
          sentenceB,
          cosine: cos,
          explanation: explain(word, cos),
          ...(this.getNodeParameter('includeVectors', i, false) ? { vectorA, vectorB } : {}),
        };
      }
      return { json: withRounded({ ...item.json, ...json }, ['cosine']), pairedItem: { item: i } };
    });
  }
}

/** The cosine in words, for the course's point: one word, a different vector in each context. */
function explain(word: string, cos: number): string {
  const value = `cos("${word}" in A, "${word}" in B) = ${cos.toFixed(3)}`;
  if (cos > 0.9999) return `${value}: the same vector — the word sits in the same context in both sentences.`;
  return `${value}: "${word}" gets a different vector in each sentence, because BERT reads every word with its context (static word vectors such as GloVe would give exactly 1).`;
}
