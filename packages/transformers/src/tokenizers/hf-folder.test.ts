import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTinyShakespeare } from '@firth/datasets';
import { describe, expect, it } from 'vitest';
import { ByteLevelBPETokenizer } from './bpe.js';
import { hfTokenizerFromFiles } from './hf-files.js';
import { loadHfTokenizer } from './hf-folder.js';
import { WordPieceTokenizer } from './wordpiece.js';

const text = loadTinyShakespeare().slice(0, 20_000);
const sample = 'First Citizen: Before we proceed any further, hear me speak.';
const folder = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'firth-hf-tok-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
};

describe("a Hugging Face model folder's tokenizer, found as AutoTokenizer finds it", () => {
  const wp = new WordPieceTokenizer().train(text, 300);
  const bpe = new ByteLevelBPETokenizer().train(text, 300);

  it('tokenizer.json: WordPiece (BERT) or byte-level BPE (GPT-2)', async () => {
    const a = await loadHfTokenizer(folder({ 'tokenizer.json': JSON.stringify(wp.toJSON()) }));
    expect(a).toBeInstanceOf(WordPieceTokenizer);
    expect(a.encode(sample)).toEqual(wp.encode(sample));
    const b = await loadHfTokenizer(folder({ 'tokenizer.json': JSON.stringify(bpe.toJSON()) }));
    expect(b).toBeInstanceOf(ByteLevelBPETokenizer);
    expect(b.encode(sample)).toEqual(bpe.encode(sample));
  });

  it('vocab.txt (lowercased unless tokenizer_config.json says do_lower_case: false)', async () => {
    const uncased = await loadHfTokenizer(folder({ 'vocab.txt': wp.toVocabTxt() }));
    expect(uncased.encode(sample)).toEqual(wp.encode(sample));
    const cased = (await loadHfTokenizer(
      folder({ 'vocab.txt': wp.toVocabTxt(), 'tokenizer_config.json': '{"do_lower_case": false}' }),
    )) as WordPieceTokenizer;
    expect(cased.lowercase).toBe(false);
    expect(cased.tokenize('First')).not.toEqual(uncased.tokenize('First'));
  });

  it("vocab.json + merges.txt (GPT-2's slow-tokenizer files)", async () => {
    const j = bpe.toJSON() as unknown as {
      model: { vocab: Record<string, number>; merges: (string | string[])[] };
    };
    const merges = j.model.merges.map((m) => (Array.isArray(m) ? m.join(' ') : m));
    const tok = await loadHfTokenizer(
      folder({
        'vocab.json': JSON.stringify(j.model.vocab),
        'merges.txt': `#version: 0.2\n${merges.join('\n')}\n`,
      }),
    );
    expect(tok.encode(sample)).toEqual(bpe.encode(sample));
  });

  it('names what is missing or broken', async () => {
    await expect(loadHfTokenizer(folder({}))).rejects.toThrow(
      /no tokenizer files \(tokenizer.json, vocab.txt/,
    );
    await expect(
      loadHfTokenizer(folder({ 'tokenizer.json': '{"model": {"type": "Unigram"}}' })),
    ).rejects.toThrow(/model.type "Unigram" is not supported/);
    await expect(loadHfTokenizer(folder({ 'tokenizer.json': '{oops' }))).rejects.toThrow(
      /tokenizer.json is not valid JSON/,
    );
  });

  it("from the files' contents, as strings or bytes, without a folder (what a browser passes)", () => {
    const json = JSON.stringify(bpe.toJSON());
    const fromText = hfTokenizerFromFiles({ 'tokenizer.json': json });
    const fromBytes = hfTokenizerFromFiles({ 'tokenizer.json': new TextEncoder().encode(json) });
    expect(fromText).toBeInstanceOf(ByteLevelBPETokenizer);
    expect(fromBytes.encode(sample)).toEqual(bpe.encode(sample));
    const vocab = hfTokenizerFromFiles({ 'vocab.txt': new TextEncoder().encode(wp.toVocabTxt()) });
    expect(vocab.encode(sample)).toEqual(wp.encode(sample));
    expect(() => hfTokenizerFromFiles({ 'vocab.txt': new Uint8Array([0x61, 0xff]) }, 'fetched')).toThrow(
      /fetched.*vocab.txt.*UTF-8/,
    );
    expect(() => hfTokenizerFromFiles({}, 'fetched')).toThrow(/fetched: no tokenizer files/);
  });
});
