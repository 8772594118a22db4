/**
 * One way the stores write a file: to `path.tmp-<pid>-<time>` beside it, flushed to disk, then
 * renamed over `path` — so `path` is never a half-written file, whatever kills the process. The
 * vector store (`FirthMemoryVectorStore.save`) and the HNSW index (`HnswIndex.save`) write with it.
 *
 *   writeFileAtomic('index.hnsw', bytes, 'HnswIndex.save(path)', 'in a browser keep index.toBytes() instead');
 */
import type * as fs from 'node:fs';
import { nodeBuiltin } from '@firth/numeric';

/**
 * Writes `bytes` to `path` atomically. `caller` and `browserHint` name the call in the error a
 * browser (no file system) gets.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, caller: string, browserHint: string): void {
  const { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } = nodeBuiltin<typeof fs>(
    'fs',
    caller,
    browserHint,
  );
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      // writeSync may write less than asked (and at most 2 GiB at once): loop until all is written
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, Math.min(1 << 30, bytes.length - done));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
