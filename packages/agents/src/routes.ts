/**
 * What the router agent knows about each Firth tool beyond its name and description: example
 * requests (what the router embeds and compares with), an optional `extract` hook for phrasings the
 * schema walk cannot read ("the AND gate", "man is to king as woman is to …"), and an optional
 * `explain` that says in words what the tool did.
 */
import { answerWithSources } from '@firth/rag';

// biome-ignore lint/suspicious/noExplicitAny: tool arguments and results are free-form JSON
type Json = Record<string, any>;

export interface RouteHints {
  /** What the router compares requests with, when the tool's own description says it less plainly. */
  description?: string;
  /** Requests this tool answers, in the words a student would use. */
  examples: string[];
  /** Tool-specific arguments read from the request; they override the schema walk's. */
  extract?: (request: string) => Record<string, unknown>;
  /** The result in one or two sentences. */
  explain?: (args: Json, result: Json) => string;
}

const GATES: Record<string, number[]> = {
  and: [0, 0, 0, 1],
  or: [0, 1, 1, 1],
  nand: [1, 1, 1, 0],
  nor: [1, 0, 0, 0],
  xor: [0, 1, 1, 0],
};
const GATE_ROWS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];

/** "the AND gate" → the truth table of AND as rows and labels. */
function gate(request: string): { gate: string; rows: number[][]; labels: number[] } | undefined {
  const m = /\b(and|or|nand|nor|xor)(?:\s+logic)?\s+(?:gate|function|problem|truth table)\b/i.exec(request);
  if (!m) return undefined;
  const name = m[1]!.toLowerCase();
  return { gate: name.toUpperCase(), rows: GATE_ROWS, labels: GATES[name]! };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
const list = (xs: number[]) => `[${xs.map(round).join(', ')}]`;
const correctly = (predictions: number[], labels: unknown[]) => {
  const right = predictions.filter((p, i) => p === labels[i]).length;
  return right === labels.length
    ? `it classifies all ${right} rows correctly`
    : `it classifies ${right} of ${labels.length} rows correctly`;
};

export const DEFAULT_ROUTES: Record<string, RouteHints> = {
  perceptron: {
    examples: [
      'train a perceptron on the AND gate',
      'learn the OR function with a single neuron and show its weights and bias',
      "run Rosenblatt's perceptron learning rule on these rows and labels",
    ],
    extract: (r) => {
      const g = gate(r);
      return g ? { rows: g.rows, labels: g.labels } : {};
    },
    explain: (args, res) => {
      const what = Object.entries(GATES).find(([, l]) => JSON.stringify(l) === JSON.stringify(args.labels));
      const on = what ? `the ${what[0].toUpperCase()} gate` : `${args.rows.length} rows`;
      return `I trained the perceptron on ${on}: weights ${list(res.weights ?? res.coef?.[0] ?? [])}, bias ${round(res.bias ?? res.intercept?.[0])}, ${correctly(res.predictions, args.labels)}.`;
    },
  },
  mlp: {
    examples: [
      'train a multi-layer perceptron on the XOR problem',
      'fit a neural network with hidden layers (MLP) to these rows and labels',
      'learn XOR with a hidden layer of two neurons',
    ],
    extract: (r) => {
      const g = gate(r);
      // the course's XOR cell: 2 tanh units, lr 0.01, seed 42 (converges in 617 epochs)
      return g
        ? {
            rows: g.rows,
            labels: g.labels,
            hiddenLayerSizes: [2],
            activation: 'tanh',
            learningRateInit: 0.01,
            maxIter: 10000,
            randomState: 42,
          }
        : {};
    },
    explain: (args, res) =>
      `I trained an MLP with hidden layers ${list(args.hiddenLayerSizes ?? [100])} for ${res.nIter} epochs: predictions ${list(res.predictions)}, accuracy ${res.accuracy ?? res.r2}.`,
  },
  activation_function: {
    examples: [
      'apply the sigmoid activation to 0 and 2',
      'what is relu of -1, 0 and 3',
      'compute the softmax of 1, 2 and 3',
      'tanh activation function with its derivative at 0.5',
    ],
    explain: (args, res) => `${args.function}(${list(args.values)}) = ${list(res.values)}.`,
  },
  convolution: {
    examples: [
      'convolve this image with a 3x3 kernel [[...]]',
      'apply a 2D convolution filter to an image matrix, then max pooling',
    ],
  },
  char_rnn_generate: {
    examples: [
      'generate Shakespeare text with the character-level RNN',
      'continue "ROMEO:" character by character with the LSTM',
    ],
    explain: (_a, res) => `The character LSTM continued the prompt: ${JSON.stringify(res.completion)}.`,
  },
  similar_words: {
    description: 'The nearest neighbours of one word: the words whose vectors are closest to it.',
    examples: [
      'which words are most similar to france?',
      'nearest neighbours of the word computer',
      'find words close in meaning to happy',
    ],
    extract: (r) => {
      const m =
        /(?:similar to|close(?:st)? to|nearest to|like|neighbou?rs of|synonyms? (?:of|for))\s+(?:the word\s+)?["'“]?([A-Za-z][\w'-]*)/i.exec(
          r,
        );
      return m ? { word: m[1]!.toLowerCase() } : {};
    },
    explain: (args, res) =>
      `The words closest to "${args.word}": ${res.similar
        .slice(0, 5)
        .map((s: Json) => `${s.word} (${round(s.score)})`)
        .join(', ')}.`,
  },
  word_analogy: {
    description: 'Word analogies: a is to b as c is to what? Solved with word-vector arithmetic b - a + c.',
    examples: [
      'man is to king as woman is to what?',
      'solve the analogy paris is to france as rome is to ?',
      'king minus man plus woman',
    ],
    extract: (r) => {
      const lower = r.toLowerCase();
      const m = /([a-z]+)\s+is\s+to\s+([a-z]+)\s+as\s+([a-z]+)\s+is\s+to/.exec(lower);
      if (m) return { a: m[1], b: m[2], c: m[3] };
      const v = /([a-z]+)\s*(?:-|minus)\s*([a-z]+)\s*(?:\+|plus)\s*([a-z]+)/.exec(lower);
      return v ? { a: v[2], b: v[1], c: v[3] } : {};
    },
    explain: (args, res) =>
      `${args.a} : ${args.b} :: ${args.c} : ${res.answers[0]?.word} (cosine ${round(res.answers[0]?.score)}), by vector arithmetic ${args.b} − ${args.a} + ${args.c}.`,
  },
  word_similarity: {
    examples: [
      'what is the similarity between cat and dog?',
      'how similar are the words coffee and tea',
      'cosine similarity of two word vectors',
    ],
    extract: (r) => {
      const lower = r.toLowerCase();
      const m =
        /between\s+(?:the words?\s+)?["'“]?([a-z][\w'-]*)["'”]?\s+and\s+["'“]?([a-z][\w'-]*)/.exec(lower) ??
        /similar (?:are|is)\s+(?:the words?\s+)?["'“]?([a-z][\w'-]*)["'”]?\s+and\s+["'“]?([a-z][\w'-]*)/.exec(
          lower,
        );
      return m ? { word1: m[1], word2: m[2] } : {};
    },
    explain: (args, res) =>
      `The cosine similarity of "${args.word1}" and "${args.word2}" in GloVe is ${round(res.similarity)}.`,
  },
  odd_one_out: {
    examples: [
      "which word doesn't fit: breakfast, cereal, dinner, lunch",
      'find the odd one out among these words',
      'which word does not belong with the others',
    ],
    explain: (args, res) => `Among ${args.words.join(', ')}, "${res.oddOneOut}" fits least.`,
  },
  self_attention: {
    examples: [
      'show the self-attention weights for "YOUR CAT IS A LOVELY CAT"',
      'how much does each word attend to the others in this sentence',
      'compute the attention matrix of a sentence',
    ],
    explain: (_a, res) =>
      `Self-attention over ${res.words.length} words (${res.words.join(' ')}): a ${res.words.length}×${res.words.length} matrix whose rows each sum to 1.`,
  },
  tokenize: {
    examples: [
      'tokenize "Once upon a time"',
      'split this text into tokens and token ids',
      'what are the BPE tokens of "hello world"',
      'split a sentence into word pieces with the WordPiece or character tokenizer',
    ],
    explain: (_a, res) =>
      `The ${res.tokenizer} tokenizer cuts it into ${res.count} tokens: ${res.tokens.join(' | ')} (ids ${list(res.ids)}).`,
  },
  tinystories_generate: {
    examples: [
      'write a short story about a dog',
      'generate a tiny story starting with "Once upon a time"',
      'tell me a children’s story with the small language model',
    ],
    extract: (r) => {
      if (/["“]/.test(r)) return {};
      const about = /\babout\s+(?:an?\s+|the\s+)?(.+?)\s*[?.!]*$/i.exec(r)?.[1];
      return about ? { prompt: `Once upon a time, there was a ${about}` } : { prompt: 'Once upon a time' };
    },
    explain: (_a, res) => `The TinyStories model wrote: ${JSON.stringify(res.completion)}.`,
  },
  fill_mask: {
    examples: [
      'fill in the blank: "the [MASK] barked at the cat"',
      'which word goes in the [MASK] of this sentence',
      'predict the masked word with BERT',
    ],
    extract: (r) => {
      if (!r.includes('[MASK]') || /["“]/.test(r)) return {};
      return { text: (/:\s*(.+)$/.exec(r)?.[1] ?? r).trim() };
    },
    explain: (_a, res) =>
      `BERT's best guesses for [MASK]: ${res.predictions
        .slice(0, 5)
        .map((p: Json) => `${p.token_str} (${round(p.score)})`)
        .join(', ')}.`,
  },
  contextual_word_similarity: {
    examples: [
      'compare the BERT vectors of "bank" in "the river bank" and "the bank loan"',
      'does the word get a different contextual embedding in two sentences',
    ],
    explain: (args, res) =>
      `cos("${args.word}" in A, "${args.word}" in B) = ${round(res.cosine)}: BERT gives a word a different vector in each context.`,
  },
  sentiment: {
    examples: [
      'is this review positive or negative: "a charming film"',
      'what is the sentiment of "I hated every minute"',
      'classify the sentiment of this movie review',
    ],
    extract: (r) => {
      if (/["“]/.test(r)) return {};
      const m = /:\s*(.+)$/.exec(r);
      return m ? { text: m[1]!.trim() } : {};
    },
    explain: (_a, res) => `The sentiment is ${res.label} (score ${round(res.score)}).`,
  },
  text_vectorizer: {
    examples: [
      'compute the TF-IDF vectors of these documents',
      'bag of words counts for "the cat sat" and "the dog sat"',
      'one-hot encode these texts',
    ],
    explain: (args, res) =>
      `${res.method} over ${args.texts.length} texts: ${(res.features ?? res.vocabulary).length} features.`,
  },
  word2vec_train: {
    examples: ['train word2vec on these sentences', 'learn skip-gram word embeddings from my small corpus'],
    explain: (_a, res) =>
      `I trained word2vec: ${res.vocabularySize} words, ${res.vectorSize} dimensions each.`,
  },
  glove_train: {
    examples: [
      'train GloVe vectors on these sentences',
      'learn GloVe co-occurrence embeddings from a corpus',
    ],
    explain: (_a, res) => `I trained GloVe: ${res.vocabularySize} words, ${res.vectorSize} dimensions each.`,
  },
  prompt_template: {
    examples: [
      'fill the prompt template "Translate to {language}: {text}" with language=French',
      'build a few-shot prompt with examples',
      'write these chat messages in the ChatML template',
    ],
    extract: (r) => {
      const variables = Object.fromEntries(
        [...r.matchAll(/\b(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s,]+))/g)].map((m) => [
          m[1],
          m[2] ?? m[3] ?? m[4],
        ]),
      );
      return Object.keys(variables).length > 0 ? { variables } : {};
    },
    explain: (_a, res) => `The prompt: ${JSON.stringify(res.prompt ?? res.messages)}.`,
  },
  tokenizer_playground: {
    description:
      'Tokenizer playground: compare several tokenizers side by side on one text, with the token count of each (GPT-4o included).',
    examples: [
      'compare how different tokenizers split "Hello world"',
      'how many tokens does GPT-4o use for this text compared with the other tokenizers',
    ],
    explain: (_a, res) =>
      `Token counts: ${Object.entries(res.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
  },
  course_notes: {
    examples: [
      'what does the course say about attention?',
      'explain word2vec according to the course notes',
      'what is BERT in the lessons',
    ],
    extract: (r) => ({ question: r }),
    explain: (_a, res) => answerWithSources({ answer: res.answer, sources: res.sources }),
  },
  read_note: {
    examples: ['open the note attention.md', 'show me the file word2vec.md from the notes'],
    extract: (r) => {
      const name = /([\w.-]+\.(?:md|txt|json|html?))\b/i.exec(r)?.[1];
      return name ? { name } : {};
    },
    explain: (args) => `I read the note ${args.name}.`,
  },
};
