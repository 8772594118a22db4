/**
 * Offline RAG answers on documents no one here wrote (issue 16): four document sets under
 * `eval/unseen/<set>/` (LangChain and n8n READMEs from node_modules, Cranfield abstracts, Lee news)
 * and `eval/unseen/questions.json` — questions written by reading the documents, each with the
 * sentence that answers it (`source.quote`) and the accepted answers (`expected`). About a third of
 * each set is `heldOut`: kept out of every change, only measured.
 *
 * Per set, the pipeline a new user would build: every file of the folder (PROVENANCE.md aside)
 * through `FileLoader`, split as `loadFolder` splits (1,000 characters, 200 overlap), BM25 as the
 * course notes use it (question words dropped, heading path indexed), `createRagChain` offline (the
 * extractive answerer), k = 4 passages. Scores per question:
 *   - hit@3: a chunk holding the quote (its file; text compared lower-cased, punctuation and
 *     whitespace collapsed) is among the top 3 retrieved;
 *   - contains: the answer (citation marks removed) contains an expected string, case-insensitive.
 *
 * Run:  pnpm --filter @firth/rag eval:unseen   (prints the table, writes eval/unseen/results.md;
 *       eval/unseen/baseline.md is the table measured before any tuning, kept as the before)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocumentInterface } from '@langchain/core/documents';
import { median, table } from '../../../scripts/bench/peer.js';
import { stripCitations } from './citations.js';
import { questionRetriever } from './course-notes.js';
import { FileLoader } from './loaders.js';
import { createRagChain } from './rag-chain.js';
import { RecursiveCharacterSplitter } from './splitters.js';

export const UNSEEN_DIR = fileURLToPath(new URL('../eval/unseen/', import.meta.url));

export const QUESTION_TYPES = ['who', 'when', 'which', 'how-many', 'what', 'why', 'how'] as const;

export interface UnseenQuestion {
  set: string;
  id: string;
  question: string;
  type: (typeof QUESTION_TYPES)[number];
  /** Accepted answers: the fact, short. */
  expected: string[];
  /** The document (within the set's folder) and the sentence in it that holds the answer. */
  source: { file: string; quote: string };
  heldOut: boolean;
}

export function loadUnseenQuestions(dir = UNSEEN_DIR): UnseenQuestion[] {
  return JSON.parse(readFileSync(join(dir, 'questions.json'), 'utf8')) as UnseenQuestion[];
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Lower case, every run of non-letters/digits one space: how a quote is found in a chunk. */
export const looseText = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Problems with the question file (empty: none): the shape of each entry, unique ids, each quote
 * verbatim (whitespace collapsed) in its document, each quote holding an expected answer.
 */
export function checkUnseenQuestions(questions: readonly UnseenQuestion[], dir = UNSEEN_DIR): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const q of questions) {
    const at = `${q.id ?? '?'}`;
    if (typeof q.id !== 'string' || q.id === '') problems.push(`${at}: no id`);
    else if (ids.has(q.id)) problems.push(`${at}: duplicate id`);
    ids.add(q.id);
    if (typeof q.question !== 'string' || !q.question.trim().endsWith('?'))
      problems.push(`${at}: question must be a string ending in "?"`);
    if (!QUESTION_TYPES.includes(q.type)) problems.push(`${at}: type ${q.type} unknown`);
    if (typeof q.heldOut !== 'boolean') problems.push(`${at}: heldOut must be true or false`);
    if (!Array.isArray(q.expected) || q.expected.length === 0 || q.expected.some((e) => !e?.trim()))
      problems.push(`${at}: expected must list non-empty answers`);
    const { file, quote } = q.source ?? {};
    if (typeof file !== 'string' || typeof quote !== 'string' || file.includes('..')) {
      problems.push(`${at}: source needs a file in the set's folder and a quote`);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(join(dir, q.set, file), 'utf8');
    } catch {
      problems.push(`${at}: ${q.set}/${file} cannot be read`);
      continue;
    }
    if (!collapse(text).includes(collapse(quote)))
      problems.push(`${at}: quote not found in ${q.set}/${file}`);
    if (Array.isArray(q.expected) && !q.expected.some((e) => quote.toLowerCase().includes(e.toLowerCase())))
      problems.push(`${at}: the quote holds none of the expected answers`);
  }
  return problems;
}

/** The chunks of one set: every file but PROVENANCE.md, split as `loadFolder` does. */
export async function loadUnseenSet(set: string, dir = UNSEEN_DIR): Promise<DocumentInterface[]> {
  const loader = new FileLoader({ root: join(dir, set) });
  const files = loader.list().filter((f) => f !== 'PROVENANCE.md');
  return new RecursiveCharacterSplitter().splitDocuments(await loader.loadAll(files));
}

export interface UnseenResult {
  question: UnseenQuestion;
  hit3: boolean;
  contains: boolean;
  answer: string;
}

const holdsQuote = (d: DocumentInterface, q: UnseenQuestion) =>
  String(d.metadata.source ?? '').endsWith(q.source.file) &&
  looseText(`${d.pageContent}`).includes(looseText(q.source.quote));

/** Asks every question of the sets over its own set's documents; today's offline pipeline. */
export async function runUnseenEval(
  questions: readonly UnseenQuestion[],
  dir = UNSEEN_DIR,
): Promise<UnseenResult[]> {
  const results: UnseenResult[] = [];
  for (const set of [...new Set(questions.map((q) => q.set))]) {
    const docs = await loadUnseenSet(set, dir);
    const retriever = questionRetriever(docs);
    const chain = createRagChain({ retriever: (q) => retriever.search(q, 4) });
    for (const q of questions.filter((x) => x.set === set)) {
      if (!docs.some((d) => holdsQuote(d, q)))
        console.warn(`${q.id}: no chunk holds the quote whole (split across chunks?)`);
      const out = await chain.invoke({ question: q.question });
      const answer = collapse(stripCitations(out.answer));
      results.push({
        question: q,
        // the chain's retrieved passages, best first: its top 3 are BM25's top 3
        hit3: out.context.slice(0, 3).some((d) => holdsQuote(d, q)),
        contains: q.expected.some((e) => answer.toLowerCase().includes(e.toLowerCase())),
        answer: out.answer,
      });
    }
  }
  return results;
}

const pct = (n: number, d: number) => (d === 0 ? '–' : `${n}/${d} (${Math.round((100 * n) / d)} %)`);

const wordsOf = (answer: string) => stripCitations(answer).split(/\s+/).filter(Boolean).length;

/** The Markdown table: per set and overall, tune and held-out apart. */
export function unseenTable(results: readonly UnseenResult[]): string {
  const rows: string[][] = [];
  const groups = [...new Set(results.map((r) => r.question.set)), 'all'];
  for (const set of groups)
    for (const part of ['tune', 'held-out'] as const) {
      const rs = results.filter(
        (r) => (set === 'all' || r.question.set === set) && r.question.heldOut === (part === 'held-out'),
      );
      const hits = rs.filter((r) => r.hit3);
      rows.push([
        set,
        part,
        String(rs.length),
        pct(hits.length, rs.length),
        pct(rs.filter((r) => r.contains).length, rs.length),
        pct(hits.filter((r) => r.contains).length, hits.length),
        rs.length ? String(median(rs.map((r) => wordsOf(r.answer)))) : '–',
      ]);
    }
  return table(
    [
      'set',
      'questions',
      'n',
      'hit@3',
      'answer contains expected',
      'contains, among hit@3',
      'answer words (median)',
    ],
    rows,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const questions = loadUnseenQuestions();
  const problems = checkUnseenQuestions(questions);
  if (problems.length > 0) throw new Error(`questions.json: ${problems.join('; ')}`);
  const results = await runUnseenEval(questions);
  const misses = results
    .filter((r) => !r.contains)
    .map(
      (r) =>
        `- ${r.question.id}${r.hit3 ? '' : ' (passage not in top 3)'}: ${r.question.question} → ${collapse(r.answer).slice(0, 160)}`,
    );
  const here = dirname(fileURLToPath(import.meta.url));
  // the table measured before tuning, kept in baseline.md: shown beside today's
  const baseline = readFileSync(join(here, '../eval/unseen/baseline.md'), 'utf8');
  const before = baseline.slice(baseline.indexOf('\nset ') + 1).split('\n\n')[0];
  const examples = [...new Set(results.map((r) => r.question.set))].flatMap((set) =>
    results
      .filter((r) => r.question.set === set)
      .slice(0, 3)
      .map(
        (r) =>
          `- ${r.question.id}${r.question.heldOut ? ' (held out)' : ''}: ${r.question.question} → ${collapse(r.answer)}`,
      ),
  );
  const md = `# Offline RAG answers on unseen documents — results

Measured by \`pnpm --filter @firth/rag eval:unseen\` (src/unseen-eval.ts): each set's files through
FileLoader, RecursiveCharacterSplitter (1,000/200), BM25 (question words dropped, heading path
indexed, as the course notes), \`createRagChain\` offline (the extractive answerer with its
defaults: question-typed sentence choice, at most 2 sentences / 60 words, one sentence for
who/when/which/where/how-many), k = 4. hit@3: a chunk holding the answering sentence is in the top
3; contains: the answer contains an expected string (case-insensitive), read beside the answer's
length. The answerer was tuned on the \`tune\` questions only; \`held-out\` ones were only measured.

${unseenTable(results)}

Before (baseline.md, measured before any tuning):

${before}

Example answers (the first three questions of each set):

${examples.join('\n')}

Questions whose answer misses the expected fact (answer cut at 160 characters):

${misses.join('\n')}
`;
  console.log(md);
  writeFileSync(join(here, '../eval/unseen/results.md'), md);
}
