/**
 * GloVe Train node: the lesson "Glove" — count how often words co-occur (weighted 1/d within a
 * window), then fit vectors whose dot products predict the log counts (weighted least squares with
 * xMax and α, AdaGrad), as Stanford's glove.c does. Outputs the loss per epoch, neighbours of probe
 * words and the model (W + W̃) for the Word Vectors node or the Embeddings Firth sub-node.
 *
 * Thin adapter (STYLE.md): @firth/embeddings' GloVe does the work.
 */
import { GloVe } from '@firth/embeddings';
import {
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
} from 'n8n-workflow';
import { corpusProperties, trainOnCorpus } from '../shared/corpus';

export class GloVeTrain implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'GloVe Train',
    name: 'gloVeTrain',
    icon: { light: 'file:glove.svg', dark: 'file:glove.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["vectorSize"] + "-d, " + $parameter["epochs"] + " epochs" }}',
    description:
      'Learn word vectors with GloVe (co-occurrence counts, weighted least squares). Lesson: Introduction to Word Embeddings',
    defaults: { name: 'GloVe Train' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      ...corpusProperties,
      {
        displayName: 'Vector Size',
        name: 'vectorSize',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 32,
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
        displayName: 'X Max',
        name: 'xMax',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: 10,
        description:
          'Counts at or above this get full weight in the loss (the paper uses 100 on billions of words; 10 suits small corpora)',
      },
      { displayName: 'Seed', name: 'seed', type: 'number', default: 1 },
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
            default: 0.75,
            description: 'Exponent of the weighting function (x / xMax)^α',
          },
          {
            displayName: 'Learning Rate',
            name: 'learningRate',
            type: 'number',
            default: 0.05,
            description: "AdaGrad's initial step size",
          },
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return trainOnCorpus(this, 'firth.GloVe', (sentences) =>
      GloVe.create(sentences, {
        vectorSize: this.getNodeParameter('vectorSize', 0) as number,
        window: this.getNodeParameter('window', 0) as number,
        minCount: this.getNodeParameter('minCount', 0) as number,
        epochs: this.getNodeParameter('epochs', 0) as number,
        xMax: this.getNodeParameter('xMax', 0) as number,
        seed: this.getNodeParameter('seed', 0) as number,
        ...(this.getNodeParameter('options', 0, {}) as object),
      }),
    );
  }
}
