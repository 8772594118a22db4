/**
 * @firth/n8n-host — drives a real n8n (the pinned n8n@2.41.1 at `FIRTH_N8N_BIN`) with
 * n8n-nodes-firth installed as a community node: `scripts/start.sh` and the end-to-end tests.
 *
 *   const folder = mkdtempSync('/tmp/n8n-');
 *   await prepareUserFolder({ userFolder: folder, packageDir: 'packages/n8n-nodes-firth', workflowsDir: 'workflows' });
 *   const runs = await executeBatch(folder, ['firth0perceptron1']);
 *   nodeOutput(runs['firth0perceptron1'], 'Perceptron')[0] // { coef: [[0.2, 0.2]], ... }
 */

// The model server's handle, as @firth/server returns it.
export type { FirthServer } from '@firth/server';
// Installing the community package the way n8n users do.
export {
  communityNodesDir,
  describeCommunityPackage,
  installCommunityPackage,
  n8nDatabaseFile,
  packCommunityPackage,
  type RegisteredPackage,
  recordInstalledPackage,
  registerCommunityPackage,
} from './community-package.js';
// The course path: lesson numbers in workflow names, and the workflows in that order.
export { inCourseOrder, lessonNumber } from './course.js';
// A user folder's environment: headless, offline, loopback only.
export {
  assertPortFree,
  encryptionKey,
  freePort,
  LOOPBACK,
  type N8nEnvOptions,
  n8nDir,
  n8nEnv,
} from './env.js';
// Firth's local model server beside n8n, and the credentials that point n8n's own nodes at it.
export {
  applyCredentialOverrides,
  type CredentialFile,
  type CredentialOverrides,
  DEFAULT_FIRTH_SERVER_URL,
  firthServerPort,
  importCredentials,
  readCredentialFiles,
  startFirthServer,
} from './firth-server.js';
// Headless n8n commands: import, list node types, execute (one process each).
export {
  type ExecutionItem,
  executeBatch,
  exportNodes,
  importWorkflows,
  type NodeTypeDescription,
  n8nCli,
  nodeOutput,
  type RunData,
  readWorkflowFiles,
  type WorkflowFile,
  type WorkflowRun,
} from './headless.js';
// Lines of n8n's log that Firth caused (none on a normal run).
export { firthLogLines } from './log.js';
// A throwaway Postgres with pgvector (PGlite over the wire protocol) for n8n's PGVector Store node.
export { PGLITE_CREDENTIAL_NAME, type PgliteServer, startPgliteServer } from './pglite-server.js';
// What `firth-n8n start` does before starting n8n.
export { ownerAccount, ownerFile, type Prepared, type PrepareOptions, prepareUserFolder } from './prepare.js';
// Running the n8n binary.
export { n8nBin } from './process.js';
// n8n's queue mode: PostgreSQL and Redis as child processes, n8n main + workers (start --queue).
export {
  processesInGroups,
  type QueueCompanions,
  type QueueStack,
  type QueueStackOptions,
  type QueueWorker,
  queueSecrets,
  recordInstalledPackageInPostgres,
  rssOf,
  startQueueMode,
  startQueueStack,
  stillAlive,
  workerCountOf,
} from './queue.js';
// A running `n8n start` and a logged-in REST session.
export {
  login,
  type N8nHandle,
  type OwnerAccount,
  type RestSession,
  type StartOptions,
  setupOwner,
  spawnN8n,
  startN8n,
} from './server.js';
export {
  findPostgres,
  findQueueServices,
  findRedis,
  type PostgresConnection,
  type PostgresServer,
  psql,
  type RedisServer,
  type ServiceProcess,
  startPostgres,
  startRedis,
} from './services.js';
// `firth-n8n start` / `firth n8n`: n8n with Firth, in the foreground; where start.sh installed n8n.
export { type Companions, installedN8nBin, repoRoot, startCompanions, startFirthN8n } from './start.js';
