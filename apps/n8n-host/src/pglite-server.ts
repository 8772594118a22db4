/**
 * A throwaway Postgres with pgvector for n8n's own "Postgres PGVector Store" node, offline: PGlite
 * (Postgres compiled to WASM, in memory, with the real pgvector extension) served over the Postgres
 * wire protocol on 127.0.0.1 by pglite-socket. The tests start one beside n8n and point the
 * committed `postgres` credential (workflows/credentials/) at it.
 *
 * PGlite is one backend: pglite-socket multiplexes the client connections onto it, queueing at the
 * query level and keeping a transaction's queries together. Connections over `maxConnections` are
 * refused, not queued — and LangChain's PGVectorStore holds one pooled client while it queries
 * through the pool, so a limit of 1 would lock it up.
 *
 *   const pg = await startPgliteServer(); // pg.port: a free port; user/password/database below
 *   await pg.close();
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { LOOPBACK } from './env.js';

/**
 * The display name of the `postgres` credential while it points at a PGlite server, so a learner
 * who opens it in n8n sees what it is (the committed file's name says how to use a real server).
 */
export const PGLITE_CREDENTIAL_NAME = 'Postgres with pgvector: PGlite in memory, started by Firth';

export interface PgliteServer {
  host: string;
  port: number;
  /** PGlite accepts any user and password (trust); these are what to put in a credential. */
  user: string;
  password: string;
  database: string;
  /** The name a credential pointing here gets: PGLITE_CREDENTIAL_NAME. */
  name: string;
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Stops the server and the database (its data is gone). */
  close(): Promise<void>;
}

/**
 * Starts PGlite with pgvector on `127.0.0.1:port` (0 = any free port); `CREATE EXTENSION vector`
 * works as on a real server. Takes a few seconds (the WASM build boots).
 */
export async function startPgliteServer(
  options: { port?: number; maxConnections?: number } = {},
): Promise<PgliteServer> {
  const db = await PGlite.create({ extensions: { vector } });
  const server = new PGLiteSocketServer({
    db,
    host: LOOPBACK,
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 32,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const port = Number(server.getServerConn().split(':').at(-1));
  const user = 'postgres';
  const password = 'firth-pglite';
  const database = 'postgres';
  let closed: Promise<void> | undefined;
  return {
    host: LOOPBACK,
    port,
    user,
    password,
    database,
    name: PGLITE_CREDENTIAL_NAME,
    url: `postgres://${user}:${password}@${LOOPBACK}:${port}/${database}`,
    close: () => {
      closed ??= (async () => {
        await server.stop();
        await db.close();
      })();
      return closed;
    },
  };
}
