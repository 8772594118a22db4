import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dataPath,
  loadCranfield,
  loadDigits,
  loadLeeCorpus,
  loadSst2,
  loadTinyShakespeare,
} from './index.js';

describe('digits', () => {
  it('has the shape and class balance of sklearn.datasets.load_digits()', () => {
    const { data, images, target } = loadDigits();
    expect(data).toHaveLength(1797);
    expect(
      data.every((r) => r.length === 64 && r.every((v) => Number.isInteger(v) && v >= 0 && v <= 16)),
    ).toBe(true);
    expect(images[0]).toHaveLength(8);
    expect(images[0]?.[1]).toEqual(data[0]?.slice(8, 16));
    // load_digits(): target[:10] == [0..9], np.bincount(target) == [178,182,177,183,181,182,181,179,174,180]
    expect(target.slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const counts = Array(10).fill(0);
    for (const t of target) counts[t]++;
    expect(counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
  });
  it('names the file and line of a malformed row', () => {
    expect(() => loadDigits(join(import.meta.dirname, 'index.ts'))).toThrow(/incorrect header|index\.ts/);
  });
});

describe('tiny shakespeare and the ml5 checkpoint', () => {
  it('is the char-rnn file, byte for byte', () => {
    const text = loadTinyShakespeare();
    expect(text.length).toBe(1115394);
    expect(text.startsWith('First Citizen:')).toBe(true);
    const sha = createHash('sha256')
      .update(readFileSync(dataPath('data/tinyshakespeare/input.txt')))
      .digest('hex');
    expect(sha).toBe('86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed');
  });
  it('finds the ml5 char-LSTM and says where it looked when a file is missing', () => {
    const manifest = JSON.parse(
      readFileSync(dataPath('models/charrnn-shakespeare-ml5/manifest.json'), 'utf8'),
    );
    expect(manifest.embedding.shape).toEqual([65, 128]);
    expect(() => dataPath('models/nope')).toThrow(/"models\/nope" was not found.*FIRTH_DATA_DIR/);
  });
});

describe('Lee corpus', () => {
  it("has gensim's 300 background and 50 test articles", () => {
    const background = loadLeeCorpus();
    expect(background).toHaveLength(300);
    expect(background.join(' ').split(/\s+/).filter(Boolean).length).toBeGreaterThan(55000);
    expect(loadLeeCorpus('test')).toHaveLength(50);
  });
});

describe('SST-2', () => {
  it('has the GLUE splits with their sizes and label counts (data/sst2/README.md)', () => {
    const count = (split: 'train' | 'dev' | 'test') => {
      const rows = loadSst2(split);
      return [rows.length, rows.filter((r) => r.label === 1).length];
    };
    expect(count('train')).toEqual([67349, 37569]);
    expect(count('dev')).toEqual([872, 444]);
    expect(count('test')).toEqual([1821, 904]);
    expect(loadSst2('dev')[0]).toEqual({
      sentence: "it 's a charming and often affecting journey .",
      label: 1,
    });
  });
});

describe('Cranfield', () => {
  it('has 1,400 documents, 225 queries and 1,837 judgements (data/cranfield/README.md)', () => {
    const { documents, queries, judgements } = loadCranfield();
    expect(documents).toHaveLength(1400);
    expect(documents[0]).toMatchObject({
      id: 1,
      title: 'experimental investigation of the aerodynamics of a wing in a slipstream .',
      author: 'brenckman,m.',
      bibliography: 'j. ae. scs. 25, 1958, 324.',
    });
    expect(documents[1399]?.id).toBe(1400);
    expect(queries).toHaveLength(225);
    expect(queries[0]).toEqual({
      id: 1,
      number: 1,
      text: 'what similarity laws must be obeyed when constructing aeroelastic models of heated high speed aircraft .',
    });
    expect(queries[224]?.number).toBe(365);
    expect(judgements).toHaveLength(1837); // 1,612 relevant (codes 1–4) + 225 '-1' rows
    expect(judgements[0]).toEqual({ query: 1, doc: 184, relevance: 2 });
    const counts: Record<string, number> = {};
    for (const j of judgements) counts[j.relevance] = (counts[j.relevance] ?? 0) + 1;
    expect(counts).toEqual({ '1': 128, '2': 387, '3': 734, '4': 363, '-1': 225 });
  });
});
