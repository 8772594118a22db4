/**
 * A user folder for the real n8n, as tiers 3 and the browser tier use it: n8n-nodes-firth (rebuilt
 * first when a source is newer than its dist/) installed as a community package, every workflow and
 * committed credential imported, Firth's model server on a free port with a random key, and PGlite
 * (Postgres with pgvector) on another; the imported credentials point at both, and the Firth nodes
 * without a credential find the server through FIRTH_SERVER_URL / FIRTH_SERVER_KEY, which n8n
 * inherits. `close()` stops both servers, clears the variables and removes the folder.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type FirthServer,
  n8nBin,
  type PgliteServer,
  type Prepared,
  prepareUserFolder,
  startFirthServer,
  startPgliteServer,
} from '@firth/n8n-host';
import { staleBuild } from './node-types.js';

const root = resolve(import.meta.dirname, '../../..');
export const firthNodesPackageDir = join(root, 'packages', 'n8n-nodes-firth');
export const workflowsDir = join(root, 'workflows');

export interface FirthN8nFolder {
  userFolder: string;
  prepared: Prepared;
  server: FirthServer;
  postgres: PgliteServer;
  /** The model server's key: one the committed credentials do not hold, so a run that succeeds proves n8n sent the imported one. */
  apiKey: string;
  close(): Promise<void>;
}

/** `name` tells the folders and keys of one tier from another's (firth-n8n-<name>-…). */
export async function prepareFirthN8n(name: string): Promise<FirthN8nFolder> {
  n8nBin(); // no silent skip: these tiers exist to run the real n8n
  // Pack what the sources say today, never a stale dist/: rebuild (esbuild, seconds) only when a
  // source is newer — rebuilding a current dist/ would pull it from under tier 2 running beside it.
  if (staleBuild(firthNodesPackageDir))
    execFileSync(process.execPath, ['build.mjs'], { cwd: firthNodesPackageDir, stdio: 'inherit' });
  const userFolder = mkdtempSync(join(tmpdir(), `firth-n8n-${name}-`));
  const apiKey = `firth-${name}-${randomBytes(9).toString('base64url')}`;
  const server = await startFirthServer({ port: 0, apiKey });
  // workflows/embeddings-into-pgvector.json's database, empty (n8n's own PGVector node)
  const postgres = await startPgliteServer({ port: 0 });
  process.env.FIRTH_SERVER_URL = server.url;
  process.env.FIRTH_SERVER_KEY = apiKey;
  const close = async () => {
    delete process.env.FIRTH_SERVER_URL;
    delete process.env.FIRTH_SERVER_KEY;
    await server.close();
    await postgres.close();
    rmSync(userFolder, { recursive: true, force: true });
  };
  try {
    const prepared = await prepareUserFolder({
      userFolder,
      packageDir: firthNodesPackageDir,
      workflowsDir,
      credentialsDir: join(workflowsDir, 'credentials'),
      credentialOverrides: { firthServerUrl: server.url, firthServerKey: apiKey, postgres },
    });
    return { userFolder, prepared, server, postgres, apiKey, close };
  } catch (error) {
    await close();
    throw error;
  }
}
