import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileLoader, loadHtml, loadJson, loadMarkdown, loadText, SUPPORTED_EXTENSIONS } from './loaders.js';
import { joinTextItems, loadPdf } from './pdf.js';

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
    expect(() => loadJson('{oops', 'bad.json')).toThrow(/bad\.json: not valid JSON/);
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
