/**
 * The mutation fuzz suite: every file format Firth reads, ≥ 300 seeded mutations each (bit flips,
 * truncations, insertions, huge length fields, and the format-aware edits of each module under
 * formats/), replayed through Firth's public loaders in a worker under the watchdog. A case is
 * accepted (and the format's own independent check finds the files consistent) or refused by a
 * Firth error naming the problem; a crash, a hang over 2 s, running out of memory or an accepted
 * inconsistent file fails the suite. Both outcomes must occur: a loader that refuses everything
 * proves nothing. Reports: test/.reports/fuzz/<format>.json.
 */
import { describe, expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from './harness.ts';

interface Suite {
  /** The module formats/<name>.ts. */
  name: string;
  /** What is loaded, through which public API. */
  what: string;
  count: number;
  /** At least this many accepted and refused (the seeds and mutators reach both). */
  accepted: number;
  rejected: number;
  /** Every refusal message matches this (e.g. it names the file)… */
  everyRejection?: RegExp;
  /** …or at least one names what is wrong in the format's own terms. */
  someRejection?: RegExp;
}

const SUITES: Suite[] = [
  {
    name: 'safetensors',
    what: 'readSafetensors: written files of every dtype and a slice of the shipped tiny BERT',
    count: 300,
    accepted: 10,
    rejected: 100,
    // bit flips inside float data and legitimate header edits (reordering, padding, reshapes) load
    someRejection: /overlaps|gap of|trailing bytes|appears twice|holds (NaN|-?Infinity)|data_offsets/,
  },
  {
    name: 'hf-bert-folder',
    what: 'loadBertForPreTraining: config.json + model.safetensors + vocab.txt of the shipped tiny BERT',
    count: 300,
    accepted: 20,
    rejected: 100,
    someRejection: /config\.json: \$\.\w+ (must|appears|is missing)/,
  },
  {
    name: 'llama2c-checkpoint',
    what: 'loadLlama2c: stories260K.bin',
    count: 300,
    accepted: 20,
    rejected: 100,
    // weights edited in place load (unless NaN/Infinity); header and size edits do not
    someRejection: /header field|needs exactly \d+: \d+ bytes (missing|too many)|holds (NaN|-?Infinity)/,
  },
  {
    name: 'tokenizer-json',
    what: 'tokenizer.json: WordPiece (cased, uncased) and byte-level BPE',
    count: 1000,
    accepted: 30,
    rejected: 300,
  },
  {
    name: 'hf-tokenizer-folder',
    what: 'a folder’s tokenizer files: vocab.txt + tokenizer_config.json; vocab.json + merges.txt',
    count: 1000,
    accepted: 30,
    rejected: 300,
  },
  {
    name: 'llama2c-tokenizer',
    what: 'llama2.c tokenizer.bin: the shipped tok512.bin and two written by Firth',
    count: 1000,
    accepted: 30,
    rejected: 300,
  },
  {
    name: 'word2vec-text',
    what: 'loadVectors: word2vec text',
    count: 300,
    accepted: 5,
    rejected: 100,
    everyRejection: /vectors\.txt: /,
  },
  {
    name: 'word2vec-binary',
    what: 'loadVectors: word2vec binary',
    count: 300,
    accepted: 5,
    rejected: 100,
    everyRejection: /vectors\.bin: /,
  },
  {
    name: 'glove-text',
    what: 'loadVectors: GloVe text',
    count: 300,
    accepted: 5,
    rejected: 100,
    everyRejection: /glove\.txt: /,
  },
  {
    name: 'fasttext-vec',
    what: 'loadVectors: fastText .vec',
    count: 300,
    accepted: 5,
    rejected: 100,
    everyRejection: /wiki\.vec: /,
  },
  {
    name: 'ml5-vectors-json',
    what: 'loadVectors: ml5 / wink JSON word vectors (the streaming JSON reader)',
    count: 300,
    accepted: 5,
    rejected: 100,
    everyRejection: /wordvecs\.json: /,
  },
  {
    name: 'ml5-json',
    what: 'loadMl5CharLSTM: manifest.json, vocab.json and weight files',
    count: 300,
    accepted: 5,
    rejected: 100,
    // every message names a file of the case's folder
    everyRejection: /\/firth-fuzz-ml5-json-\w+\/[^:]+: /,
  },
  {
    name: 'sqlite-store',
    what: 'FirthSqliteVectorStore: open, search and read every document',
    count: 300,
    accepted: 10,
    rejected: 30,
  },
  {
    name: 'memory-snapshot',
    what: 'FirthMemoryVectorStore.load: snapshots',
    count: 300,
    accepted: 5,
    rejected: 30,
  },
  { name: 'bm25-json', what: 'BM25.fromJSON: saved indexes', count: 300, accepted: 5, rejected: 30 },
  { name: 'pdf', what: 'loadPdf: PDFs', count: 300, accepted: 10, rejected: 30 },
];

describe('mutation fuzzing of every file format: accepted and consistent, or refused by a Firth error', () => {
  it.each(SUITES)(
    '$name — $count mutations ($what)',
    async (s) => {
      const r = await fuzz(new URL(`./formats/${s.name}.ts`, import.meta.url), s.name, { count: s.count });
      console.log(summary(r));
      console.log(r.rejections.join('\n'));
      expect(r.failures, describeFailures(r)).toEqual([]);
      expect(r.outcomes.accepted).toBeGreaterThan(s.accepted);
      expect(r.outcomes.rejected).toBeGreaterThan(s.rejected);
      if (s.everyRejection) for (const m of r.rejections) expect(m).toMatch(s.everyRejection);
      if (s.someRejection) expect(r.rejections.join('\n')).toMatch(s.someRejection);
    },
    300_000,
  );
});
