/**
 * Installing n8n-nodes-firth the way an n8n user installs a community node.
 *
 * n8n loads community packages from `<userFolder>/.n8n/nodes/node_modules/<package>`, which is an
 * ordinary npm project; node types keep the package's name (`n8n-nodes-firth.perceptron`), so the
 * workflows in `workflows/` import unchanged into a user's own n8n. (`N8N_CUSTOM_EXTENSIONS` would
 * load the same code as `CUSTOM.perceptron`, and the workflow JSON would differ.)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { n8nDir } from './env.js';
import { runChecked } from './process.js';

/** `<userFolder>/.n8n/nodes`, the npm project that holds installed community packages. */
export function communityNodesDir(userFolder: string): string {
  return join(n8nDir(userFolder), 'nodes');
}

/**
 * `npm pack` of a package folder into a fresh temporary folder; returns the tarball's path.
 * Packs what is on disk (`dist/` must be built); lifecycle scripts are not run.
 *
 *   await packCommunityPackage('packages/n8n-nodes-firth') // '/tmp/firth-pack-Xy12/n8n-nodes-firth-0.1.0.tgz'
 */
export async function packCommunityPackage(pkgDir: string): Promise<string> {
  const dest = mkdtempSync(join(tmpdir(), 'firth-pack-'));
  const { stdout } = await runChecked(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--loglevel=error', `--pack-destination=${dest}`],
    { cwd: pkgDir },
  );
  // `npm pack --json` prints one JSON array: [{ name, version, filename, files, ... }].
  const packed = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[];
  const filename = packed[0]?.filename;
  if (!filename) throw new Error(`npm pack printed no tarball name for ${pkgDir}:\n${stdout}`);
  return join(dest, filename);
}

/**
 * Installs a packed community package into `<userFolder>/.n8n/nodes` with npm, as n8n's own
 * "Install community node" does: no peer dependencies (n8n provides `n8n-workflow`), no scripts.
 * Re-installing a newer tarball replaces the old one. Returns the package's installed folder.
 */
export async function installCommunityPackage(userFolder: string, tarball: string): Promise<string> {
  const dir = communityNodesDir(userFolder);
  mkdirSync(dir, { recursive: true });
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) {
    writeFileSync(manifest, `${JSON.stringify({ name: 'installed-nodes', private: true }, null, 2)}\n`);
  }
  await runChecked(
    'npm',
    [
      'install',
      tarball,
      '--legacy-peer-deps',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      '--loglevel=error',
    ],
    { cwd: dir },
  );
  const { name } = JSON.parse(
    await runChecked('tar', ['-xOzf', tarball, 'package/package.json']).then((r) => r.stdout),
  ) as { name: string };
  const installed = join(dir, 'node_modules', name);
  if (!existsSync(join(installed, 'package.json'))) {
    throw new Error(`npm install reported success but ${installed} is missing`);
  }
  return installed;
}

/** `{ name, version }` of an installed community package, read from its package.json. */
export function installedVersion(installedDir: string): { name: string; version: string } {
  const { name, version } = JSON.parse(readFileSync(join(installedDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return { name, version };
}
