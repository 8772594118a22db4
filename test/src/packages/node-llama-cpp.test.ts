/**
 * node-llama-cpp (the gguf provider's llama.cpp) in the workspace: one pinned version everywhere it
 * is named, an optional peer of the packages that import it, and only its CPU builds installed —
 * the root package.json's pnpm.overrides drop the CUDA and Vulkan builds (~620 MB) and its
 * postinstall (which would download or compile llama.cpp) never runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const json = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const VERSION = '3.22.1';
const GPU_BUILDS = [
  'linux-x64-cuda',
  'linux-x64-cuda-ext',
  'linux-x64-vulkan',
  'win-x64-cuda',
  'win-x64-cuda-ext',
  'win-x64-vulkan',
];

describe('node-llama-cpp in the workspace', () => {
  it('is pinned at one version, as an optional peer and a devDependency', () => {
    for (const pkg of ['packages/llm/package.json', 'apps/server/package.json']) {
      const m = json(pkg);
      expect(m.peerDependencies['node-llama-cpp'], pkg).toBe(VERSION);
      expect(m.peerDependenciesMeta['node-llama-cpp'], pkg).toEqual({ optional: true });
      expect(m.devDependencies['node-llama-cpp'], pkg).toBe(VERSION);
      expect(m.dependencies?.['node-llama-cpp'], pkg).toBeUndefined();
    }
    expect(json('packages/llm/node_modules/node-llama-cpp/package.json').version).toBe(VERSION);
  });

  it('installs without its GPU builds and without running its postinstall', () => {
    const { pnpm } = json('package.json');
    for (const build of GPU_BUILDS) expect(pnpm.overrides[`@node-llama-cpp/${build}`]).toBe('-');
    expect(pnpm.ignoredBuiltDependencies).toContain('node-llama-cpp');
    const lock = readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8');
    for (const build of GPU_BUILDS) expect(lock).not.toContain(`'@node-llama-cpp/${build}@`);
    expect(lock).toContain(`'@node-llama-cpp/linux-x64@${VERSION}'`);
    // no llama.cpp built or downloaded into the package (the postinstall's output)
    expect(existsSync(join(root, 'packages/llm/node_modules/node-llama-cpp/llama/localBuilds'))).toBe(false);
  });
});
