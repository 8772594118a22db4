/**
 * The node-type registry a tier-2 workflow run uses: the REAL node classes, loaded the way n8n
 * loads them.
 *
 * - `n8n-nodes-base` (Manual Trigger, Edit Fields, Split Out, …) through n8n-core's
 *   `LazyPackageDirectoryLoader`, as n8n itself does: its `dist/known/nodes.json` maps a type
 *   name to a file, and a class is required only when a workflow asks for it.
 * - `n8n-nodes-firth` through `PackageDirectoryLoader`, as n8n loads a community package: the
 *   files listed under `n8n.nodes` in its package.json, i.e. the BUILT `dist/**\/*.node.js`
 *   bundle that ships (build it first: `pnpm --filter n8n-nodes-firth... build`).
 *
 * Types are named `<package name>.<description.name>` (`n8n-nodes-firth.perceptron`), exactly as
 * in workflow JSON a user imports. The generated `<name>Tool` variants are left out.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DirectoryLoader } from 'n8n-core';
import type { IDataObject, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';

// n8n-workflow ships ESM and CJS builds; n8n-core and every node require() the CJS one. Take
// runtime values from that same instance so classes and `instanceof` checks agree.
const require = createRequire(import.meta.url);
// n8n's logger prints every node error to stdout; a test reads errors from the result instead.
process.env.N8N_LOG_LEVEL ??= 'silent';
const { LazyPackageDirectoryLoader, PackageDirectoryLoader } =
  require('n8n-core') as typeof import('n8n-core');
const { NodeHelpers } = require('n8n-workflow') as typeof import('n8n-workflow');

/** Repository root (this file is test/src/harness/node-types.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The directory of n8n's own node package, as installed for this test package. */
export const n8nNodesBaseDir = path.dirname(require.resolve('n8n-nodes-base/package.json'));

/** The directory of our community-node package (its package.json points into `dist/`). */
export const firthNodesDir = path.join(repoRoot, 'packages/n8n-nodes-firth');

export class NodeTypeRegistry implements INodeTypes {
  private readonly loaders = new Map<string, DirectoryLoader>();

  add(loader: DirectoryLoader): this {
    this.loaders.set(loader.packageName, loader);
    return this;
  }

  /** `true` when `type` (`<package>.<name>`) is a node this registry can load. */
  has(type: string): boolean {
    const { loader, name } = this.split(type);
    return loader !== undefined && (name in loader.nodeTypes || name in loader.known.nodes);
  }

  getByName(type: string): INodeType | IVersionedNodeType {
    const { loader, name } = this.split(type);
    if (!loader) throw new Error(`No node package registered for node type "${type}"`);
    return loader.getNode(name).type;
  }

  getByNameAndVersion(type: string, version?: number): INodeType {
    return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
  }

  getKnownTypes(): IDataObject {
    const known: IDataObject = {};
    for (const [pkg, loader] of this.loaders) {
      for (const [name, entry] of Object.entries(loader.known.nodes)) known[`${pkg}.${name}`] = entry;
    }
    return known;
  }

  /** Every full type name this registry knows (lazy ones included, not yet loaded). */
  knownTypeNames(): string[] {
    return Object.keys(this.getKnownTypes());
  }

  private split(type: string): { loader?: DirectoryLoader; name: string } {
    const dot = type.lastIndexOf('.');
    return { loader: this.loaders.get(type.slice(0, dot)), name: type.slice(dot + 1) };
  }
}

/** n8n's own nodes, lazily: a class is required the first time a workflow uses it. */
export async function loadN8nNodesBase(dir = n8nNodesBaseDir): Promise<DirectoryLoader> {
  const loader = new LazyPackageDirectoryLoader(dir);
  await loader.loadAll();
  return loader;
}

/**
 * A community package from the built files its package.json `n8n.nodes` lists. Refuses a missing
 * or stale build: one older than any source file of the package (`nodes/`, `credentials/`) or of
 * the workspace packages it bundles (their `src/`, tests left out).
 */
/**
 * Why the community package's dist/ cannot be used as it is — not built, or older than a source
 * file it bundles (its own nodes or a workspace package) — or null when it is current.
 */
export function staleBuild(dir: string): string | null {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    name: string;
    n8n?: { nodes?: string[] };
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const built = (pkg.n8n?.nodes ?? []).map((file) => path.join(dir, file));
  const rebuild = `run \`pnpm --filter ${pkg.name}... build\``;
  const missing = built.filter((file) => !existsSync(file));
  if (missing.length > 0)
    return `${pkg.name} is not built (missing ${missing.map((f) => path.relative(dir, f))}); ${rebuild}`;
  const workspaceDeps = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })
    .filter(([, version]) => version.startsWith('workspace:'))
    .map(([name]) => path.join(realpathSync(path.join(dir, 'node_modules', name)), 'src'));
  const sources = [path.join(dir, 'nodes'), path.join(dir, 'credentials'), ...workspaceDeps];
  const builtAt = Math.min(...built.map((file) => statSync(file).mtimeMs));
  const newer = sources.flatMap(sourceFiles).find((file) => statSync(file).mtimeMs > builtAt);
  return newer ? `${pkg.name}'s dist/ is older than ${path.relative(repoRoot, newer)}; ${rebuild}` : null;
}

export async function loadCommunityPackage(dir: string): Promise<DirectoryLoader> {
  const stale = staleBuild(dir);
  if (stale) throw new Error(stale);

  const loader = new PackageDirectoryLoader(dir);
  await loader.loadAll();
  return loader;
}

/** Files a build reads under `dir`: everything but tests and benchmarks. */
function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !/\.(test|int\.test|bench)\.ts$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * n8n's AI nodes (`@n8n/n8n-nodes-langchain`: vector stores, document loaders, agents) from the
 * pinned real n8n that tier 3 runs (FIRTH_N8N_BIN, set by `firth_ensure_n8n`; scripts/test.sh
 * installs it first). The package is large and versioned with n8n itself, so tier 2 borrows that
 * copy rather than installing a second one. `undefined` when no runtime is present.
 */
export function n8nNodesLangchainDir(): string | undefined {
  const bin = process.env.FIRTH_N8N_BIN;
  if (!bin) return undefined;
  // <runtime>/node_modules/n8n/bin/n8n → <runtime>/node_modules/@n8n/n8n-nodes-langchain
  const dir = path.resolve(path.dirname(bin), '../../@n8n/n8n-nodes-langchain');
  return existsSync(path.join(dir, 'package.json')) ? dir : undefined;
}

/**
 * The registry every workflow in `workflows/` runs against: n8n-nodes-base + n8n-nodes-firth, and
 * n8n's AI nodes when the n8n runtime is installed (see n8nNodesLangchainDir).
 */
export async function createNodeTypes(
  options: { communityPackages?: string[] } = {},
): Promise<NodeTypeRegistry> {
  const registry = new NodeTypeRegistry().add(await loadN8nNodesBase());
  const langchain = n8nNodesLangchainDir();
  if (langchain) registry.add(await loadN8nNodesBase(langchain));
  for (const dir of options.communityPackages ?? [firthNodesDir]) {
    registry.add(await loadCommunityPackage(dir));
  }
  return registry;
}
