// The pure parts of glove.bench.ts (`pnpm bench:glove`): its command line, what it reads from the
// C tools' output, the corpus rewrap and the table. No timings are asserted.
import { describe, expect, it } from 'vitest';
import {
  checkpointEvery,
  formatBytes,
  gloveIterations,
  gloveTrainingMs,
  LINE_WORDS,
  parseArgs,
  parseTimeOutput,
  parseVocabSize,
  ratio,
  rewrapChunk,
  stageTable,
  verdict,
} from './glove.bench.js';

describe('parseArgs', () => {
  it("defaults to the issue's settings: 1 iteration, 1 and 2 threads, 4 GB, the whole corpus", () => {
    expect(parseArgs([])).toEqual({
      corpus: null,
      iterations: [1],
      threads: [1, 2],
      prefix: null,
      memory: 4,
      seed: 1,
      help: false,
    });
  });

  it('reads flags, with a space or =, and the corpus from an argument or FIRTH_CORPUS', () => {
    expect(
      parseArgs([
        '--iterations',
        '15,5',
        '--threads=2',
        '--prefix',
        '1000000',
        '--memory',
        '0.5',
        '--seed',
        '3',
        'c.txt',
      ]),
    ).toEqual({
      corpus: 'c.txt',
      iterations: [5, 15],
      threads: [2],
      prefix: 1000000,
      memory: 0.5,
      seed: 3,
      help: false,
    });
    expect(parseArgs([], { FIRTH_CORPUS: '/d/x.gz' }).corpus).toBe('/d/x.gz');
    expect(parseArgs(['y.txt'], { FIRTH_CORPUS: '/d/x.gz' }).corpus).toBe('y.txt');
    expect(parseArgs(['--help']).help).toBe(true);
  });

  it('refuses bad values with a message naming the flag', () => {
    expect(() => parseArgs(['--iterations', '0'])).toThrow(/--iterations takes positive integers/);
    expect(() => parseArgs(['--threads', '1,x'])).toThrow(/--threads takes positive integers/);
    expect(() => parseArgs(['--prefix'])).toThrow(/--prefix needs a value/);
    expect(() => parseArgs(['--prefix', '1,2'])).toThrow(/one number of words/);
    expect(() => parseArgs(['--memory', '-1'])).toThrow(/--memory takes a number of GB > 0/);
    expect(() => parseArgs(['--seed', '0'])).toThrow(/--seed takes positive integers/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option --fast/);
    expect(() => parseArgs(['a.txt', 'b.txt'])).toThrow(/one corpus only/);
  });
});

describe("the C tools' output", () => {
  it("times glove.c's iterations from its stderr lines, leaving out checkpoint saving", () => {
    const lines = [
      { t: 0, line: 'TRAINING MODEL' },
      { t: 100, line: 'vector size: 100' },
      { t: 200, line: 'alpha: 0.750000' },
      { t: 1200, line: '12/07/26 - 04:30.01AM, iter: 001, cost: 0.071234' },
      { t: 2500, line: '12/07/26 - 04:30.02AM, iter: 002, cost: 0.052000' },
      { t: 3000, line: '    saving intermediate parameters for iter 002...done.' },
      { t: 4000, line: '12/07/26 - 04:30.03AM, iter: 003, cost: 0.047500' },
    ];
    expect(gloveIterations(lines)).toEqual([
      { iteration: 1, ms: 1000, cost: 0.071234 },
      { iteration: 2, ms: 1300, cost: 0.052 },
      { iteration: 3, ms: 1000, cost: 0.0475 },
    ]);
    expect(gloveIterations([{ t: 5, line: 'iter: 001, cost: 0.1' }])).toEqual([]); // no start seen
    // training = start-up (to the alpha line) + the iterations, not the saves
    expect(gloveTrainingMs(lines, -50)).toBe(250 + 3300);
    expect(gloveTrainingMs(lines.slice(0, 3), 0)).toBeNull();
  });

  it("reads vocab_count's vocabulary size and /usr/bin/time's line", () => {
    const stderr =
      'BUILDING VOCABULARY\nProcessed 1000000 tokens.\nCounted 52345 unique words.\nTruncating vocabulary at min count 5.\nUsing vocabulary of size 12034.\n\n';
    expect(parseVocabSize(stderr)).toBe(12034);
    expect(parseVocabSize('nothing')).toBeNull();
    expect(parseTimeOutput('14.62 13.90 0.71 1048576\n')).toEqual({
      wall: 14.62,
      cpu: 14.61,
      rss: 1073741824,
    });
    expect(parseTimeOutput('Command exited with non-zero status 1\n0.01 0.00 0.00 1024')?.rss).toBe(1048576);
    expect(parseTimeOutput('garbage')).toBeNull();
  });

  it('checkpoints glove.c at the gcd of the iterations asked for', () => {
    expect(checkpointEvery([5, 15])).toBe(5);
    expect(checkpointEvery([4, 6, 15])).toBe(1);
    expect(checkpointEvery([25])).toBe(25);
  });
});

describe('rewrapChunk', () => {
  const run = (chunks: string[], prefix: number | null) => {
    const state = { words: 0, inWord: false };
    let text = '';
    for (const c of chunks) {
      const bytes = new TextEncoder().encode(c);
      const out = new Uint8Array(2 * bytes.length);
      const r = rewrapChunk(bytes, out, state, prefix);
      text += new TextDecoder().decode(out.subarray(0, r.length));
      if (r.done) break;
    }
    return { text, words: state.words };
  };

  it('joins words split across chunks, collapses whitespace and stops at the prefix', () => {
    expect(run([' the qu', 'ick  brown\n fox jumps '], null)).toEqual({
      text: 'the quick brown fox jumps',
      words: 5,
    });
    expect(run([' the qu', 'ick  brown\n fox jumps '], 3)).toEqual({ text: 'the quick brown', words: 3 });
    expect(run(['a b', ' c'], 2)).toEqual({ text: 'a b', words: 2 });
  });

  it(`breaks the line after every ${LINE_WORDS} words`, () => {
    const words = Array.from({ length: 2 * LINE_WORDS + 1 }, (_, i) => `w${i}`);
    const lines = run([words.join(' ')], null).text.split('\n');
    expect(lines.map((l) => l.split(' ').length)).toEqual([LINE_WORDS, LINE_WORDS, 1]);
    expect(lines[1]!.split(' ')[0]).toBe(`w${LINE_WORDS}`);
  });
});

describe('the table', () => {
  it("prints C beside Firth with the C/Firth ratios, each stage's RSS and the peak RSS of each side", () => {
    const c = {
      vocabulary: { wall: 1, cpu: 0.9, rss: 5e6 },
      training: { wall: 30, cpu: 58, rss: 1.5e9 },
    };
    const firth = {
      vocabulary: { wall: 2, cpu: 1.8, rss: 2e8 },
      training: { wall: 20, cpu: 40, rss: 9e8 },
      extra: { wall: 3, cpu: null, rss: null },
    };
    const lines = stageTable(['vocabulary', 'training', 'extra'], c, firth).split('\n');
    expect(lines[0]).toMatch(
      /^stage\s+C: wall \(cpu\)\s+Firth: wall \(cpu\)\s+C\/Firth wall\s+C\/Firth cpu\s+C RSS\s+Firth RSS so far$/,
    );
    expect(lines[2]).toMatch(
      /^vocabulary\s+1\.00 s \(cpu 0\.90\)\s+2\.00 s \(cpu 1\.80\)\s+0\.50×\s+0\.50×\s+5 MB\s+200 MB$/,
    );
    expect(lines[3]).toMatch(
      /^training\s+30\.00 s \(cpu 58\.00\)\s+20\.00 s \(cpu 40\.00\)\s+1\.50×\s+1\.45×\s+1\.50 GB\s+900 MB$/,
    );
    expect(lines[4]).toMatch(/^extra\s+—\s+3\.00 s\s+—\s+—\s*$/);
    expect(lines[5]).toMatch(/^peak RSS\s+1\.50 GB\s+900 MB\s*$/);
    // Firth alone (no C tool)
    expect(stageTable(['vocabulary'], null, firth).split('\n')[2]).toMatch(/^vocabulary\s+—\s+2\.00 s/);
  });

  it('judges the end-to-end ratios at equal threads only, and warns when the machine is overloaded', () => {
    const c = { wall: 60, cpu: 100, rss: null };
    const f = { wall: 50, cpu: 125, rss: null };
    expect(verdict(c, f, null, 1.5, 2)).toBe(
      'end to end C/Firth 1.20× wall met, 0.80× CPU NOT met (goal ≥ 1.0 at equal threads)',
    );
    expect(verdict(c, f, 2, 1.5, 2)).toBe(
      'end to end C/Firth 1.20× wall, 0.80× CPU (not judged: Firth trained on 1 thread, C on 2)',
    );
    expect(verdict({ ...c, cpu: null }, f, null, 5.1, 2)).toBe(
      'end to end C/Firth 1.20× wall met (goal ≥ 1.0 at equal threads; load 5.1 > 2 cores: wall times are unreliable, prefer CPU)',
    );
  });

  it('formats ratios and sizes, — when a figure is missing', () => {
    expect(ratio(61, 59)).toBe('1.03×');
    expect(ratio(null, 2)).toBe('—');
    expect(ratio(1, 0)).toBe('—');
    expect(formatBytes(6.0e9)).toBe('6.00 GB');
    expect(formatBytes(734e6)).toBe('734 MB');
    expect(formatBytes(null)).toBe('—');
  });
});
