/**
 * The training corpus of the Word2Vec / GloVe Train nodes: the items' text (one document per
 * item) or the Lee news corpus shipped with Firth, tokenised like gensim's `simple_preprocess`.
 * Plus the summary both nodes output: vocabulary size, nearest neighbours of probe words.
 */
import { loadLeeCorpus } from '@firth/datasets';
import { type KeyedVectors, simplePreprocess } from '@firth/embeddings';
import { type IDataObject, type IExecuteFunctions, type INodeProperties, UserError } from 'n8n-workflow';

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

/** Documents as token lists, and the item that failed when one is not text. */
export function readCorpus(ctx: IExecuteFunctions): string[][] {
  if (ctx.getNodeParameter('corpus', 0) === 'lee') {
    return loadLeeCorpus().map((line) => simplePreprocess(line));
  }
  const field = ctx.getNodeParameter('textField', 0) as string;
  return ctx.getInputData().map((item, i) => {
    const text = item.json[field];
    if (typeof text !== 'string')
      throw new UserError(
        `Item ${i}: field "${field}" must be text, got ${text === undefined ? 'nothing' : typeof text}`,
      );
    return simplePreprocess(text);
  });
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
