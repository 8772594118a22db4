/**
 * Document loaders — the first step of RAG (issue 7, "RAG and agents"): text in some format becomes
 * LangChain `Document`s, each with `metadata.source` and, where the format has structure, where in
 * the source it came from (`section`).
 *
 *   loadMarkdown('# Intro\nHi.\n## Setup\nRun it.', 'notes.md')
 *   // [Document { pageContent: 'Hi.', metadata: { source: 'notes.md', section: 'Intro' } },
 *   //  Document { pageContent: 'Run it.', metadata: { source: 'notes.md', section: 'Intro > Setup' } }]
 *
 * Formats: plain text, Markdown, HTML, JSON, and PDF (`pdf.ts`, one Document per page). Deliberately
 * left out: DOCX, OCR. `FileLoader` reads files only from inside one configured root folder.
 */
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { Document } from '@langchain/core/documents';
import { loadPdf } from './pdf.js';

/** Metadata every loader sets. */
export interface SourceMetadata extends Record<string, unknown> {
  /** Where the text came from: a file path relative to the loader's root, or the name given. */
  source: string;
  /** Heading path (Markdown, 'A > B'), JSON path (JSON) — absent for plain text. */
  section?: string;
  /** Page number, 1-based (PDF). */
  page?: number;
  /** Pages in the file (PDF). */
  pages?: number;
}

/** Plain text: one Document. */
export function loadText(text: string, source = 'text'): Document<SourceMetadata>[] {
  return [new Document({ pageContent: text, metadata: { source } })];
}

/**
 * Markdown: one Document per section, split at ATX headings (`#` … `######`, outside fenced code).
 * `metadata.section` is the path of headings above the text ('Intro > Setup'); text before the first
 * heading has no section. Sections with no text under their heading are skipped.
 */
export function loadMarkdown(text: string, source = 'markdown'): Document<SourceMetadata>[] {
  const docs: Document<SourceMetadata>[] = [];
  const headings: string[] = []; // headings[level - 1]
  let lines: string[] = [];
  let inFence = false;
  const flush = () => {
    const body = lines.join('\n').trim();
    lines = [];
    if (body === '') return;
    const path = headings.filter(Boolean);
    const metadata: SourceMetadata = { source };
    if (path.length > 0) metadata.section = path.join(' > ');
    docs.push(new Document({ pageContent: body, metadata }));
  };
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const m = inFence ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (m) {
      flush();
      const level = m[1]!.length;
      headings.length = level;
      headings[level - 1] = m[2]!;
    } else lines.push(line);
  }
  flush();
  return docs;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

/**
 * HTML: the visible text (no tags, `<script>`, `<style>`, comments; block elements become line
 * breaks; entities decoded), with `metadata.title` from `<title>`.
 *
 *   loadHtml('<title>T</title><p>a &amp; b</p><script>x()</script>', 'page.html')[0]
 *   // Document { pageContent: 'a & b', metadata: { source: 'page.html', title: 'T' } }
 */
export function loadHtml(html: string, source = 'html'): Document<SourceMetadata>[] {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|noscript|template|head|title)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(
      /<(br|\/?(p|div|h[1-6]|li|ul|ol|tr|table|section|article|header|footer|pre|blockquote))\b[^>]*>/gi,
      '\n',
    )
    .replace(/<[^>]*>/g, '');
  const clean = decodeEntities(text)
    .split('\n')
    .map((l) => l.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');
  const metadata: SourceMetadata = { source };
  if (title !== undefined) metadata.title = decodeEntities(title).replace(/\s+/g, ' ').trim();
  return [new Document({ pageContent: clean, metadata })];
}

export interface JsonLoadOptions {
  /**
   * Dotted field path whose string values become Documents ('items.text'); arrays on the way are
   * walked element by element. @default undefined — every string in the JSON, each its own Document
   */
  path?: string;
}

/**
 * JSON: one Document per string found, `metadata.section` its JSON path.
 *
 *   loadJson('{"items":[{"text":"a"},{"text":"b"}]}', 'x.json', { path: 'items.text' })
 *   // [Document { pageContent: 'a', metadata: { source: 'x.json', section: 'items[0].text' } }, …'b']
 */
export function loadJson(
  json: string,
  source = 'json',
  options: JsonLoadOptions = {},
): Document<SourceMetadata>[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const found: [string, string][] = [];
  const keys = options.path ? options.path.split('.').filter(Boolean) : undefined;
  const walk = (v: unknown, at: string, rest: string[] | undefined): void => {
    if (Array.isArray(v))
      v.forEach((x, i) => {
        walk(x, `${at}[${i}]`, rest);
      });
    else if (rest && rest.length > 0) {
      if (v !== null && typeof v === 'object' && rest[0]! in v)
        walk((v as Record<string, unknown>)[rest[0]!], at ? `${at}.${rest[0]}` : rest[0]!, rest.slice(1));
    } else if (typeof v === 'string') {
      if (v.trim() !== '') found.push([at || '$', v]);
    } else if (v !== null && typeof v === 'object' && !rest)
      for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k, undefined);
  };
  walk(value, '', keys);
  if (keys && found.length === 0) throw new Error(`${source}: no string values at path "${options.path}"`);
  return found.map(([section, text]) => new Document({ pageContent: text, metadata: { source, section } }));
}

/** Loaders by file extension. */
const BY_EXTENSION: Record<string, (text: string, source: string) => Document<SourceMetadata>[]> = {
  '.txt': loadText,
  '.text': loadText,
  '.md': loadMarkdown,
  '.markdown': loadMarkdown,
  '.html': loadHtml,
  '.htm': loadHtml,
  '.json': (t, s) => loadJson(t, s),
};

/** File extensions `FileLoader` reads: the text formats above, and `.pdf` (bytes, `loadPdf`). */
export const SUPPORTED_EXTENSIONS = [...Object.keys(BY_EXTENSION), '.pdf'];

export interface FileLoaderOptions {
  /** The only folder files may be read from; symlinks must also resolve inside it. */
  root: string;
  /** Largest file read, in bytes. @default 10_000_000 — keeps a stray upload from filling memory */
  maxBytes?: number;
}

/**
 * Reads files under one root folder into Documents, choosing the loader by extension.
 * Refuses, with a message naming the file: paths escaping the root (`..`, absolute paths elsewhere,
 * symlinks whose target lies outside), unsupported extensions (the message lists the supported
 * ones), empty or whitespace-only files, binary content in a text format (NUL bytes or invalid
 * UTF-8), and PDFs that are not PDFs, are truncated, encrypted or have no text (see `loadPdf`).
 *
 *   await new FileLoader({ root: 'docs' }).load('guide/intro.md') // [Document { metadata: { source: 'guide/intro.md', section: … } }, …]
 */
export class FileLoader {
  readonly root: string;
  readonly maxBytes: number;

  constructor(options: FileLoaderOptions) {
    this.root = realpathSync(resolve(options.root));
    this.maxBytes = options.maxBytes ?? 10_000_000;
  }

  private inside(p: string): boolean {
    const rel = relative(this.root, p);
    return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
  }

  /** The real path of `file` (relative to the root, or absolute inside it), checked. */
  resolvePath(file: string): string {
    const lexical = resolve(this.root, file);
    if (!this.inside(lexical)) throw new Error(`"${file}" is outside the loader root ${this.root}`);
    let real: string;
    try {
      lstatSync(lexical);
      real = realpathSync(lexical);
    } catch {
      throw new Error(`"${file}" does not exist under ${this.root}`);
    }
    if (!this.inside(real))
      throw new Error(`"${file}" is a symlink to ${real}, outside the loader root ${this.root}`);
    return real;
  }

  /** Documents of one file. */
  async load(file: string): Promise<Document<SourceMetadata>[]> {
    const real = this.resolvePath(file);
    const source = relative(this.root, resolve(this.root, file)).split(sep).join('/');
    const ext = extname(real).toLowerCase();
    const loader = BY_EXTENSION[ext];
    if (!loader && ext !== '.pdf')
      throw new Error(
        `"${file}": unsupported file type "${ext || '(none)'}"; supported: ${SUPPORTED_EXTENSIONS.join(', ')}`,
      );
    const stat = statSync(real);
    if (!stat.isFile()) throw new Error(`"${file}" is not a regular file`);
    if (stat.size === 0) throw new Error(`"${file}" is empty`);
    if (stat.size > this.maxBytes)
      throw new Error(`"${file}" is ${stat.size} bytes, over maxBytes ${this.maxBytes}`);
    const bytes = readFileSync(real);
    if (!loader) return loadPdf(bytes, source);
    if (bytes.includes(0)) throw new Error(`"${file}" looks binary (contains NUL bytes)`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new Error(`"${file}" is not valid UTF-8 text`);
    }
    if (text.trim() === '') throw new Error(`"${file}" is empty (whitespace only)`);
    return loader(text.replace(/^\uFEFF/, ''), source);
  }

  /** Documents of several files, in order. */
  async loadAll(files: string[]): Promise<Document<SourceMetadata>[]> {
    const out: Document<SourceMetadata>[] = [];
    for (const f of files) out.push(...(await this.load(f)));
    return out;
  }
}
