import { wordVectorTools } from '@firth/langchain';
import { FirthEmbeddings } from '@firth/rag';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { extractArguments } from './extract-arguments.js';
import { FirthRouterAgent } from './router-agent.js';

const agent = new FirthRouterAgent();

describe('FirthRouterAgent: the three examples of the issue', () => {
  it('"train a perceptron on the AND gate and report its weights" → perceptron, predictions [0,0,0,1]', async () => {
    const out = await agent.invoke('train a perceptron on the AND gate and report its weights');
    expect(out.tool).toBe('perceptron');
    expect(out.arguments).toMatchObject({
      rows: [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      labels: [0, 0, 0, 1],
    });
    const result = out.result as { predictions: number[]; weights: number[]; bias: number };
    expect(result.predictions).toEqual([0, 0, 0, 1]);
    expect(result.weights).toHaveLength(2);
    expect(out.explanation).toMatch(
      /^I trained the perceptron on the AND gate: weights \[.+\], bias .+, it classifies all 4 rows correctly\.$/,
    );
  });

  it('"what is the similarity between king and queen?" → word_similarity, the GloVe score', async () => {
    const out = await agent.invoke('what is the similarity between king and queen?');
    expect(out.tool).toBe('word_similarity');
    expect(out.arguments).toEqual({ word1: 'king', word2: 'queen' });
    const direct = wordVectorTools().find((t) => t.name === 'word_similarity')!;
    const expected = JSON.parse(
      (await direct.invoke({ word1: 'king', word2: 'queen' })) as string,
    ).similarity;
    expect((out.result as { similarity: number }).similarity).toBe(expected);
    expect(out.explanation).toContain('"king" and "queen"');
  });

  it('"what does the course say about attention?" → course_notes, citing attention.md', async () => {
    const out = await agent.invoke('what does the course say about attention?');
    expect(out.tool).toBe('course_notes');
    const result = out.result as { answer: string; sources: { n: number; source: string }[] };
    expect(result.sources.map((s) => s.source)).toContain('attention.md');
    expect(result.answer).toMatch(/\[\d\]/);
    // the explanation is the answer in prose, then its numbered sources (file and section)
    expect(out.explanation).toMatch(/^Self-attention is attention in which .* \[\d\]/);
    expect(out.explanation).toMatch(
      /\n\nSources:\n- \[\d\] attention\.md — Attention and self-attention > What it is/,
    );
  });
});

// request → the tool it should reach (phrased differently from the routes' examples)
const CASES: [string, string][] = [
  ['man is to king as woman is to what?', 'word_analogy'],
  ['which words are closest to paris?', 'similar_words'],
  ['tokenize "The quick brown fox" with the wordpiece tokenizer', 'tokenize'],
  ['write a short story about a brave little cat', 'tinystories_generate'],
  ['guess the missing word: "the [MASK] is shining in the sky"', 'fill_mask'],
  ['is this movie review positive or negative: "a dull, tedious mess"', 'sentiment'],
  ['show the attention weights between the words of "the cat sat on the mat"', 'self_attention'],
  ['apply the relu activation function to -2, 0 and 3', 'activation_function'],
  ['train word2vec embeddings on "the cat sat" and "the dog sat"', 'word2vec_train'],
  ['compute tf-idf vectors for "the cat sat" and "the dog ran"', 'text_vectorizer'],
  ["which of these words doesn't belong: apple, banana, car, cherry", 'odd_one_out'],
  ['explain what the course notes say about word2vec', 'course_notes'],
  ['compare the tokenizers on "unbelievable tokenization" including gpt-4o', 'tokenizer_playground'],
  ['learn the XOR problem with a multi-layer perceptron', 'mlp'],
];

describe('FirthRouterAgent: routing', () => {
  it('routes at least 90% of the requests to the right tool, with valid arguments', async () => {
    const misses: string[] = [];
    for (const [request, tool] of CASES) {
      const out = await agent.invoke(request);
      if (out.tool !== tool || out.error)
        misses.push(
          `${request} → ${out.tool} (${out.error ?? 'ok'}; ${out.candidates.map((c) => `${c.tool} ${c.score.toFixed(3)}`).join(', ')}) ${out.explanation}`,
        );
    }
    const accuracy = (CASES.length - misses.length) / CASES.length;
    if (misses.length) console.log(`routing accuracy ${accuracy}; misses:\n${misses.join('\n')}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  }, 60_000);

  it('reads the arguments each tool needs', async () => {
    const analogy = await agent.invoke('man is to king as woman is to what?');
    expect(analogy.arguments).toMatchObject({ a: 'man', b: 'king', c: 'woman' });
    expect((analogy.result as { answers: { word: string }[] }).answers[0]!.word).toBe('queen');
    const tok = await agent.invoke('tokenize "The quick brown fox" with the wordpiece tokenizer');
    expect(tok.arguments).toEqual({ text: 'The quick brown fox', tokenizer: 'wordpiece-shakespeare' });
    const relu = await agent.invoke('apply the relu activation function to -2, 0 and 3');
    expect(relu.arguments).toMatchObject({ function: 'relu', values: [-2, 0, 3] });
    expect((relu.result as { values: number[] }).values).toEqual([0, 0, 3]);
    const odd = await agent.invoke("which of these words doesn't belong: apple, banana, car, cherry");
    expect((odd.result as { oddOneOut: string }).oddOneOut).toBe('car');
  }, 60_000);

  it('answers "I don\'t know which tool fits" for nonsense, with the top candidates', async () => {
    for (const request of [
      'blorf snargle wuzzle quibbit',
      'zxqv plimf grondle',
      'what is the weather in london tomorrow',
      'who won the football match yesterday',
    ]) {
      const out = await agent.invoke(request);
      expect(out.tool).toBeNull();
      expect(out.result).toBeNull();
      expect(out.explanation).toMatch(/^I don't know which tool fits/);
      expect(out.candidates).toHaveLength(3);
    }
  });

  it('explains invalid arguments, naming the field, and runs nothing', async () => {
    const out = await agent.invoke('train a perceptron on my data');
    expect(out.tool).toBe('perceptron');
    expect(out.error).toBe('invalid-arguments');
    expect(out.result).toBeNull();
    expect(out.explanation).toMatch(/rows/);
  });

  it('is a LangChain Runnable: it composes with .pipe()', async () => {
    const chain = agent.pipe((r) => r.tool);
    expect(await chain.invoke('what is the similarity between cat and dog?')).toBe('word_similarity');
    expect((await agent.batch(['man is to king as woman is to what?'])).map((r) => r.tool)).toEqual([
      'word_analogy',
    ]);
  });
});

describe('FirthRouterAgent over any Embeddings', () => {
  it('routes the issue examples with GloVe SIF too (its own threshold), and refuses nonsense', async () => {
    const glove = new FirthRouterAgent({
      embeddings: new FirthEmbeddings({ pooling: 'sif' }),
      threshold: 0.9,
    });
    const tools = [];
    for (const request of [
      'train a perceptron on the AND gate and report its weights',
      'what is the similarity between king and queen?',
      'what does the course say about attention?',
      'blorf snargle wuzzle quibbit',
    ])
      tools.push((await glove.invoke(request)).tool);
    expect(tools).toEqual(['perceptron', 'word_similarity', 'course_notes', null]);
  }, 30_000);
});

describe('extractArguments: the schema walk', () => {
  const schema = z.object({
    mode: z.enum(['bagOfWords', 'tfidf']).default('tfidf'),
    name: z.string(),
    other: z.string().optional(),
    size: z.number().int().default(3),
    causal: z.boolean().default(false),
    values: z.array(z.number()).optional(),
  });
  it('enums, strings, numbers and booleans from the words of a request', () => {
    expect(extractArguments(schema, 'a causal bag-of-words of "x y" and "z" with size 5 then 1 2')).toEqual({
      mode: 'bagOfWords',
      name: 'x y',
      other: 'z',
      size: 5,
      causal: true,
      values: [1, 2],
    });
    expect(extractArguments(schema, 'the similarity between king and queen, no causal')).toMatchObject({
      name: 'king',
      other: 'queen',
      causal: false,
    });
    expect(extractArguments(schema, 'what does the course say about attention?')).toMatchObject({
      name: 'attention',
    });
  });
});
