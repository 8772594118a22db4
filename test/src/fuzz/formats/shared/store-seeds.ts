/**
 * Seeds of the two vector-store formats (memory-store snapshots and SQLite stores): the same three
 * small stores — cosine, 5 rows of 4 dimensions with varied metadata; l2, 3 rows of 3; an empty
 * dot store that never held a vector — each written by the store itself into a temporary folder.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Files } from '../../format.ts';

export type Similarity = 'cosine' | 'dot' | 'l2';

export const STORE_TABLES: {
  similarity: Similarity;
  vectors: number[][];
  metadata: Record<string, unknown>[];
}[] = [
  {
    similarity: 'cosine',
    vectors: [
      [1, 0, 0, 0],
      [0.9, 0.1, 0, 0],
      [0, 1, 0.5, -1],
      [2, 2, 2, 2],
      [-1, 0, 0, 0.25],
    ],
    metadata: [
      { name: 'a', n: 1 },
      { name: 'b', tags: ['x', 'y'] },
      {},
      { nested: { deep: true } },
      { name: 'e' },
    ],
  },
  {
    similarity: 'l2',
    vectors: [
      [1, 2, 3],
      [0, 0, 0],
      [-1.5, 0.25, 8],
    ],
    metadata: [{ source: 'a.md' }, { source: 'b.md', page: 2 }, { source: 'c.md' }],
  },
  { similarity: 'dot', vectors: [], metadata: [] },
];

/** Embeddings are never called by what the fuzz loads do; a store only needs the object. */
export const noEmbeddings = {
  embedQuery: async () => [] as number[],
  embedDocuments: async (texts: string[]) => texts.map(() => [] as number[]),
};

/** The file `write(path)` leaves at `path` in a temporary folder, as `{ [file]: bytes }`. */
export async function writtenFile(file: string, write: (path: string) => Promise<void>): Promise<Files> {
  const dir = mkdtempSync(join(tmpdir(), 'firth-fuzz-store-seed-'));
  try {
    const path = join(dir, file);
    await write(path);
    return { [file]: new Uint8Array(readFileSync(path)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
