/**
 * Activation Function node: the course's activation functions (step, sigmoid, tanh, ReLU, leaky
 * ReLU, ELU, plus softmax and a few modern ones) applied to item fields, with derivatives, and a
 * plot of the curves.
 *
 * Thin adapter (STYLE.md): every number comes from @firth/neural.
 */
import { activationPlotSvg, applyActivation, softmax, softmaxJacobian } from '@firth/neural';
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
import { toErrorMessage, toNumber } from '../shared/dataset';
import { plotBinaries } from '../shared/parameters';
import { withRounded } from '../shared/rounded';

// Listed literally (not mapped from ACTIVATION_NAMES) so n8n's linter can check the defaults;
// a test checks this list covers ACTIVATION_NAMES.
export const FUNCTION_OPTIONS = [
  { name: 'ELU', value: 'elu' },
  { name: 'GELU', value: 'gelu' },
  { name: 'GELU (Tanh Approximation)', value: 'geluTanh' },
  { name: 'Identity', value: 'identity' },
  { name: 'Leaky ReLU', value: 'leakyRelu' },
  { name: 'ReLU', value: 'relu' },
  { name: 'Sigmoid', value: 'sigmoid' },
  { name: 'SiLU (Swish)', value: 'silu' },
  { name: 'Softplus', value: 'softplus' },
  { name: 'Step', value: 'step' },
  { name: 'Tanh', value: 'tanh' },
];

export class ActivationFunction implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Activation Function',
    name: 'activationFunction',
    icon: { light: 'file:activation.svg', dark: 'file:activation.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["operation"] === "apply" ? $parameter["function"] : "plot" }}',
    description:
      'Sigmoid, tanh, ReLU, softmax… and their derivatives, applied or plotted. Lesson: Introduction to Neural Networks',
    defaults: { name: 'Activation Function' },
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
            name: 'Apply',
            value: 'apply',
            action: 'Apply an activation function to a field',
            description: 'Compute f(x) (and f′(x)) for a number or an array of numbers in each item',
          },
          {
            name: 'Plot',
            value: 'plot',
            action: 'Plot activation functions',
            description: 'Output one item with the curves as an image (PNG, and SVG) and a table of values',
          },
        ],
        default: 'apply',
      },
      {
        displayName: 'Function',
        name: 'function',
        type: 'options',
        options: [
          { name: 'ELU', value: 'elu' },
          { name: 'GELU', value: 'gelu' },
          { name: 'GELU (Tanh Approximation)', value: 'geluTanh' },
          { name: 'Identity', value: 'identity' },
          { name: 'Leaky ReLU', value: 'leakyRelu' },
          { name: 'ReLU', value: 'relu' },
          { name: 'Sigmoid', value: 'sigmoid' },
          { name: 'SiLU (Swish)', value: 'silu' },
          { name: 'Softmax (Over an Array)', value: 'softmax' },
          { name: 'Softplus', value: 'softplus' },
          { name: 'Step', value: 'step' },
          { name: 'Tanh', value: 'tanh' },
        ],
        default: 'sigmoid',
        displayOptions: { show: { operation: ['apply'] } },
      },
      {
        displayName: 'Functions',
        name: 'functions',
        type: 'multiOptions',
        options: FUNCTION_OPTIONS,
        default: ['sigmoid', 'tanh', 'relu'],
        displayOptions: { show: { operation: ['plot'] } },
      },
      {
        displayName: 'Input Field',
        name: 'inputField',
        type: 'string',
        default: 'x',
        required: true,
        displayOptions: { show: { operation: ['apply'] } },
        description: 'Field holding a number, or an array of numbers (softmax needs an array)',
      },
      {
        displayName: 'Output Field',
        name: 'outputField',
        type: 'string',
        default: 'y',
        required: true,
        displayOptions: { show: { operation: ['apply'] } },
        description: 'Field to write f(x) to; the derivative goes to the same name followed by "Derivative"',
      },
      {
        displayName: 'Include Derivative',
        name: 'derivative',
        type: 'boolean',
        default: false,
        description: 'Whether to also compute the derivative (for softmax: its Jacobian matrix)',
      },
      {
        displayName: 'Alpha',
        name: 'alpha',
        type: 'number',
        default: 0.1,
        displayOptions: { show: { operation: ['apply'], function: ['leakyRelu', 'elu'] } },
        description: "Leaky ReLU's slope for x < 0 (course: 0.1) or ELU's saturation level −α (usually 1)",
      },
      {
        displayName: 'From',
        name: 'from',
        type: 'number',
        default: -5,
        displayOptions: { show: { operation: ['plot'] } },
      },
      {
        displayName: 'To',
        name: 'to',
        type: 'number',
        default: 5,
        displayOptions: { show: { operation: ['plot'] } },
      },
      {
        displayName: 'Table Points',
        name: 'tablePoints',
        type: 'number',
        typeOptions: { minValue: 2 },
        default: 11,
        displayOptions: { show: { operation: ['plot'] } },
        description: 'How many evenly spaced x values the output table lists',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const operation = this.getNodeParameter('operation', 0) as 'apply' | 'plot';
    return operation === 'apply' ? [apply.call(this)] : [await plot.call(this)];
  }
}

function apply(this: IExecuteFunctions): INodeExecutionData[] {
  const items = this.getInputData();
  const out: INodeExecutionData[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      const name = this.getNodeParameter('function', i) as string;
      const inputField = this.getNodeParameter('inputField', i) as string;
      const outputField = this.getNodeParameter('outputField', i) as string;
      const derivative = this.getNodeParameter('derivative', i, false) as boolean;
      const value = items[i]!.json[inputField];
      const where = `Item ${i}: field "${inputField}"`;
      const xs = Array.isArray(value)
        ? value.map((v, j) => toNumber(v, `${where}[${j}]`))
        : [toNumber(value, where)];
      const result: IDataObject = {};
      if (name === 'softmax') {
        if (!Array.isArray(value))
          throw new UserError(`${where}: softmax needs an array of numbers, got one number`);
        result[outputField] = softmax(xs);
        if (derivative) result[`${outputField}Derivative`] = softmaxJacobian(xs);
      } else {
        const alpha =
          name === 'leakyRelu' || name === 'elu' ? (this.getNodeParameter('alpha', i) as number) : undefined;
        const options = alpha === undefined ? {} : { alpha };
        const ys = applyActivation(name, xs, options);
        result[outputField] = Array.isArray(value) ? ys : ys[0];
        if (derivative) {
          const ds = applyActivation(name, xs, { ...options, derivative: true });
          result[`${outputField}Derivative`] = Array.isArray(value) ? ds : ds[0];
        }
      }
      out.push({
        json: withRounded({ ...items[i]!.json, ...result }, Object.keys(result)),
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

async function plot(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const items = this.getInputData();
  const pairedItem = items.map((_, item) => ({ item }));
  try {
    const functions = this.getNodeParameter('functions', 0) as string[];
    const from = this.getNodeParameter('from', 0) as number;
    const to = this.getNodeParameter('to', 0) as number;
    const points = this.getNodeParameter('tablePoints', 0, 11) as number;
    const derivative = this.getNodeParameter('derivative', 0, false) as boolean;
    const svg = activationPlotSvg(functions, { from, to, derivative });
    if (!Number.isInteger(points) || points < 2)
      throw new UserError(`Table Points must be an integer ≥ 2, got ${points}`);
    const xs = Array.from({ length: points }, (_, k) => from + (k * (to - from)) / (points - 1));
    const table = xs.map((x) => {
      const row: IDataObject = { x };
      for (const f of functions) {
        row[f] = applyActivation(f, [x])[0];
        if (derivative) row[`${f}Derivative`] = applyActivation(f, [x], { derivative: true })[0];
      }
      return row;
    });
    return [
      {
        json: withRounded({ functions, from, to, derivative, table }, ['table']),
        binary: await plotBinaries(this, svg, 'activation-functions'),
        pairedItem,
      },
    ];
  } catch (error) {
    const message = toErrorMessage(error);
    if (this.continueOnFail()) return [{ json: { error: message }, pairedItem }];
    throw new NodeOperationError(this.getNode(), message, { itemIndex: 0 });
  }
}
