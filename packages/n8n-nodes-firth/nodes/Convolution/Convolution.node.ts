/**
 * Convolution node: the course's CNN lesson — slide a kernel over a 2-D image (stride, padding),
 * optionally pool the feature map, and draw it. By default it computes the course's example: the
 * 5×5 input with the 3×3 kernel → [[12,12,17],[10,17,19],[9,6,14]].
 *
 * Thin adapter (STYLE.md): every number comes from @firth/neural's conv2d / pooling.
 */
import { avgPool2d, conv2d, featureMapSvg, maxPool2d, type Padding } from '@firth/neural';
import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  UserError,
} from 'n8n-workflow';
import { plotBinaries } from '../shared/parameters';
import { mapItems } from '../shared/per-item';

const COURSE_IMAGE = '[[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]';
const COURSE_KERNEL = '[[0, 1, 2], [2, 2, 0], [0, 1, 2]]';

export class Convolution implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Convolution',
    name: 'convolution',
    icon: { light: 'file:convolution.svg', dark: 'file:convolution.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ "stride " + $parameter["stride"] + ", " + $parameter["padding"] + " padding" }}',
    description:
      "Slide a kernel over a 2-D image as a CNN does (the course's 5×5 example), then pool. Lesson: Introduction to Deep Neural Networks",
    defaults: { name: 'Convolution' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Image Source',
        name: 'imageSource',
        type: 'options',
        options: [
          {
            name: 'Parameter',
            value: 'parameter',
            description: 'The image typed below (the same for every item)',
          },
          { name: 'Item Field', value: 'field', description: 'A field of each item that holds a 2-D array' },
        ],
        default: 'parameter',
      },
      {
        displayName: 'Image',
        name: 'image',
        type: 'json',
        default: COURSE_IMAGE,
        displayOptions: { show: { imageSource: ['parameter'] } },
        description: "Rows of numbers (a 2-D array); the default is the course's 5×5 input",
      },
      {
        displayName: 'Image Field',
        name: 'imageField',
        type: 'string',
        default: 'image',
        displayOptions: { show: { imageSource: ['field'] } },
        description: 'Field holding the image as rows of numbers',
      },
      {
        displayName: 'Kernel',
        name: 'kernel',
        type: 'json',
        default: COURSE_KERNEL,
        description: "The filter as rows of numbers; the default is the course's 3×3 kernel",
      },
      {
        displayName: 'Stride',
        name: 'stride',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 1,
        description: 'Step between neighbouring kernel positions',
      },
      {
        displayName: 'Padding',
        name: 'padding',
        type: 'options',
        options: [
          { name: 'Valid (None)', value: 'valid', description: 'Only positions where the kernel fits' },
          {
            name: 'Same',
            value: 'same',
            description: 'Zeros around the image so that stride 1 keeps its size',
          },
          {
            name: 'Zeros',
            value: 'number',
            description: 'A given number of zero rows and columns on each side',
          },
        ],
        default: 'valid',
      },
      {
        displayName: 'Padding Size',
        name: 'paddingSize',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: 1,
        displayOptions: { show: { padding: ['number'] } },
      },
      {
        displayName: 'Pooling',
        name: 'pooling',
        type: 'options',
        options: [
          { name: 'None', value: 'none' },
          { name: 'Max', value: 'max', description: 'Largest value of each window' },
          { name: 'Average', value: 'avg', description: 'Mean of each window' },
        ],
        default: 'none',
      },
      {
        displayName: 'Pool Size',
        name: 'poolSize',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 2,
        displayOptions: { show: { pooling: ['max', 'avg'] } },
        description: 'Side of the square pooling window (its stride too)',
      },
      {
        displayName: 'Include Plot',
        name: 'includePlot',
        type: 'boolean',
        default: true,
        description:
          'Whether to attach the feature map as a heatmap image (binary property "plot": PNG; "plotSvg": SVG)',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return mapItems(this, async (i, item) => {
      const source = this.getNodeParameter('imageSource', i) as 'parameter' | 'field';
      const image =
        source === 'parameter'
          ? parseMatrix(this.getNodeParameter('image', i), 'Image')
          : fieldMatrix(item.json, this.getNodeParameter('imageField', i) as string, i);
      const kernel = parseMatrix(this.getNodeParameter('kernel', i), 'Kernel');
      const paddingChoice = this.getNodeParameter('padding', i) as 'valid' | 'same' | 'number';
      const padding: Padding =
        paddingChoice === 'number' ? (this.getNodeParameter('paddingSize', i) as number) : paddingChoice;
      const stride = this.getNodeParameter('stride', i) as number;
      const featureMap = conv2d(image, kernel, { stride, padding });
      const json: IDataObject = {
        ...item.json,
        featureMap,
        shape: [featureMap.length, featureMap[0]!.length],
      };
      const pooling = this.getNodeParameter('pooling', i) as 'none' | 'max' | 'avg';
      let shown = featureMap;
      if (pooling !== 'none') {
        const size = this.getNodeParameter('poolSize', i) as number;
        shown = (pooling === 'max' ? maxPool2d : avgPool2d)(featureMap, { size });
        Object.assign(json, { pooled: shown, pooledShape: [shown.length, shown[0]!.length] });
      }
      const output: INodeExecutionData = { json, pairedItem: { item: i } };
      if (this.getNodeParameter('includePlot', i, true) as boolean) {
        const title = pooling === 'none' ? 'Feature map' : `Feature map after ${pooling} pooling`;
        output.binary = await plotBinaries(this, featureMapSvg(shown, { title }), 'feature-map');
      }
      return output;
    });
  }
}

/** A JSON parameter (text or already-parsed) that should hold a 2-D array; the core checks the rest. */
function parseMatrix(value: unknown, name: string): number[][] {
  let parsed = value;
  if (typeof value === 'string') {
    parsed = tryParse(value);
    if (parsed === undefined)
      throw new UserError(`${name} is not valid JSON: write rows of numbers like [[1, 2], [3, 4]]`);
  }
  return asRows(parsed, name.toLowerCase());
}

function fieldMatrix(json: IDataObject, field: string, itemIndex: number): number[][] {
  if (json[field] === undefined) throw new UserError(`Item ${itemIndex}: field "${field}" is missing`);
  return asRows(json[field], `Item ${itemIndex}: field "${field}"`);
}

/** Refuses a value that is not even an array; conv2d checks rows, widths and numbers itself. */
function asRows(value: unknown, name: string): number[][] {
  if (!Array.isArray(value)) {
    const got =
      value === null
        ? 'null'
        : typeof value === 'object'
          ? 'an object'
          : `the ${typeof value} ${JSON.stringify(value)}`;
    throw new UserError(`${name} must be a 2-D array (rows of numbers), got ${got}`);
  }
  return value as number[][];
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
