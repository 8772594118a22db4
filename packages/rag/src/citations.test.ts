import { Document } from '@langchain/core/documents';
import { describe, expect, test } from 'vitest';
import {
  answerWithSources,
  citedNumbers,
  citedSentences,
  citedSources,
  formatSources,
  invalidCitations,
  passageNumbers,
} from './citations.js';
import { extractiveAnswer } from './extractive.js';

// Three passages: two sections of one file and a third file — the case where numbering per file
// gave every sentence the same [1].
const intro = new Document({
  pageContent: 'Owls are birds of prey that hunt at night.\nAn owl can turn its head a long way round.',
  metadata: { source: 'owls.md', section: 'Owls > What they are' },
});
const hunting = new Document({
  pageContent:
    'Owls hunt mice by sound, with ears set at different heights.\nTheir soft feathers make their flight silent.',
  metadata: { source: 'owls.md', section: 'Owls > How they hunt' },
});
const bats = new Document({
  pageContent: 'Bats hunt insects at night by echolocation.',
  metadata: { source: 'bats.md', section: 'Bats > Hunting' },
});
const passages = [intro, hunting, bats];

describe('each passage its own number', () => {
  test('two sections of one file get two numbers; a repeated passage keeps its first', () => {
    expect(passageNumbers(passages)).toEqual([1, 2, 3]);
    expect(passageNumbers([hunting, intro, hunting])).toEqual([1, 2, 1]);
    // same file and text but another section is another passage
    const moved = new Document({
      pageContent: intro.pageContent,
      metadata: { ...intro.metadata, section: 'X' },
    });
    expect(passageNumbers([intro, moved])).toEqual([1, 2]);
  });

  test('formatSources: one block per passage, labelled file — section (or page), a repeat listed once', () => {
    const page = new Document({
      pageContent: 'Page text.',
      metadata: { source: 'paper.pdf', page: 3, pages: 9 },
    });
    expect(formatSources([intro, hunting, intro, page])).toBe(
      [
        `[1] owls.md — Owls > What they are\n${intro.pageContent}`,
        `[2] owls.md — Owls > How they hunt\n${hunting.pageContent}`,
        '[3] paper.pdf, page 3\nPage text.',
      ].join('\n\n'),
    );
  });
});

describe('each sentence cites the passage it came from', () => {
  test('the extractive answer: sentences from two sections of owls.md cite [1] and [2]', () => {
    const out = extractiveAnswer('How do owls hunt at night?', passages, { maxSentences: 3 });
    expect(out.sentences.map((s) => [s.text, s.n])).toEqual([
      ['Owls are birds of prey that hunt at night.', 1],
      ['Owls hunt mice by sound, with ears set at different heights.', 2],
      ['Bats hunt insects at night by echolocation.', 3],
    ]);
    // every sentence carries its passage's number, and the sources name the sections
    expect(citedSentences(out.answer)).toEqual(out.sentences.map((s) => ({ text: s.text, cites: [s.n] })));
    expect(out.citations).toEqual([
      { n: 1, source: 'owls.md', section: 'Owls > What they are' },
      { n: 2, source: 'owls.md', section: 'Owls > How they hunt' },
      { n: 3, source: 'bats.md', section: 'Bats > Hunting' },
    ]);
    for (const s of out.sentences) expect(passages[s.n - 1]!.pageContent).toContain(s.text);
  });

  test('citedSentences: a run of markers applies to the text before it; citedNumbers reads them all', () => {
    expect(citedSentences('A one. B two [1]. C three. [2, 3] D four [4][1] E five.')).toEqual([
      { text: 'A one.', cites: [1] },
      { text: 'B two', cites: [1] },
      { text: 'C three.', cites: [2, 3] },
      { text: 'D four', cites: [4, 1] },
      { text: 'E five.', cites: [] },
    ]);
    expect(citedNumbers('x [3] y [1, 2][3]')).toEqual([1, 2, 3]);
  });

  test('a model’s citations: the ones naming a passage become sources, the others are reported', () => {
    const answer = 'Owls hunt by sound. [2] Owls are fish. [5] They fly silently. [2, 4]';
    expect(citedSources(answer, passages)).toEqual([
      { n: 2, source: 'owls.md', section: 'Owls > How they hunt' },
    ]);
    expect(invalidCitations(answer, passages)).toEqual([4, 5]);
    expect(invalidCitations(answer, [intro, hunting, bats, bats])).toEqual([4, 5]);
  });
});

describe('answerWithSources: the reply a person or an agent reads', () => {
  test('the answer, then the cited passages by number, file and section', () => {
    const out = extractiveAnswer('How do owls hunt?', passages, { maxSentences: 2 });
    expect(answerWithSources({ answer: out.answer, sources: out.citations })).toBe(
      'Owls are birds of prey that hunt at night. [1] ' +
        'Owls hunt mice by sound, with ears set at different heights. [2]\n\n' +
        'Sources:\n- [1] owls.md — Owls > What they are\n- [2] owls.md — Owls > How they hunt',
    );
  });

  test('nothing cited: the answer alone', () => {
    expect(answerWithSources({ answer: 'No answer found in the sources.', sources: [] })).toBe(
      'No answer found in the sources.',
    );
  });
});
