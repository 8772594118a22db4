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
 *
 * Limits (each error names the file and the limit): a file is at most `maxBytes` (10 MB), checked
 * with stat before a byte is read; its text at most MAX_TEXT_LENGTH (4 Mi UTF-16 units, from
 * @firth/numeric); a PDF at most `maxPages` (1000); a folder listing at most `maxFiles` (10 000)
 * entries and `maxDepth` (16) levels. Every parser here runs in linear time in its input: no
 * regular expression that can backtrack over the whole text from each of many start positions.
 */
import {
  closeSync,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
} from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { checkTextLength, FormatError, MAX_TEXT_LENGTH, parseJson, ValidationError } from '@firth/numeric';
import { Document } from '@langchain/core/documents';
import { loadPdf, MAX_PDF_PAGES, type PdfOptions } from './pdf.js';

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

/** Largest file `FileLoader` reads, in bytes (checked with stat, before reading). */
export const MAX_FILE_BYTES = 10_000_000;

/** Plain text: one Document. */
export function loadText(text: string, source = 'text'): Document<SourceMetadata>[] {
  checkTextLength(text, source);
  return [new Document({ pageContent: text, metadata: { source } })];
}

/**
 * An ATX heading line ('## Setup ##') as [level, title], else undefined. By hand, not by a regex
 * such as /^(#{1,6})\s+(.*?)\s*#*\s*$/, whose lazy group backtracks cubically on a long line.
 * The title drops trailing whitespace, then trailing '#'s, then whitespace again.
 */
function atxHeading(line: string): [number, string] | undefined {
  let level = 0;
  while (level < line.length && line[level] === '#') level++;
  if (level < 1 || level > 6 || !/\s/.test(line[level] ?? '')) return undefined;
  let end = line.length;
  const trimEnd = () => {
    while (end > level && /\s/.test(line[end - 1]!)) end--;
  };
  trimEnd();
  while (end > level && line[end - 1] === '#') end--;
  trimEnd();
  return [level, line.slice(level, end).trimStart()];
}

/**
 * Markdown: one Document per section, split at ATX headings (`#` … `######`, outside fenced code).
 * `metadata.section` is the path of headings above the text ('Intro > Setup'); text before the first
 * heading has no section. Sections with no text under their heading are skipped.
 */
export function loadMarkdown(text: string, source = 'markdown'): Document<SourceMetadata>[] {
  checkTextLength(text, source);
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
    const heading = inFence ? undefined : atxHeading(line);
    if (heading) {
      flush();
      const [level, title] = heading;
      headings.length = level;
      headings[level - 1] = title;
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
 * `re` (global, each match ending in `terminator`) replaced only before the last `terminator`:
 * the same result as `text.replace(re, …)`, but linear. Without the cut, a start with no
 * terminator after it (`<` with no `>`) is scanned to the end of the text, once per start.
 */
function replaceBeforeLast(text: string, terminator: string, re: RegExp, by: string): string {
  const last = text.lastIndexOf(terminator);
  if (last < 0) return text;
  const cut = last + terminator.length;
  return text.slice(0, cut).replace(re, by) + text.slice(cut);
}

/** Where the last match of `re` (global) starts, or −1. */
function lastMatch(text: string, re: RegExp): number {
  let at = -1;
  for (const m of text.matchAll(re)) at = m.index;
  return at;
}

/**
 * The text of the first `<title …>` that a `</title>` follows (as /<title[^>]*>([\s\S]*?)<\/title>/i
 * finds it), in linear time: open tags are searched only before the last `</title>`, and there
 * only up to the last '>' — so every `<title` searched has its '>' and its close after it.
 */
function htmlTitle(html: string): string | undefined {
  const close = lastMatch(html, /<\/title>/gi);
  if (close < 0) return undefined;
  const before = html.slice(0, close);
  const open = /<title[^>]*>/i.exec(before.slice(0, before.lastIndexOf('>') + 1));
  if (!open) return undefined;
  const from = open.index + open[0].length;
  const end = /<\/title>/gi;
  end.lastIndex = from;
  return html.slice(from, end.exec(html)!.index);
}

/** Elements whose content is not visible text. */
const HIDDEN = ['script', 'style', 'noscript', 'template', 'head', 'title'];

/**
 * Drops each hidden element, `<script …>` through the first `</script>` after it (any case,
 * whitespace before '>'), in document order; an element never closed stays (its tags are then
 * stripped as any tag). One pass: each close is searched once, from where the last one ended.
 */
function dropHidden(html: string): string {
  const open = new RegExp(`<(${HIDDEN.join('|')})\\b`, 'gi');
  // where each element's last close starts: an open after it can have no close (-1: none at all)
  const lastClose = new Map(
    HIDDEN.map((name) => [name, lastMatch(html, new RegExp(`</${name}\\s*>`, 'gi'))]),
  );
  let out = '';
  let kept = 0;
  for (let m = open.exec(html); m; m = open.exec(html)) {
    const name = m[1]!.toLowerCase();
    if (m.index >= lastClose.get(name)!) continue;
    const close = new RegExp(`</${name}\\s*>`, 'gi');
    close.lastIndex = open.lastIndex;
    if (!close.exec(html)) continue; // cannot happen: this open starts before the last close
    out += html.slice(kept, m.index);
    kept = close.lastIndex;
    open.lastIndex = kept;
  }
  return out + html.slice(kept);
}

/**
 * HTML: the visible text (no tags, `<script>`, `<style>`, comments; block elements become line
 * breaks; entities decoded), with `metadata.title` from `<title>`.
 *
 *   loadHtml('<title>T</title><p>a &amp; b</p><script>x()</script>', 'page.html')[0]
 *   // Document { pageContent: 'a & b', metadata: { source: 'page.html', title: 'T' } }
 */
export function loadHtml(html: string, source = 'html'): Document<SourceMetadata>[] {
  checkTextLength(html, source);
  const title = htmlTitle(html);
  let text = replaceBeforeLast(html, '-->', /<!--[\s\S]*?-->/g, '');
  text = dropHidden(text);
  text = replaceBeforeLast(
    text,
    '>',
    /<(br|\/?(p|div|h[1-6]|li|ul|ol|tr|table|section|article|header|footer|pre|blockquote))\b[^>]*>/gi,
    '\n',
  );
  text = replaceBeforeLast(text, '>', /<[^>]*>/g, '');
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
  checkTextLength(json, source);
  const value = parseJson(json, source);
  const found: [string, string][] = [];
  const keys = options.path ? options.path.split('.').filter(Boolean) : undefined;
  // a walk with its own stack (deep nesting cannot overflow the call stack); children are pushed
  // in reverse, so they come off in document order. Each entry: value, its path, keys matched.
  const stack: [unknown, string, number][] = [[value, '', 0]];
  let pathChars = 0;
  while (stack.length > 0) {
    const [v, at, matched] = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}[${i}]`, matched]);
    } else if (keys && matched < keys.length) {
      const key = keys[matched]!;
      if (v !== null && typeof v === 'object' && key in v)
        stack.push([(v as Record<string, unknown>)[key], at ? `${at}.${key}` : key, matched + 1]);
    } else if (typeof v === 'string') {
      if (v.trim() === '') continue;
      const section = at || '$';
      // the paths repeat their keys once per string below them: bound what they add up to
      pathChars += section.length;
      if (pathChars > MAX_TEXT_LENGTH)
        throw new FormatError(
          source,
          '',
          `has JSON paths totalling over ${MAX_TEXT_LENGTH} characters (nested too deep, or very long keys); pick the strings with options.path`,
        );
      found.push([section, v]);
    } else if (v !== null && typeof v === 'object' && !keys) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i]!;
        stack.push([x, at ? `${at}.${k}` : k, matched]);
      }
    }
  }
  if (keys && found.length === 0)
    throw new FormatError(source, '', `has no string values at path "${options.path}"`);
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

export interface FileLoaderOptions extends PdfOptions {
  /** The only folder files may be read from; symlinks must also resolve inside it. */
  root: string;
  /** Largest file read, in bytes, checked before reading. @default MAX_FILE_BYTES (10 MB) — keeps a stray upload from filling memory */
  maxBytes?: number;
  /** Most entries (files and folders) `list` walks. @default 10_000 */
  maxFiles?: number;
  /** Deepest sub-folder `list` enters (0: the folder itself only). @default 16 */
  maxDepth?: number;
}

/** A positive integer option, or a ValidationError naming it. */
function limit(value: number | undefined, fallback: number, name: string, min = 1): number {
  if (value === undefined) return fallback;
  if (!(Number.isSafeInteger(value) && value >= min))
    throw new ValidationError(`${name} must be an integer ≥ ${min}, got ${String(value)}`, name);
  return value;
}

/**
 * Reads files under one root folder into Documents, choosing the loader by extension.
 * Refuses, with a message naming the file: paths escaping the root (`..`, absolute paths elsewhere,
 * symlinks whose target lies outside), unsupported extensions (the message lists the supported
 * ones), files over `maxBytes` (before reading them), empty or whitespace-only files, binary
 * content in a text format (NUL bytes or invalid UTF-8), text over MAX_TEXT_LENGTH characters, and
 * PDFs that are not PDFs, are truncated, encrypted, over `maxPages` or have no text (see `loadPdf`).
 *
 *   await new FileLoader({ root: 'docs' }).load('guide/intro.md') // [Document { metadata: { source: 'guide/intro.md', section: … } }, …]
 */
export class FileLoader {
  readonly root: string;
  readonly maxBytes: number;
  readonly maxPages: number;
  readonly maxDecodedBytes: number | undefined;
  readonly maxFiles: number;
  readonly maxDepth: number;

  constructor(options: FileLoaderOptions) {
    if (typeof options?.root !== 'string' || options.root === '')
      throw new ValidationError('FileLoader: root must be a folder path', 'root');
    try {
      this.root = realpathSync(resolve(options.root));
    } catch {
      throw new ValidationError(`FileLoader: the root folder ${options.root} does not exist`, 'root');
    }
    this.maxBytes = limit(options.maxBytes, MAX_FILE_BYTES, 'maxBytes');
    this.maxPages = limit(options.maxPages, MAX_PDF_PAGES, 'maxPages');
    this.maxDecodedBytes = options.maxDecodedBytes;
    this.maxFiles = limit(options.maxFiles, 10_000, 'maxFiles');
    this.maxDepth = limit(options.maxDepth, 16, 'maxDepth', 0);
  }

  private inside(p: string): boolean {
    const rel = relative(this.root, p);
    return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
  }

  /** The real path of `file` (relative to the root, or absolute inside it), checked. */
  resolvePath(file: string): string {
    if (typeof file !== 'string' || file === '')
      throw new ValidationError('FileLoader: a file name must be a non-empty string', 'file');
    const lexical = resolve(this.root, file);
    if (!this.inside(lexical))
      throw new ValidationError(`"${file}" is outside the loader root ${this.root}`, file);
    let real: string;
    try {
      lstatSync(lexical);
      real = realpathSync(lexical);
    } catch {
      throw new ValidationError(`"${file}" does not exist under ${this.root}`, file);
    }
    if (!this.inside(real))
      throw new ValidationError(
        `"${file}" is a symlink to ${real}, outside the loader root ${this.root}`,
        file,
      );
    return real;
  }

  /**
   * The supported files under `folder` (relative to the root; default the root itself), as paths
   * relative to the root with '/' separators, sorted. Symlinked folders are not entered (a link
   * cycle cannot loop); symlinked files are listed and checked when loaded. Refuses a folder with
   * more than `maxFiles` entries or nested deeper than `maxDepth`, naming the limit.
   */
  list(folder = '.'): string[] {
    const start = this.resolvePath(folder);
    const files: string[] = [];
    let seen = 0;
    const pending: [string, number][] = [[start, 0]];
    while (pending.length > 0) {
      const [dir, depth] = pending.pop()!;
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (error) {
        throw new ValidationError(`"${folder}": cannot list ${dir} (${(error as Error).message})`, folder);
      }
      for (const entry of entries) {
        if (++seen > this.maxFiles)
          throw new ValidationError(
            `"${folder}" holds more than ${this.maxFiles} files and folders (maxFiles); load a smaller folder or raise maxFiles`,
            folder,
          );
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (depth + 1 > this.maxDepth)
            throw new ValidationError(
              `"${folder}" nests folders deeper than ${this.maxDepth} levels (maxDepth), at ${relative(this.root, path)}`,
              folder,
            );
          pending.push([path, depth + 1]);
        } else if (SUPPORTED_EXTENSIONS.includes(extname(entry.name).toLowerCase()))
          files.push(relative(this.root, path).split(sep).join('/'));
      }
    }
    return files.sort();
  }

  /**
   * The bytes of a regular file, read through one descriptor: its size checked (not empty, at
   * most maxBytes) before anything is read, and no more than that size read.
   */
  private readBytes(real: string, file: string): Buffer {
    const fd = openSync(real, 'r');
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new ValidationError(`"${file}" is not a regular file`, file);
      if (stat.size === 0) throw new ValidationError(`"${file}" is empty`, file);
      if (stat.size > this.maxBytes)
        throw new ValidationError(
          `"${file}" is ${stat.size} bytes, over maxBytes ${this.maxBytes}; raise maxBytes to read it`,
          file,
        );
      const bytes = Buffer.alloc(stat.size);
      let n = 0;
      for (let got = 1; n < bytes.length && got > 0; n += got)
        got = readSync(fd, bytes, n, bytes.length - n, n);
      return bytes.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  }

  /** Documents of one file. */
  async load(file: string): Promise<Document<SourceMetadata>[]> {
    const real = this.resolvePath(file);
    const source = relative(this.root, resolve(this.root, file)).split(sep).join('/');
    const ext = extname(real).toLowerCase();
    const loader = BY_EXTENSION[ext];
    if (!loader && ext !== '.pdf')
      throw new ValidationError(
        `"${file}": unsupported file type "${ext || '(none)'}"; supported: ${SUPPORTED_EXTENSIONS.join(', ')}`,
        file,
      );
    const bytes = this.readBytes(real, file);
    if (!loader)
      return loadPdf(bytes, source, {
        maxBytes: this.maxBytes,
        maxPages: this.maxPages,
        ...(this.maxDecodedBytes === undefined ? {} : { maxDecodedBytes: this.maxDecodedBytes }),
      });
    if (bytes.includes(0)) throw new ValidationError(`"${file}" looks binary (contains NUL bytes)`, file);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new ValidationError(`"${file}" is not valid UTF-8 text`, file);
    }
    if (text.trim() === '') throw new ValidationError(`"${file}" is empty (whitespace only)`, file);
    checkTextLength(text, `"${file}"`);
    return loader(text.replace(/^\uFEFF/, ''), source);
  }

  /** Documents of several files, in order. */
  async loadAll(files: string[]): Promise<Document<SourceMetadata>[]> {
    if (!Array.isArray(files))
      throw new ValidationError('FileLoader.loadAll: files must be an array', 'files');
    const out: Document<SourceMetadata>[] = [];
    for (const f of files) out.push(...(await this.load(f)));
    return out;
  }
}
