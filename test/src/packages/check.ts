/**
 * The checker of the README convention's `// →` assertions (/work/wt/README-CONVENTION.md, "Asserted
 * outputs"). It runs INSIDE the README block — in Node (ESM and CommonJS) and in Chromium — so it
 * imports nothing: the tier bundles it with esbuild next to each block.
 *
 * `matchesExpected(actual, expected)` is the comparison; `mismatch` says where and why it failed.
 * Numbers written in the README keep how they were written through `expectedNumber(value, text)`
 * (the block rewrite wraps every numeric literal of the expected expression in it), so `3.000` is
 * tighter than `3`.
 */

/** A number as written in the README: its value and the tolerance its last decimal implies. */
export class ExpectedNumber {
  constructor(
    readonly value: number,
    readonly tolerance: number,
    readonly text: string,
  ) {}
}

/** `throws('part of the message')`: the statement must throw an error whose message contains it. */
export class ExpectedThrow {
  constructor(readonly part: string) {}
}

/** Half a unit of the last decimal of a numeric literal: `0.7699` → 5e-5, `3` → 0.5, `1.5e-3` → 5e-5. */
export function toleranceOf(text: string): number {
  const m = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.replace(/_/g, ''));
  if (!m) return 0;
  const decimals = (m[2] ?? '').length;
  const exponent = Number(m[3] ?? 0);
  return 0.5 * 10 ** (exponent - decimals);
}

export function expectedNumber(value: number, text: string): ExpectedNumber {
  return new ExpectedNumber(value, toleranceOf(text), text);
}

export function throws(part: string): ExpectedThrow {
  return new ExpectedThrow(String(part));
}

/** The tolerance of a number that reached the checker without its source text (computed values). */
function impliedTolerance(n: number): number {
  if (!Number.isFinite(n)) return 0;
  return toleranceOf(String(Math.abs(n)));
}

const ELLIPSIS = '…';

function isTypedArray(v: unknown): v is ArrayLike<number | bigint> {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

function isListLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || isTypedArray(v);
}

/** A short, one-line rendering of a value for failure messages. */
export function show(v: unknown, depth = 0): string {
  if (v instanceof ExpectedNumber) return v.text;
  if (v instanceof ExpectedThrow) return `throws(${JSON.stringify(v.part)})`;
  if (typeof v === 'string') return JSON.stringify(v.length > 200 ? `${v.slice(0, 200)}…` : v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return `[function ${v.name || 'anonymous'}]`;
  if (v === null || typeof v !== 'object') return String(v);
  if (depth > 3) return isListLike(v) ? '[…]' : '{…}';
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  if (isListLike(v)) {
    const items = Array.from(v as ArrayLike<unknown>).slice(0, 20);
    const more = v.length > 20 ? `, … (${v.length} items)` : '';
    const prefix = Array.isArray(v) ? '' : `${v.constructor.name} `;
    return `${prefix}[${items.map((x) => show(x, depth + 1)).join(', ')}${more}]`;
  }
  if (v instanceof Map) return `Map(${v.size})`;
  if (v instanceof Set) return `Set(${v.size})`;
  const keys = Object.keys(v);
  const name = Object.getPrototypeOf(v) === Object.prototype ? '' : `${v.constructor?.name ?? ''} `;
  const shown = keys.slice(0, 12).map((k) => `${k}: ${show((v as Record<string, unknown>)[k], depth + 1)}`);
  return `${name}{ ${shown.join(', ')}${keys.length > 12 ? ', …' : ''} }`;
}

/**
 * Why `actual` does not match `expected`, or `null` when it does (the convention's rules: numbers
 * within half a unit of the last decimal written, `…`-ended strings as prefixes, arrays and typed
 * arrays element-wise with an optional trailing `'…'`, objects and class instances by the keys
 * written).
 */
export function mismatch(actual: unknown, expected: unknown, path = ''): string | null {
  const at = path ? ` at ${path}` : '';
  const fail = (why = '') => `expected ${show(expected)}, got ${show(actual)}${at}${why}`;

  if (expected instanceof ExpectedThrow) return `${at.trim() || 'value'}: expected a throw, got a value`;
  if (expected instanceof ExpectedNumber || typeof expected === 'number') {
    const e = expected instanceof ExpectedNumber ? expected.value : expected;
    const tolerance = expected instanceof ExpectedNumber ? expected.tolerance : impliedTolerance(e);
    const a = typeof actual === 'bigint' ? Number(actual) : actual;
    if (typeof a !== 'number') return fail(' (not a number)');
    if (Number.isNaN(e)) return Number.isNaN(a) ? null : fail();
    if (!Number.isFinite(e)) return a === e ? null : fail();
    // A small epsilon for the binary representation of the bound itself (0.1 + 0.05 ≠ 0.15).
    return Math.abs(a - e) <= tolerance * (1 + 1e-9) + 1e-15 ? null : fail(` (±${tolerance})`);
  }
  if (typeof expected === 'string') {
    if (typeof actual !== 'string') return fail(' (not a string)');
    if (expected.endsWith(ELLIPSIS) && expected !== ELLIPSIS) {
      return actual.startsWith(expected.slice(0, -1)) ? null : fail(' (prefix)');
    }
    return actual === expected ? null : fail();
  }
  if (isListLike(expected)) {
    if (!isListLike(actual)) return fail(' (not an array)');
    const exp = Array.from(expected as ArrayLike<unknown>);
    const act = Array.from(actual as ArrayLike<unknown>);
    const prefix = exp.length > 0 && exp[exp.length - 1] === ELLIPSIS;
    if (prefix) exp.pop();
    if (prefix ? act.length < exp.length : act.length !== exp.length) {
      return `expected ${prefix ? 'at least ' : ''}${exp.length} items, got ${act.length}${at}: ${show(actual)}`;
    }
    for (let i = 0; i < exp.length; i++) {
      const why = mismatch(act[i], exp[i], `${path}[${i}]`);
      if (why) return why;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return fail(' (not an object)');
    for (const key of Object.keys(expected)) {
      const why = mismatch(
        (actual as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
      if (why) return why;
    }
    return null;
  }
  return Object.is(actual, expected) ? null : fail();
}

export function matchesExpected(actual: unknown, expected: unknown): boolean {
  return mismatch(actual, expected) === null;
}

/** Where an asserted line came from, for the failure message. */
export interface CheckSite {
  line: number;
  code: string;
  expected: string;
}

const state = { checks: 0, failures: [] as string[] };

function report(site: CheckSite, why: string): void {
  const message = `README line ${site.line}: ${site.code} // → ${site.expected}\n  ${why}`;
  state.failures.push(message);
  console.error(`firth-check FAILED ${message}`);
}

/**
 * One asserted statement. `actual` computes the statement's value (a thunk, so `throws(...)` can
 * catch); `expected` evaluates the expected expression, given `throws` as its parameter (so a
 * block's own `throws` cannot shadow it).
 */
export async function check(
  actual: () => unknown,
  expected: (helper: typeof throws) => unknown,
  site: CheckSite,
): Promise<void> {
  state.checks += 1;
  let want: unknown;
  try {
    want = expected(throws);
  } catch (error) {
    report(site, `the expected expression itself threw: ${show(error)}`);
    return;
  }
  let value: unknown;
  try {
    value = await actual();
  } catch (error) {
    if (want instanceof ExpectedThrow) {
      const message = error instanceof Error ? error.message : String(error);
      if (!message.includes(want.part)) {
        report(site, `expected a throw containing ${JSON.stringify(want.part)}, got: ${message}`);
      }
      return;
    }
    report(
      site,
      `the statement threw: ${error instanceof Error ? (error.stack ?? error.message) : show(error)}`,
    );
    return;
  }
  if (want instanceof ExpectedThrow) {
    report(site, `expected a throw containing ${JSON.stringify(want.part)}, got the value ${show(value)}`);
    return;
  }
  const why = mismatch(value, want);
  if (why) report(site, why);
}

/** The end of a block: the summary line the tier reads, and the exit code / `window.__result`. */
export function done(error?: unknown): void {
  if (error !== undefined) {
    state.failures.push(
      `the block threw: ${error instanceof Error ? `${error.name}: ${error.message}` : show(error)}`,
    );
    console.error(error);
  }
  const result = { checks: state.checks, failures: state.failures };
  console.log(`firth-check ${JSON.stringify(result)}`);
  const g = globalThis as { process?: { exitCode?: number }; window?: unknown; __result?: unknown };
  if (g.window !== undefined) g.__result = result;
  else if (g.process && state.failures.length > 0) g.process.exitCode = 1;
}
