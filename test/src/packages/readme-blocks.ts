/**
 * README code blocks as programs (the convention: /work/wt/README-CONVENTION.md): extraction from
 * the Markdown, the `// →` rewrite into checker calls, and the CommonJS form.
 *
 * Line numbers survive every step: the TypeScript a block becomes is padded with blank lines so
 * its line N is the README's line N, and esbuild's inline source map (with the README as its
 * source) makes Node's stack traces name `README.md:<line>`.
 */
import { transform } from 'esbuild';

export type Flag = 'needs-network' | 'browser' | 'no-check';
const FLAGS: ReadonlySet<string> = new Set(['needs-network', 'browser', 'no-check']);
const LANGUAGES: ReadonlySet<string> = new Set(['ts', 'typescript', 'js', 'javascript']);

export interface Block {
  /** The package whose README holds it (`@firth/numeric`). */
  pkg: string;
  /** The README's path as the tier names it (`packages/numeric/README.md`). */
  readme: string;
  /** 1-based among the README's runnable-language blocks. */
  index: number;
  lang: 'ts' | 'js';
  flags: Flag[];
  /** Unknown words of the info string: a typo such as `ts broswer` must not pass silently. */
  unknownFlags: string[];
  code: string;
  /** README line of the block's first code line. */
  line: number;
}

/** Every ts/typescript/js/javascript fenced block of a README, in order. */
export function extractBlocks(markdown: string, pkg: string, readme: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  let index = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const fence = open[1] as string;
    const words = (open[2] ?? '').trim().split(/\s+/).filter(Boolean);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[j] ?? '');
      if (close && close[1]?.[0] === fence[0] && (close[1]?.length ?? 0) >= fence.length) break;
      body.push(lines[j] ?? '');
    }
    const language = (words[0] ?? '').toLowerCase();
    if (LANGUAGES.has(language)) {
      index += 1;
      const rest = words.slice(1);
      blocks.push({
        pkg,
        readme,
        index,
        lang: language.startsWith('t') ? 'ts' : 'js',
        flags: rest.filter((w): w is Flag => FLAGS.has(w)),
        unknownFlags: rest.filter((w) => !FLAGS.has(w)),
        code: body.join('\n'),
        line: i + 2,
      });
    }
    i = j;
  }
  return blocks;
}

/** The block's test name: package, block number and its first line of code. */
export function blockTitle(block: Block): string {
  const first = block.code.split('\n').find((l) => l.trim() && !l.trim().startsWith('//')) ?? '';
  const short = first.trim().length > 70 ? `${first.trim().slice(0, 69)}…` : first.trim();
  return `${block.pkg} README block ${block.index} (line ${block.line}): ${short}`;
}

/** Where the first `//` comment of a line starts, outside strings and template literals; -1 if none. */
export function commentStart(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/') return i;
    else if (c === '/' && line[i + 1] === '*') {
      const end = line.indexOf('*/', i + 2);
      if (end < 0) return -1;
      i = end + 1;
    }
  }
  return -1;
}

/** One `// →` line: its statement and expected expression. */
export interface Assertion {
  line: number;
  code: string;
  expected: string;
}

const DECLARATION = /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=(?!=)\s*\S/;

/**
 * Wraps every numeric literal of an expected expression in `__firth.expectedNumber(value, "text")`
 * so the checker knows the decimals written (`3.000` vs `3`). Strings are left alone; a `-` is
 * part of the literal where it can only be a sign (after `[`, `(`, `,`, `:`, `{`, `?` or at the start).
 */
export function markNumbers(expected: string): string {
  let out = '';
  let i = 0;
  const prevSignificant = () => out.trimEnd().slice(-1);
  while (i < expected.length) {
    const c = expected[i] as string;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < expected.length && expected[j] !== c) j += expected[j] === '\\' ? 2 : 1;
      out += expected.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[\w$]+/.exec(expected.slice(i)) as RegExpExecArray;
      out += m[0];
      i += m[0].length;
      continue;
    }
    const before = prevSignificant();
    const signAllowed = before === '' || '[(,:{?'.includes(before);
    const num = /^(-\s*)?(\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)(?![\w$.])/.exec(
      expected.slice(i),
    );
    if (num && (c !== '-' || signAllowed) && out.slice(-1) !== '.') {
      const after = expected.slice(i + num[0].length);
      const isKey = /^\s*:/.test(after) && (before === '{' || before === ',');
      if (!isKey) {
        const text = num[0].replace(/\s+/g, '');
        out += `__firth.expectedNumber(${text}, ${JSON.stringify(text)})`;
        i += num[0].length;
        continue;
      }
    }
    out += c;
    i += 1;
  }
  return out;
}

/**
 * The block's TypeScript with each `// →` line rewritten into a checker call on the same line,
 * padded so that line numbers are the README's. Throws a message naming the line when an
 * assertion cannot be rewritten (no statement before the arrow).
 */
export function rewriteAssertions(block: Block): { source: string; assertions: Assertion[] } {
  const assertions: Assertion[] = [];
  const lines = block.code.split('\n').map((text, k) => {
    const at = commentStart(text);
    if (at < 0) return text;
    const comment = text.slice(at + 2).trimStart();
    if (!comment.startsWith('→')) return text;
    const line = block.line + k;
    const expected = comment.slice(1).trim();
    const statement = text.slice(0, at).trim().replace(/;\s*$/, '');
    if (!statement || !expected) {
      throw new Error(
        `${block.readme}:${line}: a "// →" assertion needs a statement before it and an expected value after it: ${text.trim()}`,
      );
    }
    const site = JSON.stringify({ line, code: statement, expected });
    const want = `(throws) => (${markNumbers(expected)})`;
    assertions.push({ line, code: statement, expected });
    const indent = /^\s*/.exec(text)?.[0] ?? '';
    const declared = DECLARATION.exec(statement);
    if (declared)
      return `${indent}${statement}; await __firth.check(() => ${declared[1]}, ${want}, ${site});`;
    return `${indent}await __firth.check(async () => (${statement}), ${want}, ${site});`;
  });
  const padding = '\n'.repeat(block.line - 1);
  return { source: `${padding}${lines.join('\n')}\n`, assertions };
}

export interface Compiled {
  esm: string;
  cjs: string;
  assertions: Assertion[];
}

/**
 * The block as `block.mjs` and `block.cjs` source: `checker` is the import specifier of the
 * checker (an absolute file URL for ESM, a path for CommonJS). `readmePath` names the source in
 * stack traces.
 */
export async function compileBlock(
  block: Block,
  checker: { esm: string; cjs: string },
  readmePath: string,
): Promise<Compiled> {
  const { source, assertions } = rewriteAssertions(block);
  const js = await transform(source, {
    loader: block.lang === 'ts' ? 'ts' : 'js',
    format: 'esm',
    target: 'es2022',
    sourcemap: 'inline',
    sourcefile: readmePath,
  });
  const esm = `import * as __firth from ${JSON.stringify(checker.esm)};${js.code.replace(
    /(\n\/\/# sourceMappingURL=)/,
    '\n__firth.done();$1',
  )}`;
  return { esm, cjs: toCommonJs(js.code, checker.cjs), assertions };
}

const IMPORT = /^import\s+(?:([\s\S]*?)\s+from\s+)?("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*');?[ \t]*$/gm;

/**
 * An ES module (esbuild's output: one import declaration per statement, at the top) as CommonJS:
 * each import becomes a `require` on the same lines, the rest runs in an async function (for
 * top-level await), then the checker's `done`.
 */
export function toCommonJs(code: string, checker: string): string {
  let headEnd = 0;
  let delta = 0;
  const replaced = code.replace(IMPORT, (whole, clause: string | undefined, spec: string, offset: number) => {
    const newlines = '\n'.repeat((whole.match(/\n/g) ?? []).length);
    const replacement = `${importToRequire(clause, spec)}${newlines}`;
    delta += replacement.length - whole.length;
    headEnd = offset + whole.length + delta;
    return replacement;
  });
  const mapAt = replaced.lastIndexOf('\n//# sourceMappingURL=');
  const end = mapAt >= 0 ? mapAt : replaced.length;
  return (
    `"use strict";const __firth = require(${JSON.stringify(checker)});` +
    `const __firthDefault = (m) => (m && m.__esModule && 'default' in m ? m.default : m);` +
    `${replaced.slice(0, headEnd)}(async () => {${replaced.slice(headEnd, end)}\n})().then(() => __firth.done(), (e) => __firth.done(e));${replaced.slice(end)}`
  );
}

function importToRequire(clause: string | undefined, spec: string): string {
  const req = `require(${spec})`;
  if (!clause) return `${req};`;
  const parts: string[] = [];
  let rest = clause.trim();
  const star = /^\*\s+as\s+([\w$]+)$/.exec(rest);
  if (star) return `const ${star[1]} = ${req};`;
  const def = /^([\w$]+)\s*(?:,\s*([\s\S]*))?$/.exec(rest);
  if (def) {
    parts.push(`const ${def[1]} = __firthDefault(${req});`);
    rest = (def[2] ?? '').trim();
    const starAfter = /^\*\s+as\s+([\w$]+)$/.exec(rest);
    if (starAfter) return `${parts.join('')}const ${starAfter[1]} = ${req};`;
  }
  if (rest.startsWith('{')) {
    const names = rest
      .replace(/^\{|\}$/g, '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)
      .map((n) => {
        const m = /^([\w$]+|"[^"]*")\s+as\s+([\w$]+)$/.exec(n);
        return m ? `${m[1]}: ${m[2]}` : n;
      });
    parts.push(`const { ${names.join(', ')} } = ${req};`);
  }
  return parts.join('');
}
