/**
 * What a learner looks at in each lesson workflow after "Execute workflow": which node's output to
 * open, and the lesson's values its table must show. One entry per workflows/*.json file; the
 * numbers are the ones pinned for tiers 2 and 3 in ../workflow-expectations.ts (the course's
 * values, or measured once and pinned there), never new ones.
 *
 * Plots need no entry: every node whose output carries an image is checked (rendered PNG,
 * naturalWidth > 0, SVG beside it) from the run itself.
 *
 * To adjust: edit a workflow's `looks` — node name, column → one Cell per row (cells.ts).
 */
import { expect } from 'vitest';
import { type Cell, leaves, leavesOf, numbers } from './cells.js';
import type { TableRow } from './editor.js';

export interface Look {
  /** The node to open (its name on the canvas). */
  node: string;
  /** Table view, column by column: one Cell per row, from the first row. */
  columns?: Record<string, Cell[]>;
  /** Anything else to check on the rows the table shows. */
  check?: (rows: TableRow[]) => void;
}

export interface Lesson {
  looks: Look[];
  /** The workflow's chat ("Open chat", Chat Trigger): a question and what the reply must be. */
  chat?: { question: string; check: (reply: string) => void };
}

/** A reply a person can read: prose with numbered citations and its sources — not a JSON dump. */
export function expectProseWithSources(text: string, topic: RegExp, source: RegExp): void {
  expect(text.trim(), 'the answer is JSON, not prose').not.toMatch(/^[[{]/);
  expect(text, 'the answer is JSON, not prose').not.toMatch(/"(answer|sources|chatInput)"\s*:/);
  expect(text, 'the answer has no sentence').toMatch(/[A-Za-z][^.!?]{20,}[.!?]/);
  expect(text).toMatch(topic);
  expect(text, 'the answer cites no numbered source ([1], [2] …)').toMatch(/\[\d+\]/);
  expect(text, 'the answer does not name its sources').toMatch(source);
}

/**
 * Sources numbered per passage: each source its own number, every number the answer cites is a
 * listed source and every listed source is cited (not all of them [1]).
 */
function expectNumberedPerPassage(answer: string, sourcesCell: string, where: string): void {
  const listed = leavesOf(sourcesCell, 'n').map(Number);
  expect(listed.length, `${where}: no numbered sources`).toBeGreaterThan(0);
  expect(new Set(listed).size, `${where}: two sources share a number (${listed.join(', ')})`).toBe(
    listed.length,
  );
  const cited = [...new Set([...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])))].sort(
    (a, b) => a - b,
  );
  expect(
    cited,
    `${where}: the answer cites [${cited.join('], [')}], the sources are ${listed.join(', ')}`,
  ).toEqual(listed.slice().sort((a, b) => a - b));
}

/** The analogy row's verdict, in whatever column says it ("correct", "verdict", …). */
function verdictOf(row: TableRow): string | undefined {
  const column = Object.keys(row).find((h) => /correct|verdict/i.test(h));
  return column === undefined ? undefined : row[column];
}

const sumsToOne = (text: string) => {
  const p = numbers(text);
  expect(p.length).toBeGreaterThan(0);
  expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
};

/** The vector-store lessons' search: three hits, the cardiac story first, best score first. */
function cardiacFirst(score: 'similarity' | 'distance'): Look {
  return {
    node: 'Search: a cardiac illness',
    check: (rows) => {
      expect(rows).toHaveLength(3);
      expect(leavesOf(rows[0]!['document']!, 'id')).toEqual(['cardiac']);
      const scores = rows.map((r) => Number(r['score']));
      expect(scores).toEqual([...scores].sort((x, y) => (score === 'similarity' ? y - x : x - y)));
    },
  };
}

export const lessons: Record<string, Lesson> = {
  'perceptron-and-gate.json': {
    looks: [
      // The course's Python cell: Perceptron(max_iter=100, eta0=0.1, random_state=42)
      {
        node: 'Perceptron (scikit-learn)',
        columns: { coef: [[0.2, 0.2]], intercept: [[-0.2]], predictions: [[0, 0, 0, 1]] },
      },
      {
        node: 'Perceptron (course rule)',
        columns: { converged: [true], accuracy: [1], predictions: [[0, 0, 0, 1]] },
      },
      { node: 'Predict AND', columns: { prediction: [0, 0, 0, 1] } },
    ],
  },

  'xor-mlp.json': {
    looks: [
      // MLPClassifier((2,), tanh, adam, learning_rate_init=0.01, max_iter=10000, random_state=42)
      {
        node: 'MLP (course XOR)',
        columns: {
          nIter: [617],
          predictions: [[0, 1, 1, 0]],
          accuracy: [1],
          coefs: [[2.7144501, 3.27401218, -2.73418453, -3.17014048, -4.37775211, 4.46553876]],
          intercepts: [[1.21994174, -1.63451199, 3.61855675]],
        },
      },
      { node: 'Predict XOR', columns: { prediction: [0, 1, 1, 0] } },
      // XOR is not linearly separable: the perceptron never converges
      { node: 'Perceptron cannot learn XOR', columns: { converged: [false] } },
    ],
  },

  'activation-functions.json': {
    looks: [
      {
        node: 'Step',
        columns: {
          x: [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3],
          relu: [0, 0, 0, 0, 0, 0.5, 1, 2, 3],
          step: [0, 0, 0, 0, 1, 1, 1, 1, 1],
          // σ(0) = 0.5, σ′(0) = 0.25, tanh(0) = 0, tanh′(0) = 1
          sigmoid: [null, null, null, null, 0.5],
          sigmoidDerivative: [null, null, null, null, 0.25],
          tanh: [null, null, null, null, 0],
          tanhDerivative: [null, null, null, null, 1],
        },
      },
      { node: 'Softmax of the logits', columns: { probabilities: [sumsToOne] } },
    ],
  },

  'cnn-convolution.json': {
    looks: [
      // the course's figure: the 5×5 input with the 3×3 kernel
      { node: 'Course example (5×5 ∗ 3×3)', columns: { featureMap: [[12, 12, 17, 10, 17, 19, 9, 6, 14]] } },
      { node: 'Max pooling 2×2', columns: { pooled: [[17]] } },
    ],
  },

  'char-rnn-shakespeare.json': {
    looks: [
      { node: 'Pretrained Shakespeare LSTM (ml5)', columns: { completion: [/^ROMEO:\n\S/] } },
      // measured (seed 0): RNN 1.6e-12, LSTM 5.3e-5 of the last step's gradient norm reach step 1
      {
        node: 'Vanishing gradient: RNN vs LSTM',
        columns: {
          rnnRatio: [(t) => expect(Number(t)).toBeLessThan(1e-9)],
          lstmRatio: [(t) => expect(Number(t)).toBeGreaterThan(1e-6)],
        },
      },
    ],
  },

  'word2vec-train-and-query.json': {
    looks: [
      {
        node: 'Word2Vec (course toy corpus)',
        columns: { vocabularySize: [10], vectorSize: [50], documents: [3] },
      },
      {
        node: 'Similarity',
        check: (rows) => {
          const sim = Object.fromEntries(
            rows.map((r) => [`${r['word1']}/${r['word2']}`, Number(r['similarity'])]),
          );
          expect(sim['afghanistan/taliban']).toBeGreaterThan(0.8);
          expect(sim['afghanistan/cricket']).toBeLessThan(0.6);
          expect(sim['israeli/palestinian']).toBeGreaterThan(sim['israeli/cricket']! + 0.4);
        },
      },
    ],
  },

  'word-analogies.json': {
    looks: [
      {
        node: 'Analogy (GloVe 6B 100d)',
        columns: { a: ['man'], b: ['king'], c: ['woman'], answer: ['queen'] },
        // 6 of the 8 right (GloVe's known 3CosAdd misses: daughter, weaker): the output says which
        check: (rows) => {
          expect(rows).toHaveLength(8);
          const right = ['queen', 'iraq', 'japan', 'worse', 'swimming', 'chinese'];
          for (const row of rows) {
            const verdict = verdictOf(row);
            expect(
              verdict,
              `${row['a']}:${row['b']}::${row['c']} — no column says correct/incorrect`,
            ).toBeDefined();
            const correct = right.includes(row['expected'] ?? '');
            expect(verdict, `${row['a']}:${row['b']}::${row['c']} → ${row['answer']}`).toMatch(
              correct ? /^(true|correct)$/i : /^(false|incorrect|wrong)$/i,
            );
          }
        },
      },
      {
        node: "Words similar to 'computer'",
        columns: { similar: [(t) => expect(leaves(t)).toContain('software')] },
      },
      { node: "Doesn't match", columns: { doesntMatch: ['cereal'] } },
    ],
  },

  // "doctors treated a cardiac illness": the heart-attack story first though they share no word
  'embeddings-into-vector-store.json': { looks: [cardiacFirst('similarity')] },
  // pgvector's score is the cosine distance: nearest first, ascending
  'embeddings-into-pgvector.json': { looks: [cardiacFirst('distance')] },

  'attention-explained.json': {
    looks: [
      {
        node: 'Self-attention (course)',
        columns: {
          words: [(t) => expect(leaves(t)).toEqual(['YOUR', 'CAT', 'IS', 'A', 'LOVELY', 'CAT'])],
          // 6 × 6 weights, each row sums to 1; without positions CAT attends equally to both CATs
          weights: [
            (t) => {
              const w = numbers(t);
              expect(w).toHaveLength(36);
              for (let i = 0; i < 6; i++)
                expect(Math.abs(w.slice(i * 6, i * 6 + 6).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
              expect(w[6 + 1]).toBe(w[6 + 5]);
            },
          ],
        },
      },
      // masked: the first word sees only itself
      {
        node: 'Masked (decoder), GloVe',
        columns: { weights: [(t) => expect(numbers(t).slice(0, 5)).toEqual([1, 0, 0, 0, 0])] },
      },
    ],
  },

  'tinystories-generate.json': {
    looks: [
      { node: 'Tokens of the prompt', columns: { ids: [[403, 407, 261, 378]] } },
      // greedy from the start token: the story an independent NumPy llama2.c writes
      {
        node: 'Story from scratch (greedy)',
        columns: {
          text: [
            /^Once upon a time, there was a little girl named Lily\. She loved to play outside in the park\./,
          ],
        },
      },
    ],
  },

  'shakespeare-gpt.json': {
    looks: [
      {
        node: 'GPT Train (tiny Shakespeare)',
        columns: {
          vocabSize: [65],
          parameterCount: [109_952],
          steps: [150],
          // untrained ≈ ln 65 ≈ 4.17; after 150 steps under 2.8
          initialLoss: [(t) => expect(Number(t)).toBeGreaterThan(3.9)],
          finalLoss: [(t) => expect(Number(t)).toBeLessThan(2.8)],
        },
      },
      { node: 'ROMEO: (seed 42)', columns: { completion: [/^ROMEO:/], finishReason: ['length'] } },
    ],
  },

  'bert-bank.json': {
    looks: [
      {
        node: '"bank": river vs money',
        columns: {
          cosine: [(t) => expect(Number(t)).toBeLessThan(0.99)],
          explanation: [/"bank" gets a different vector/],
        },
      },
      { node: 'Fill the mask (one item per guess)', columns: { rank: [1, 2, 3] } },
      // the SST-2 head reads the review right
      { node: 'Sentiment of a review', columns: { label: ['positive'] } },
    ],
  },

  'pipelines-tour.json': {
    looks: [
      // pipeline("sentiment-analysis")("I love this!"): the course's POSITIVE
      {
        node: 'Sentiment: I love this!',
        columns: { result: [(t) => expect(leavesOf(t, 'label')).toEqual(['POSITIVE'])] },
      },
      // "Basic Model Usage": the three texts, one row each
      {
        node: 'Sentiment of each text',
        columns: {
          result: ['POSITIVE', 'NEGATIVE', 'NEGATIVE'].map(
            (label) => (t: string) => expect(leavesOf(t, 'label')).toEqual([label]),
          ),
        },
      },
    ],
  },

  'rag-course-notes.json': {
    looks: [
      {
        node: 'Answer from the course notes',
        columns: {
          question: ['What is BERT?', 'How does skip-gram differ from CBOW?'],
          answer: [
            /^BERT \(Bidirectional Encoder Representations from Transformers\) is an encoder-only transformer/,
            /skip-gram/i,
          ],
          answeredBy: ['extractive', 'extractive'],
        },
        // each source its own number; the answer cites exactly the listed sources
        check: (rows) => {
          for (const [i, row] of rows.entries())
            expectNumberedPerPassage(row['answer'] ?? '', row['sources'] ?? '', `question ${i + 1}`);
        },
      },
      // the local story model cannot answer "What is BERT?": what comes out of n8n's Question and
      // Answer Chain is labelled as a story continuation, not presented as an answer
      {
        node: 'Story model continuation (not an answer)',
        columns: {
          question: ['What is BERT?', 'How does skip-gram differ from CBOW?'],
          isAnswer: [false, false],
        },
      },
    ],
  },

  'rag-conversation.json': {
    // what the canvas shows after "Open chat": the chat's own run, one turn through Firth RAG Answer
    // with its memory (the manual run's two turns — 'When was it released?' rewritten to 'When was
    // BERT released?' from the memory and answered from bert.md — are pinned by tiers 2 and 3)
    looks: [
      {
        node: 'Firth RAG Answer',
        columns: {
          question: ['What is BERT?'],
          standaloneQuestion: ['What is BERT?'],
          answer: [/^BERT \(Bidirectional Encoder Representations from Transformers\)/],
        },
      },
    ],
    chat: {
      question: 'What is BERT?',
      check: (reply) =>
        expect(reply).toMatch(/^BERT \(Bidirectional Encoder Representations from Transformers\).*\[\d\]/s),
    },
  },

  'agent-course-assistant.json': {
    // the agent's reply as the canvas shows it after "Open chat" (the chat runs the workflow again
    // through Replies, one turn, and the canvas shows that run; the manual run's two turns, the
    // follow-up answered with the formula, are pinned by tier 3), then the question through the chat
    looks: [
      {
        node: 'Replies',
        columns: {
          output: [
            (t) => expectProseWithSources(t, /attention/i, /attention\.md|Attention and self-attention/),
          ],
        },
      },
    ],
    chat: {
      question: 'What does the course say about attention?',
      check: (reply) =>
        expectProseWithSources(reply, /attention/i, /attention\.md|Attention and self-attention/),
    },
  },

  'groq-chat.json': {
    looks: [
      { node: 'Ask Groq', columns: { servedBy: ['firth-local-server'], requestedProvider: ['groq'] } },
      {
        node: 'Tokens of the question',
        columns: { counts: [(t) => expect(leavesOf(t, 'gpt-4o')).toEqual(['7'])] },
      },
    ],
  },

  'local-chat.json': {
    looks: [{ node: 'Basic LLM Chain', columns: { text: [/\S/] } }],
  },

  'prompt-few-shot.json': {
    looks: [
      {
        node: 'Few-shot prompt',
        columns: {
          prompt: [
            'Give the antonym of every word.\n\nWord: happy\nAntonym: sad\n\nWord: tall\nAntonym: short\n\nWord: fast\nAntonym:',
          ],
        },
      },
      {
        node: 'Generate',
        columns: { servedBy: ['firth-local-server'], text: [(t) => expect(t).not.toContain('\n')] },
      },
    ],
  },

  'local-server-chat.json': {
    looks: [
      { node: 'Basic LLM Chain (OpenAI API)', columns: { text: [/\S/] } },
      { node: 'Basic LLM Chain (Ollama API)', columns: { text: [/\S/] } },
    ],
  },
};
