/**
 * Fuzz format: a llama2.c checkpoint (the shipped stories260K.bin, ~1 MB), through the public
 * `loadLlama2c(path)`.
 *
 * `specRead` is this module's own reading of the legacy format (llama2.c's run.c
 * `read_checkpoint` / `memory_map_weights`, export.py `legacy_export`): seven int32 fields, then
 * float32 tensors whose sizes follow from them, the RoPE tables, the classifier when vocab_size is
 * negative — and nothing after. An accepted file must pass it (sizes exact, heads dividing, weights
 * finite), and the loaded tensors must equal the file's floats.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { type Llama2c, loadLlama2c } from '@firth/transformers';
import type { Files, FuzzFormat } from '../format.ts';
import type { Mutator } from '../mutate.ts';

const FILE = 'stories260K.bin';
const NAMES = ['dim', 'hidden_dim', 'n_layers', 'n_heads', 'n_kv_heads', 'vocab_size', 'seq_len'] as const;

/** The tensors in file order with their float counts, or what is wrong with the header/size. */
function specRead(b: Uint8Array): { name: string; at: number; n: number }[] | string {
  if (b.length < 28) return 'shorter than the header';
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const [dim, hidden, layers, heads, kvHeads, vocabRaw, seqLen] = NAMES.map((_, i) =>
    v.getInt32(4 * i, true),
  ) as [number, number, number, number, number, number, number];
  const vocab = Math.abs(vocabRaw);
  if ([dim, hidden, layers, heads, kvHeads, vocab, seqLen].some((x) => !(x >= 1))) return 'a field < 1';
  if (dim % heads || heads % kvHeads) return 'heads do not divide';
  const headSize = dim / heads;
  if (headSize % 2) return 'odd head size';
  const kvDim = kvHeads * headSize;
  const [D, H, L, K, V] = [dim, hidden, layers, kvDim, vocab].map(BigInt) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const plan: [string, bigint][] = [
    ['tokenEmbedding', V * D],
    ['rmsAtt', L * D],
    ['wq', L * D * D],
    ['wk', L * K * D],
    ['wv', L * K * D],
    ['wo', L * D * D],
    ['rmsFfn', L * D],
    ['w1', L * H * D],
    ['w2', L * D * H],
    ['w3', L * H * D],
    ['rmsFinal', D],
    ['(rope tables)', BigInt(seqLen) * BigInt(headSize)],
  ];
  if (vocabRaw < 0) plan.push(['wcls', V * D]);
  const floats = plan.reduce((s, [, n]) => s + n, 0n);
  if (28n + 4n * floats !== BigInt(b.length))
    return `${b.length} bytes, the header implies ${28n + 4n * floats}`;
  let at = 28;
  return plan.map(([name, n]) => {
    const t = { name, at, n: Number(n) };
    at += 4 * t.n;
    return t;
  });
}

function inconsistency(files: Files, loaded: unknown): string | null {
  const b = files[FILE]!;
  const spec = specRead(b);
  if (typeof spec === 'string') return `accepted an inconsistent checkpoint: ${spec}`;
  const model = loaded as Llama2c;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (model.config.vocabSize !== Math.abs(v.getInt32(20, true))) return 'vocab_size differs from the header';
  for (const t of spec) {
    if (t.name === '(rope tables)') continue;
    const got = model.weights[t.name as keyof Llama2c['weights']];
    if (got.length !== t.n) return `${t.name}: ${got.length} floats, the file has ${t.n}`;
    for (let i = 0; i < t.n; i++) {
      const x = v.getFloat32(t.at + 4 * i, true);
      if (!Number.isFinite(x)) return `${t.name} holds ${x} at ${i}, accepted without allowNonFinite`;
      if (got[i] !== x) return `${t.name}[${i}] is ${got[i]}, the file says ${x}`;
    }
  }
  return null;
}

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

const EXTRA: Mutator[] = [
  {
    name: 'edit a header field',
    apply(b, r) {
      if (b.length < 28) return b;
      const out = b.slice();
      const v = new DataView(out.buffer);
      const i = int(r, 7);
      const x = v.getInt32(4 * i, true);
      v.setInt32(
        4 * i,
        pick(r, [0, -1, 1, x + 1, x - 1, 2 * x, -x, x >> 1, 2 ** 31 - 1, -(2 ** 31), 0x616b3432]),
        true,
      );
      return out;
    },
  },
  {
    name: 'NaN or Infinity in a weight',
    apply(b, r) {
      if (b.length < 32) return b;
      const out = b.slice();
      const at = 28 + 4 * int(r, (out.length - 28) >> 2);
      new DataView(out.buffer).setUint32(at, pick(r, [0x7fc00000, 0x7f800000, 0xff800000, 0x7fffffff]), true);
      return out;
    },
  },
  {
    name: 'add or drop whole floats at the end',
    apply(b, r) {
      const n = 4 * pick(r, [1, 2, 64, 512]);
      return r() < 0.5 ? concat(b, new Uint8Array(n)) : b.subarray(0, Math.max(0, b.length - n));
    },
  },
  {
    name: 'unshare the classifier',
    apply(b, r) {
      // vocab_size → −vocab_size and the token embedding appended as wcls: a valid checkpoint
      if (b.length < 28) return b;
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const vocab = v.getInt32(20, true);
      const dim = v.getInt32(0, true);
      const n = 4 * vocab * dim;
      if (!(vocab > 0 && dim > 0 && 28 + n <= b.length)) return b;
      const out = concat(b, b.subarray(28, 28 + (r() < 0.8 ? n : n - 4)));
      new DataView(out.buffer).setInt32(20, -vocab, true);
      return out;
    },
  },
];

const format: FuzzFormat = {
  name: 'llama2c-checkpoint',
  kind: 'binary',
  seeds: () => [{ [FILE]: new Uint8Array(readFileSync(dataPath(`models/tinyllamas-stories260K/${FILE}`))) }],
  extra: EXTRA,
  load: (_files, dir) => loadLlama2c(join(dir, FILE)),
  inconsistency,
};
export default format;
