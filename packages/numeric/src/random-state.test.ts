/**
 * RandomState against NumPy's legacy RandomState, bit for bit.
 *
 * `fixtures/random-state.json` is written by NumPy itself:
 *   /usr/bin/python3 packages/numeric/fixtures/generate_random_state.py
 * Every case starts from a fresh `RandomState(seed)` and replays its operations in order, so the
 * interleavings (cached gaussian, refills of the 624-word state) are checked exactly as NumPy ran them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkRandomState, RandomState } from './random-state.js';

type Op =
  | { op: 'randomSample'; size?: number }
  | { op: 'rand'; shape: number[] }
  | { op: 'raw'; size: number }
  | { op: 'randint'; low: number; high: number; size?: number }
  | { op: 'uniform'; low: number; high: number; size?: number }
  | { op: 'normal'; loc: number; scale: number; size?: number }
  | { op: 'standardNormal'; size?: number }
  | { op: 'permutation'; n: number }
  | { op: 'shuffle'; array: unknown[] }
  | { op: 'choice'; n: number; size: number; replace: boolean }
  | { op: 'state' };

interface Fixture {
  numpy: string;
  seeds: { seed: number | number[]; key: number[]; pos: number; raw: number[] }[];
  cases: { name: string; seed: number | number[]; ops: Op[]; results: unknown[] }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/random-state.json', import.meta.url), 'utf8'),
) as Fixture;

function run(rs: RandomState, op: Op): unknown {
  switch (op.op) {
    case 'randomSample':
      return op.size === undefined ? rs.randomSample() : rs.randomSampleArray(op.size);
    case 'rand':
      return rs.rand(...op.shape);
    case 'raw':
      return Array.from({ length: op.size }, () => rs.nextUint32());
    case 'randint':
      return op.size === undefined ? rs.randint(op.low, op.high) : rs.randintArray(op.low, op.high, op.size);
    case 'uniform':
      return op.size === undefined ? rs.uniform(op.low, op.high) : rs.uniformArray(op.low, op.high, op.size);
    case 'normal':
      return op.size === undefined ? rs.normal(op.loc, op.scale) : rs.normalArray(op.loc, op.scale, op.size);
    case 'standardNormal':
      return op.size === undefined ? rs.standardNormal() : rs.standardNormalArray(op.size);
    case 'permutation':
      return rs.permutation(op.n);
    case 'shuffle': {
      const x = [...op.array];
      rs.shuffle(x);
      return x;
    }
    case 'choice':
      return rs.choice(op.n, op.size, op.replace);
    case 'state': {
      const s = rs.getState();
      return { pos: s.pos, hasGauss: s.hasGauss, gauss: s.gauss, key0: s.key[0] };
    }
  }
}

/** Exact comparison: doubles with Object.is (so -0 !== 0), arrays element by element. */
function expectExact(actual: unknown, expected: unknown, where: string): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${where}: expected an array`).toBe(true);
    const a = actual as unknown[];
    expect(a.length, `${where}: length`).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) expectExact(a[i], expected[i], `${where}[${i}]`);
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(actual, where).toStrictEqual(expected);
    return;
  }
  expect(actual, where).toBe(expected);
}

describe(`RandomState matches NumPy ${fixture.numpy} legacy RandomState`, () => {
  describe('seeding and raw MT19937 output', () => {
    for (const s of fixture.seeds) {
      it(`seed ${JSON.stringify(s.seed)}: key after seeding and 1300 raw uint32s (two refills)`, () => {
        const rs = new RandomState(s.seed);
        const state = rs.getState();
        expect(state.pos).toBe(s.pos);
        expect(state.key).toEqual(s.key);
        const raw = Array.from({ length: s.raw.length }, () => rs.nextUint32());
        expect(raw).toEqual(s.raw);
      });
    }
  });

  for (const c of fixture.cases) {
    it(`seed ${JSON.stringify(c.seed)}: ${c.name}`, () => {
      const rs = new RandomState(c.seed);
      c.ops.forEach((op, i) => {
        expectExact(run(rs, op), c.results[i], `${op.op} #${i}`);
      });
    });
  }
});

describe('RandomState documented examples', () => {
  it('reproduces the numbers quoted in the JSDoc', () => {
    expect(new RandomState(42).randomSample()).toBe(0.3745401188473625);
    expect(new RandomState(42).rand(3)).toEqual([0.3745401188473625, 0.9507143064099162, 0.7319939418114051]);
    expect(new RandomState(42).randintArray(0, 10, 5)).toEqual([6, 3, 7, 4, 6]);
    expect(new RandomState(0).randint(10)).toBe(5);
    expect(new RandomState(0).randint(2 ** 40)).toBe(741280623151);
    expect(new RandomState(5).nextUint32()).toBe(953453411);
    expect(new RandomState(0).uniform(-1, 1)).toBe(0.0976270078546495);
    expect(new RandomState(0).standardNormal()).toBe(1.764052345967664);
    expect(new RandomState(0).normal(10, 2)).toBe(13.528104691935328);
    expect(new RandomState(42).permutation(5)).toEqual([1, 4, 2, 0, 3]);
    expect(new RandomState(42).choice(10, 3, false)).toEqual([8, 1, 5]);
    const x = [1, 2, 3, 4, 5];
    new RandomState(42).shuffle(x);
    expect(x).toEqual([2, 5, 3, 1, 4]);
    expect(checkRandomState(42).randint(10)).toBe(6);
  });
});

describe('checkRandomState (sklearn.utils.check_random_state)', () => {
  it('seeds a new generator from a number', () => {
    const rs = checkRandomState(42);
    expect(rs).toBeInstanceOf(RandomState);
    expect(rs.randomSample()).toBe(new RandomState(42).randomSample());
  });

  it('returns the same instance for a RandomState', () => {
    const rs = new RandomState(0);
    expect(checkRandomState(rs)).toBe(rs);
  });

  it('gives a fresh, differently seeded generator for null/undefined', () => {
    const a = checkRandomState(undefined);
    const b = checkRandomState(null);
    expect(a).toBeInstanceOf(RandomState);
    expect(a).not.toBe(b);
    expect(a.getState().key[0]).toBe(0x80000000);
    const u = a.randomSample();
    expect(u).toBeGreaterThanOrEqual(0);
    expect(u).toBeLessThan(1);
    expect(a.getState().key).not.toEqual(b.getState().key);
  });
});

describe('getState / setState', () => {
  it('round-trips, including a cached gaussian', () => {
    const rs = new RandomState(7);
    rs.randomSampleArray(700); // past a refill, so pos is mid-buffer
    rs.standardNormal(); // leaves the second value cached
    const saved = rs.getState();
    expect(saved.hasGauss).toBe(true);
    const expected = [rs.standardNormal(), rs.randint(0, 1000), rs.randomSample(), rs.standardNormal()];

    const other = new RandomState(123);
    other.setState(saved);
    expect([
      other.standardNormal(),
      other.randint(0, 1000),
      other.randomSample(),
      other.standardNormal(),
    ]).toEqual(expected);
    expect(other.getState()).toEqual(rs.getState());
  });

  it("accepts NumPy's get_state() tuple", () => {
    const rs = new RandomState(1);
    const s = rs.getState();
    const copy = new RandomState(2);
    copy.setState(['MT19937', s.key, s.pos, 0, 0]);
    expect(copy.nextUint32()).toBe(rs.nextUint32());
  });

  it('getState returns a copy', () => {
    const rs = new RandomState(3);
    const s = rs.getState();
    s.key[0] = 0;
    expect(rs.getState().key[0]).not.toBe(0);
  });

  it('rejects malformed states', () => {
    const rs = new RandomState(0);
    const s = rs.getState();
    expect(() => rs.setState({ ...s, key: s.key.slice(1) })).toThrow(RangeError);
    expect(() => rs.setState({ ...s, pos: 625 })).toThrow(RangeError);
    expect(() => rs.setState({ ...s, key: [-1, ...s.key.slice(1)] })).toThrow(RangeError);
  });

  it('seed() resets the stream and the cached gaussian', () => {
    const rs = new RandomState(0);
    const first = rs.standardNormal();
    rs.seed(0);
    expect(rs.getState().hasGauss).toBe(false);
    expect(rs.standardNormal()).toBe(first);
  });
});

describe('errors', () => {
  it('rejects bad seeds with a RangeError', () => {
    expect(() => new RandomState(-1)).toThrow(RangeError);
    expect(() => new RandomState(2 ** 32)).toThrow(/between 0 and 2\*\*32 - 1/);
    expect(() => new RandomState(1.5)).toThrow(RangeError);
    expect(() => new RandomState(Number.NaN)).toThrow(RangeError);
    expect(() => new RandomState([])).toThrow(/non-empty/);
    expect(() => new RandomState([1, -2])).toThrow(/seed\[1\]/);
    expect(() => new RandomState([0.5])).toThrow(RangeError);
    expect(() => new RandomState(2 ** 32 - 1)).not.toThrow();
  });

  it('rejects empty or non-integer randint ranges', () => {
    const rs = new RandomState(0);
    expect(() => rs.randint(0)).toThrow(/high <= 0/);
    expect(() => rs.randint(5, 5)).toThrow(/low >= high/);
    expect(() => rs.randint(0.5, 3)).toThrow(RangeError);
    expect(() => rs.randint(0, 2 ** 60)).toThrow(RangeError);
    expect(rs.randintArray(5, 5, 0)).toEqual([]);
  });

  it('rejects impossible choices and negative scales', () => {
    const rs = new RandomState(0);
    expect(() => rs.choice(3, 4, false)).toThrow(RangeError);
    expect(() => rs.choice(0, 1)).toThrow(RangeError);
    expect(rs.choice(0, 0)).toEqual([]);
    expect(() => rs.normal(0, -1)).toThrow(RangeError);
    expect(() => rs.permutation(-1)).toThrow(RangeError);
  });
});
