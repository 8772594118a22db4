/**
 * The package tier's set-up: every published (non-private) workspace package packed with `pnpm
 * pack` (which rewrites `workspace:*` to versions) and installed from the tarballs with npm into a
 * project outside the workspace, as a developer would. Sizes are measured here: the tarball, the
 * whole install, and each package's own install (the closure of its dependencies and required
 * peers in that install).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

export interface Published {
  name: string;
  version: string;
  /** Absolute folder. */
  dir: string;
  /** Folder relative to the workspace root (`packages/numeric`). */
  rel: string;
}

/** The workspace's package folders (pnpm-workspace.yaml: `- packages/*`, `- test`, …), not private. */
export function publishedPackages(root: string): Published[] {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const patterns = [...yaml.matchAll(/^\s*-\s*['"]?([^'"\s#]+)['"]?\s*$/gm)].map((m) => m[1] as string);
  const dirs: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('/*')) {
      const parent = join(root, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const name of readdirSync(parent).sort()) dirs.push(join(pattern.slice(0, -2), name));
    } else dirs.push(pattern);
  }
  const out: Published[] = [];
  for (const rel of dirs) {
    const file = join(root, rel, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
    };
    if (pkg.private) continue;
    out.push({ name: pkg.name, version: pkg.version, dir: join(root, rel), rel });
  }
  return out;
}

/**
 * The system Node (/usr/bin/node: what a clean machine and CI have) when the packages support it
 * (engines >=20.19), else undefined.
 */
export function supportedSystemNode(): { path: string; version: string } | undefined {
  const path = '/usr/bin/node';
  try {
    const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
    const [major, minor] = version.slice(1).split('.').map(Number) as [number, number];
    return major > 20 || (major === 20 && minor >= 19) ? { path, version } : undefined;
  } catch {
    return undefined; // no system Node
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/**
 * Runs a command and collects its output; never rejects (a missing binary is exit code 127).
 * `env` replaces the environment.
 */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const keep = (s: string, chunk: Buffer) => (s.length > 400_000 ? s : s + chunk.toString());
    child.stdout.on('data', (c: Buffer) => {
      stdout = keep(stdout, c);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr = keep(stderr, c);
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            try {
              if (child.pid) process.kill(-child.pid, 'SIGKILL');
            } catch {
              child.kill('SIGKILL');
            }
          }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      done({
        code: 127,
        signal: null,
        stdout,
        stderr: `${stderr}${error.message}`,
        ms: Date.now() - started,
        timedOut,
      });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

export interface Packed {
  pkg: Published;
  tarball: string;
  bytes: number;
  files: string[];
}

/** `pnpm pack` of one package into `dest`. */
export async function pack(pkg: Published, dest: string): Promise<Packed> {
  const r = await run('pnpm', ['pack', '--pack-destination', dest, '--json'], {
    cwd: pkg.dir,
    timeoutMs: 120_000,
  });
  if (r.code !== 0)
    throw new Error(`pnpm pack of ${pkg.name} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as {
    filename: string;
    files: { path: string }[];
  };
  return {
    pkg,
    tarball: json.filename,
    bytes: statSync(json.filename).size,
    files: json.files.map((f) => f.path),
  };
}

/** npm's cache for the tier, kept between runs so a rerun installs from disk. */
export function npmCacheDir(): string {
  return process.env['FIRTH_NPM_CACHE'] ?? join(homedir(), '.cache', 'firth', 'npm-cache');
}

/**
 * npm's network settings, which reach the registry as the user's own npm would: scripts/lib/
 * toolchain.sh exports the system npm's `cafile` (a machine behind a TLS-inspecting proxy has it in
 * /usr/etc/npmrc, which Node 24's npm does not read), and a proxy or mirror may come the same way.
 */
const NPM_NETWORK = /^npm_config_(cafile|ca|registry|proxy|https_proxy|noproxy|strict_ssl)$/i;

/** The environment for npm and for the blocks: no Firth, vitest or Node option leaks in. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    const leak = /^(FIRTH_|VITEST|NODE_OPTIONS$|NODE_PATH$|NODE_ENV$|TEST$|npm_|PNPM_|TURBO_)/.test(k);
    if (leak && !NPM_NETWORK.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** `npm install` into `project` (created with `npm init -y` when new). */
export async function npmInstall(project: string, specs: string[]): Promise<RunResult> {
  if (!existsSync(join(project, 'package.json'))) {
    const init = await run('npm', ['init', '-y'], { cwd: project, env: cleanEnv(), timeoutMs: 60_000 });
    if (init.code !== 0) return init;
  }
  return run(
    'npm',
    [
      'install',
      ...specs,
      '--cache',
      npmCacheDir(),
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
    ],
    { cwd: project, env: cleanEnv(), timeoutMs: 480_000 },
  );
}

/** Disk usage (as `du`: allocated blocks) of a folder, without `skip` subfolders at its top. */
export function diskUsage(dir: string, skip: ReadonlySet<string> = new Set()): number {
  let total = 0;
  const walk = (d: string, top: boolean) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (top && skip.has(entry.name)) continue;
      const p = join(d, entry.name);
      const st = lstatSync(p);
      total += st.blocks * 512;
      if (entry.isDirectory()) walk(p, false);
    }
  };
  if (existsSync(dir)) walk(dir, true);
  return total;
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** Where `name` resolves from a package folder inside `project` (Node's lookup up the folders). */
function locate(name: string, from: string, project: string): string | undefined {
  let dir = resolve(from);
  const stop = resolve(project);
  for (;;) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (dir === stop || dir === dirname(dir)) return undefined;
    dir = dirname(dir);
  }
}

/**
 * What installing `name` alone would put on disk: the package and everything it needs (its
 * dependencies, optional dependencies that are installed, and its non-optional peers, which npm
 * installs), measured in the shared install. Returns bytes.
 */
export function installClosureBytes(project: string, name: string): number {
  const seen = new Set<string>();
  const start = locate(name, project, project);
  if (!start) return 0;
  const queue = [start];
  let total = 0;
  while (queue.length > 0) {
    const dir = queue.pop() as string;
    if (seen.has(dir)) continue;
    seen.add(dir);
    total += diskUsage(dir, new Set(['node_modules']));
    const m = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    const optionalPeers = new Set(
      Object.entries(m.peerDependenciesMeta ?? {})
        .filter(([, v]) => v.optional)
        .map(([k]) => k),
    );
    const needs = [
      ...Object.keys(m.dependencies ?? {}),
      ...Object.keys(m.optionalDependencies ?? {}),
      ...Object.keys(m.peerDependencies ?? {}).filter((p) => !optionalPeers.has(p)),
    ];
    for (const dep of needs) {
      const at = locate(dep, dir, project);
      if (at && !seen.has(at)) queue.push(at);
    }
  }
  return total;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024).toFixed(0)} kB`;
}
