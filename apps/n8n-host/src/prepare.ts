/**
 * Getting a user folder ready for `n8n start`: the project's community package installed, every
 * workflow imported, and the owner's login decided. Shared by `firth-n8n start` and the tests.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  describeCommunityPackage,
  installCommunityPackage,
  installedVersion,
  packCommunityPackage,
  type RegisteredPackage,
  registerCommunityPackage,
} from './community-package.js';
import { type CredentialOverrides, importCredentials } from './firth-server.js';
import { importWorkflows, type WorkflowFile } from './headless.js';
import type { OwnerAccount } from './server.js';

export interface PrepareOptions {
  userFolder: string;
  /** The community package's folder, built (`packages/n8n-nodes-firth`). */
  packageDir: string;
  /** Folder of importable workflow JSON files (`workflows/`), imported inactive. @default none */
  workflowsDir?: string;
  /**
   * More folders of workflows, imported after `workflowsDir` (inactive too: n8n activates a
   * workflow once it runs — queue.ts activates those whose JSON says `"active": true`). @default none
   */
  moreWorkflowsDirs?: string[];
  /**
   * Folder of credential JSON files imported before the workflows (`workflows/credentials/`: the
   * Firth server's, placeholder key only). @default none
   */
  credentialsDir?: string;
  /** Where the imported credentials point instead (another port, a key). @default as the files say */
  credentialOverrides?: CredentialOverrides;
  /**
   * More environment for every n8n command run on the folder: queue mode's Postgres and Redis
   * (queue.ts). @default none — the folder's own SQLite database
   */
  env?: NodeJS.ProcessEnv;
  /** Records the package in n8n's database. @default recordInstalledPackage: the folder's SQLite database */
  recordPackage?: (pkg: RegisteredPackage) => Promise<void> | void;
}

export interface Prepared {
  /** `{ name, version }` of the installed community package. */
  package: { name: string; version: string };
  /** What n8n's database records about it (Settings → Community nodes). */
  registered: RegisteredPackage;
  workflows: WorkflowFile[];
  /** The credentials imported (ids, names, types; never their data). */
  credentials: { id: string; name: string; type: string }[];
}

/**
 * Packs and installs the package as n8n's installer does, imports the credentials (if any) and every
 * workflow, then records the package as installed in n8n's database. Safe to run on every start.
 */
export async function prepareUserFolder({
  userFolder,
  packageDir,
  workflowsDir,
  moreWorkflowsDirs = [],
  credentialsDir,
  credentialOverrides,
  env,
  recordPackage,
}: PrepareOptions): Promise<Prepared> {
  mkdirSync(userFolder, { recursive: true });
  const tarball = await packCommunityPackage(packageDir);
  const options = env ? { env } : {};
  try {
    const installed = await installCommunityPackage(userFolder, tarball);
    // Credentials first: the workflows refer to them by id.
    const credentials = credentialsDir
      ? await importCredentials(userFolder, credentialsDir, credentialOverrides, options)
      : [];
    const workflows = workflowsDir ? await importWorkflows(userFolder, workflowsDir, options) : [];
    for (const dir of moreWorkflowsDirs) workflows.push(...(await importWorkflows(userFolder, dir, options)));
    // The imports above ran n8n on the folder, so its database exists, migrated.
    const registered = recordPackage
      ? await describeCommunityPackage(installed)
      : await registerCommunityPackage(userFolder, installed);
    if (recordPackage) await recordPackage(registered);
    return { package: installedVersion(installed), registered, workflows, credentials };
  } finally {
    rmSync(dirname(tarball), { recursive: true, force: true });
  }
}

/** Where the generated owner login is kept between starts (mode 0600, inside the gitignored folder). */
export function ownerFile(userFolder: string): string {
  return join(userFolder, 'firth-owner.json');
}

/**
 * The owner's login: `FIRTH_N8N_EMAIL` / `FIRTH_N8N_PASSWORD` when set; otherwise
 * `admin@firth.local` and a password generated once and stored in the user folder, so every
 * restart logs in with the same one. `generated` says whether the password is ours to print.
 */
export function ownerAccount(
  userFolder: string,
  env: NodeJS.ProcessEnv = process.env,
): OwnerAccount & { generated: boolean } {
  const email = env['FIRTH_N8N_EMAIL'] || 'admin@firth.local';
  const base = { email, firstName: 'Firth', lastName: 'Admin' };
  const fromEnv = env['FIRTH_N8N_PASSWORD'];
  if (fromEnv) return { ...base, password: fromEnv, generated: false };
  const file = ownerFile(userFolder);
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { password?: unknown };
    if (typeof stored.password === 'string') return { ...base, password: stored.password, generated: true };
  }
  // n8n wants 8–64 characters with a digit and a capital letter.
  const password = `Firth1-${randomBytes(12).toString('base64url')}`;
  mkdirSync(userFolder, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ password }, null, 2)}\n`, { mode: 0o600 });
  return { ...base, password, generated: true };
}
