import * as fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeBuiltin } from './node-builtin.js';
import { ValidationError } from './validation.js';

describe('nodeBuiltin: Node built-ins looked up at call time, so a browser bundle needs none', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("in Node, the built-in module itself (process.getBuiltinModule('fs') is node:fs)", () => {
    const got = nodeBuiltin<typeof fs>('fs', 'test');
    expect(got.readFileSync).toBe(fs.readFileSync);
  });

  it('without Node (no process.getBuiltinModule), a ValidationError naming the method and the way out', () => {
    vi.stubGlobal('process', undefined);
    let error: unknown;
    try {
      nodeBuiltin('fs', 'store.save(path)', 'in a browser use store.toSnapshot()');
    } catch (e) {
      error = e;
    }
    vi.unstubAllGlobals();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(
      'store.save(path) uses the file system, which needs Node.js 20.16 or newer; in a browser use store.toSnapshot()',
    );
  });
});
