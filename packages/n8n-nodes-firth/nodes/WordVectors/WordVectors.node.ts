/**
 * Word Vectors node: the lessons "Measuring Similarity Between Word Vectors" and "Use Pre-Trained
 * Embeddings" — nearest words, analogies (king − man + woman ≈ queen), similarity, the odd one out
 * and document similarity, over GloVe 6B 100d (shipped), ml5's word2vec sample, or vectors trained
 * by a Word2Vec / GloVe Train step.
 *
 * Thin adapter (STYLE.md): gensim-style KeyedVectors from @firth/embeddings do the work.
 */
import { answerAnalogy, documentSimilarity, type KeyedVectors, type Pooling } from '@firth/embeddings';
import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  UserError,
} from 'n8n-workflow';
import { mapItems } from '../shared/per-item';
import { withRounded } from '../shared/rounded';
import { VECTOR_SOURCES, vectorsFor } from '../shared/word-vectors';

type Operation = 'mostSimilar' | 'analogy' | 'similarity' | 'doesntMatch' | 'documentSimilarity';

export class WordVectors implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Word Vectors',
    name: 'wordVectors',
    icon: { light: 'file:wordVectors.svg', dark: 'file:wordVectors.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["operation"] }}',
    description:
      'Nearest words, analogies (king − man + woman), similarity, the odd one out. Lesson: Introduction to Word Embeddings',
    defaults: { name: 'Word Vectors' },
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
            name: 'Analogy',
            value: 'analogy',
            action: 'Solve a word analogy',
            description: 'A is to B as C is to ? — vector arithmetic B − A + C (man : king :: woman : queen)',
          },
          {
            name: 'Document Similarity',
            value: 'documentSimilarity',
            action: 'Compare two texts',
            description: "Cosine similarity of two texts' averaged word vectors (spaCy's doc.similarity)",
          },
          {
            name: "Doesn't Match",
            value: 'doesntMatch',
            action: 'Find the odd word out',
            description: 'The word least like the others (breakfast cereal dinner lunch → cereal)',
          },
          {
            name: 'Most Similar',
            value: 'mostSimilar',
            action: 'Find the nearest words',
            description: 'Words closest to the positive words and far from the negative ones',
          },
          {
            name: 'Similarity',
            value: 'similarity',
            action: 'Measure how similar two words are',
            description: 'Cosine similarity of two word vectors',
          },
        ],
        default: 'mostSimilar',
      },
      {
        displayName: 'Vectors',
        name: 'vectors',
        type: 'options',
        options: VECTOR_SOURCES,
        default: 'glove-6b-100d-top20k',
      },
      {
        displayName: 'Model',
        name: 'model',
        type: 'json',
        default: '',
        required: true,
        displayOptions: { show: { vectors: ['model'] } },
        placeholder: "={{ $('Word2Vec Train').first().json.model }}",
        description: 'The "model" output of a Word2Vec Train or GloVe Train step',
      },
      {
        displayName: 'Positive Words',
        name: 'positive',
        type: 'string',
        default: 'king',
        displayOptions: { show: { operation: ['mostSimilar'] } },
        description: 'Comma-separated words to move towards',
      },
      {
        displayName: 'Negative Words',
        name: 'negative',
        type: 'string',
        default: '',
        displayOptions: { show: { operation: ['mostSimilar'] } },
        description: 'Comma-separated words to move away from',
      },
      {
        displayName: 'A',
        name: 'a',
        type: 'string',
        default: 'man',
        displayOptions: { show: { operation: ['analogy'] } },
        description: 'A in "A is to B as C is to ?"',
      },
      {
        displayName: 'B',
        name: 'b',
        type: 'string',
        default: 'king',
        displayOptions: { show: { operation: ['analogy'] } },
      },
      {
        displayName: 'C',
        name: 'c',
        type: 'string',
        default: 'woman',
        displayOptions: { show: { operation: ['analogy'] } },
      },
      {
        displayName: 'Expected Answer',
        name: 'expected',
        type: 'string',
        default: '',
        displayOptions: { show: { operation: ['analogy'] } },
        placeholder: 'queen',
        description:
          'The right answer, if you know it (optional): the output then says whether the vectors found it (correct: true or false)',
      },
      {
        displayName: 'Word 1',
        name: 'word1',
        type: 'string',
        default: 'king',
        displayOptions: { show: { operation: ['similarity'] } },
      },
      {
        displayName: 'Word 2',
        name: 'word2',
        type: 'string',
        default: 'queen',
        displayOptions: { show: { operation: ['similarity'] } },
      },
      {
        displayName: 'Words',
        name: 'words',
        type: 'string',
        default: 'breakfast, cereal, dinner, lunch',
        displayOptions: { show: { operation: ['doesntMatch'] } },
        description: 'Comma-separated words',
      },
      {
        displayName: 'Text 1',
        name: 'text1',
        type: 'string',
        default: 'The cat sat on the mat.',
        displayOptions: { show: { operation: ['documentSimilarity'] } },
      },
      {
        displayName: 'Text 2',
        name: 'text2',
        type: 'string',
        default: 'A kitten is resting on a rug.',
        displayOptions: { show: { operation: ['documentSimilarity'] } },
      },
      {
        displayName: 'Pooling',
        name: 'pooling',
        type: 'options',
        options: [
          { name: 'Mean', value: 'mean', description: "Average of the word vectors (spaCy's doc.vector)" },
          {
            name: 'SIF',
            value: 'sif',
            description:
              'Smooth inverse frequency weights: frequent words count less, after Arora et al. 2017.',
          },
        ],
        default: 'mean',
        displayOptions: { show: { operation: ['documentSimilarity'] } },
      },
      {
        displayName: 'Top N',
        name: 'topn',
        type: 'number',
        typeOptions: { minValue: 1, maxValue: 100 },
        default: 5,
        displayOptions: { show: { operation: ['mostSimilar', 'analogy'] } },
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const cache = new Map<string, Promise<KeyedVectors>>();
    return mapItems(this, async (i, item) => {
      const kv = await vectorsFor(this, i, cache);
      const result = query(this, i, this.getNodeParameter('operation', i) as Operation, kv);
      return {
        json: withRounded({ ...item.json, ...result }, ['similar', 'answers', 'similarity']),
        pairedItem: { item: i },
      };
    });
  }
}

/** "a, b ,c" → ['a', 'b', 'c'] (lowercased: the shipped vectors are lowercase). */
function words(text: string, name: string, required: boolean): string[] {
  const list = String(text ?? '')
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '');
  if (required && list.length === 0) throw new UserError(`${name} is empty: give at least one word`);
  return list;
}

function query(ctx: IExecuteFunctions, i: number, operation: Operation, kv: KeyedVectors): IDataObject {
  const p = (name: string) => ctx.getNodeParameter(name, i) as string;
  const ranked = (list: [string, number][]) => list.map(([word, score]) => ({ word, score }));
  switch (operation) {
    case 'mostSimilar': {
      const positive = words(p('positive'), 'Positive Words', true);
      const negative = words(p('negative'), 'Negative Words', false);
      const similar = ranked(
        kv.mostSimilar({ positive, negative, topn: ctx.getNodeParameter('topn', i) as number }),
      );
      return { positive, negative, similar, top: similar[0]?.word };
    }
    case 'analogy': {
      const [a, b, c] = ['a', 'b', 'c'].map((k) => words(p(k), k.toUpperCase(), true)[0] as string);
      const [expected] = words(ctx.getNodeParameter('expected', i, '') as string, 'Expected Answer', false);
      // b − a + c, nearest by cosine, the query words excluded (gensim's 3CosAdd); with the
      // expected word, whether the answer is it
      return answerAnalogy(
        kv,
        { a: a!, b: b!, c: c!, ...(expected === undefined ? {} : { expected }) },
        { topn: ctx.getNodeParameter('topn', i) as number },
      ) as unknown as IDataObject;
    }
    case 'similarity': {
      const [w1] = words(p('word1'), 'Word 1', true);
      const [w2] = words(p('word2'), 'Word 2', true);
      return { word1: w1, word2: w2, similarity: kv.similarity(w1!, w2!) };
    }
    case 'doesntMatch': {
      const list = words(p('words'), 'Words', true);
      if (list.length < 2) throw new UserError(`Words needs at least two words, got ${list.length}`);
      return { words: list, doesntMatch: kv.doesntMatch(list) };
    }
    case 'documentSimilarity': {
      const pooling = ctx.getNodeParameter('pooling', i, 'mean') as Pooling;
      return {
        text1: p('text1'),
        text2: p('text2'),
        pooling,
        similarity: documentSimilarity(p('text1'), p('text2'), kv, { pooling }),
      };
    }
    default:
      throw new UserError(`Unknown operation "${operation}"`);
  }
}
