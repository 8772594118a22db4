// The benchmarks' roofline helpers (scripts/bench/profile.ts, floor.ts): what they charge where, and
// the floor's arithmetic.
import { describe, expect, it } from 'vitest';
import { floorLines, scaledParts } from '../../../scripts/bench/floor.js';
import { profileByCategory } from '../../../scripts/bench/profile.js';
import { matmulF32 } from './matmul-f32.js';

describe('profileByCategory', () => {
  it("charges a wasm product's samples to the JavaScript file that called it, and the rest to 'other'", async () => {
    const n = 192;
    const a = new Float32Array(n * n).fill(0.5);
    const b = new Float32Array(n * n).fill(0.25);
    let sink = 0;
    const parts = await profileByCategory(
      () => {
        const end = performance.now() + 300;
        while (performance.now() < end) {
          sink += matmulF32(a, b, n, n, n)[0]!;
          // a JavaScript loop in this file: no category names it
          for (let i = 0; i < 20_000; i++) sink += Math.sqrt(i);
        }
      },
      [{ name: 'products', files: ['matmul-f32.ts'] }],
      100,
    );
    expect(sink).toBeGreaterThan(0);
    const share = (name: string) => parts.find((c) => c.name === name)?.share ?? 0;
    expect(share('products')).toBeGreaterThan(0.3);
    expect(share('other')).toBeGreaterThan(0.01);
    expect(parts.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 6);
  });
});

describe('floorLines', () => {
  const input = {
    what: 'step',
    denseFlops: 1.0e9,
    attentionFlops: 0.1e9,
    firth: {
      stepMs: 60,
      steps: 2,
      // profiled: 40 + 20 ms per run over 2 runs = 30 ms a run, so each part is scaled ×2 to the 60 ms median
      parts: [
        { name: 'products', ms: 40, share: 2 / 3 },
        { name: 'other', ms: 20, share: 1 / 3 },
      ],
    },
    peer: { name: 'Peer', stepMs: 10, productShare: 0.5 },
    peak: { plain: 55, fused: null },
    threads: 1,
    goal: 1.5,
  };

  it('scales the profiled parts to the unprofiled median', () => {
    expect(scaledParts(input.firth).map((c) => c.ms)).toEqual([40, 20]);
  });

  it("prints the products' floor at the peak against the peer's step", () => {
    const text = floorLines(input).join('\n');
    // 1.1 GFLOP at 55 GFLOP/s = 20 ms = 2.00× the peer's 10 ms; the dense products in 40 ms = 25 GFLOP/s = 45 %
    expect(text).toContain('take 20 ms = 2.00×');
    expect(text).toContain('40 ms = 25.0 GFLOP/s = 45 % of the peak');
    // the peer's products: half of 10 ms for 1.1 GFLOP = 220 GFLOP/s = 4× the peak
    expect(text).toContain('5 ms = 220.0 GFLOP/s = 4.00×');
    // the fused peak counts when it is the higher
    expect(floorLines({ ...input, peak: { plain: 27.5, fused: 55 } }).join('\n')).toContain('take 20 ms');
    expect(floorLines({ ...input, peak: { plain: null, fused: null } }).join('\n')).toContain(
      'WebAssembly SIMD is not available',
    );
  });
});
