/**
 * @firth/tensor's worker threads survive bundling: the workers receive the band functions as source
 * text, so whatever a bundler writes into those functions must run in a bare worker. n8n-nodes-firth
 * bundles the core packages' TypeScript sources with esbuild (`keepNames`, which wraps inner
 * functions in `__name(…)`, and minified syntax); a program bundled that way runs a large product and a large attention (forward
 * and backward) on 2 threads, its workers compute bands, and the results equal one thread's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const testDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'firth-threads-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PROGRAM = `
import { attention, matmul, matmulF32, matmulF32Workers, reshape, setTensorThreads, Tensor } from '@firth/tensor';
const n = 384;
const A = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
setTensorThreads(1);
const one = matmulF32(A, A, n, n, n);
setTensorThreads(2);
let same = true;
let error = null;
try {
  // many products, so that the worker surely computes bands (a band failing there throws here)
  for (let r = 0; r < 40 && same; r++) {
    const two = matmulF32(A, A, n, n, n);
    for (let i = 0; i < one.length && same; i++) same = Object.is(one[i], two[i]);
  }
  // the fused attention on the pool too (bands of sequences), forward and backward
  const x = new Tensor(A.slice(0, 8 * 2 * 64 * 32), [8, 2, 64, 32], true);
  const g = new Tensor(Float32Array.from({ length: x.size }, (_, i) => (i % 5) - 2), [x.size, 1]);
  const both = (threads) => {
    setTensorThreads(threads);
    x.grad = null;
    const o = attention(x, x, x, { causal: true });
    matmul(reshape(o, [1, o.size]), g).backward();
    return [o.data, x.grad];
  };
  const att1 = both(1);
  for (let r = 0; r < 20 && same; r++) {
    const att2 = both(2);
    for (let k = 0; k < 2; k++)
      for (let i = 0; i < att1[k].length && same; i++) same = Object.is(att1[k][i], att2[k][i]);
  }
} catch (e) {
  error = String(e);
}
console.log(JSON.stringify({ same, error, workers: matmulF32Workers() }));
`;

describe('@firth/tensor threads in a bundle', () => {
  for (const options of [
    { name: "n8n-nodes-firth's settings (keepNames, minified syntax)", keepNames: true, minify: false },
    { name: 'fully minified', keepNames: false, minify: true },
  ])
    it(`${options.name}: 2 threads give one thread's product, with a worker`, async () => {
      const out = join(work, `${options.keepNames ? 'keep' : 'min'}.cjs`);
      await esbuild.build({
        stdin: { contents: PROGRAM, resolveDir: testDir, loader: 'ts', sourcefile: 'program.ts' },
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        keepNames: options.keepNames,
        minifySyntax: true,
        minify: options.minify,
        // the TypeScript sources, as n8n-nodes-firth's build.mjs bundles them
        conditions: ['firth-source'],
        outfile: out,
        logLevel: 'silent',
      });
      const result = JSON.parse(execFileSync(process.execPath, [out], { encoding: 'utf8', timeout: 60_000 }));
      expect(result).toEqual({ same: true, error: null, workers: 1 });
    });
});
