/**
 * MLP node: scikit-learn's MLPClassifier / MLPRegressor (identical numbers) trained on the input
 * items, and prediction with a trained model.
 *
 * Thin adapter (STYLE.md): reads items and parameters, calls @firth/neural, maps results to JSON.
 * Train treats all items as one data set and returns one item: weights (`coefs`, `intercepts`),
 * `lossCurve`, predictions, the model, and the loss curve as a PNG in binary property `plot` (SVG in `plotSvg`);
 * with "Output Epochs" it returns one item per epoch instead (the progress events as rows).
 */
import {
  type FitOptions,
  lossCurveSvg,
  type MLPActivation,
  MLPClassifier,
  type MLPOptions,
  MLPRegressor,
  ProgressLog,
} from '@firth/neural';
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
import { itemOf, readDataset, readFeatures, toErrorMessage } from '../shared/dataset';
import { parseModelParameter, parseNumberList, plotBinaries } from '../shared/parameters';
import { withRounded } from '../shared/rounded';

type Task = 'classification' | 'regression';

export class Mlp implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'MLP',
    name: 'mlp',
    icon: { light: 'file:mlp.svg', dark: 'file:mlp.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["operation"] + " (" + $parameter["task"] + ")" }}',
    description:
      "Multi-layer perceptron as scikit-learn's MLPClassifier / MLPRegressor: train on items or predict. Lesson: Introduction to Neural Networks",
    defaults: { name: 'MLP' },
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
            action: 'Train a multi layer perceptron on the input items',
            description: 'Use all input items as training data and output the learned model',
          },
          {
            name: 'Predict',
            value: 'predict',
            action: 'Predict with a trained multi layer perceptron',
            description: 'Predict each input item with a model from an earlier Train step',
          },
        ],
        default: 'train',
      },
      {
        displayName: 'Task',
        name: 'task',
        type: 'options',
        options: [
          { name: 'Classification', value: 'classification', description: 'MLPClassifier: log loss' },
          { name: 'Regression', value: 'regression', description: 'MLPRegressor: squared error' },
        ],
        default: 'classification',
        displayOptions: { show: { operation: ['train'] } },
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
        description: 'Field holding the class (classification) or the target number (regression)',
      },
      {
        displayName: 'Hidden Layer Sizes',
        name: 'hiddenLayerSizes',
        type: 'string',
        default: '100',
        placeholder: '10, 5',
        displayOptions: { show: { operation: ['train'] } },
        description: 'Units per hidden layer, comma-separated (scikit-learn hidden_layer_sizes)',
      },
      {
        displayName: 'Activation',
        name: 'activation',
        type: 'options',
        options: [
          { name: 'Identity', value: 'identity' },
          { name: 'Logistic (Sigmoid)', value: 'logistic' },
          { name: 'ReLU', value: 'relu' },
          { name: 'Tanh', value: 'tanh' },
        ],
        default: 'relu',
        displayOptions: { show: { operation: ['train'] } },
        description: 'Activation of the hidden layers',
      },
      {
        displayName: 'Solver',
        name: 'solver',
        type: 'options',
        options: [
          { name: 'Adam', value: 'adam' },
          { name: 'SGD', value: 'sgd' },
        ],
        default: 'adam',
        displayOptions: { show: { operation: ['train'] } },
      },
      {
        displayName: 'Learning Rate Init',
        name: 'learningRateInit',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: 0.001,
        displayOptions: { show: { operation: ['train'] } },
        description: 'Initial step size (scikit-learn learning_rate_init)',
      },
      {
        displayName: 'Max Iterations',
        name: 'maxIter',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 200,
        displayOptions: { show: { operation: ['train'] } },
        description: 'Maximum epochs (scikit-learn max_iter)',
      },
      {
        displayName: 'Random State',
        name: 'randomState',
        type: 'number',
        default: 0,
        displayOptions: { show: { operation: ['train'] } },
        description: "Seed of the weights and the shuffling, as scikit-learn's random_state",
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        displayOptions: { show: { operation: ['train'] } },
        options: [
          {
            displayName: 'Alpha',
            name: 'alpha',
            type: 'number',
            typeOptions: { minValue: 0 },
            default: 0.0001,
            description: 'L2 penalty on the weights',
          },
          {
            displayName: 'Batch Size',
            name: 'batchSize',
            type: 'number',
            typeOptions: { minValue: 0 },
            default: 0,
            description: "Rows per mini-batch; 0 means scikit-learn's 'auto' = min(200, rows)",
          },
          {
            displayName: 'Beta 1',
            name: 'beta1',
            type: 'number',
            default: 0.9,
            description: "Adam's first-moment decay",
          },
          {
            displayName: 'Beta 2',
            name: 'beta2',
            type: 'number',
            default: 0.999,
            description: "Adam's second-moment decay",
          },
          {
            displayName: 'Early Stopping',
            name: 'earlyStopping',
            type: 'boolean',
            default: false,
            description: 'Whether to hold out a validation share and stop when its score stops improving',
          },
          {
            displayName: 'Epsilon',
            name: 'epsilon',
            type: 'number',
            default: 1e-8,
            description: "Adam's epsilon",
          },
          {
            displayName: 'Iterations Without Change',
            name: 'nIterNoChange',
            type: 'number',
            typeOptions: { minValue: 1 },
            default: 10,
            description: 'Scikit-learn n_iter_no_change',
          },
          {
            displayName: 'Learning Rate Schedule',
            name: 'learningRate',
            type: 'options',
            options: [
              { name: 'Constant', value: 'constant' },
              { name: 'Inverse Scaling', value: 'invscaling' },
              { name: 'Adaptive', value: 'adaptive' },
            ],
            default: 'constant',
            description: "SGD's step-size schedule",
          },
          {
            displayName: 'Momentum',
            name: 'momentum',
            type: 'number',
            typeOptions: { minValue: 0, maxValue: 1 },
            default: 0.9,
            description: 'SGD momentum',
          },
          {
            displayName: 'Nesterov Momentum',
            name: 'nesterovsMomentum',
            type: 'boolean',
            default: true,
            description: "Whether SGD uses Nesterov's momentum",
          },
          {
            displayName: 'Power T',
            name: 'powerT',
            type: 'number',
            default: 0.5,
            description: "Exponent of the 'invscaling' schedule",
          },
          {
            displayName: 'Shuffle',
            name: 'shuffle',
            type: 'boolean',
            default: true,
            description: 'Whether to shuffle the rows every epoch',
          },
          {
            displayName: 'Tolerance',
            name: 'tol',
            type: 'number',
            default: 0.0001,
            description: 'Minimum improvement of the loss that counts as progress',
          },
          {
            displayName: 'Validation Fraction',
            name: 'validationFraction',
            type: 'number',
            typeOptions: { minValue: 0, maxValue: 1 },
            default: 0.1,
            description: 'Share held out for early stopping',
          },
        ],
      },
      {
        displayName: 'Output',
        name: 'output',
        type: 'options',
        options: [
          {
            name: 'Model',
            value: 'model',
            description:
              'One item: weights, biases, loss curve, predictions on the training items, the model',
          },
          {
            name: 'Model and Epochs',
            value: 'epochs',
            description: 'The model item, followed by one item per epoch (epoch, loss, elapsed time)',
          },
        ],
        default: 'model',
        displayOptions: { show: { operation: ['train'] } },
      },
      {
        displayName: 'Include Loss Curve Plot',
        name: 'includePlot',
        type: 'boolean',
        default: true,
        displayOptions: { show: { operation: ['train'] } },
        description:
          'Whether to attach the loss curve as an image (binary property "plot": PNG; "plotSvg": SVG)',
      },
      {
        displayName: 'Model',
        name: 'model',
        type: 'json',
        default: '',
        required: true,
        displayOptions: { show: { operation: ['predict'] } },
        placeholder: "={{ $('MLP').first().json.model }}",
        description: 'The "model" output of an MLP Train step (usually an expression pointing at it)',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const operation = this.getNodeParameter('operation', 0) as 'train' | 'predict';
    return operation === 'train' ? [await train.call(this)] : [predict.call(this)];
  }
}

/** Node parameters → MLPOptions (0 batch size = 'auto'; the collection only overrides what is set). */
function mlpOptions(ctx: IExecuteFunctions): MLPOptions {
  const sizes = parseNumberList(
    ctx.getNodeParameter('hiddenLayerSizes', 0, '') as string,
    'Hidden Layer Sizes',
  );
  const extra = ctx.getNodeParameter('options', 0, {}) as IDataObject & { batchSize?: number };
  const { batchSize, ...rest } = extra;
  return {
    ...(sizes !== undefined && { hiddenLayerSizes: sizes }),
    activation: ctx.getNodeParameter('activation', 0) as MLPActivation,
    solver: ctx.getNodeParameter('solver', 0) as 'adam' | 'sgd',
    learningRateInit: ctx.getNodeParameter('learningRateInit', 0) as number,
    maxIter: ctx.getNodeParameter('maxIter', 0) as number,
    randomState: ctx.getNodeParameter('randomState', 0) as number,
    ...(rest as MLPOptions),
    ...(batchSize !== undefined && batchSize !== 0 && { batchSize }),
  };
}

async function train(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const items = this.getInputData();
  const pairedItem = items.map((_, item) => ({ item }));
  let itemIndex = 0;
  try {
    const task = this.getNodeParameter('task', 0) as Task;
    const data = readDataset(
      items,
      this.getNodeParameter('featureFields', 0) as string,
      this.getNodeParameter('labelField', 0) as string,
      (i) => {
        itemIndex = i;
      },
    );
    itemIndex = 0;
    const log = new ProgressLog();
    const fit: FitOptions = { onProgress: log.update };
    const options = mlpOptions(this);
    let json: IDataObject;
    if (task === 'classification') {
      const model = new MLPClassifier(options).fit(data.X, data.y, fit);
      json = {
        task,
        classes: model.classes,
        predictions: model.predict(data.X),
        probabilities: model.predictProba(data.X),
        accuracy: model.score(data.X, data.y),
        ...summary(model),
        model: model.toJSON() as unknown as IDataObject,
      };
    } else {
      const y = data.y.map((v, i) => {
        if (typeof v !== 'number')
          throw new UserError(`Item ${i}: regression needs a numeric label, got ${JSON.stringify(v)}`);
        return v;
      });
      const model = new MLPRegressor(options).fit(data.X, y, fit);
      json = {
        task,
        predictions: model.predict(data.X),
        r2: model.score(data.X, y),
        ...summary(model),
        model: model.toJSON() as unknown as IDataObject,
      };
    }
    json.featureNames = data.featureNames;
    json = withRounded(json, [
      'predictions',
      'probabilities',
      'accuracy',
      'r2',
      'coefs',
      'intercepts',
      'loss',
    ]);
    const out: INodeExecutionData = { json, pairedItem };
    if (this.getNodeParameter('includePlot', 0, true) as boolean) {
      const svg = lossCurveSvg({ train: json.lossCurve as number[] }, { title: `MLP ${task} loss` });
      out.binary = await plotBinaries(this, svg, 'loss-curve');
    }
    if (this.getNodeParameter('output', 0, 'model') === 'epochs') {
      return [out, ...log.rows().map((row) => ({ json: row, pairedItem }))];
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

function summary(model: MLPClassifier | MLPRegressor): IDataObject {
  return {
    coefs: model.coefs,
    intercepts: model.intercepts,
    nIter: model.nIter,
    loss: model.loss,
    lossCurve: model.lossCurve,
  };
}

function predict(this: IExecuteFunctions): INodeExecutionData[] {
  const items = this.getInputData();
  const out: INodeExecutionData[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      const json = parseModelParameter(this.getNodeParameter('model', i), 'MLP Train');
      const { features } = readFeatures(
        items[i]!.json,
        this.getNodeParameter('featureFields', i) as string,
        i,
      );
      const type = (json as { type?: unknown }).type;
      let result: IDataObject;
      if (type === 'firth.MLPRegressor') {
        result = { prediction: MLPRegressor.fromJSON(json).predict([features])[0] };
      } else {
        const model = MLPClassifier.fromJSON(json);
        const probabilities = model.predictProba([features])[0]!;
        result = {
          prediction: model.predict([features])[0],
          probabilities: Object.fromEntries(model.classes!.map((c, k) => [String(c), probabilities[k]!])),
        };
      }
      out.push({
        json: withRounded({ ...items[i]!.json, ...result }, ['prediction', 'probabilities']),
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
