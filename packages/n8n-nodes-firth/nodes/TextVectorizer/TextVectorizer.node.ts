/**
 * Text Vectorizer node: the lesson "How Did We Represent Words Pre-2013" — one-hot vectors,
 * bag-of-words counts, TF-IDF (both identical to scikit-learn's CountVectorizer /
 * TfidfVectorizer) and a word–word co-occurrence matrix, over the items' text.
 *
 * Thin adapter (STYLE.md): @firth/embeddings does the work. All items form one corpus (each item is
 * a document); bag-of-words and TF-IDF return one item per document, one-hot and co-occurrence
 * one item per document / one item for the corpus.
 */
import { CountVectorizer, cooccurrenceMatrix, oneHot, TfidfVectorizer, tokenize } from '@firth/embeddings';
import { checkTextLength, quote } from '@firth/numeric';
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
import { readItems } from '../shared/per-item';
import { withRounded } from '../shared/rounded';

type Method = 'oneHot' | 'bagOfWords' | 'tfidf' | 'cooccurrence';

export class TextVectorizer implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Text Vectorizer',
    name: 'textVectorizer',
    icon: { light: 'file:textVectorizer.svg', dark: 'file:textVectorizer.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["method"] }}',
    description:
      'Text to numbers: one-hot, bag-of-words, TF-IDF (as scikit-learn) or co-occurrence counts. Lesson: Introduction to Word Embeddings',
    defaults: { name: 'Text Vectorizer' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Method',
        name: 'method',
        type: 'options',
        noDataExpression: true,
        options: [
          {
            name: 'Bag of Words',
            value: 'bagOfWords',
            action: 'Count words per document',
            description: "Term counts per document (scikit-learn's CountVectorizer)",
          },
          {
            name: 'Co-Occurrence Matrix',
            value: 'cooccurrence',
            action: 'Count word pairs within a window',
            description: 'How often each pair of words appears within a window of each other',
          },
          {
            name: 'One-Hot',
            value: 'oneHot',
            action: 'One hot encode the words',
            description: 'One vector per word with a single 1 in its vocabulary column',
          },
          {
            name: 'TF-IDF',
            value: 'tfidf',
            action: 'Weight words by TF IDF',
            description:
              "Counts weighted by inverse document frequency, L2-normalised (scikit-learn's TfidfVectorizer)",
          },
        ],
        default: 'bagOfWords',
      },
      {
        displayName: 'Text Field',
        name: 'textField',
        type: 'string',
        default: 'text',
        required: true,
        description: 'Field holding each document',
      },
      {
        displayName: 'Remove English Stop Words',
        name: 'stopWords',
        type: 'boolean',
        default: false,
        description: "Whether to drop scikit-learn's 318 English stop words (the, and, of…)",
      },
      {
        displayName: 'Window',
        name: 'window',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 2,
        displayOptions: { show: { method: ['cooccurrence'] } },
        description: 'Words at most this far apart count as co-occurring',
      },
      {
        displayName: 'Distance Weighting',
        name: 'distanceWeighting',
        type: 'boolean',
        default: false,
        displayOptions: { show: { method: ['cooccurrence'] } },
        description: 'Whether a pair d words apart adds 1/d instead of 1 (as GloVe counts)',
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        displayOptions: { show: { method: ['bagOfWords', 'tfidf'] } },
        options: [
          {
            displayName: 'Binary',
            name: 'binary',
            type: 'boolean',
            default: false,
            description: 'Whether to record presence (1) instead of counts',
          },
          {
            displayName: 'Max Features',
            name: 'maxFeatures',
            type: 'number',
            typeOptions: { minValue: 1 },
            default: 1000,
            description: 'Keep only the most frequent terms',
          },
          {
            displayName: 'Min Document Frequency',
            name: 'minDf',
            type: 'number',
            typeOptions: { minValue: 1 },
            default: 1,
            description: 'Drop terms that appear in fewer documents than this',
          },
          {
            displayName: 'N-Gram Max',
            name: 'ngramMax',
            type: 'number',
            typeOptions: { minValue: 1, maxValue: 5 },
            default: 1,
            description: 'Also count sequences of up to this many words (2 = unigrams and bigrams)',
          },
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const method = this.getNodeParameter('method', 0) as Method;
    const field = this.getNodeParameter('textField', 0) as string;
    const stopWords = (this.getNodeParameter('stopWords', 0, false) as boolean) ? ('english' as const) : null;
    // one document per item; an item that is not text (or is over the text limit) is named, and
    // with Continue On Fail comes out as an error item while the others are vectorized
    const { inputs, failed } = readItems(this, (item, i) => {
      const text = item.json[field];
      if (typeof text !== 'string')
        throw new UserError(
          `Item ${i}: field ${quote(field)} must be text, got ${text === undefined ? 'nothing' : typeof text}`,
        );
      return checkTextLength(text, `Item ${i}: field ${quote(field)}`);
    });
    try {
      const documents = inputs.map((x) => x.value);
      const used = inputs.map((x) => items[x.index]!);
      const pairedItem = inputs.map((x) => ({ item: x.index }));
      if (documents.length === 0)
        if (failed.length > 0) return [failed];
        else throw new UserError('No input items: give at least one document');

      if (method === 'bagOfWords' || method === 'tfidf') {
        const o = this.getNodeParameter('options', 0, {}) as {
          binary?: boolean;
          maxFeatures?: number;
          minDf?: number;
          ngramMax?: number;
        };
        const options = {
          stopWords,
          ...(o.binary !== undefined && { binary: o.binary }),
          ...(o.maxFeatures !== undefined && { maxFeatures: o.maxFeatures }),
          ...(o.minDf !== undefined && { minDf: o.minDf }),
          ...(o.ngramMax !== undefined && { ngramRange: [1, o.ngramMax] as [number, number] }),
        };
        const vectorizer = method === 'tfidf' ? new TfidfVectorizer(options) : new CountVectorizer(options);
        const matrix = vectorizer.fitTransform(documents);
        const features = vectorizer.getFeatureNamesOut();
        const idf = vectorizer instanceof TfidfVectorizer ? vectorizer.idf : null;
        return [
          inItemOrder(
            failed,
            matrix.map((vector, i) => {
              // the non-zero entries by name, e.g. { cat: 1, sat: 1 }
              const terms: IDataObject = {};
              vector.forEach((v, k) => {
                if (v !== 0) terms[features[k] as string] = v;
              });
              return {
                json: withRounded(
                  { ...used[i]!.json, vector, terms, features, ...(idf && i === 0 && { idf }) },
                  ['vector', 'terms', 'idf'],
                ),
                pairedItem: pairedItem[i],
              };
            }),
          ),
        ];
      }

      const tokenized = documents.map((d) => tokenize(d, { stopWords }));
      if (method === 'oneHot') {
        // one vocabulary for the whole corpus, in order of first appearance
        const vocabulary = [...new Set(tokenized.flat())];
        return [
          inItemOrder(
            failed,
            tokenized.map((tokens, i) => ({
              json: { ...used[i]!.json, tokens, vocabulary, oneHot: oneHot(tokens, vocabulary) },
              pairedItem: pairedItem[i],
            })),
          ),
        ];
      }
      const { vocabulary, matrix } = cooccurrenceMatrix(tokenized, {
        window: this.getNodeParameter('window', 0) as number,
        distanceWeighting: this.getNodeParameter('distanceWeighting', 0, false) as boolean,
      });
      return [[...failed, { json: { vocabulary, matrix }, pairedItem }]];
    } catch (error) {
      // an error of the whole corpus (e.g. an empty vocabulary) is reported on the first item
      const message = toErrorMessage(error);
      if (this.continueOnFail())
        return [[{ json: { error: message, itemIndex: 0 }, pairedItem: { item: 0 } }]];
      throw new NodeOperationError(this.getNode(), message, { itemIndex: 0 });
    }
  }
}

/** Error items and results merged back into the items' order (by `pairedItem`). */
function inItemOrder(failed: INodeExecutionData[], results: INodeExecutionData[]): INodeExecutionData[] {
  const at = (x: INodeExecutionData) => (x.pairedItem as { item: number }).item;
  return [...failed, ...results].sort((a, b) => at(a) - at(b));
}
