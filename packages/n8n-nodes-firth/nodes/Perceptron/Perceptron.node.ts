/**
 * Perceptron node: trains the course's perceptron on the input items and predicts with a trained one.
 *
 * Thin adapter (STYLE.md): reads items and parameters, calls @firth/neural, maps results to JSON.
 * Training treats all input items as one data set and returns one item (weights, bias, predictions,
 * optionally the step-by-step trace, and the decision boundary: PNG in binary property `plot`, SVG
 * in `plotSvg`).
 * Prediction returns one item per input item.
 */
import {
  decisionBoundarySvg,
  type PerceptronJSON,
  Perceptron as PerceptronModel,
  SklearnPerceptron,
} from '@firth/neural';
import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  NodeOperationError,
} from 'n8n-workflow';
import { itemOf, readDataset, readFeatures, toErrorMessage } from '../shared/dataset';
import { parseModelParameter, parseNumberList, plotBinaries } from '../shared/parameters';
import { withRounded } from '../shared/rounded';

type Rule = 'course' | 'sklearn';

export class Perceptron implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Perceptron',
    name: 'perceptron',
    icon: { light: 'file:perceptron.svg', dark: 'file:perceptron.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle:
      '={{ $parameter["operation"] === "train" ? "train (" + $parameter["rule"] + " rule)" : "predict" }}',
    description:
      "Rosenblatt's perceptron: train on items with a step-by-step trace, or predict. Lesson: Introduction to Neural Networks",
    defaults: { name: 'Perceptron' },
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
            name: 'Train',
            value: 'train',
            action: 'Train a perceptron on the input items',
            description: 'Use all input items as training data and output one item with the learned model',
          },
          {
            name: 'Predict',
            value: 'predict',
            action: 'Predict with a trained perceptron',
            description: 'Classify each input item with a model from an earlier Train step',
          },
        ],
        default: 'train',
      },
      {
        displayName: 'Feature Fields',
        name: 'featureFields',
        type: 'string',
        default: 'x1, x2',
        required: true,
        placeholder: 'x1, x2',
        description:
          'Comma-separated names of the numeric input fields, in order. A single field holding an array of numbers also works.',
      },
      {
        displayName: 'Label Field',
        name: 'labelField',
        type: 'string',
        default: 'y',
        required: true,
        displayOptions: { show: { operation: ['train'] } },
        description:
          'Field holding the class of each item (0 or 1 for the course rule; any labels for scikit-learn)',
      },
      {
        displayName: 'Learning Rule',
        name: 'rule',
        type: 'options',
        displayOptions: { show: { operation: ['train'] } },
        options: [
          {
            name: 'Course (Step-by-Step)',
            value: 'course',
            description:
              'The hand calculation: w ← w + η·error·x, b ← b + η·error, examples in order, until a pass makes no mistake',
          },
          {
            name: 'Scikit-Learn',
            value: 'sklearn',
            description:
              'Identical to sklearn.linear_model.Perceptron (SGD, shuffling, tolerance, multi-class)',
          },
        ],
        default: 'course',
      },
      {
        displayName: 'Learning Rate (η)',
        name: 'learningRate',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: 0.1,
        displayOptions: { show: { operation: ['train'], rule: ['course'] } },
        description: 'Step size of each update',
      },
      {
        displayName: 'Initial Weights',
        name: 'initialWeights',
        type: 'string',
        default: '',
        placeholder: '0.3, -0.1',
        displayOptions: { show: { operation: ['train'], rule: ['course'] } },
        description: 'Comma-separated starting weights, one per feature; empty starts from zeros',
      },
      {
        displayName: 'Initial Bias',
        name: 'initialBias',
        type: 'number',
        default: 0,
        displayOptions: { show: { operation: ['train'], rule: ['course'] } },
      },
      {
        displayName: 'Max Epochs',
        name: 'maxEpochs',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 100,
        displayOptions: { show: { operation: ['train'], rule: ['course'] } },
        description:
          'Passes over the data before giving up (data that is not linearly separable never converges)',
      },
      {
        displayName: 'Include Trace',
        name: 'includeTrace',
        type: 'boolean',
        default: true,
        displayOptions: { show: { operation: ['train'], rule: ['course'] } },
        description:
          'Whether to output every step: inputs, z, output, error and the updated weights and bias',
      },
      {
        displayName: 'Max Iterations',
        name: 'maxIter',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 1000,
        displayOptions: { show: { operation: ['train'], rule: ['sklearn'] } },
        description: 'Scikit-learn max_iter',
      },
      {
        displayName: 'Eta0',
        name: 'eta0',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: 1,
        displayOptions: { show: { operation: ['train'], rule: ['sklearn'] } },
        description: 'Scikit-learn eta0: constant learning rate',
      },
      {
        displayName: 'Random State',
        name: 'randomState',
        type: 'number',
        default: 0,
        displayOptions: { show: { operation: ['train'], rule: ['sklearn'] } },
        description: "Seed of the shuffling, as scikit-learn's random_state (same seed, same model)",
      },
      {
        displayName: 'Options',
        name: 'sklearnOptions',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        displayOptions: { show: { operation: ['train'], rule: ['sklearn'] } },
        options: [
          {
            displayName: 'Fit Intercept',
            name: 'fitIntercept',
            type: 'boolean',
            default: true,
            description: 'Whether to learn a bias term',
          },
          {
            displayName: 'Iterations Without Change',
            name: 'nIterNoChange',
            type: 'number',
            typeOptions: { minValue: 1 },
            default: 5,
            description: 'Scikit-learn n_iter_no_change',
          },
          {
            displayName: 'Shuffle',
            name: 'shuffle',
            type: 'boolean',
            default: true,
            description: 'Whether to shuffle the training data after each epoch',
          },
          {
            displayName: 'Tolerance',
            name: 'tol',
            type: 'number',
            default: 0.001,
            description: 'Stop when the loss does not improve by this much; 0 disables the check',
          },
        ],
      },
      {
        displayName: 'Include Plot',
        name: 'includePlot',
        type: 'boolean',
        default: true,
        displayOptions: { show: { operation: ['train'] } },
        description:
          'Whether to attach the decision boundary as an image (binary property "plot": PNG; "plotSvg": SVG; two features only)',
      },
      {
        displayName: 'Model',
        name: 'model',
        type: 'json',
        default: '',
        required: true,
        displayOptions: { show: { operation: ['predict'] } },
        placeholder: "={{ $('Perceptron').first().json.model }}",
        description: 'The "model" output of a Perceptron Train step (usually an expression pointing at it)',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const operation = this.getNodeParameter('operation', 0) as 'train' | 'predict';
    return operation === 'train' ? [await train.call(this)] : [predict.call(this)];
  }
}

/** The trained numbers a learner reads, rounded beside the exact ones (shared/rounded.ts). */
const ROUNDED_TRAIN_FIELDS = ['weights', 'bias', 'coef', 'intercept', 'accuracy', 'trace'];

async function train(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const items = this.getInputData();
  const pairedItem = items.map((_, item) => ({ item }));
  let itemIndex = 0;
  try {
    const featureFields = this.getNodeParameter('featureFields', 0) as string;
    const labelField = this.getNodeParameter('labelField', 0) as string;
    const rule = this.getNodeParameter('rule', 0) as Rule;
    const includePlot = this.getNodeParameter('includePlot', 0, true) as boolean;
    const data = readDataset(items, featureFields, labelField, (i) => {
      itemIndex = i;
    });
    itemIndex = 0;
    const json: IDataObject = { rule, featureNames: data.featureNames };
    let weights: number[] = [];
    let bias = 0;
    if (rule === 'course') {
      const model = new PerceptronModel({
        learningRate: this.getNodeParameter('learningRate', 0) as number,
        initialWeights: parseNumberList(
          this.getNodeParameter('initialWeights', 0, '') as string,
          'Initial Weights',
        ),
        initialBias: this.getNodeParameter('initialBias', 0) as number,
        maxEpochs: this.getNodeParameter('maxEpochs', 0) as number,
        trace: this.getNodeParameter('includeTrace', 0, true) as boolean,
      }).fit(data.X, data.y as number[]);
      weights = model.weights;
      bias = model.bias;
      Object.assign(json, {
        weights,
        bias,
        epochs: model.epochs,
        converged: model.converged,
        errorsPerEpoch: model.errorsPerEpoch,
        predictions: model.predict(data.X),
        accuracy: model.score(data.X, data.y as number[]),
      });
      if (model.options.trace) json.trace = model.trace as unknown as IDataObject[];
      json.model = model.toJSON() as unknown as IDataObject;
    } else {
      const options = this.getNodeParameter('sklearnOptions', 0, {}) as {
        fitIntercept?: boolean;
        nIterNoChange?: number;
        shuffle?: boolean;
        tol?: number;
      };
      const model = new SklearnPerceptron({
        maxIter: this.getNodeParameter('maxIter', 0) as number,
        eta0: this.getNodeParameter('eta0', 0) as number,
        randomState: this.getNodeParameter('randomState', 0) as number,
        ...(options.fitIntercept !== undefined ? { fitIntercept: options.fitIntercept } : {}),
        ...(options.nIterNoChange !== undefined ? { nIterNoChange: options.nIterNoChange } : {}),
        ...(options.shuffle !== undefined ? { shuffle: options.shuffle } : {}),
        ...(options.tol !== undefined ? { tol: options.tol === 0 ? null : options.tol } : {}),
      }).fit(data.X, data.y);
      const coef = model.coef ?? [];
      const intercept = model.intercept ?? [];
      if (coef.length === 1) {
        weights = coef[0]!;
        bias = intercept[0]!;
        Object.assign(json, { weights, bias });
      }
      Object.assign(json, {
        coef,
        intercept,
        classes: model.classes,
        nIter: model.nIter,
        predictions: model.predict(data.X),
        accuracy: model.score(data.X, data.y),
        model: model.toJSON() as unknown as IDataObject,
      });
    }
    const out: INodeExecutionData = { json: withRounded(json, ROUNDED_TRAIN_FIELDS), pairedItem };
    const classes = new Set(data.y.map(String));
    if (includePlot && data.X[0]!.length === 2 && classes.size <= 2 && weights.length === 2) {
      const svg = decisionBoundarySvg(
        data.X,
        data.y,
        { weights, bias },
        {
          featureNames: [data.featureNames[0] ?? 'x1', data.featureNames[1] ?? 'x2'],
        },
      );
      out.binary = await plotBinaries(this, svg, 'decision-boundary');
    }
    return [out];
  } catch (error) {
    const message = toErrorMessage(error);
    itemIndex = itemOf(error) ?? itemIndex;
    if (this.continueOnFail())
      return [{ json: { error: message, itemIndex }, pairedItem: { item: itemIndex } }];
    throw new NodeOperationError(this.getNode(), message, { itemIndex });
  }
}

function predict(this: IExecuteFunctions): INodeExecutionData[] {
  const items = this.getInputData();
  const out: INodeExecutionData[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      const model = loadModel(this.getNodeParameter('model', i));
      const { features } = readFeatures(
        items[i]!.json,
        this.getNodeParameter('featureFields', i) as string,
        i,
      );
      const decision = model.decisionFunction([features]);
      const prediction = model.predict([features])[0];
      out.push({
        json: withRounded({ ...items[i]!.json, prediction, decision: decision[0] }, ['decision']),
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
  return out;
}

function loadModel(value: unknown): PerceptronModel | SklearnPerceptron {
  const json = parseModelParameter(value, 'Perceptron Train');
  const type = (json as { type?: unknown } | null)?.type;
  if (type === 'firth.SklearnPerceptron') return SklearnPerceptron.fromJSON(json);
  return PerceptronModel.fromJSON(json as PerceptronJSON);
}
