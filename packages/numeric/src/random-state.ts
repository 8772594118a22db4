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
   * ln is `glibcLog` below, not Math.log: NumPy calls the C library's log, and V8's differs in the last bit.
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

// ---------------------------------------------------------------------------------------------
// log(x) exactly as glibc computes it, because legacy_gauss calls the C library's log().
//
// V8's Math.log (an fdlibm port) and glibc's log (ARM optimized-routines, glibc >= 2.28) are both
// within 1 ulp but disagree in the last bit for ~7% of inputs, which would make every 15th normal
// differ from NumPy's. So this is glibc's `__ieee754_log_fma` (sysdeps/ieee754/dbl-64/e_log.c,
// the variant x86-64 glibc picks on any CPU with FMA), operation for operation, including the
// multiply-adds GCC fused (read from the disassembly of Debian's libm 2.36). Constants are
// `__log_data` (e_log_data.c): N = 128 table entries, LOG_POLY_ORDER 6, LOG_POLY1_ORDER 12.
// Other C libraries (macOS, musl, Windows) round a few inputs differently; NumPy itself then
// draws slightly different normals on those platforms.
// ---------------------------------------------------------------------------------------------

const F64 = new Float64Array(1);
/** Little-endian words of F64: U32[0] low, U32[1] high (sign, exponent, top of the mantissa). */
const U32 = new Uint32Array(F64.buffer);

/** Knuth's TwoSum: s + e == a + b exactly, s = fl(a + b). */
function twoSumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

/** Veltkamp split: hi holds the top 26 bits of a, a - hi the rest. */
function splitHi(a: number): number {
  const t = 134217729 * a; // 2^27 + 1
  return t - (t - a);
}

/**
 * fma(a, b, c) = a*b + c with a single rounding, as the FMA instruction computes it
 * (Boldo & Melquiond 2008, "Emulation of FMA and correctly rounded sums: proved algorithms
 * using rounding to odd"): exact product ph + pl (Dekker), exact sum sh + sl = c + ph, then
 * RN(sh + RO(sl + pl)) where RO rounds to odd. Valid away from overflow/underflow, which the
 * log kernel below never approaches.
 */
export function fma(a: number, b: number, c: number): number {
  const ph = a * b;
  const ah = splitHi(a);
  const al = a - ah;
  const bh = splitHi(b);
  const bl = b - bh;
  const pl = al * bl - (ph - ah * bh - al * bh - ah * bl);
  const sh = c + ph;
  const sl = twoSumErr(c, ph, sh);
  let v = sl + pl;
  const err = twoSumErr(sl, pl, v);
  if (err !== 0 && v !== 0) {
    F64[0] = v;
    // Rounding to odd: if round-to-nearest landed on an even mantissa, the odd neighbour on the
    // side of the exact value is the answer.
    if ((U32[0]! & 1) === 0) {
      const awayFromZero = err > 0 === v > 0;
      // Step the 64-bit pattern by one ulp (carry from the low word into the high word).
      if (awayFromZero) {
        U32[0] = U32[0]! + 1;
        if (U32[0] === 0) U32[1] = U32[1]! + 1;
      } else {
        if (U32[0] === 0) U32[1] = U32[1]! - 1;
        U32[0] = U32[0]! - 1;
      }
      v = F64[0]!;
    }
  }
  return sh + v;
}

// Table: c near the centre of subinterval i of [0x1.6p-1, 0x1.6p0), invc = 1/c, logc = log(c).
const LOG_INVC = [
  1.4504249240398293, 1.442253508327276, 1.4341736174350004, 1.426183816329995, 1.4182825527052965,
  1.4104682921759335, 1.4027396147468003, 1.3950954438932313, 1.3875338232485754, 1.3800539211058593,
  1.3726542695419708, 1.3653332798446802, 1.358090204587874, 1.3509234892132138, 1.3438320840699889,
  1.3368146974742003, 1.329870114677736, 1.322997339161106, 1.316195352741367, 1.3094628125672239,
  1.3027990455471041, 1.2962024229438942, 1.2896726275815547, 1.2832080305745537, 1.276807885983376,
  1.2704714060687552, 1.2641976054949482, 1.257985357514882, 1.2518337750655457, 1.2457421919097305,
  1.2397094966625508, 1.2337348463589233, 1.2278176973028803, 1.2219570190618474, 1.2161519732977757,
  1.2104018095009725, 1.204705805718973, 1.1990631185441964, 1.1934733004462308, 1.1879350812847385,
  1.1824481322833125, 1.1770114976921955, 1.1716248121809465, 1.1662869231674715, 1.1609977486762766,
  1.1557563220795803, 1.1505619105480347, 1.1454138888505974, 1.140311877374656, 1.1352550225747513,
  1.1302429094831266, 1.1252747693068048, 1.1203501571039876, 1.1154683327680124, 1.1106291463292157,
  1.1058315813301596, 1.1010752177696026, 1.0963597137952512, 1.0916844827550398, 1.0870487291277784,
  1.082452357388312, 1.0778948225025884, 1.0733751731601076, 1.068893585073351, 1.0644491706655506,
  1.0600414846328305, 1.0556701316181605, 1.051334750556926, 1.0470347288442157, 1.0427699229652954,
  1.0385395013738175, 1.034343418940345, 1.0301811073173315, 1.026052043621297, 1.0219561082336197,
  1.0178926505784922, 1.0138614436244586, 1.0098620186501341, 1.0058938559734134, 1.00195696235014,
  0.9961089923088509, 0.9884170338185201, 0.9808429191005297, 0.9733840169987446, 0.9660377568876556,
  0.9588014945307369, 0.9516728569073111, 0.9446494635965822, 0.9377288993026223, 0.9309091073790681,
  0.924187681612722, 0.9175626765599192, 0.9110320403624034, 0.9045935839762024, 0.8982456375922825,
  0.8919860966782501, 0.8858131121185129, 0.879725075760676, 0.8737201372634685, 0.8677966405782273,
  0.8619528050060739, 0.8561872354420692, 0.8504983927816893, 0.8448844572790304, 0.8393442741575965,
  0.8338762249349438, 0.8284789320557778, 0.8231510800065832, 0.8178913903778707, 0.8126984007245374,
  0.8075710029460227, 0.8025078881160415, 0.7975077379364331, 0.792569604966373, 0.7876923641254114,
  0.7828746724940998, 0.7781155388790811, 0.7734139557869777, 0.7687687179914933, 0.7641790698041854,
  0.7596438763692399, 0.7551621951078668, 0.7507331780216866, 0.7463557196361751, 0.7420289364869653,
  0.7377521537065876, 0.7335242966002608, 0.729344777457841,
];
const LOG_LOGC = [
  -0.3718565645633589, -0.36620682668944937, -0.3605888069791945, -0.3550022171419869, -0.34944666968829097,
  -0.3439217713603284, -0.3384271921261188, -0.332962831494342, -0.32752794345742586, -0.32212257167088865,
  -0.3167462884799761, -0.3113985598928366, -0.3060794515165526, -0.300788424667644, -0.2955252968476998,
  -0.29028969275850613, -0.2850812793277555, -0.27989987391470095, -0.27474526621870154, -0.2696169863701243,
  -0.26451506180308115, -0.2594387762767383, -0.2543884090981692, -0.24936321635129843, -0.24436312405975968,
  -0.23938801747897287, -0.23443761696705678, -0.22951151871518505, -0.2246094963439873, -0.21973149037705753,
  -0.2148770752847895, -0.210046029103637, -0.20523836373934046, -0.20045368751368642, -0.1956917537758045,
  -0.19095237845203883, -0.18623539250290833, -0.18154051731551135, -0.1768677957431919, -0.17221657406412305,
  -0.16758697765942543, -0.16297859687290384, -0.15839151377804228, -0.15382513241456763,
  -0.14927976358922024, -0.14475495398119165, -0.14025044090817573, -0.1357660466685502, -0.1313018016355727,
  -0.12685731518763532, -0.1224325737671279, -0.11802724521862729, -0.11364127671663482, -0.10927434611278386,
  -0.10492665324943573, -0.10059761422644442, -0.09628717309055901, -0.09199534069557558,
  -0.08772190036688698, -0.08346643613867855, -0.07922916827544668, -0.0750099004750382, -0.07080805133352897,
  -0.06662408085151128, -0.06245745471915143, -0.0583080438042316, -0.05417576112313327,
  -0.050060547896805474, -0.045962101199052086, -0.04188056008865715, -0.03781540056183985,
  -0.03376684757915882, -0.029734619131772888, -0.025718470239212365, -0.021718543925430822,
  -0.01773446126981071, -0.013766252464051831, -0.009813706322574944, -0.005876555150052809,
  -0.0019550499938532084, 0.0038985973556009412, 0.011650571286395461, 0.019342955478919066,
  0.0269766014846482, 0.034552359728422744, 0.04207121767183253, 0.049533940950141186, 0.056941358295944156,
  0.06429439168346107, 0.0715936354946507, 0.07884010933776153, 0.08603438905970506, 0.09317721180013905,
  0.10026951462748457, 0.10731170956330516, 0.11430473320717738, 0.12124928503033061, 0.12814583422959913,
  0.1349951636851756, 0.1417978768189414, 0.14855476039031146, 0.1552661937658968, 0.16193275688146969,
  0.16855539792220497, 0.1751343179947753, 0.1816702989864325, 0.18816387146023317, 0.1946155228479256,
  0.20102572579389744, 0.2073952090795501, 0.21372429840596396, 0.2200135945981856, 0.22626374162859975,
  0.23247494747693054, 0.23864766620658884, 0.24478265647405806, 0.25088025827324145, 0.2569408552510595,
  0.26296511155101143, 0.2689531327189343, 0.27490553924610595, 0.2808227248478943, 0.286704979267256,
  0.29255295645509705, 0.2983670386142876, 0.30414734587282055, 0.30989455774829366, 0.31560871301871884,
];

const LN2_HI = 0.6931471805598903;
const LN2_LO = 5.497923018708371e-14;
/** log1p(r) - r ~= A0 r^2 + A1 r^3 + ... for |r| < 1/256. */
const A0 = -0.5000000000000001;
const A1 = 0.33333333331825593;
const A2 = -0.2499999999622955;
const A3 = 0.20000304511814496;
const A4 = -0.16667054827627667;
/** log(1 + r) ~= r + B0 r^2 + ... + B10 r^12 for x in [1 - 2^-4, 1 + 0x1.09p-4). */
const B = [
  -0.5, 0.3333333333333352, -0.24999999999998432, 0.19999999999320328, -0.16666666669929706,
  0.14285715076560868, -0.12499997863982555, 0.11110712032936046, -0.10000486757818193, 0.09181994006195467,
  -0.08328363062289341,
] as const;

/**
 * glibc's log(x) for positive normal finite x (the only inputs legacy_gauss has: 0 < r2 < 1);
 * anything else falls back to Math.log.
 */
export function glibcLog(x: number): number {
  if (!(x > 0) || x === Number.POSITIVE_INFINITY || x < 2.2250738585072014e-308) return Math.log(x);
  if (x >= 0.9375 && x < 1.064697265625) {
    // Near 1: log(x) = r + B0 r^2 + r^3 * P(r), r = x - 1 exact, with r^2's head computed exactly.
    if (x === 1) return 0;
    const r = x - 1;
    const r2 = r * r;
    const r3 = r * r2;
    const p = fma(
      fma(fma(r3, B[10], fma(r2, B[9], fma(r, B[8], B[7]))), r3, fma(r2, B[6], fma(r, B[5], B[4]))),
      r3,
      fma(r2, B[3], fma(r, B[2], B[1])),
    );
    // rhi: r rounded to 26 bits (r + r*2^27 - r*2^27), so rhi^2 is exact; rlo = r - rhi.
    const w = r * 134217728;
    const rhi = r + w - w;
    const rlo = r - rhi;
    const hi = r + rhi * rhi * B[0];
    let lo = r - hi + rhi * rhi * B[0];
    lo = fma(B[0] * rlo, rhi + r, lo);
    return hi + fma(p, r3, lo);
  }
  // x = 2^k z with z in [0x1.6p-1, 0x1.6p0); i picks the subinterval: tmp = bits(x) - bits(0x1.6p-1).
  F64[0] = x;
  const tmpHi = (U32[1]! - 0x3fe60000) | 0;
  const i = (tmpHi >>> 13) & 127;
  const k = tmpHi >> 20;
  U32[1] = U32[1]! - (tmpHi & 0xfff00000);
  const z = F64[0]!;
  const invc = LOG_INVC[i]!;
  const logc = LOG_LOGC[i]!;
  // log(x) = k ln2 + log(c) + log1p(r),  r = z/c - 1 = fma(z, invc, -1)  (|r| < 1/256)
  const r = fma(z, invc, -1);
  const kd = k;
  const w = fma(kd, LN2_HI, logc);
  const hi = w + r;
  const lo = fma(kd, LN2_LO, w - hi + r);
  const r2 = r * r;
  const r3 = r * r2;
  const q = fma(fma(r, A4, A3), r2, fma(r, A2, A1));
  return fma(r3, q, fma(r2, A0, lo)) + hi;
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
