/**
 * Every tokenizer of Firth, built once for the text tests (properties, limits, linear time), with
 * what each promises: `roundTrip` is what decode(encode(x)) gives back — x itself, with lone
 * surrogates as U+FFFD (as UTF-8 writes them: `viaUtf8`) — or `{ none }` where there is no
 * round trip, and why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTinyShakespeare } from '@firth/datasets';
import { findUseLiteDir, UnigramTokenizer, type VocabularyEntry } from '@firth/deep';
import {
  autoTokenizerFromFiles,
  BasicBPETokenizer,
  ByteLevelBPETokenizer,
  CharTokenizer,
  loadLlama2cTokenizer,
  shippedTokenizer,
  type WordPieceTokenizer,
} from '@firth/transformers';
import { viaUtf8 } from './arbitraries.ts';

export interface TokenizerCase {
  name: string;
  encode(text: string): number[];
  decode?(ids: number[]): string;
  vocabSize: number;
  /** decode(encode(x)) for every x, or why there is none. */
  roundTrip: ((x: string) => string) | { none: string };
}

const wellFormed = viaUtf8;
const shakespeare = loadTinyShakespeare();

export const basicBpe = new BasicBPETokenizer().train(shakespeare.slice(0, 20_000), 256 + 100);
export const byteLevelBpe = shippedTokenizer('bpe-shakespeare') as ByteLevelBPETokenizer;
export const wordPiece = shippedTokenizer('wordpiece-shakespeare') as WordPieceTokenizer;
export const charTokenizer = shippedTokenizer('char-shakespeare') as CharTokenizer;
export const charWithUnk = new CharTokenizer({ unk: '<unk>', specialTokens: ['<|endoftext|>'] }).train(
  shakespeare.slice(0, 50_000),
);
export const llama2c = loadLlama2cTokenizer();
const useLiteVocab = JSON.parse(
  readFileSync(join(findUseLiteDir(), 'vocab.json'), 'utf8'),
) as VocabularyEntry[];
export const useLite = new UnigramTokenizer(useLiteVocab);
/** Hugging Face folders run by the tokenizer.json pipeline (packages/transformers/fixtures). */
const hfFolder = (name: string) => {
  const dir = new URL(`../../../packages/transformers/fixtures/${name}/`, import.meta.url);
  const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');
  return autoTokenizerFromFiles(
    { 'tokenizer.json': read('tokenizer.json'), 'tokenizer_config.json': read('tokenizer_config.json') },
    name,
  );
};
export const robertaHf = hfFolder('hf-tok-roberta');
export const t5Hf = hfFolder('hf-tok-t5');

export const TOKENIZERS: TokenizerCase[] = [
  {
    name: 'basic BPE (minbpe)',
    encode: (x) => basicBpe.encode(x),
    decode: (ids) => basicBpe.decode(ids),
    vocabSize: basicBpe.vocabSize,
    roundTrip: wellFormed,
  },
  {
    name: 'byte-level BPE (GPT-2)',
    encode: (x) => byteLevelBpe.encode(x),
    decode: (ids) => byteLevelBpe.decode(ids),
    vocabSize: byteLevelBpe.vocabSize,
    roundTrip: wellFormed,
  },
  {
    name: 'llama2.c SentencePiece BPE (byte fallback)',
    encode: (x) => llama2c.encode(x, { bos: true, eos: true }),
    decode: (ids) => llama2c.decode(ids),
    vocabSize: llama2c.vocabSize,
    roundTrip: wellFormed,
  },
  {
    name: 'WordPiece (BERT)',
    encode: (x) => wordPiece.encode(x),
    decode: (ids) => wordPiece.decode(ids),
    vocabSize: wordPiece.vocabSize,
    roundTrip: {
      none: 'BERT lowercases, strips accents and control characters, folds whitespace; unknown words are [UNK]',
    },
  },
  {
    name: 'char, with <unk>',
    encode: (x) => charWithUnk.encode(x),
    decode: (ids) => charWithUnk.decode(ids),
    vocabSize: charWithUnk.vocabSize,
    roundTrip: {
      none: 'characters outside the training text come back as <unk> (on its alphabet it round-trips)',
    },
  },
  {
    name: 'RoBERTa byte-level BPE (tokenizer.json pipeline)',
    encode: (x) => robertaHf.encode(x, { addSpecialTokens: false }),
    decode: (ids) => robertaHf.decode(ids),
    vocabSize: robertaHf.vocabSize,
    roundTrip: wellFormed,
  },
  {
    name: 'T5 Unigram (tokenizer.json pipeline: Precompiled, Metaspace)',
    encode: (x) => t5Hf.encode(x),
    decode: (ids) => t5Hf.decode(ids),
    vocabSize: t5Hf.vocabSize,
    roundTrip: {
      none: 'the charsmap and whitespace folding normalize first; characters without a piece are <unk>',
    },
  },
  {
    name: 'USE-lite SentencePiece unigram',
    encode: (x) => useLite.encode(x),
    vocabSize: useLiteVocab.length,
    roundTrip: { none: 'no decode; NFKC folds the text first' },
  },
];

/** A second, independent instance of the stateful (cached) tokenizers, to check determinism. */
const byteLevelAgain = ByteLevelBPETokenizer.fromJSON(JSON.stringify(byteLevelBpe));
const llama2cAgain = loadLlama2cTokenizer();
export const fresh: Record<string, (x: string) => number[]> = {
  'byte-level BPE (GPT-2)': (x) => byteLevelAgain.encode(x),
  'llama2.c SentencePiece BPE (byte fallback)': (x) => llama2cAgain.encode(x, { bos: true, eos: true }),
};
