import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findAbove, foldersUp, moduleDirOf } from './locate.js';

const root = mkdtempSync(join(tmpdir(), 'firth-locate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('foldersUp', () => {
  it('lists the start and the folders above it, nearest first, at most `levels`', () => {
    expect(foldersUp('/a/b/c/d', 3)).toEqual(['/a/b/c/d', '/a/b/c', '/a/b']);
    expect(foldersUp('/a', 6)).toEqual(['/a', '/']);
  });
});

describe('findAbove', () => {
  it("finds a bundle's asset folder beside dist/ from a node's folder below it", () => {
    const assets = join(root, 'pkg', 'dist', 'firth-wasm');
    mkdirSync(assets, { recursive: true });
    writeFileSync(join(assets, 'x.wasm'), '');
    const nodeDir = join(root, 'pkg', 'dist', 'nodes', 'X');
    mkdirSync(nodeDir, { recursive: true });
    expect(findAbove(nodeDir, 'firth-wasm', 'x.wasm')).toBe(assets);
  });

  it('needs the file inside the folder, and stops after `levels` folders', () => {
    const nodeDir = join(root, 'pkg', 'dist', 'nodes', 'X');
    expect(findAbove(nodeDir, 'firth-wasm', 'missing.wasm')).toBeUndefined();
    expect(findAbove(nodeDir, 'firth-wasm', 'x.wasm', 2)).toBeUndefined();
    expect(findAbove(nodeDir, 'firth-wasm', 'x.wasm', 3)).toBe(join(root, 'pkg', 'dist', 'firth-wasm'));
  });
});

describe('moduleDirOf', () => {
  it("is the folder of the module's file: URL, even where a global __dirname exists", () => {
    expect(moduleDirOf('file:///opt/app/node_modules/@firth/deep/dist/locate.js')).toBe(
      '/opt/app/node_modules/@firth/deep/dist',
    );
  });

  it('falls back to __dirname when import.meta has no URL (a CommonJS bundle), else says why', () => {
    expect(moduleDirOf(undefined, '/bundle/dist')).toBe('/bundle/dist');
    expect(moduleDirOf('file:///esm/dist/x.js', '.')).toBe('/esm/dist');
    expect(() => moduleDirOf(undefined, null)).toThrow(/cannot tell which folder its code runs from/);
  });
});
