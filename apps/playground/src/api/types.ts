/**
 * What a panel's server side is: routes under `/api/` (JSON in, JSON or a stream out) and files
 * under `/data/` that the page fetches to run a model in the browser.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface PlaygroundContext {
  /** Where Firth's local model server answers (OpenAI API under /v1), when one runs beside. */
  firthServerUrl?: string;
  /** Its bearer key, when it has one (never sent to the page). */
  firthServerKey?: string;
}

export interface ApiRequest {
  /** The parsed JSON body (POST), or the query string's parameters (GET). */
  body: Record<string, unknown>;
  /** Aborted when the client goes away: stop generating. */
  signal: AbortSignal;
  req: IncomingMessage;
  res: ServerResponse;
  context: PlaygroundContext;
}

export interface ApiRoute {
  method: 'GET' | 'POST';
  /** The whole path, `/api/...`. */
  path: string;
  /**
   * The JSON answer; or `undefined` when the handler wrote the response itself (a stream).
   * Throw `HttpError` (from @firth/server) for a 4xx with a message the page shows.
   */
  handle(request: ApiRequest): unknown | Promise<unknown>;
}

export interface DataFile {
  /** `/data/<name>` */
  name: string;
  /** The file on disk (resolved when first asked for). */
  path: () => string;
  contentType: string;
}
