/**
 * @firth/playground — the course playground: five panels in one page, served on 127.0.0.1.
 *
 *   const playground = await createPlaygroundServer({ port: 8790 }); // http://127.0.0.1:8790
 */
export type { ApiRequest, ApiRoute, DataFile, PlaygroundContext } from './api/types.js';
export { playgroundPort, servePlayground } from './serve.js';
export {
  createPlaygroundServer,
  DEFAULT_PLAYGROUND_PORT,
  defaultPublicDir,
  type PlaygroundOptions,
  type PlaygroundServer,
} from './server.js';
