/**
 * Installing n8n-nodes-firth the way n8n's own installer does (Settings → Community nodes →
 * Install; n8n 2.41's CommunityPackagesService), from a tarball packed here instead of the registry:
 *
 *   1. the tarball unpacked into `<userFolder>/.n8n/nodes/node_modules/<name>`;
 *   2. its package.json without devDependencies, peerDependencies and optionalDependencies;
 *   3. `npm install` inside that folder: its `dependencies` come from the npm registry (shallow,
 *      no scripts, no lock file), next to it in its own node_modules;
 *   4. the ledger `<userFolder>/.n8n/nodes/package.json` records `dependencies[name] = version`;
 *   5. n8n's database records the package and its nodes (tables installed_packages, installed_nodes),
 *      from n8n-core's own PackageDirectoryLoader: Settings → Community nodes lists it.
 *
 * Node types keep the package's name (`n8n-nodes-firth.perceptron`), so the workflows in
 * `workflows/` import unchanged into a user's own n8n. (`N8N_CUSTOM_EXTENSIONS` would load the same
 * code as `CUSTOM.perceptron`, and the workflow JSON would differ.)
 *
 * One difference from n8n: npm runs with `--prefer-offline`, so a restart installs the
 * dependencies from npm's cache without asking the registry again.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { n8nDir } from './env.js';
import { n8nBin, runChecked } from './process.js';

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

/** n8n's rule for a community package's name: `n8n-nodes-…` or `@scope/n8n-nodes-…`. */
const COMMUNITY_PACKAGE_NAME = /^(@[a-z0-9][a-z0-9\-._]*\/)?n8n-nodes-[a-z0-9][a-z0-9\-._]*$/;

/** The package.json fields n8n's installer drops before `npm install` (n8n provides the peers). */
const DROPPED_FIELDS = ['devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

interface Manifest {
  name: string;
  version: string;
  author?: { name?: string; email?: string } | string;
  [key: string]: unknown;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/**
 * The ledger n8n keeps of installed packages, `<nodes>/package.json` (`{ name, private,
 * dependencies }`). n8n rebuilds one without `dependencies` at start-up, with a warning in its log;
 * this writes a usable one from the start.
 */
function updateLedger(nodesDir: string, name: string, version: string): void {
  const file = join(nodesDir, 'package.json');
  let ledger: { dependencies?: unknown; [key: string]: unknown } = {};
  try {
    ledger = readJson(file);
  } catch {
    // Missing or unreadable: start a new one, as n8n does.
  }
  const dependencies =
    ledger.dependencies && typeof ledger.dependencies === 'object'
      ? (ledger.dependencies as Record<string, string>)
      : {};
  dependencies[name] = version;
  const next = { name: 'installed-nodes', private: true, ...ledger, dependencies };
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
}

/**
 * Installs a packed community package into `<userFolder>/.n8n/nodes` as n8n's installer does
 * (steps 1–4 above; `registerCommunityPackage` is step 5). Re-installing replaces the package's
 * files and keeps its node_modules, which npm then brings up to date. Returns the installed folder.
 */
export async function installCommunityPackage(userFolder: string, tarball: string): Promise<string> {
  const manifest = JSON.parse(
    (await runChecked('tar', ['-xOzf', tarball, 'package/package.json'])).stdout,
  ) as Manifest;
  if (typeof manifest.name !== 'string' || !COMMUNITY_PACKAGE_NAME.test(manifest.name)) {
    throw new Error(
      `${tarball} holds package "${manifest.name}": n8n installs only packages named n8n-nodes-… or @scope/n8n-nodes-…`,
    );
  }
  const nodesDir = communityNodesDir(userFolder);
  const installed = join(nodesDir, 'node_modules', manifest.name);
  mkdirSync(installed, { recursive: true });
  for (const entry of readdirSync(installed)) {
    if (entry !== 'node_modules') rmSync(join(installed, entry), { recursive: true, force: true });
  }
  await runChecked('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  const packageJson = readJson<Manifest>(join(installed, 'package.json'));
  for (const field of DROPPED_FIELDS) delete packageJson[field];
  writeFileSync(join(installed, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  await runChecked(
    'npm',
    [
      'install',
      '--audit=false',
      '--fund=false',
      '--bin-links=false',
      '--install-strategy=shallow',
      '--ignore-scripts=true',
      '--package-lock=false',
      '--prefer-offline',
      '--loglevel=error',
    ],
    { cwd: installed },
  );
  updateLedger(nodesDir, manifest.name, manifest.version);
  return installed;
}

/** `{ name, version }` of an installed community package, read from its package.json. */
export function installedVersion(installedDir: string): { name: string; version: string } {
  const { name, version } = readJson<Manifest>(join(installedDir, 'package.json'));
  return { name, version };
}

/** A package as n8n records it in installed_packages / installed_nodes. */
export interface RegisteredPackage {
  packageName: string;
  installedVersion: string;
  authorName: string | null;
  authorEmail: string | null;
  /** `name` is the node's display name, `type` `<package>.<node>`. */
  nodes: { name: string; type: string; latestVersion: number }[];
}

/**
 * Runs in a child Node process (CommonJS, `node -e`): loads the package at argv[1] with n8n-core's
 * PackageDirectoryLoader, the loader n8n's installer uses, and writes what n8n records about it
 * (InstalledPackagesRepository.persistPackageWithNodes) as JSON to argv[2].
 */
const DESCRIBE_PACKAGE = `
const { writeFileSync } = require('node:fs');
const { PackageDirectoryLoader } = require('n8n-core');
const [dir, out] = process.argv.slice(1);
(async () => {
  const loader = new PackageDirectoryLoader(dir);
  await loader.loadAll();
  const { name, version, author } = loader.packageJson;
  const nodes = loader.loadedNodes.map((node) => ({
    name: loader.nodeTypes[node.name].type.description.displayName,
    type: name + '.' + node.name,
    latestVersion: node.version,
  }));
  const person = author && typeof author === 'object' ? author : {};
  writeFileSync(out, JSON.stringify({
    packageName: name,
    installedVersion: version,
    authorName: person.name ?? null,
    authorEmail: person.email ?? null,
    nodes,
  }));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

/**
 * What n8n records for an installed package: its nodes as n8n-core's PackageDirectoryLoader loads
 * them, in a child Node process with n8n's own modules, so this process never loads the package.
 */
export async function describeCommunityPackage(
  installedDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RegisteredPackage> {
  const out = mkdtempSync(join(tmpdir(), 'firth-describe-'));
  try {
    const file = join(out, 'package.json');
    // n8n makes its own node_modules resolvable for the packages it loads (NODE_PATH): the nodes
    // require n8n-workflow from there. FIRTH_N8N_BIN is <modules>/n8n/bin/n8n.
    const n8nModules = dirname(dirname(dirname(n8nBin(env))));
    await runChecked(process.execPath, ['-e', DESCRIBE_PACKAGE, installedDir, file], {
      cwd: n8nModules,
      env: { ...env, NODE_PATH: n8nModules, N8N_LOG_LEVEL: 'silent', NODE_ENV: 'production' },
    });
    return readJson<RegisteredPackage>(file);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** n8n's SQLite database of a user folder (DB_TYPE sqlite, n8n's default file name). */
export function n8nDatabaseFile(userFolder: string): string {
  return join(n8nDir(userFolder), 'database.sqlite');
}

/**
 * Records the package and its nodes in n8n's database as n8n does after installing one, replacing
 * an earlier record of it. The database must exist (any n8n command on the folder creates it, e.g.
 * the workflow import). n8n must not be running on it.
 */
export function recordInstalledPackage(userFolder: string, pkg: RegisteredPackage): void {
  const file = n8nDatabaseFile(userFolder);
  if (!existsSync(file)) {
    throw new Error(
      `${file} does not exist: run an n8n command on ${userFolder} first (e.g. import:workflow)`,
    );
  }
  const prefix = process.env['DB_TABLE_PREFIX'] ?? '';
  const packages = `"${prefix}installed_packages"`;
  const nodes = `"${prefix}installed_nodes"`;
  const db = new DatabaseSync(file);
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.prepare(`DELETE FROM ${nodes} WHERE "package" = ?`).run(pkg.packageName);
      db.prepare(`DELETE FROM ${packages} WHERE "packageName" = ?`).run(pkg.packageName);
      // n8n's own timestamp format, 'YYYY-MM-DD HH:MM:SS.SSS' in UTC
      const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
      db.prepare(
        `INSERT INTO ${packages} ("packageName", "installedVersion", "authorName", "authorEmail", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(pkg.packageName, pkg.installedVersion, pkg.authorName, pkg.authorEmail, now, now);
      const insertNode = db.prepare(
        `INSERT INTO ${nodes} ("name", "type", "latestVersion", "package") VALUES (?, ?, ?, ?)`,
      );
      for (const node of pkg.nodes) insertNode.run(node.name, node.type, node.latestVersion, pkg.packageName);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  } finally {
    db.close();
  }
}

/** Step 5: describes the installed package and records it in n8n's database. */
export async function registerCommunityPackage(
  userFolder: string,
  installedDir: string,
): Promise<RegisteredPackage> {
  const pkg = await describeCommunityPackage(installedDir);
  recordInstalledPackage(userFolder, pkg);
  return pkg;
}
