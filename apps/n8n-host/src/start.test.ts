import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installedN8nBin, repoRoot } from './start.js';

describe('installedN8nBin: where scripts/start.sh installed the pinned n8n', () => {
  const root = repoRoot();
  const runtime = join(root, 'apps', 'n8n-host', 'runtime');
  // the folder name firth_cached_npm_ci (scripts/lib/toolchain.sh) gives it
  const hash = createHash('sha256')
    .update(readFileSync(join(runtime, 'package.json')))
    .update(readFileSync(join(runtime, 'package-lock.json')))
    .digest('hex')
    .slice(0, 16);

  it('finds a complete install in $FIRTH_CACHE/n8n-<hash>, and nothing before it is complete', () => {
    const cache = mkdtempSync(join(tmpdir(), 'firth-cache-'));
    const dir = join(cache, `n8n-${hash}`);
    const bin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
    mkdirSync(join(dir, 'node_modules', 'n8n', 'bin'), { recursive: true });
    writeFileSync(bin, '');
    expect(installedN8nBin(root, { FIRTH_CACHE: cache })).toBeUndefined(); // no .firth-complete yet
    writeFileSync(join(dir, '.firth-complete'), '');
    expect(installedN8nBin(root, { FIRTH_CACHE: cache })).toBe(bin);
  });

  it('prefers FIRTH_N8N_BIN, and finds nothing in an empty cache', () => {
    const cache = mkdtempSync(join(tmpdir(), 'firth-cache-'));
    expect(installedN8nBin(root, { FIRTH_CACHE: cache })).toBeUndefined();
    expect(installedN8nBin(root, { FIRTH_CACHE: cache, FIRTH_N8N_BIN: '/x/n8n' })).toBe('/x/n8n');
  });
});
