/**
 * Attention node: the lesson "What is Self-Attention" on any sentence — one vector per word (random,
 * as the course, or GloVe), Q = K = V = those vectors, weights = softmax(QKᵀ/√d_k): a table whose
 * rows sum to 1, and a heatmap.
 *
 * Thin adapter (STYLE.md): @firth/transformers' selfAttentionLesson does the work; @firth/plot draws.
 */
import { loadPretrained } from '@firth/embeddings';
import { checkTextLength, roundTo } from '@firth/numeric';
import { heatmapSvg } from '@firth/plot';
import { selfAttentionLesson } from '@firth/transformers';
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
import { withRounded } from '../shared/rounded';

export class Attention implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Attention',
    name: 'attention',
    icon: { light: 'file:attention.svg', dark: 'file:attention.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["text"] }}',
    description:
      'Self-attention weights softmax(QKᵀ/√d) of a sentence, as a table and a heatmap. Lesson: Introduction to Deep Neural Networks',
    defaults: { name: 'Attention' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Text',
        name: 'text',
        type: 'string',
        default: 'YOUR CAT IS A LOVELY CAT',
        description: 'The sentence; each word is one token',
      },
      {
        displayName: 'Word Vectors',
        name: 'vectors',
        type: 'options',
        options: [
          {
            name: 'Random (Course)',
            value: 'random',
            description: 'A seeded random vector per distinct word, as in the course',
          },
          {
            name: 'GloVe 6B 100d (Shipped)',
            value: 'glove',
            description: 'Pretrained word vectors: related words attend more to each other',
          },
        ],
        default: 'random',
      },
      {
        displayName: 'Dimensions',
        name: 'dModel',
        type: 'number',
        typeOptions: { minValue: 2 },
        default: 512,
        displayOptions: { show: { vectors: ['random'] } },
        description: 'Width of the random vectors, d_model = d_k (an even number)',
      },
      {
        displayName: 'Seed',
        name: 'seed',
        type: 'number',
        default: 0,
        displayOptions: { show: { vectors: ['random'] } },
      },
      {
        displayName: 'Add Positions',
        name: 'positions',
        type: 'boolean',
        default: false,
        description: 'Whether to add sinusoidal positional encodings first (then repeated words differ)',
      },
      {
        displayName: 'Causal Mask',
        name: 'causal',
        type: 'boolean',
        default: false,
        description:
          "Whether each word may attend only to itself and earlier words (the decoder's masked self-attention)",
      },
      {
        displayName: 'Include Plot',
        name: 'includePlot',
        type: 'boolean',
        default: true,
        description:
          'Whether to attach the weights as a heatmap image (binary property "plot": PNG; "plotSvg": SVG)',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return mapItems(this, async (i, item) => {
      // the length first: counting the words of a 10 MB text would be work before the refusal
      const text = checkTextLength(String(this.getNodeParameter('text', i) ?? ''), 'Text');
      const words = text.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
      if (words.length === 0) throw new UserError('Text has no words');
      if (words.length > 64) throw new UserError(`Text has ${words.length} words; the node shows at most 64`);
      const source = this.getNodeParameter('vectors', i) as 'random' | 'glove';
      let embed: ((w: string) => ArrayLike<number>) | undefined;
      if (source === 'glove') {
        const glove = await loadPretrained('glove-6b-100d-top20k');
        const missing = [...new Set(words.map((w) => w.toLowerCase()).filter((w) => !glove.has(w)))];
        if (missing.length > 0)
          throw new UserError(
            `Not among GloVe's 20,000 shipped words: ${missing.map((w) => JSON.stringify(w)).join(', ')} — leave them out or use Random vectors`,
          );
        embed = (w) => glove.get(w.toLowerCase());
      }
      const lesson = selfAttentionLesson(words, {
        ...(embed ? { embed } : {}),
        dModel: source === 'random' ? (this.getNodeParameter('dModel', i) as number) : 100,
        seed: source === 'random' ? (this.getNodeParameter('seed', i) as number) : 0,
        positions: this.getNodeParameter('positions', i) as boolean,
        mask: (this.getNodeParameter('causal', i) as boolean) ? 'causal' : null,
      });
      // the table: one row per query word, a column per key word (numbered: words repeat), every
      // weight rounded as `rounded` rounds it
      const table = lesson.weights.map((row, q) => {
        const r: IDataObject = { query: words[q] };
        for (const [k, w] of row.entries()) r[`${k + 1} ${words[k]}`] = roundTo(w);
        r.sum = roundTo(row.reduce((a, b) => a + b, 0));
        return r;
      });
      const json = withRounded({ ...item.json, words, weights: lesson.weights, table }, ['weights']);
      const output: INodeExecutionData = { json, pairedItem: { item: i } };
      if (this.getNodeParameter('includePlot', i, true) as boolean) {
        const svg = heatmapSvg(lesson.weights, {
          rowLabels: words,
          colLabels: words,
          title: 'softmax(QKᵀ/√d_k): each row sums to 1',
          digits: 3,
          min: 0,
        });
        output.binary = await plotBinaries(this, svg, 'attention');
      }
      return output;
    });
  }
}
