/**
 * Fuzz format: PDF, read by `loadPdf` (@firth/rag pdf.ts, pdf.js through unpdf).
 *
 * Seeds: transformers.pdf, the 3-page fixture written by packages/rag/fixtures/make-pdf.mjs
 * (1.7 KB, uncompressed content streams), and the same pages with FlateDecode content streams and
 * a rebuilt cross-reference table (so the inflate limit's path is fuzzed too). Text mutators apply
 * (numbers, punctuation, lines: /Count, /Length, xref offsets, operators), and the `extra` ones
 * edit PDF structure: /Count, /Length, /Kids, a stream's filter, the header.
 *
 * What "consistent" means for an accepted PDF — a PDF reader repairs broken files (pdf.js rebuilds
 * a damaged xref), so this is not "the file is valid", but "what came out is true to the file":
 *   1. the file has '%PDF-' in its first 1024 bytes;
 *   2. at least one Document; all have source 'doc.pdf' and the same `pages`, an integer from 1 to
 *      1000 (maxPages), and at most the number of `obj` keywords in the file (every page is an
 *      object: pdf.js cannot report pages the file does not hold); `page` is an integer in
 *      [1, pages], strictly increasing; text non-empty, each line trimmed, no run of 3 newlines;
 *   3. no invented text: every ASCII letter/digit run of a page's text occurs in the concatenation
 *      of the string operands ((…) and <…>) of the file, and of each stream in it inflated, NFKC
 *      normalized as pdf.js normalizes text — items on one baseline are joined without a space, so
 *      a run may span two operands. Skipped when a zlib stream of the file is damaged (zlib cannot
 *      inflate it whole): pdf.js's lenient inflater then decodes garbled text that only pdf.js's
 *      own inflater could reproduce.
 * Not checked (documented in pdf.ts): a /Count smaller than the page tree makes pdf.js read only
 * the first /Count pages.
 */
import { readFileSync } from 'node:fs';
import { deflateSync, inflateSync, constants as zlib } from 'node:zlib';
import { loadPdf } from '@firth/rag';
import type { Files, FuzzFormat } from '../format.ts';
import type { Mutator } from '../mutate.ts';

const FILE = 'doc.pdf';
const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

/** A cross-reference table for the objects as they now lie in `text`, and a trailer after it. */
function rebuildXref(text: string): string {
  const body = text.slice(0, text.lastIndexOf('xref\n'));
  const trailer = /trailer\s*(<<[\s\S]*?>>)\s*startxref/.exec(text)?.[1] ?? '<< /Root 1 0 R >>';
  const offsets: number[] = [];
  for (const m of body.matchAll(/(\d+) 0 obj\n/g)) offsets[Number(m[1])] = m.index;
  const n = offsets.length;
  const entries = Array.from({ length: n }, (_, i) =>
    i === 0 || offsets[i] === undefined
      ? '0000000000 65535 f\r'
      : `${String(offsets[i]).padStart(10, '0')} 00000 n\r`,
  );
  return `${body}xref\n0 ${n}\n${entries.join('\n')}\ntrailer\n${trailer}\nstartxref\n${body.length}\n%%EOF\n`;
}

/** The fixture with its content streams FlateDecode-compressed, xref rebuilt. */
function flateSeed(pdf: string): string {
  const compressed = pdf.replace(/<< \/Length \d+ >>\nstream\n([\s\S]*?)\nendstream/g, (_, data: string) => {
    const z = latin1(deflateSync(Buffer.from(data, 'latin1')));
    return `<< /Length ${z.length} /Filter /FlateDecode >>\nstream\n${z}\nendstream`;
  });
  return rebuildXref(compressed);
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Replace one match of `re` (chosen at random) by `by(match)`. */
function replaceOne(text: string, re: RegExp, r: Rand, by: (m: string) => string): string {
  const all = [...text.matchAll(re)];
  if (all.length === 0) return text;
  const m = pick(r, all);
  return text.slice(0, m.index) + by(m[0]) + text.slice(m.index + m[0].length);
}

const structural = (name: string, edit: (pdf: string, r: Rand) => string, rebuild = false): Mutator => ({
  name,
  apply(b, r) {
    const out = edit(latin1(b), r);
    return bytes(rebuild && out.includes('xref\n') ? rebuildXref(out) : out);
  },
});

const extra: Mutator[] = [
  structural('change /Count', (pdf, r) =>
    replaceOne(pdf, /\/Count \d+/g, r, () => `/Count ${pick(r, [0, -1, 1, 2, 4, 1000, 1001, 1e9, 2 ** 31])}`),
  ),
  structural('change a /Length', (pdf, r) =>
    replaceOne(
      pdf,
      /\/Length \d+/g,
      r,
      (m) => `/Length ${pick(r, [0, 1, Number(m.slice(8)) + 7, 99999999, -5])}`,
    ),
  ),
  structural('change /Kids', (pdf, r) =>
    replaceOne(pdf, /\/Kids \[[^\]]*\]/g, r, () =>
      pick(r, ['/Kids []', '/Kids [2 0 R]', '/Kids [4 0 R 4 0 R]', '/Kids [99 0 R]', '/Kids 5']),
    ),
  ),
  structural(
    'swap a stream filter',
    (pdf, r) =>
      replaceOne(
        pdf,
        /<< \/Length \d+( \/Filter \/FlateDecode)? >>/g,
        r,
        (m) =>
          m.replace(/ >>$/, '').replace(/ \/Filter \/FlateDecode/, '') +
          pick(r, [
            ' /Filter /FlateDecode >>',
            ' >>',
            ' /Filter /LZWDecode >>',
            ' /Filter [/FlateDecode /FlateDecode] >>',
            ' /Filter 9 0 R >>',
          ]),
      ),
    true,
  ),
  structural('edit a text operator', (pdf, r) =>
    replaceOne(pdf, /\(([^()\\]*)\) Tj/g, r, (m) =>
      pick(r, [
        '() Tj',
        `${m} ${m}`,
        '(\\) Tj',
        '(a) Tj (b) Tj',
        '[(x) -200 (y)] TJ',
        '<48656c6c6f> Tj',
        m.replace('Tj', 'TJ'),
      ]),
    ),
  ),
  structural('move the header', (pdf, r) =>
    pick(r, [`${'x'.repeat(1030)}${pdf}`, `junk\n${pdf}`, pdf.replace('%PDF-1.4', '%PDF-9.9')]),
  ),
];

/**
 * The string operands in `s`, concatenated: (…) literals (nested parentheses, escapes, octal) and
 * <…> hex strings — a '<' opens one only when hex digits and a '>' follow, as a PDF lexer reads it.
 */
function stringOperands(s: string): string {
  let out = '';
  const hex = /<([0-9A-Fa-f\s]*)>/y;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') {
      let depth = 1;
      for (i++; i < s.length && depth > 0; i++) {
        const c = s[i]!;
        if (c === '\\') {
          const octal = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4))?.[0];
          if (octal) {
            out += String.fromCharCode(Number.parseInt(octal, 8) & 255);
            i += octal.length;
          } else {
            const next = s[++i] ?? '';
            out += ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[next] ?? next;
          }
        } else if (c === '(') {
          depth++;
          out += c;
        } else if (c === ')') {
          if (--depth > 0) out += c;
        } else out += c;
      }
      i--;
    } else if (s[i] === '<') {
      hex.lastIndex = i;
      const m = hex.exec(s);
      if (!m) continue;
      const digits = m[1]!.replace(/\s/g, '');
      for (let j = 0; j < digits.length; j += 2)
        out += String.fromCharCode(Number.parseInt(digits.slice(j, j + 2).padEnd(2, '0'), 16));
      i = hex.lastIndex - 1;
    }
  }
  return out;
}

/**
 * The longest output zlib gives for a prefix of `data` (16 MiB at most), and whether the whole
 * failed (damaged compressed data). Binary search on the prefix length — a prefix fails to inflate
 * exactly when it reaches the damage.
 */
function inflatePrefix(data: Uint8Array): { out: Uint8Array; damaged: boolean } {
  const attempt = (n: number) => {
    try {
      return inflateSync(data.subarray(0, n), {
        maxOutputLength: 16 * 2 ** 20,
        finishFlush: zlib.Z_SYNC_FLUSH,
      });
    } catch {
      return null;
    }
  };
  const whole = attempt(data.length);
  if (whole) return { out: whole, damaged: false };
  let [ok, bad] = [0, data.length];
  while (bad - ok > 1) {
    const mid = (ok + bad) >> 1;
    if (attempt(mid)) ok = mid;
    else bad = mid;
  }
  const out = attempt(ok) ?? new Uint8Array();
  return { out, damaged: out.length > 0 };
}

/**
 * The file as latin1 text and each stream in it inflated (up to 3 layers of zlib); `damaged` when
 * some zlib stream cannot be inflated whole — what pdf.js's own, lenient inflater makes of
 * damaged compressed data (garbled back-references) cannot then be reproduced here.
 */
function decodedParts(b: Uint8Array): { parts: string[]; damaged: boolean } {
  const raw = latin1(b);
  const parts = [raw];
  let damaged = false;
  for (const m of raw.matchAll(/stream\r?\n/g)) {
    let data: Uint8Array = b.subarray(m.index + m[0].length);
    for (let layer = 0; layer < 3 && data.length > 0; layer++) {
      const inflated = inflatePrefix(data);
      damaged ||= inflated.damaged;
      data = inflated.out;
      if (data.length > 0) parts.push(latin1(data));
    }
  }
  return { parts, damaged };
}

type Docs = Awaited<ReturnType<typeof loadPdf>>;

function inconsistency(files: Files, loaded: unknown): string | null {
  const b = files[FILE]!;
  if (!latin1(b.subarray(0, 1024)).includes('%PDF-')) return 'no %PDF- header in the first 1024 bytes';
  const docs = loaded as Docs;
  if (docs.length === 0) return 'no Documents';
  const { parts, damaged } = decodedParts(b);
  const pages = docs[0]!.metadata.pages;
  const objects = parts.reduce((n, part) => n + [...part.matchAll(/\bobj\b/g)].length, 0);
  if (!Number.isInteger(pages) || pages < 1 || pages > 1000 || pages > objects)
    return `pages ${pages} (the file holds ${objects} objects)`;
  // each part on its own (binary junk in one cannot swallow another); NFKC as pdf.js normalizes text
  const operands = parts.map((part) => stringOperands(part).normalize('NFKC')).join('\n');
  let last = 0;
  for (const d of docs) {
    const { source, page } = d.metadata;
    if (source !== FILE || d.metadata.pages !== pages) return `metadata ${JSON.stringify(d.metadata)}`;
    if (!Number.isInteger(page) || page <= last || page > pages)
      return `page ${page} after ${last} of ${pages}`;
    last = page;
    const t = d.pageContent;
    if (t === '' || t.includes('\n\n\n') || t.split('\n').some((l) => l !== l.trim()))
      return `page ${page}: layout`;
    if (damaged) continue; // rule 3 needs every stream reproducible
    for (const word of t.match(/[A-Za-z0-9]+/g) ?? [])
      if (!operands.includes(word)) return `page ${page}: "${word}" is in no string of the file`;
  }
  return null;
}

const fixture = latin1(
  readFileSync(new URL('../../../../packages/rag/fixtures/transformers.pdf', import.meta.url)),
);

const format: FuzzFormat = {
  name: 'pdf',
  kind: 'text',
  seeds: () => [{ [FILE]: bytes(fixture) }, { [FILE]: bytes(flateSeed(fixture)) }],
  extra,
  load: (files) => loadPdf(files[FILE]!, FILE),
  inconsistency,
};
export default format;
