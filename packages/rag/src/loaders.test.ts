import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLoader, loadHtml, loadJson, loadMarkdown, loadText } from './loaders.js';

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
    await expect(loader.load('paper.pdf')).rejects.toThrow(
      /unsupported file type "\.pdf" \(PDF is not supported yet\)/,
    );
    await expect(loader.load('empty.txt')).rejects.toThrow(/"empty.txt" is empty/);
    await expect(loader.load('blank.txt')).rejects.toThrow(/empty \(whitespace only\)/);
    await expect(loader.load('nul.txt')).rejects.toThrow(/binary \(contains NUL bytes\)/);
    await expect(loader.load('latin1.txt')).rejects.toThrow(/not valid UTF-8/);
    await expect(loader.load('missing.txt')).rejects.toThrow(/does not exist/);
  });
});
