/**
 * The training corpus of the Word2Vec / GloVe Train nodes: the items' text (one document per
 * item) or the Lee news corpus shipped with Firth, tokenised like gensim's `simple_preprocess`.
 * Plus the one `execute` both nodes run (trainOnCorpus): read the corpus, train, output the summary
 * (vocabulary size, loss per epoch, nearest neighbours of probe words) and the model.
 */
import { loadLeeCorpus } from '@firth/datasets';
import { type KeyedVectors, simplePreprocess } from '@firth/embeddings';
import { quote } from '@firth/numeric';
import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeProperties,
  NodeOperationError,
  UserError,
} from 'n8n-workflow';
import { itemOf, toErrorMessage } from './dataset';
import { readItems } from './per-item';
import { withRounded } from './rounded';

export const corpusProperties: INodeProperties[] = [
  {
    displayName: 'Corpus',
    name: 'corpus',
    type: 'options',
    options: [
      {
        name: 'Lee News Corpus (Shipped)',
        value: 'lee',
        description: "Gensim's test corpus: 300 short news articles, 59,890 words",
      },
      {
        name: 'Item Field',
        value: 'field',
        description: 'The chosen text field of every item, one document each',
      },
    ],
    default: 'lee',
  },
  {
    displayName: 'Text Field',
    name: 'textField',
    type: 'string',
    default: 'text',
    displayOptions: { show: { corpus: ['field'] } },
  },
  {
    displayName: 'Probe Words',
    name: 'probeWords',
    type: 'string',
    default: '',
    placeholder: 'israeli, police, two',
    description:
      'Comma-separated words whose nearest neighbours to list in the output (unknown ones are skipped)',
  },
];

/**
 * Documents as token lists, from the Lee corpus or one per item. An item whose field is not text
 * (or is over the text limit) is named; with Continue On Fail it comes back in `failed` and the
 * rest are trained on (`readItems`). `items` are the indexes of the items used (none when every
 * item was refused: the node then outputs just the error items).
 */
export function readCorpus(ctx: IExecuteFunctions): {
  sentences: string[][];
  items: number[];
  failed: INodeExecutionData[];
} {
  if (ctx.getNodeParameter('corpus', 0) === 'lee') {
    const all = ctx.getInputData().map((_, i) => i);
    return { sentences: loadLeeCorpus().map((line) => simplePreprocess(line)), items: all, failed: [] };
  }
  const field = ctx.getNodeParameter('textField', 0) as string;
  const { inputs, failed } = readItems(ctx, (item, i) => {
    const text = item.json[field];
    if (typeof text !== 'string')
      throw new UserError(
        `Item ${i}: field ${quote(field)} must be text, got ${text === undefined ? 'nothing' : typeof text}`,
      );
    return simplePreprocess(text);
  });
  return { sentences: inputs.map((x) => x.value), items: inputs.map((x) => x.index), failed };
}

/** `{ word: [[neighbour, cosine], …] }` for the probe words the model knows. */
export function probeNeighbours(ctx: IExecuteFunctions, kv: KeyedVectors): IDataObject {
  const words = String(ctx.getNodeParameter('probeWords', 0, '') ?? '')
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '' && kv.has(w));
  return Object.fromEntries(
    words.map((w) => [
      w,
      kv.mostSimilar({ positive: [w], topn: 5 }).map(([n, s]) => ({ word: n, score: s })),
    ]),
  );
}

/**
 * The Word2Vec / GloVe Train nodes' `execute`: one output item from the whole corpus (paired with
 * every item trained on), the items refused with Continue On Fail before it. A training error names
 * its item (`Item N: …`) and is reported for that item.
 */
export async function trainOnCorpus(
  ctx: IExecuteFunctions,
  modelType: 'firth.Word2Vec' | 'firth.GloVe',
  train: (sentences: string[][]) => Promise<{ wv: KeyedVectors; lossCurve: number[] }>,
): Promise<INodeExecutionData[][]> {
  const pairedItem = ctx.getInputData().map((_, item) => ({ item }));
  // an item that is not text is named (per item, or an error item with Continue On Fail)
  const { sentences, items: used, failed } = readCorpus(ctx);
  if (used.length === 0 && failed.length > 0) return [failed];
  try {
    const { wv: kv, lossCurve } = await train(sentences);
    return [
      [
        ...failed,
        {
          json: withRounded(
            {
              vocabularySize: kv.length,
              vectorSize: kv.vectorSize,
              documents: sentences.length,
              lossCurve,
              neighbours: probeNeighbours(ctx, kv),
              model: { type: modelType, wv: kv.toJSON() },
            },
            ['lossCurve', 'neighbours'],
          ),
          pairedItem: used.map((item) => ({ item })),
        },
      ],
    ];
  } catch (error) {
    const message = toErrorMessage(error);
    const itemIndex = itemOf(error) ?? Number(/^Item (\d+):/.exec(message)?.[1] ?? 0);
    if (ctx.continueOnFail()) return [[...failed, { json: { error: message, itemIndex }, pairedItem }]];
    throw new NodeOperationError(ctx.getNode(), message, { itemIndex });
  }
}
