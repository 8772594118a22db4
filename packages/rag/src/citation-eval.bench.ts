/**
 * Citation correctness of the offline RAG answer over the course notes (`citation-eval.ts`): per
 * question, the answer's sentences, how many cite exactly the passage they were copied from, and
 * whether the first sentence cites an expected passage — for the `tune` and the `heldOut` questions.
 * Not a speed benchmark: it prints figures beside the others that `pnpm bench` prints.
 *
 * Run:  pnpm --filter @firth/rag eval:citations
 */
import { table } from '../../../scripts/bench/peer.js';
import { CITATION_QUESTIONS, scoreCitations } from './citation-eval.js';
import { askCourseNotes } from './course-notes.js';

for (const [set, questions] of Object.entries(CITATION_QUESTIONS)) {
  const rows: string[][] = [];
  let sentences = 0;
  let correct = 0;
  let leads = 0;
  for (const { question, expected } of questions) {
    const out = await askCourseNotes(question);
    const score = scoreCitations(out, expected);
    sentences += score.sentences;
    correct += score.correct;
    if (score.leadExpected) leads++;
    rows.push([question, `${score.correct}/${score.sentences}`, score.leadExpected ? 'yes' : 'no']);
  }
  rows.push([
    `${set}: ${questions.length} questions`,
    `${correct}/${sentences} (${((100 * correct) / Math.max(sentences, 1)).toFixed(0)} %)`,
    `${leads}/${questions.length}`,
  ]);
  console.log(
    `\n${table(['question', 'sentences citing their passage', 'lead cites an expected passage'], rows)}`,
  );
}
