import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { FormatError, MAX_TEXT_LENGTH, ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { FileLoader, loadHtml, loadJson, loadMarkdown, loadText, SUPPORTED_EXTENSIONS } from './loaders.js';
import { joinTextItems, loadPdf } from './pdf.js';
import { onSources } from './source-child.test-support.js';

/** The PDFs written by fixtures/make-pdf.mjs. */
const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

describe('format loaders', () => {
  it('plain text is one Document with its source', () => {
    const [doc] = loadText('hello world', 'a.txt');
    expect(doc?.pageContent).toBe('hello world');
    expect(doc?.metadata).toEqual({ source: 'a.txt' });
  });

  it('Markdown splits by heading, with the heading path as section, ignoring # in code fences', () => {
    const md =
      'Preface.\n# Intro\nHi.\n## Setup\nRun it.\n```sh\n# not a heading\n```\n# Usage #\nUse it.\n# Empty\n';
    const docs = loadMarkdown(md, 'notes.md');
    expect(docs.map((d) => [d.metadata.section, d.pageContent])).toEqual([
      [undefined, 'Preface.'],
      ['Intro', 'Hi.'],
      ['Intro > Setup', 'Run it.\n```sh\n# not a heading\n```'],
      ['Usage', 'Use it.'],
    ]);
    expect(docs[1]?.metadata.source).toBe('notes.md');
  });

  it('HTML keeps visible text and the title, drops tags, scripts, styles and comments', () => {
    const html = `<html><head><title>My &amp; Page</title><style>p{color:red}</style></head>
      <body><h1>Hello</h1><!-- hidden --><p>a &lt; b &#233;</p><script>alert("x")</script><p>two<br>lines</p></body></html>`;
    const [doc] = loadHtml(html, 'p.html');
    expect(doc?.pageContent).toBe('Hello\na < b é\ntwo\nlines');
    expect(doc?.metadata).toEqual({ source: 'p.html', title: 'My & Page' });
  });

  it('JSON: a field path walks arrays; without one every string becomes a Document', () => {
    const json = '{"title":"T","items":[{"text":"a","n":1},{"text":"b"}],"tags":["x",""]}';
    expect(
      loadJson(json, 'x.json', { path: 'items.text' }).map((d) => [d.metadata.section, d.pageContent]),
    ).toEqual([
      ['items[0].text', 'a'],
      ['items[1].text', 'b'],
    ]);
    expect(loadJson(json, 'x.json').map((d) => d.metadata.section)).toEqual([
      'title',
      'items[0].text',
      'items[1].text',
      'tags[0]',
    ]);
    expect(() => loadJson(json, 'x.json', { path: 'nope' })).toThrow(/no string values at path "nope"/);
    expect(() => loadJson('{oops', 'bad.json')).toThrow(
      'bad.json: is not valid JSON: unexpected "o" at line 1, column 2',
    );
    expect(() => loadJson('{oops', 'bad.json')).toThrow(FormatError);
  });

  it('refuses text that is not a string or over MAX_TEXT_LENGTH, naming the source', () => {
    for (const load of [loadText, loadMarkdown, loadHtml, loadJson]) {
      expect(() => load(42 as unknown as string, 'n.txt')).toThrow('n.txt must be a string, got 42');
      expect(() => load('x'.repeat(MAX_TEXT_LENGTH + 1), 'big.txt')).toThrow(
        `big.txt has ${MAX_TEXT_LENGTH + 1} characters; at most ${MAX_TEXT_LENGTH} are accepted (split it into smaller pieces)`,
      );
      expect(() => load(null as unknown as string, 'n.txt')).toThrow(ValidationError);
    }
  });

  // The regular expressions the loaders used before, kept as the oracle: same output, but each
  // backtracks over the rest of the text from every start without its terminator.
  const oldHeading = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
  const oldHtml = (html: string) => ({
    title: /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1],
    text: html
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<(script|style|noscript|template|head|title)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(
        /<(br|\/?(p|div|h[1-6]|li|ul|ol|tr|table|section|article|header|footer|pre|blockquote))\b[^>]*>/gi,
        '\n',
      )
      .replace(/<[^>]*>/g, ''),
  });
  /** Seeded random strings over an alphabet of markup pieces (mulberry32). */
  const randomMarkup = (seed: number, pieces: string[], n: number) => {
    let a = seed;
    const u = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let x = Math.imul(a ^ (a >>> 15), 1 | a);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    return Array.from({ length: n }, () => pieces[Math.floor(u() * pieces.length)]).join('');
  };

  it('Markdown headings and HTML give what the old regular expressions gave, on 2000 random inputs', () => {
    const md = ['#', '#', ' ', '\t', 'a', 'C#', '\u00a0', '##', ' #', '\n'];
    const html = [
      '<',
      '>',
      '<!--',
      '-->',
      '<script>',
      '</script >',
      '<SCRIPT',
      '</Script>',
      '<title>',
      '</title>',
      '<head>',
      '</head>',
      '<p>',
      '</p>',
      '<br/>',
      'x',
      ' ',
      '\n',
      '<style',
      '</style>',
      '<header>',
      '&amp;',
      '<!-->',
    ];
    for (let seed = 1; seed <= 1000; seed++) {
      // a heading: its title the section (an empty title gives none); any other line stays text
      const line = randomMarkup(seed, md, 1 + (seed % 12)).split('\n')[0]!;
      const m = oldHeading.exec(line);
      const [doc] = loadMarkdown(`${line}\nbody`, 'm.md');
      expect([doc?.metadata.section, doc?.pageContent], JSON.stringify(line)).toEqual(
        m ? [m[2] || undefined, 'body'] : [undefined, `${line}\nbody`.trim()],
      );
      // HTML: the old expressions' text (no tag left in it) and title, cleaned by the same code
      const page = randomMarkup(seed, html, 1 + (seed % 40));
      const old = oldHtml(page);
      const [h] = loadHtml(page, 'p.html');
      expect(h!.pageContent, JSON.stringify(page)).toBe(loadHtml(old.text, 'q.html')[0]!.pageContent);
      const oldTitle =
        old.title === undefined ? undefined : loadHtml(`<title>${old.title}</title>`)[0]!.metadata.title;
      expect(h!.metadata.title, JSON.stringify(page)).toBe(oldTitle);
    }
  });

  it('linear time: inputs that made the old expressions backtrack quadratically (or cubically) load at once', () => {
    const n = 200_000; // the old code: ~65 s for the '<' case, hours for the heading
    const cases: [string, () => unknown][] = [
      ['a long heading line', () => loadMarkdown(`# a${' '.repeat(n)}b\ntext`, 'm.md')],
      ['unclosed tags', () => loadHtml('<'.repeat(n), 'p.html')],
      ['unclosed comments', () => loadHtml('<!--'.repeat(n / 4), 'p.html')],
      ['unclosed scripts', () => loadHtml('<script'.repeat(n / 7), 'p.html')],
      ['unclosed titles before a close', () => loadHtml(`${'<title'.repeat(n / 6)}</title>`, 'p.html')],
      ['unclosed block tags', () => loadHtml('<p'.repeat(n / 2), 'p.html')],
      [
        'JSON nested 100 000 deep',
        () => loadJson(`${'['.repeat(100_000)}"deep"${']'.repeat(100_000)}`, 'd.json'),
      ],
    ];
    for (const [name, run] of cases) {
      const t0 = performance.now();
      run();
      expect(performance.now() - t0, name).toBeLessThan(1500);
    }
    expect(loadHtml('<'.repeat(10), 'p.html')[0]?.pageContent).toBe('<'.repeat(10));
  });

  it('JSON: deep nesting is walked without recursion; paths adding up past the limit are refused', () => {
    const deep = loadJson(`${'{"a":'.repeat(50_000)}"x"${'}'.repeat(50_000)}`, 'deep.json');
    expect(deep[0]?.metadata.section).toHaveLength(50_000 * 2 - 1);
    const key = 'k'.repeat(10_000);
    const wide = JSON.stringify({ [key]: Array.from({ length: 500 }, () => 'v') });
    expect(() => loadJson(wide, 'wide.json')).toThrow(
      `wide.json: has JSON paths totalling over ${MAX_TEXT_LENGTH} characters (nested too deep, or very long keys); pick the strings with options.path`,
    );
  });
});

describe('FileLoader', () => {
  const base = mkdtempSync(join(tmpdir(), 'firth-rag-'));
  const root = join(base, 'root');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'sub', 'guide.md'), '# Guide\nRead me.\n');
  writeFileSync(join(root, 'page.html'), '<title>P</title><p>x</p>');
  writeFileSync(join(root, 'data.json'), '["one","two"]');
  writeFileSync(join(root, 'empty.txt'), '');
  writeFileSync(join(root, 'blank.txt'), '  \n ');
  writeFileSync(join(root, 'nul.txt'), Buffer.from([104, 105, 0, 1]));
  writeFileSync(join(root, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "café" in Latin-1
  writeFileSync(join(root, 'paper.pdf'), '%PDF-1.4');
  writeFileSync(join(root, 'notes.docx'), 'PK');
  writeFileSync(join(root, 'README'), 'no extension');
  writeFileSync(join(root, 'blank.md'), '\n\t\n');
  writeFileSync(join(root, 'nul.json'), Buffer.from([0x5b, 0x22, 0x61, 0, 0x22, 0x5d])); // ["a\0"]
  writeFileSync(join(root, 'bad.md'), Buffer.from([0x23, 0x20, 0xff, 0xfe, 0x41])); // "# " + invalid UTF-8
  writeFileSync(join(base, 'secret.txt'), 'outside');
  symlinkSync(join(base, 'secret.txt'), join(root, 'link.txt'));
  symlinkSync(join(root, 'sub', 'guide.md'), join(root, 'inner.md'));
  const loader = new FileLoader({ root });

  it('loads by extension, source relative to the root', async () => {
    const docs = await loader.loadAll(['sub/guide.md', 'page.html', 'data.json', 'inner.md']);
    expect(
      docs.map((d) => [d.metadata.source, d.metadata.section ?? d.metadata.title, d.pageContent]),
    ).toEqual([
      ['sub/guide.md', 'Guide', 'Read me.'],
      ['page.html', 'P', 'x'],
      ['data.json', '[0]', 'one'],
      ['data.json', '[1]', 'two'],
      ['inner.md', 'Guide', 'Read me.'],
    ]);
  });

  it('refuses escapes, outside symlinks, unsupported types, empty and binary files', async () => {
    await expect(loader.load('../secret.txt')).rejects.toThrow(/outside the loader root/);
    await expect(loader.load(join(base, 'secret.txt'))).rejects.toThrow(/outside the loader root/);
    await expect(loader.load('link.txt')).rejects.toThrow(
      /symlink to .*secret\.txt, outside the loader root/,
    );
    await expect(loader.load('notes.docx')).rejects.toThrow(
      /"notes.docx": unsupported file type "\.docx"; supported: \.txt, \.text, \.md, \.markdown, \.html, \.htm, \.json, \.pdf$/,
    );
    await expect(loader.load('README')).rejects.toThrow(/unsupported file type "\(none\)"; supported: /);
    await expect(loader.load('blank.md')).rejects.toThrow(/"blank.md" is empty \(whitespace only\)/);
    await expect(loader.load('nul.json')).rejects.toThrow(/"nul.json" looks binary/);
    await expect(loader.load('bad.md')).rejects.toThrow(/"bad.md" is not valid UTF-8/);
    await expect(loader.load('empty.txt')).rejects.toThrow(/"empty.txt" is empty/);
    await expect(loader.load('blank.txt')).rejects.toThrow(/empty \(whitespace only\)/);
    await expect(loader.load('nul.txt')).rejects.toThrow(/binary \(contains NUL bytes\)/);
    await expect(loader.load('latin1.txt')).rejects.toThrow(/not valid UTF-8/);
    await expect(loader.load('missing.txt')).rejects.toThrow(/does not exist/);
  });

  it('checks size with stat before reading: a 10 GB (sparse) file is refused at once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'firth-rag-big-'));
    writeFileSync(join(root, 'huge.txt'), '');
    truncateSync(join(root, 'huge.txt'), 10 * 2 ** 30);
    const big = new FileLoader({ root });
    const t0 = performance.now();
    await expect(big.load('huge.txt')).rejects.toThrow(
      '"huge.txt" is 10737418240 bytes, over maxBytes 10000000; raise maxBytes to read it',
    );
    expect(performance.now() - t0).toBeLessThan(500);
    writeFileSync(join(root, 'long.md'), 'a'.repeat(MAX_TEXT_LENGTH + 1));
    await expect(big.load('long.md')).rejects.toThrow(
      `"long.md" has ${MAX_TEXT_LENGTH + 1} characters; at most ${MAX_TEXT_LENGTH} are accepted`,
    );
    writeFileSync(join(root, 'small.txt'), 'x'.repeat(100));
    await expect(new FileLoader({ root, maxBytes: 99 }).load('small.txt')).rejects.toThrow(
      '"small.txt" is 100 bytes, over maxBytes 99',
    );
    expect(() => new FileLoader({ root, maxBytes: -1 })).toThrow('maxBytes must be an integer ≥ 1, got -1');
    expect(() => new FileLoader({ root: join(root, 'nope') })).toThrow(
      /the root folder .*nope does not exist/,
    );
  });

  it('lists a folder sorted, within maxFiles entries and maxDepth levels, never through a link cycle', () => {
    const root = mkdtempSync(join(tmpdir(), 'firth-rag-list-'));
    mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true });
    for (const f of ['z.md', 'a/y.txt', 'a/b/x.json', 'a/b/c/w.html', 'skip.docx'])
      writeFileSync(join(root, f), 'x');
    symlinkSync(root, join(root, 'a', 'loop')); // a folder link back to the root: not entered
    expect(new FileLoader({ root }).list()).toEqual(['a/b/c/w.html', 'a/b/x.json', 'a/y.txt', 'z.md']);
    expect(new FileLoader({ root }).list('a/b')).toEqual(['a/b/c/w.html', 'a/b/x.json']);
    expect(() => new FileLoader({ root, maxFiles: 5 }).list()).toThrow(
      '"." holds more than 5 files and folders (maxFiles); load a smaller folder or raise maxFiles',
    );
    expect(() => new FileLoader({ root, maxDepth: 2 }).list()).toThrow(
      `"." nests folders deeper than 2 levels (maxDepth), at ${join('a', 'b', 'c')}`,
    );
    expect(() => new FileLoader({ root }).list('../..')).toThrow(/outside the loader root/);
  });
});

describe('PDF', () => {
  it('the fixture is a well-formed PDF 1.4: every xref offset points at its object', () => {
    const text = Buffer.from(fixture('transformers.pdf')).toString('latin1');
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const entries = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n\r\n/gm)].map((m) => Number(m[1]));
    expect(entries).toHaveLength(9);
    entries.forEach((offset, i) => {
      expect(text.slice(offset, offset + 10)).toMatch(new RegExp(`^${i + 1} 0 obj\n`));
    });
  });

  it('loadPdf: one Document per page, { source, page, pages }, paragraphs as blank lines', async () => {
    const docs = await loadPdf(fixture('transformers.pdf'), 'transformers.pdf');
    expect(docs.map((d) => d.metadata)).toEqual([
      { source: 'transformers.pdf', page: 1, pages: 3 },
      { source: 'transformers.pdf', page: 2, pages: 3 },
      { source: 'transformers.pdf', page: 3, pages: 3 },
    ]);
    expect(docs.map((d) => d.pageContent)).toEqual([
      'Transformers, a short reader\n\nThree pages on the models of the course, written as a PDF test fixture.',
      'Attention lets every token look at every other token of the sequence.\n' +
        'Each token scores the others by the dot product of its query with their keys.\n\n' +
        'BERT is an encoder-only transformer pretrained with masked language modelling.\n' +
        'It reads the whole sentence at once, left and right context together.',
      'GPT is a decoder-only transformer that predicts the next token (left to right).',
    ]);
  });

  it('joinTextItems: same baseline joins, next baseline breaks the line, a big gap is a paragraph', () => {
    const at = (str: string, y: number, hasEOL = false) => ({
      str,
      hasEOL,
      transform: [10, 0, 0, 10, 72, y],
    });
    expect(joinTextItems([at('a ', 700), at('b', 700), at('c', 688), at('d', 660), at('', 0, true)])).toBe(
      'a b\nc\n\nd',
    );
    expect(joinTextItems([])).toBe('');
  });

  it('FileLoader reads .pdf files under its root, page by page', async () => {
    const root = mkdtempSync(join(tmpdir(), 'firth-rag-pdf-'));
    mkdirSync(join(root, 'papers'));
    writeFileSync(join(root, 'papers', 'transformers.pdf'), fixture('transformers.pdf'));
    const docs = await new FileLoader({ root }).load('papers/transformers.pdf');
    expect(docs.map((d) => [d.metadata.source, d.metadata.page])).toEqual([
      ['papers/transformers.pdf', 1],
      ['papers/transformers.pdf', 2],
      ['papers/transformers.pdf', 3],
    ]);
    expect(docs[1]?.pageContent).toMatch(/^Attention lets every token/);
    expect(SUPPORTED_EXTENSIONS).toContain('.pdf');
  });

  it('bad PDFs: an error naming the file, never a crash or a hang', async () => {
    await expect(loadPdf(fixture('truncated.pdf'), 'truncated.pdf')).rejects.toThrow(
      /^truncated\.pdf: not a valid PDF, or truncated/,
    );
    await expect(loadPdf(fixture('random.pdf'), 'random.pdf')).rejects.toThrow(
      /^random\.pdf: not a PDF \(no %PDF- header\)$/,
    );
    // random bytes behind a PDF header reach pdf.js itself
    const fake = new Uint8Array([...Buffer.from('%PDF-1.4\n'), ...fixture('random.pdf')]);
    await expect(loadPdf(fake, 'fake.pdf')).rejects.toThrow(/^fake\.pdf: not a valid PDF, or truncated/);
    await expect(loadPdf(fixture('encrypted.pdf'), 'encrypted.pdf')).rejects.toThrow(
      /^encrypted\.pdf: the PDF is encrypted \(password-protected\); decrypt it first$/,
    );
    await expect(loadPdf(fixture('blank.pdf'), 'blank.pdf')).rejects.toThrow(
      /^blank\.pdf: no text in its 1 page \(scanned images need OCR/,
    );
    await expect(loadPdf(new Uint8Array(), 'empty.pdf')).rejects.toThrow(/empty\.pdf: not a PDF/);
    const bytes = fixture('transformers.pdf');
    await loadPdf(bytes, 'x.pdf');
    expect(bytes.byteLength).toBe(1738); // not detached by pdf.js
    for (const name of ['truncated.pdf', 'random.pdf', 'encrypted.pdf', 'blank.pdf'])
      await expect(loadPdf(fixture(name), name), name).rejects.toThrow(FormatError);
  });

  it('a PDF whose objects moved: read (pdf.js repairs it); the stray rejection of pdf.js does not end the process', () => {
    // found by the pdf fuzz suite: '/Length 151' cut to '/Length 1', 4 bytes that are not UTF-8
    // inside page 1's /MediaBox, '/Length 121' set to '/Length 0'. Every object after moved, and
    // pdf.js's prefetch of the page tree's kids rejects with no handler attached: in a process with
    // no 'unhandledRejection' listener of its own, that ends it (exit code 1) unless loadPdf absorbs it.
    const a = Buffer.from(fixture('transformers.pdf'));
    expect([a.toString('latin1', 241, 252), a.toString('latin1', 1109, 1120)]).toEqual([
      '/Length 151',
      '/Length 121',
    ]);
    const damaged = Buffer.concat([
      a.subarray(0, 250),
      a.subarray(252, 488),
      Buffer.from([0xf4, 0x90, 0x80, 0x80]),
      a.subarray(488, 1117),
      Buffer.from('0'),
      a.subarray(1120),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'firth-rag-pdf-'));
    writeFileSync(join(dir, 'moved.pdf'), damaged);
    const script = join(dir, 'read.mjs');
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';
import { loadPdf } from ${JSON.stringify(new URL('./pdf.ts', import.meta.url).href)};
const docs = await loadPdf(new Uint8Array(readFileSync(process.argv[2])), 'moved.pdf');
await new Promise((resolve) => setTimeout(resolve, 100));
console.log(docs.map((d) => d.metadata.page).join(','), process.listenerCount('unhandledRejection'));
`,
    );
    const run = spawnSync(process.execPath, onSources(script, join(dir, 'moved.pdf')), {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect([run.status, run.stdout.trim()]).toEqual([0, '1,2,3 0']); // all pages; the guard removed again
  });

  it('PDF limits: bytes, pages, and how much its streams inflate to — each a FormatError naming the file', async () => {
    const bytes = fixture('transformers.pdf');
    await expect(loadPdf(bytes, 'x.pdf', { maxBytes: 1000 })).rejects.toThrow(
      'x.pdf: is 1738 bytes, over maxBytes 1000; pass a larger maxBytes to read it',
    );
    await expect(loadPdf(bytes, 'x.pdf', { maxPages: 2 })).rejects.toThrow(
      'x.pdf: has 3 pages, over maxPages 2; pass a larger maxPages to read it',
    );
    const none = Buffer.from(Buffer.from(bytes).toString('latin1').replace('/Count 3', '/Count 0'), 'latin1');
    await expect(loadPdf(new Uint8Array(none), 'none.pdf')).rejects.toThrow(
      'none.pdf: has no pages (its page tree counts 0)',
    );
    // page 3's content stream replaced by a FlateDecode one inflating to 2 MiB (limit: 1 MiB)
    const text = Buffer.from(bytes).toString('latin1');
    const at = text.lastIndexOf('<< /Length');
    const bomb = deflateSync(Buffer.alloc(2 * 2 ** 20, 32));
    const pdf = Buffer.concat([
      Buffer.from(
        `${text.slice(0, at)}<< /Length ${bomb.length} /Filter /FlateDecode >>\nstream\n`,
        'latin1',
      ),
      bomb,
      Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1'),
    ]);
    await expect(loadPdf(pdf, 'bomb.pdf', { maxDecodedBytes: 2 ** 20 })).rejects.toThrow(
      /^bomb\.pdf: stream at byte \d+ inflates past 1048576 bytes, the PDF's limit for all its streams \(a decompression bomb\?\); pass a larger maxDecodedBytes to read it$/,
    );
    // FileLoader passes its limits on
    const root = mkdtempSync(join(tmpdir(), 'firth-rag-pdf-'));
    writeFileSync(join(root, 'paper.pdf'), bytes);
    await expect(new FileLoader({ root, maxPages: 1 }).load('paper.pdf')).rejects.toThrow(
      'paper.pdf: has 3 pages, over maxPages 1',
    );
  });

  it('FileLoader: a fake or random-bytes .pdf is refused, naming the file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'firth-rag-pdf-'));
    writeFileSync(join(root, 'paper.pdf'), '%PDF-1.4');
    writeFileSync(join(root, 'garbage.pdf'), fixture('random.pdf'));
    writeFileSync(join(root, 'empty.pdf'), '');
    const loader = new FileLoader({ root });
    await expect(loader.load('paper.pdf')).rejects.toThrow(/^paper\.pdf: not a valid PDF/);
    await expect(loader.load('garbage.pdf')).rejects.toThrow(/^garbage\.pdf: not a PDF/);
    await expect(loader.load('empty.pdf')).rejects.toThrow(/"empty\.pdf" is empty/);
  });
});
