/**
 * Word2Vec Train node: the lessons "Word2Vec" and "CBow and Skip-Gram Models" — learn word vectors
 * from the items' text (or the shipped Lee corpus) with gensim's algorithm and options: CBOW or
 * skip-gram, negative sampling or hierarchical softmax, subsampling, a shrinking window, a
 * decaying learning rate. Outputs the loss per epoch, nearest neighbours of probe words and the
 * model for the Word Vectors node or the Embeddings Firth sub-node.
 *
 * Thin adapter (STYLE.md): @firth/embeddings' Word2Vec does the work.
 */
import { Word2Vec } from '@firth/embeddings';
import {
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
} from 'n8n-workflow';
import { corpusProperties, trainOnCorpus } from '../shared/corpus';

export class Word2VecTrain implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Word2Vec Train',
    name: 'word2VecTrain',
    icon: { light: 'file:word2vec.svg', dark: 'file:word2vec.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["sg"] === 1 ? "skip-gram" : "CBOW" }}',
    description:
      "Learn word vectors with Word2Vec (CBOW or skip-gram, gensim's options). Lesson: Introduction to Word Embeddings",
    defaults: { name: 'Word2Vec Train' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      ...corpusProperties,
      {
        displayName: 'Architecture',
        name: 'sg',
        type: 'options',
        options: [
          { name: 'CBOW', value: 0, description: 'Predict a word from the mean of its context (fast)' },
          {
            name: 'Skip-Gram',
            value: 1,
            description: 'Predict the context from the word (better for rare words)',
          },
        ],
        default: 0,
      },
      {
        displayName: 'Vector Size',
        name: 'vectorSize',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 50,
      },
      { displayName: 'Window', name: 'window', type: 'number', typeOptions: { minValue: 1 }, default: 5 },
      {
        displayName: 'Min Count',
        name: 'minCount',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 5,
        description: 'Ignore words rarer than this',
      },
      { displayName: 'Epochs', name: 'epochs', type: 'number', typeOptions: { minValue: 1 }, default: 10 },
      {
        displayName: 'Seed',
        name: 'seed',
        type: 'number',
        default: 1,
        description: 'Seed of the initial vectors and the sampling',
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: [
          {
            displayName: 'Alpha',
            name: 'alpha',
            type: 'number',
            default: 0.025,
            description: 'Initial learning rate',
          },
          {
            displayName: 'Hierarchical Softmax',
            name: 'hs',
            type: 'options',
            options: [
              { name: 'Off', value: 0 },
              { name: 'On', value: 1 },
            ],
            default: 0,
          },
          {
            displayName: 'Min Alpha',
            name: 'minAlpha',
            type: 'number',
            default: 0.0001,
            description: 'Final learning rate',
          },
          {
            displayName: 'Negative Samples',
            name: 'negative',
            type: 'number',
            typeOptions: { minValue: 0 },
            default: 5,
            description: 'Noise words per positive example; 0 turns negative sampling off',
          },
          {
            displayName: 'Sample',
            name: 'sample',
            type: 'number',
            default: 0.001,
            description: 'Subsampling threshold for frequent words',
          },
          {
            displayName: 'Workers',
            name: 'workers',
            type: 'number',
            typeOptions: { minValue: 1 },
            default: 1,
            description: 'Parallel training threads',
          },
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return trainOnCorpus(this, 'firth.Word2Vec', (sentences) =>
      Word2Vec.create(sentences, {
        sg: this.getNodeParameter('sg', 0) as 0 | 1,
        vectorSize: this.getNodeParameter('vectorSize', 0) as number,
        window: this.getNodeParameter('window', 0) as number,
        minCount: this.getNodeParameter('minCount', 0) as number,
        epochs: this.getNodeParameter('epochs', 0) as number,
        seed: this.getNodeParameter('seed', 0) as number,
        workers: 1,
        ...(this.getNodeParameter('options', 0, {}) as object),
      }),
    );
  }
}
