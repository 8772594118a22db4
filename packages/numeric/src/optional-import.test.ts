import { describe, expect, it } from 'vitest';
import { importOptional, isMissingPackage, MissingOptionalPackageError } from './optional-import.js';

describe('importOptional', () => {
  it('returns the module when it is installed', async () => {
    const path = await importOptional(() => import('node:path'), 'node:path', 'joining');
    expect(path.join('a', 'b')).toBe('a/b');
  });

  it('says which package to install when the package itself is missing', async () => {
    // a package that is in no node_modules: the loader's own "not found" error
    const name = '@firth/not-installed-anywhere';
    const load = () => import(/* @vite-ignore */ name);
    const loaderError = await load().catch((e: unknown) => e);
    expect(isMissingPackage(loaderError, name)).toBe(true);
    await expect(importOptional(load, name, 'the char-RNN tool')).rejects.toThrow(
      new MissingOptionalPackageError(name, 'the char-RNN tool'),
    );
    await expect(importOptional(load, name, 'the char-RNN tool')).rejects.toThrow(
      'the char-RNN tool needs the optional package @firth/not-installed-anywhere: npm install @firth/not-installed-anywhere',
    );
  });

  it("passes other failures on: another package missing, or the package's own error", async () => {
    const other = Object.assign(new Error("Cannot find package '@tensorflow/tfjs' imported from /x.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(importOptional(() => Promise.reject(other), '@firth/deep', 'x')).rejects.toBe(other);
    const broken = new Error('boom');
    await expect(importOptional(() => Promise.reject(broken), '@firth/deep', 'x')).rejects.toBe(broken);
    const cjs = Object.assign(new Error("Cannot find module '@firth/deep'\nRequire stack:\n- /x.js"), {
      code: 'MODULE_NOT_FOUND',
    });
    expect(isMissingPackage(cjs, '@firth/deep')).toBe(true);
    expect(isMissingPackage('not an error', '@firth/deep')).toBe(false);
  });
});
