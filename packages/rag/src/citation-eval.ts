/**
 * Do the citations cite? (issue 14, "answers a person can read"): a small evaluation of the RAG
 * answer's citations over the course notes, with questions whose answer sits in one section of a
 * page — often not the page's first — so that a citation naming only the file cannot be right.
 *
 * The questions were written, with the passage(s) that answer each, before the answerer's
 * numbering changed; `heldOut` was kept out of every change and is only measured.
 *
 * Scores of one answer (`scoreCitations`):
 *   - a sentence's citation is *correct* when the sources it names resolve to exactly one passage
 *     and that passage holds the sentence verbatim (whitespace normalised, final punctuation
 *     ignored) — a reader following [n] finds the sentence there and nowhere else to look;
 *   - the answer's *lead* is right when its first sentence's citation resolves to exactly one
 *     passage and that passage is one the question expects.
 *
 *   const out = await askCourseNotes('How is BERT pretrained?');
 *   scoreCitations(out, [{ source: 'bert.md', section: 'BERT > How it learns' }])
 *   // { sentences: 3, correct: 3, leadExpected: true }
 */
import type { DocumentInterface } from '@langchain/core/documents';
import { citedSentences, type RagSource } from './citations.js';
import { normalizeSpace } from './extractive.js';

/** One passage of the course notes: its file and heading path. */
export interface PassageRef {
  source: string;
  section: string;
}

export interface CitationQuestion {
  question: string;
  /** The passages that answer it (any one will do). */
  expected: readonly PassageRef[];
}

const p = (source: string, section: string): PassageRef => ({ source, section });

/** Questions over docs/concepts; `tune` may guide changes, `heldOut` only measures them. */
export const CITATION_QUESTIONS: {
  readonly tune: readonly CitationQuestion[];
  readonly heldOut: readonly CitationQuestion[];
} = {
  tune: [
    { question: 'How is BERT pretrained?', expected: [p('bert.md', 'BERT > How it learns')] },
    {
      question: 'What does the [CLS] token do in BERT?',
      expected: [p('bert.md', 'BERT > Input and architecture')],
    },
    {
      question: 'What is the vanishing-gradient problem?',
      expected: [p('activations.md', 'Activation functions > Why the slope matters for learning')],
    },
    {
      question: 'What is negative sampling in Word2Vec?',
      expected: [p('word2vec.md', 'Word2Vec: skip-gram and CBOW > How it learns')],
    },
    {
      question: 'What is scaled dot-product attention?',
      expected: [p('attention.md', 'Attention and self-attention > The math in plain words')],
    },
    {
      question: 'What is a causal mask?',
      expected: [
        p('attention.md', 'Attention and self-attention > The math in plain words'),
        p('gpt.md', 'GPT > What it is'),
      ],
    },
    {
      question: 'What does a transformer decoder layer contain?',
      expected: [p('transformers.md', 'Transformers > Encoder and decoder')],
    },
  ],
  heldOut: [
    {
      question: 'What weighting function does GloVe use?',
      expected: [p('glove.md', 'GloVe > The math in plain words')],
    },
    {
      question: 'What is the distributional hypothesis?',
      expected: [p('embeddings.md', 'Word embeddings > The idea behind them')],
    },
    {
      question: 'What is greedy decoding?',
      expected: [p('gpt.md', 'GPT > How it learns and generates')],
    },
    {
      question: 'What does the runtime of an agent do with a tool call?',
      expected: [p('agents.md', 'AI agents > How the loop works')],
    },
    {
      question: 'What is the perceptron learning rule?',
      expected: [p('perceptron.md', 'The perceptron > How it learns')],
    },
    {
      question: 'What is hybrid retrieval?',
      expected: [p('rag.md', 'Retrieval-augmented generation (RAG) > How retrieval works')],
    },
    {
      question: 'What is masked language modelling?',
      expected: [p('bert.md', 'BERT > How it learns')],
    },
  ],
};

export interface CitationScore {
  /** Sentences in the answer (0 for "No answer found"). */
  sentences: number;
  /** Sentences whose citation resolves to exactly the passage that holds them. */
  correct: number;
  /** Whether the first sentence's citation resolves to exactly one expected passage. */
  leadExpected: boolean;
}

const same = (a: PassageRef, b: PassageRef) => a.source === b.source && a.section === b.section;
const refOf = (d: DocumentInterface): PassageRef => ({
  source: String(d.metadata.source ?? 'unknown'),
  section: String(d.metadata.section ?? ''),
});

/**
 * Scores one answer's citations: `answer` and `sources` as the RAG chain returns them, `context`
 * the passages it retrieved (to read each cited passage's text).
 */
export function scoreCitations(
  output: { answer: string; sources: readonly RagSource[]; context: readonly DocumentInterface[] },
  expected: readonly PassageRef[],
): CitationScore {
  const sentences = citedSentences(output.answer);
  // a citation [n] names every listed source numbered n; together they must be one passage
  const resolve = (cites: number[]): PassageRef | undefined => {
    const named: PassageRef[] = [];
    for (const s of output.sources)
      if (cites.includes(s.n)) {
        const ref = { source: s.source, section: s.section ?? '' };
        if (!named.some((r) => same(r, ref))) named.push(ref);
      }
    return named.length === 1 ? named[0] : undefined;
  };
  const holds = (ref: PassageRef, text: string) => {
    const needle = normalizeSpace(text).replace(/[.!?]+$/, '');
    return output.context.some((d) => same(refOf(d), ref) && normalizeSpace(d.pageContent).includes(needle));
  };
  let correct = 0;
  for (const { text, cites } of sentences) {
    const ref = resolve(cites);
    if (ref && holds(ref, text)) correct++;
  }
  const lead = sentences[0] ? resolve(sentences[0].cites) : undefined;
  return {
    sentences: sentences.length,
    correct,
    leadExpected: lead !== undefined && expected.some((e) => same(e, lead)),
  };
}
