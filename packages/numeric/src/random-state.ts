/**
 * RandomState — NumPy's legacy `numpy.random.RandomState`, bit for bit.
 *
 * The course's experiments are seeded the scikit-learn way (`randomState: 42`), and a lesson can
 * only show "the same numbers as the notebook" if every draw matches NumPy's. This file
 * reproduces the legacy stream: the MT19937 generator (Matsumoto & Nishimura 1998) as NumPy seeds
 * and steps it (`numpy/random/src/mt19937/mt19937.c`), and the legacy samplers built on it
 * (`numpy/random/mtrand.pyx`, `_bounded_integers.pyx.in`, `src/distributions/distributions.c`,
 * `src/legacy/legacy-distributions.c`). `fixtures/random-state.json`, written by NumPy itself
 * (`fixtures/generate_random_state.py`), pins every method.
 *
 * Deliberately left out: the new `Generator` API (PCG64, Lemire's bounded ints, ziggurat
 * normals), which draws different numbers; dtypes other than NumPy's default int64 `'l'`;
 * `choice` with weights `p`; distributions the course does not use.
 *
 * Only the ranges that need 64 bits (randint with `high - low > 2^32`) use BigInt; every other
 * path is 32-bit integer arithmetic (`Math.imul`, `>>> 0`).
 */
import { glibcLog } from './glibc-log.js';

/** MT19937 state size in 32-bit words (`RK_STATE_LEN` in NumPy). */
const N = 624;
/** Offset of the word mixed in by the twist (`M` in mt19937.c). */
const M = 397;
/** Twist matrix constant a (`MATRIX_A`). */
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const UINT32_MAX = 0xffffffff;

/** A seed as `np.random.RandomState(seed)` takes it: an int in [0, 2^32 - 1], a non-empty array of such ints, or nothing (fresh entropy). */
export type Seed = number | number[] | null | undefined;

/** What scikit-learn's `random_state` parameters accept: a seed, a generator to share, or nothing. */
export type RandomStateLike = number | RandomState | null | undefined;

/** The full generator state, as NumPy's `get_state()` tuple `('MT19937', key, pos, has_gauss, cached_gaussian)`. */
export interface RandomStateState {
  /** The 624 MT19937 words (uint32). */
  key: number[];
  /** Index of the next word to temper; 624 means "twist before the next draw". */
  pos: number;
  /** Whether `legacy_gauss` holds the second value of its last pair. */
  hasGauss: boolean;
  /** That cached value (0 when `hasGauss` is false). */
  gauss: number;
}

/** NumPy's own tuple form, e.g. `rs.get_state()` dumped to JSON. */
export type NumpyLegacyState = [
  name: 'MT19937',
  key: number[],
  pos: number,
  hasGauss: number | boolean,
  gauss: number,
];

function isUint32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= UINT32_MAX;
}

/** Checks a seed like NumPy's `_legacy_seeding`, but throws RangeError instead of ValueError/TypeError. */
function checkSeed(seed: number | number[]): void {
  if (typeof seed === 'number') {
    if (!isUint32(seed)) throw new RangeError(`seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    return;
  }
  if (!Array.isArray(seed))
    throw new RangeError(`seed must be an integer or an array of integers, got ${typeof seed}`);
  if (seed.length === 0) throw new RangeError('seed array must be non-empty');
  for (let i = 0; i < seed.length; i++) {
    if (!isUint32(seed[i])) {
      throw new RangeError(`seed[${i}] must be an integer between 0 and 2**32 - 1, got ${String(seed[i])}`);
    }
  }
}

function checkCount(size: number, name = 'size'): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${size}`);
  }
}

/**
 * Smallest all-ones bit mask >= rng (`gen_mask` in distributions.c): smear the top bit right.
 * gen_mask(9) = 0b1111 = 15.
 */
function genMask32(rng: number): number {
  let mask = rng;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

function genMask64(rng: bigint): bigint {
  let mask = rng;
  for (const s of [1n, 2n, 4n, 8n, 16n, 32n]) mask |= mask >> s;
  return mask;
}

/**
 * A seeded MT19937 generator drawing exactly NumPy's legacy `RandomState` numbers.
 *
 * const rs = new RandomState(42);
 * rs.randomSample() // 0.3745401188473625   (np.random.RandomState(42).random_sample())
 * rs.randintArray(0, 10, 5) // on a fresh RandomState(42): [6, 3, 7, 4, 6]
 */
export class RandomState {
  /** The MT19937 state vector mt[0..623] ("key" in NumPy's state dict). */
  private readonly key = new Uint32Array(N);
  private pos = N;
  /** `legacy_gauss` makes normals in pairs; the second waits here (`has_gauss`, `gauss`). */
  private hasGauss = false;
  private gauss = 0;

  /**
   * new RandomState(42)        // mt19937_seed (init_genrand)
   * new RandomState([1, 2, 3]) // init_by_array
   * new RandomState()          // fresh entropy from crypto.getRandomValues
   */
  constructor(seed?: Seed) {
    this.seed(seed);
  }

  /** Re-seeds in place, like `RandomState.seed` (also clears the cached gaussian). */
  seed(seed?: Seed): void {
    if (seed === undefined || seed === null) {
      // _legacy_seeding(None): 624 words of entropy, with mt[0] = 0x80000000 so the state is non-zero.
      globalThis.crypto.getRandomValues(this.key);
      this.key[0] = UPPER_MASK;
      this.pos = N;
    } else {
      checkSeed(seed);
      if (typeof seed === 'number') this.initGenrand(seed);
      else this.initByArray(seed);
    }
    this.hasGauss = false;
    this.gauss = 0;
  }

  /**
   * mt19937_seed / init_genrand (Knuth TAOCP vol. 2, 3rd ed., p. 106 multiplier):
   *   mt[0] = s;  mt[i] = 1812433253 * (mt[i-1] ^ (mt[i-1] >> 30)) + i   (mod 2^32)
   */
  private initGenrand(s: number): void {
    const mt = this.key;
    mt[0] = s;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      // Math.imul keeps the low 32 bits of the product exact; the Uint32Array store wraps mod 2^32.
      mt[i] = Math.imul(1812433253, prev ^ (prev >>> 30)) + i;
    }
    this.pos = N;
  }

  /**
   * mt19937_init_by_array: init_genrand(19650218), then two non-linear passes that fold the key in.
   *   pass 1 (max(N, len) steps): mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1664525)) + key[j] + j
   *   pass 2 (N - 1 steps):       mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1566083941)) - i
   * i wraps from N back to 1, copying mt[N-1] into mt[0]; finally mt[0] = 0x80000000 (non-zero state).
   */
  private initByArray(initKey: readonly number[]): void {
    const mt = this.key;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, initKey.length); k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) >>> 0) + initKey[j]! + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= initKey.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) >>> 0) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = UPPER_MASK;
    this.pos = N;
  }

  /**
   * mt19937_gen, the "twist": refills all 624 words at once.
   *   y = (mt[i] & 0x80000000) | (mt[i+1] & 0x7fffffff)
   *   mt[i] = mt[(i + M) mod N] ^ (y >> 1) ^ (y odd ? MATRIX_A : 0)
   */
  private twist(): void {
    const mt = this.key;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /**
   * One raw MT19937 output (mt19937_next32): the next word, tempered.
   *
   * new RandomState(5).nextUint32() // 953453411   (np.random.RandomState(5).randint(0, 2**32))
   */
  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.key[this.pos++]!;
    // Tempering: y ^= y>>11; y ^= (y<<7) & 0x9d2c5680; y ^= (y<<15) & 0xefc60000; y ^= y>>18
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** mt19937_next64: two outputs, the first is the high word. BigInt: only the > 2^32 ranges need it. */
  private nextUint64(): bigint {
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /**
   * A double in [0, 1) with 53 random bits (mt19937_next_double, NumPy's `random_sample`/`rand`):
   *   a = next32 >> 5 (27 bits), b = next32 >> 6 (26 bits);  u = (a * 2^26 + b) / 2^53
   *
   * new RandomState(42).randomSample() // 0.3745401188473625
   */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `random_sample(size)`: `size` doubles in [0, 1). */
  randomSampleArray(size: number): number[] {
    checkCount(size);
    const out = new Array<number>(size);
    for (let i = 0; i < size; i++) out[i] = this.randomSample();
    return out;
  }

  /**
   * `rand(d0, d1)`: uniform [0, 1) doubles, filled in row-major order like NumPy.
   *
   * new RandomState(42).rand(3) // [0.3745401188473625, 0.9507143064099162, 0.7319939418114051]
   */
  rand(): number;
  rand(n: number): number[];
  rand(n: number, m: number): number[][];
  rand(...shape: number[]): number | number[] | number[][];
  rand(...shape: number[]): number | number[] | number[][] {
    if (shape.length === 0) return this.randomSample();
    if (shape.length === 1) return this.randomSampleArray(shape[0]!);
    if (shape.length === 2) {
      const [n, m] = shape as [number, number];
      checkCount(n, 'd0');
      checkCount(m, 'd1');
      const out: number[][] = [];
      for (let i = 0; i < n; i++) out.push(this.randomSampleArray(m));
      return out;
    }
    throw new RangeError(`rand takes at most 2 dimensions here, got ${shape.length}; use randomSampleArray`);
  }

  /**
   * A random integer in [low, high), NumPy's legacy `randint` with the default int64 dtype; with
   * one argument, [0, low). Same draws as NumPy, including rejections.
   *
   * new RandomState(0).randint(10)     // 5
   * new RandomState(0).randint(2 ** 40) // 741280623151   (the 64-bit path)
   */
  randint(low: number, high?: number): number {
    return this.randintArray(low, high, 1)[0]!;
  }

  /**
   * `randint(low, high, size)`. `_rand_int64` turns [low, high) into the closed [low, low + rng]
   * with rng = high - 1 - low, then `random_bounded_uint64_fill` (distributions.c, masked = true
   * for the legacy API) draws each value:
   *   rng == 0            -> low, no draw
   *   rng <  2^32 - 1     -> mask = gen_mask(rng); repeat v = next32 & mask until v <= rng
   *   rng == 2^32 - 1     -> next32 as is
   *   rng >  2^32 - 1     -> the same rejection with next64 (BigInt here)
   * Low bits of MT19937 are as good as high ones, so masking (not modulo) keeps it unbiased; at
   * worst (rng just past a power of two) half the draws are rejected.
   */
  randintArray(low: number, high: number | undefined, size: number): number[] {
    checkCount(size);
    let lo = low;
    let hi = high;
    if (hi === undefined) {
      hi = lo;
      lo = 0;
    }
    // NumPy returns an empty array for size 0 before looking at the bounds.
    if (size === 0) return [];
    // Every result must be a safe integer: low >= -(2^53 - 1), high <= 2^53 (exclusive).
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < Number.MIN_SAFE_INTEGER || hi > 2 ** 53) {
      throw new RangeError(
        `randint bounds must be integers in [-(2**53 - 1), 2**53], got low=${lo}, high=${hi}`,
      );
    }
    if (lo >= hi)
      throw new RangeError(lo === 0 ? `high <= 0 (high=${hi})` : `low >= high (low=${lo}, high=${hi})`);
    const out = new Array<number>(size);
    // Exact whenever the true difference is <= 2^53; beyond that it is still > 2^32 - 1.
    const rng = hi - 1 - lo;
    if (rng <= UINT32_MAX) {
      if (rng === 0) {
        out.fill(lo);
      } else if (rng === UINT32_MAX) {
        for (let i = 0; i < size; i++) out[i] = lo + this.nextUint32();
      } else {
        const mask = genMask32(rng);
        for (let i = 0; i < size; i++) out[i] = lo + this.boundedMasked32(rng, mask);
      }
      return out;
    }
    // 64-bit path (bounded_masked_uint64): rng and mask exceed 32 bits, so BigInt.
    const rngBig = BigInt(hi) - 1n - BigInt(lo);
    const mask = genMask64(rngBig);
    const offset = BigInt(lo);
    for (let i = 0; i < size; i++) {
      let v: bigint;
      do {
        v = this.nextUint64() & mask;
      } while (v > rngBig);
      out[i] = Number(offset + v);
    }
    return out;
  }

  /** buffered_bounded_masked_uint32: next32 & mask until it is <= rng (NumPy keeps no 32-bit buffer). */
  private boundedMasked32(rng: number, mask: number): number {
    let v: number;
    do {
      v = (this.nextUint32() & mask) >>> 0;
    } while (v > rng);
    return v;
  }

  /**
   * random_interval(max) (distributions.c): uniform in [0, max] by masked rejection; what
   * `shuffle` and `permutation` use. max > 2^32 - 1 would draw next64, but no JS array is that long.
   */
  private randomInterval(max: number): number {
    if (max === 0) return 0;
    return this.boundedMasked32(max, genMask32(max));
  }

  /**
   * A uniform double in [low, high): random_uniform(low, range) = low + (high - low) * u.
   * NumPy allows high < low (the interval is then (high, low]).
   *
   * new RandomState(0).uniform(-1, 1) // 0.0976270078546495
   */
  uniform(low = 0, high = 1): number {
    const range = high - low;
    if (!Number.isFinite(range))
      throw new RangeError(`uniform: range exceeds valid bounds (low=${low}, high=${high})`);
    return low + range * this.randomSample();
  }

  /** `uniform(low, high, size)`. */
  uniformArray(low: number, high: number, size: number): number[] {
    checkCount(size);
    const range = high - low;
    if (!Number.isFinite(range))
      throw new RangeError(`uniform: range exceeds valid bounds (low=${low}, high=${high})`);
    const out = new Array<number>(size);
    for (let i = 0; i < size; i++) out[i] = low + range * this.randomSample();
    return out;
  }

  /**
   * A standard normal, legacy_gauss (legacy-distributions.c): Marsaglia's polar form of Box–Muller.
   * Draw (x1, x2) uniform in the square [-1, 1)^2 until r2 = x1^2 + x2^2 lies in (0, 1); then
   *   f = sqrt(-2 ln(r2) / r2),  return f * x2,  cache f * x1 for the next call.
   * The cache survives other draws (uniform, randint...) and is cleared only by seeding/setState.
   * ln is `glibcLog` (glibc-log.ts), not Math.log: NumPy calls the C library's log, and V8's differs in the last bit.
   *
   * new RandomState(0).standardNormal() // 1.764052345967664
   */
  standardNormal(): number {
    if (this.hasGauss) {
      const cached = this.gauss;
      this.hasGauss = false;
      this.gauss = 0;
      return cached;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.randomSample() - 1;
      x2 = 2 * this.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * glibcLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** `standard_normal(size)`. */
  standardNormalArray(size: number): number[] {
    checkCount(size);
    const out = new Array<number>(size);
    for (let i = 0; i < size; i++) out[i] = this.standardNormal();
    return out;
  }

  /**
   * A normal with mean `loc` and standard deviation `scale`: legacy_normal = loc + scale * legacy_gauss.
   *
   * new RandomState(0).normal(10, 2) // 13.528104691935328
   */
  normal(loc = 0, scale = 1): number {
    if (!(scale >= 0)) throw new RangeError(`normal: scale must be >= 0, got ${scale}`);
    return loc + scale * this.standardNormal();
  }

  /** `normal(loc, scale, size)`: values one after another, so the cached gaussian is used in order. */
  normalArray(loc: number, scale: number, size: number): number[] {
    checkCount(size);
    if (!(scale >= 0)) throw new RangeError(`normal: scale must be >= 0, got ${scale}`);
    const out = new Array<number>(size);
    for (let i = 0; i < size; i++) out[i] = loc + scale * this.standardNormal();
    return out;
  }

  /**
   * Shuffles in place, NumPy's legacy `shuffle` (Fisher–Yates from the end):
   *   for i = n-1 .. 1:  j = random_interval(i);  swap x[i], x[j]
   *
   * const x = [1, 2, 3, 4, 5]; new RandomState(42).shuffle(x); x // [2, 5, 3, 1, 4]
   */
  shuffle<T>(array: T[]): void {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      const tmp = array[i] as T;
      array[i] = array[j] as T;
      array[j] = tmp;
    }
  }

  /**
   * `permutation(n)`: `arange(n)`, shuffled.
   *
   * new RandomState(42).permutation(5) // [1, 4, 2, 0, 3]
   */
  permutation(n: number): number[] {
    checkCount(n, 'n');
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out);
    return out;
  }

  /**
   * `choice(n, size, replace)` for a population `arange(n)` with uniform weights, as legacy NumPy:
   * with replacement `randint(0, n, size)`; without, `permutation(n)[:size]` (O(n) work and draws,
   * which is what makes the numbers match).
   *
   * new RandomState(42).choice(10, 3, false) // [8, 1, 5]
   */
  choice(n: number, size: number, replace = true): number[] {
    checkCount(n, 'n');
    checkCount(size);
    if (n === 0 && size > 0) throw new RangeError("choice: 'a' cannot be empty unless no samples are taken");
    if (replace) return this.randintArray(0, n, size);
    if (size > n)
      throw new RangeError("choice: cannot take a larger sample than population when 'replace=false'");
    return this.permutation(n).slice(0, size);
  }

  /** A copy of the full state, like `get_state()`. */
  getState(): RandomStateState {
    return { key: Array.from(this.key), pos: this.pos, hasGauss: this.hasGauss, gauss: this.gauss };
  }

  /** Restores a state from `getState()` or from NumPy's `get_state()` tuple. */
  setState(state: RandomStateState | NumpyLegacyState): void {
    const s: RandomStateState = Array.isArray(state)
      ? { key: state[1], pos: state[2], hasGauss: Boolean(state[3]), gauss: state[4] }
      : state;
    if (Array.isArray(state) && state[0] !== 'MT19937') {
      throw new RangeError(`setState: only MT19937 states are supported, got ${String(state[0])}`);
    }
    if (!Array.isArray(s.key) || s.key.length !== N || !s.key.every(isUint32)) {
      throw new RangeError(`setState: key must be ${N} integers in [0, 2**32 - 1]`);
    }
    if (!Number.isInteger(s.pos) || s.pos < 0 || s.pos > N) {
      throw new RangeError(`setState: pos must be an integer in [0, ${N}], got ${s.pos}`);
    }
    if (typeof s.gauss !== 'number') throw new RangeError('setState: gauss must be a number');
    this.key.set(s.key);
    this.pos = s.pos;
    this.hasGauss = Boolean(s.hasGauss);
    this.gauss = s.gauss;
  }
}

/**
 * scikit-learn's `check_random_state`: a number seeds a new RandomState, a RandomState is returned
 * as is (shared, so draws advance it), null/undefined gives a fresh unseeded one.
 *
 * checkRandomState(42).randint(10) // 6, like check_random_state(42).randint(10)
 */
export function checkRandomState(seed: RandomStateLike): RandomState {
  if (seed instanceof RandomState) return seed;
  if (seed === null || seed === undefined) return new RandomState();
  if (typeof seed === 'number') return new RandomState(seed);
  throw new TypeError(`${String(seed)} cannot be used to seed a RandomState instance`);
}
