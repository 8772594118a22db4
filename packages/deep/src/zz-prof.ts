import { RandomState } from '@firth/numeric';
import * as ft from '@firth/tensor';

const rng = new RandomState(0);
const T = 32,
  B = 32,
  H = 64,
  E = 32,
  V = 65;
const r = (s: number[]) => ft.Tensor.randn(s, rng, 0.1, true);
const time = (name: string, f: () => void, n = 60) => {
  for (let i = 0; i < 5; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.cpuUsage();
    f();
    const u = process.cpuUsage(t0);
    ts.push((u.user + u.system) / 1000);
  }
  ts.sort((a, b) => a - b);
  console.log(name.padEnd(30), ts[n >> 1]!.toFixed(2), 'cpu ms  q1', ts[n >> 2]!.toFixed(2));
};
const x = ft.Tensor.randn([T * B, E], rng, 1, true);
const Wx = r([E, 4 * H]);
const b = r([4 * H]);
time('matmul 1024x32x256', () => ft.matmul(x, Wx));
const m = ft.matmul(x, Wx);
time('add bias 262k', () => ft.add(m, b));
for (const [kind, G] of [
  ['lstm', 4],
  ['gru', 3],
  ['rnn', 1],
] as const) {
  const xp = r([T * B, G * H]);
  const Wh = r([H, G * H]);
  const h0 = ft.Tensor.zeros([B, H]);
  const c0 = ft.Tensor.zeros([B, H]);
  const bhn = r([H]);
  const bb = r([G * H]);
  const run = () =>
    kind === 'lstm'
      ? ft.lstmSequence(xp, Wh, h0, c0, bb)
      : kind === 'gru'
        ? ft.gruSequence(xp, Wh, bhn, h0, bb)
        : ft.rnnSequence(xp, Wh, h0, bb);
  time(`${kind} fwd`, run);
  const G2 = ft.Tensor.randn([T * B, H], rng, 1);
  time(`${kind} fwd+bwd`, () => {
    const o = run();
    o.hs.grad = G2.data.slice();
    o.hs.backwardFn!();
  });
}
const Wy = r([H, V]);
const by = r([V]);
const hs = ft.Tensor.randn([T * B, H], rng, 1, true);
const ids = Array.from({ length: T * B }, () => rng.randint(0, V));
time('head+ce fwd+bwd', () => ft.crossEntropy(ft.add(ft.matmul(hs, Wy), by), ids).backward());
const Emb = r([V, E]);
time('emb+xp fwd+bwd', () => {
  const e = ft.embedding(Emb, ids);
  const y = ft.matmul(e, Wx);
  y.grad = m.data.slice();
  y.backwardFn!();
  e.backwardFn!();
});
const ps = [Emb, Wx, Wy, by, b, r([H, 4 * H])];
for (const p of ps) p.grad = new Float32Array(p.size);
const adam = new ft.AdamW(ps, { weightDecay: 0 });
time('clip+adam', () => {
  ft.clipGradNorm(ps, 5);
  adam.step();
});
