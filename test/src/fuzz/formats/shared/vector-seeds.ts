/**
 * Seed files for the word-vector fuzz suites, written by Firth's own writer (`saveVectors`) from
 * small tables: the first 20 words of the shipped GloVe 6B 100d (17 KB of text), a few words with
 * non-ASCII letters and extreme float32 values, and a two-dimensional toy — plus hand-written
 * variants the writer does not produce (CRLF endings, fastText's trailing spaces, no final newline,
 * word2vec.c's newline after each binary record).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { KeyedVectors, loadVectors, saveVectors, type VectorFormat } from '@firth/embeddings';

async function tables(): Promise<KeyedVectors[]> {
  const glove = await loadVectors(dataPath('models/glove-6B-100d-top20k/glove.6B.100d.top20k.txt'), {
    limit: 20,
  });
  const unicode = new KeyedVectors(
    ['café', 'ünïcödé', '日本', 'a-b', '"q"'],
    Float32Array.from([
      0.1, -0.2, 0.3, -0, 1e-7, 3.4e38, 1, -1.5e-38, 0.25, 0.5, 0.75, 1, -0.038194, -0.24487, 0.72812,
    ]),
    3,
  );
  const toy = new KeyedVectors(
    ['king', 'queen', 'man', 'woman'],
    Float32Array.from([0.8, 0.65, 0.75, 0.7, 0.4, 0.1, 0.3, 0.2]),
    2,
  );
  return [glove, unicode, toy];
}

/** The seed files of `format` (from the tables above and `more`), each file named `name`. */
export async function vectorSeeds(
  format: VectorFormat,
  name: string,
  more: KeyedVectors[] = [],
): Promise<Record<string, Uint8Array>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'firth-fuzz-seeds-'));
  try {
    const out: Record<string, Uint8Array>[] = [];
    for (const [i, kv] of [...(await tables()), ...more].entries()) {
      const path = join(dir, `${i}-${name}`);
      await saveVectors(kv, path, { format });
      out.push({ [name]: new Uint8Array(readFileSync(path)) });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
