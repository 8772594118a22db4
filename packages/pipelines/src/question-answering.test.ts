import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, loadLeeCorpus } from '@firth/datasets';
import { ValidationError } from '@firth/numeric';
import { BertForQuestionAnswering, BertModel, collate, WordPieceTokenizer } from '@firth/transformers';
import { describe, expect, it } from 'vitest';
import { loadBertQa } from './bert-qa.js';
import { answerF1, exactMatch, normalizeAnswer } from './metrics.js';
import { pipeline } from './pipeline.js';
import { answerType, sentenceRanges } from './qa-rules.js';
import type { QaAnswer } from './question-answering.js';

/** eval/qa-lee.tsv: doc, question, answer; docs 0-24 dev, 25-49 held-out. */
function loadQaSet() {
  const docs = loadLeeCorpus('test');
  return readFileSync(new URL('../eval/qa-lee.tsv', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [doc, question, answer] = l.split('\t') as [string, string, string];
      return { doc: Number(doc), question, answer, context: docs[Number(doc)]! };
    });
}

describe("SQuAD's answer normalisation and scores", () => {
  it('lower-cases, drops punctuation and articles, collapses spaces; EM and token F1 take the best gold', () => {
    expect(normalizeAnswer('The  U.S. "smoking gun," ')).toBe('us smoking gun');
    expect(normalizeAnswer('an Apple a day')).toBe('apple day');
    expect(exactMatch('the Guardian', ['Guardian'])).toBe(1);
    expect(exactMatch('Guardian newspaper', ['Guardian'])).toBe(0);
    // precision 1/2, recall 1 → 2/3; the best of two golds
    expect(answerF1('northern Iraq', ['Iraq'])).toBeCloseTo(2 / 3, 12);
    expect(answerF1('northern Iraq', ['Iraq', 'northern Iraq'])).toBe(1);
    expect(answerF1('up to 150', ['150'])).toBeCloseTo(0.5, 12); // 'up to 150' → 3 tokens, 1 shared
    expect(answerF1('a the', ['Iraq'])).toBe(0);
    // tokens are counted with multiplicity
    expect(answerF1('gun gun', ['gun'])).toBeCloseTo(2 / 3, 12);
  });
});

describe('question-answering (default: retrieval + answer types)', () => {
  const context =
    'Giant pandas live in the mountains of central China. They eat bamboo for about 14 hours a day. ' +
    'The panda expert George Schaller studied them in Sichuan province in 1980.';

  it("answers in Hugging Face's shapes: { answer, score, start, end }, top_k lists, batches, every call form", async () => {
    const qa = await pipeline('question-answering');
    expect(qa.task).toBe('question-answering');
    expect(qa.model).toMatchObject({ id: 'firth-qa-rules', isDefault: true });
    const where = (await qa('Where do pandas live?', context)) as QaAnswer;
    expect(Object.keys(where).sort()).toEqual(['answer', 'end', 'score', 'start']);
    expect(where.answer).toBe('China');
    expect(context.slice(where.start, where.end)).toBe(where.answer);
    expect(where.score).toBeGreaterThan(0.5);
    expect(await qa({ question: 'Where do pandas live?', context })).toEqual(where);
    const who = (await qa('Who studied the pandas?', context)) as QaAnswer;
    expect(who.answer).toBe('George Schaller');
    const howLong = (await qa('How many hours a day do pandas eat bamboo?', context)) as QaAnswer;
    expect(howLong.answer).toBe('about 14 hours');
    const when = (await qa('When did Schaller study them?', context)) as QaAnswer;
    expect(when.answer).toBe('1980');
    const three = (await qa('Where do pandas live?', context, { top_k: 3 })) as QaAnswer[];
    expect(three).toHaveLength(3);
    expect(three[0]).toEqual(where);
    expect(three[0]!.score).toBeGreaterThanOrEqual(three[1]!.score);
    expect(three[1]!.score).toBeGreaterThanOrEqual(three[2]!.score);
    expect(three.reduce((s, a) => s + a.score, 0)).toBeLessThanOrEqual(1 + 1e-9);
    const batch = (await qa([
      { question: 'Where do pandas live?', context },
      { question: 'Who studied the pandas?', context },
    ])) as QaAnswer[];
    expect(batch).toEqual([where, who]);
    // max_answer_len drops longer spans
    const short = (await qa('Who studied the pandas?', context, { max_answer_len: 1 })) as QaAnswer;
    expect(short.answer).not.toBe('George Schaller');
  });

  it('handle_impossible_answer lets the empty answer win when nothing in the context fits', async () => {
    const qa = await pipeline('question-answering');
    const unrelated = 'The committee met on a rainy afternoon and adjourned without a vote.';
    const none = (await qa('Who won the football final?', unrelated, {
      handle_impossible_answer: true,
    })) as QaAnswer;
    expect(none).toMatchObject({ answer: '', start: 0, end: 0 });
    expect(none.score).toBeGreaterThan(0.5);
    // without it, some span is given, however unlikely
    const forced = (await qa('Who won the football final?', unrelated)) as QaAnswer | QaAnswer[];
    expect(Array.isArray(forced) ? forced : [forced]).not.toContainEqual(
      expect.objectContaining({ answer: '' }),
    );
    // a likely answer still beats the empty one
    const where = (await qa('Where do pandas live?', context, {
      handle_impossible_answer: true,
    })) as QaAnswer;
    expect(where.answer).toBe('China');
  });

  it('refuses bad input with a ValidationError naming the option', async () => {
    const qa = await pipeline('question-answering');
    await expect(qa('Where?', context, { top_k: 0 })).rejects.toMatchObject({ path: 'top_k' });
    await expect(qa('Where?', context, { max_answer_len: 1.5 })).rejects.toMatchObject({
      path: 'max_answer_len',
    });
    await expect(qa('Where?', context, { doc_stride: 400 })).rejects.toThrow(
      /doc_stride \(400\) must be less than max_seq_len \(384\)/,
    );
    await expect(
      qa('Where?', context, { handle_impossible_answer: 'yes' as unknown as boolean }),
    ).rejects.toMatchObject({ path: 'handle_impossible_answer' });
    await expect(qa('', context)).rejects.toMatchObject({ path: 'question' });
    await expect(qa({ question: 'Where?', context: ' ' })).rejects.toMatchObject({ path: 'context' });
    await expect(qa([])).rejects.toThrow(ValidationError);
    await expect(pipeline('question-answering', '/some/bert')).rejects.toThrow(
      /cannot read \/some\/bert\/config\.json/,
    );
  });

  it('reads questions for their answer type and contexts as sentences', () => {
    expect(answerType('How old is Tim?')).toBe('NUM');
    expect(answerType('When will the book be published?')).toBe('DATE');
    expect(answerType('Who is the chief executive?')).toBe('PER');
    expect(answerType('Which province remained on high alert?')).toBe('LOC');
    expect(answerType('Which newspaper did they talk to?')).toBe('ORG');
    expect(answerType('What is the codename of the taskforce?')).toBe('ANY');
    const text = 'Mr. Smith met U.S. officials. They left on Sept. 6 at noon! Then it rained.';
    expect(sentenceRanges(text).map(([s, e]) => text.slice(s, e))).toEqual([
      'Mr. Smith met U.S. officials.',
      'They left on Sept. 6 at noon!',
      'Then it rained.',
    ]);
  });

  it('scores exact match ≥ 0.70 and F1 ≥ 0.80 on the 43 held-out Lee questions (README: 0.744 / 0.832)', async () => {
    const qa = await pipeline('question-answering');
    const score = async (set: ReturnType<typeof loadQaSet>) => {
      for (const q of set) expect(q.context).toContain(q.answer);
      const answers = (await qa(set.map(({ question, context }) => ({ question, context })))) as QaAnswer[];
      return {
        em: answers.reduce((s, a, i) => s + exactMatch(a.answer, [set[i]!.answer]), 0) / set.length,
        f1: answers.reduce((s, a, i) => s + answerF1(a.answer, [set[i]!.answer]), 0) / set.length,
      };
    };
    const dev = loadQaSet().filter((q) => q.doc < 25);
    const heldOut = loadQaSet().filter((q) => q.doc >= 25);
    expect([dev.length, heldOut.length]).toEqual([50, 43]);
    // the dev questions the rules were tuned on
    const d = await score(dev);
    expect(d.em).toBeCloseTo(0.8, 3);
    expect(d.f1).toBeCloseTo(0.877, 3);
    const { em, f1 } = await score(heldOut);
    expect(em).toBeCloseTo(0.744, 3);
    expect(f1).toBeCloseTo(0.832, 3);
    expect(em).toBeGreaterThanOrEqual(0.7);
    expect(f1).toBeGreaterThanOrEqual(0.8);
  });
});

describe("question-answering from a user's BertForQuestionAnswering folder, as Hugging Face's pipeline runs it", () => {
  const context = 'The panda expert George Schaller studied giant pandas in Sichuan province in 1980.';
  const question = 'Who studied pandas?';
  let folder: string;

  it('reads the folder (a BERT without qa_outputs is refused) and answers with spans of the context', async () => {
    // the shipped tiny BERT with a question-answering head (its weights drawn from the model's seed), saved as HF saves it
    const source = dataPath('models/bert-tiny');
    const bert = await BertModel.load(source);
    const tokenizer = WordPieceTokenizer.fromVocabTxt(readFileSync(join(source, 'vocab.txt'), 'utf8'));
    new BertForQuestionAnswering(bert, tokenizer);
    folder = mkdtempSync(join(tmpdir(), 'firth-bert-qa-'));
    await bert.save(folder, tokenizer, { architectures: ['BertForQuestionAnswering'] });
    await expect(pipeline('question-answering', source)).rejects.toThrow(
      /has no tensor "qa_outputs\.(weight|bias)".*not a question-answering model/,
    );

    const qa = await pipeline('question-answering', folder);
    expect(qa.model).toMatchObject({ id: folder, isDefault: false });
    const [best, second] = (await qa(question, context, { top_k: 2 })) as QaAnswer[];
    for (const a of [best!, second!]) {
      expect(context.slice(a.start, a.end)).toBe(a.answer);
      // whole words (align_to_words)
      expect(a.start === 0 || context[a.start - 1] === ' ').toBe(true);
      expect(a.end === context.length || /[ .]/.test(context[a.end]!)).toBe(true);
    }
    expect(best!.score).toBeGreaterThanOrEqual(second!.score);
    // align_to_words: false keeps the pieces' own offsets: inside the word-aligned span
    const pieces = (await qa(question, context, { top_k: 2, align_to_words: false })) as QaAnswer[];
    expect(pieces.map((a) => a.score)).toEqual([best!.score, second!.score]);
    expect(pieces[0]!.start).toBeGreaterThanOrEqual(best!.start);
    expect(pieces[0]!.end).toBeLessThanOrEqual(best!.end);
    await expect(qa(question, context, { align_to_words: 1 as unknown as boolean })).rejects.toMatchObject({
      path: 'align_to_words',
    });

    // the same numbers worked out here: one window is [CLS] question [SEP] context [SEP] as encodePlus
    // writes it; softmax over context and [CLS]; the best span's p_start · p_end
    const model = await loadBertQa(folder);
    const enc = model.tokenizer.encodePlus(question, context);
    const [w] = model.windows(question, context, {
      topK: 1,
      maxAnswerLen: 15,
      docStride: 128,
      maxSeqLen: 384,
      maxQuestionLen: 64,
      alignToWords: true,
    });
    expect(w!.ids).toEqual(enc.ids);
    expect(w!.tokenTypeIds).toEqual(enc.tokenTypeIds);
    const { start, end } = model.qa.logits(collate([enc]), { grad: false });
    const ctx = enc.ids.flatMap((_, t) => (enc.tokenTypeIds[t] === 1 && t < enc.ids.length - 1 ? [t] : []));
    const softmax = (t: number[], xs: Float32Array) => {
      const z = t.reduce((s, k) => s + Math.exp(xs[k]!), 0);
      return (k: number) => Math.exp(xs[k]!) / z;
    };
    const ps = softmax([0, ...ctx], start.data);
    const pe = softmax([0, ...ctx], end.data);
    let top = 0;
    for (const i of ctx) for (const j of ctx) if (j >= i && j < i + 15) top = Math.max(top, ps(i) * pe(j));
    expect(best!.score).toBeCloseTo(top, 6);
    const none = (await qa(question, context, { handle_impossible_answer: true, top_k: 1000 })) as QaAnswer[];
    expect(none.find((a) => a.answer === '')!.score).toBeCloseTo(ps(0) * pe(0), 6);
  });

  it('reads a context longer than the model in windows that share doc_stride tokens', async () => {
    const model = await loadBertQa(folder);
    const long = loadLeeCorpus('test')[0]!;
    const o = {
      topK: 1,
      maxAnswerLen: 15,
      docStride: 16,
      maxSeqLen: 384,
      maxQuestionLen: 64,
      alignToWords: true,
    };
    const windows = model.windows('Who was appointed interim leader?', long, o);
    expect(windows.length).toBeGreaterThan(3);
    for (const w of windows) expect(w.ids.length).toBeLessThanOrEqual(64); // the tiny BERT's positions
    const parts = windows.map((w) => w.context.filter((p) => p !== null));
    for (let k = 1; k < parts.length; k++) expect(parts[k]!.slice(0, 16)).toEqual(parts[k - 1]!.slice(-16));
    // every piece of the context is in some window, in order
    expect(parts[parts.length - 1]!.at(-1)!.end).toBe(long.trimEnd().length);
    const qa = await pipeline('question-answering', folder);
    const a = (await qa('Who was appointed interim leader?', long, { doc_stride: 16 })) as QaAnswer;
    expect(long.slice(a.start, a.end)).toBe(a.answer);
    // a question that leaves the context no room
    await expect(
      qa('Who was appointed interim leader of the party?', long, { max_seq_len: 8, doc_stride: 2 }),
    ).rejects.toMatchObject({ path: 'max_question_len' });
  });
});
