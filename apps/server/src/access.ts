/**
 * Who may ask: the Host a request names, the web page (Origin) it comes from, and the bearer key.
 *
 * A server on 127.0.0.1 is still reachable from every web page the user opens: the page cannot
 * read the answers of another origin, but it can send requests — and with DNS rebinding
 * (evil.example resolving to 127.0.0.1 after the page loaded) it can even read them, since the
 * browser then thinks the server *is* evil.example. So:
 *   - Host: only the loopback names (`localhost`, `127.0.0.1`, `[::1]`, with this server's port or
 *     none) and the names added with `allowedHosts` / `--allow-host` (`name` or `name:port`; `*`
 *     accepts any Host). A rebound request carries `Host: evil.example` → 403. A request without
 *     Host → 400. An absolute-form target (`GET http://host/path`) is checked as its Host.
 *   - Origin (sent by browsers, not by SDKs): when present, its host name must be a loopback name
 *     or one listed in `allowedHosts` (any port; `*` does not count here) → otherwise 403.
 *   - Bearer key, when configured: compared in constant time; its value never goes into a message,
 *     a log line or an error body.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError, quote } from './http.js';

/** The names of this machine a Host header may carry by default. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** A loopback host: `localhost`, `127.x.x.x`, `::1` or `[::1]` (to listen on, or in a Host/Origin). */
export const isLoopback = (host: string) =>
  LOOPBACK_NAMES.includes(host) || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** `host[:port]` → its parts, lowercased (`[::1]` keeps its brackets); null when malformed. */
export function parseHost(text: string): { name: string; port?: number } | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/i.exec(text.trim());
  if (!m) return null;
  const name = m[1]!.toLowerCase();
  if (m[2] === undefined) return { name };
  const port = Number(m[2]);
  return port <= 65535 ? { name, port } : null;
}

export interface HostRules {
  /** The port this server listens on. */
  port: number;
  /** Names accepted with this port or none. */
  names: Set<string>;
  /** `name:port` pairs accepted exactly. */
  pairs: Set<string>;
  /** `*` was given: any Host. */
  any: boolean;
  /** Host names an Origin may have: the loopback names and the listed ones. */
  originNames: Set<string>;
}

/** The rules for a server on `port`: loopback names, the listening host, and `allowed`. */
export function hostRules(port: number, listenHost: string, allowed: readonly string[] = []): HostRules {
  const rules: HostRules = {
    port,
    names: new Set(LOOPBACK_NAMES),
    pairs: new Set(),
    any: false,
    originNames: new Set(LOOPBACK_NAMES),
  };
  const listen = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  if (listen !== '0.0.0.0' && listen !== '[::]') rules.names.add(listen.toLowerCase());
  for (const entry of allowed) {
    if (entry.trim() === '*') {
      rules.any = true;
      continue;
    }
    const host = parseHost(entry);
    if (!host) throw new Error(`allowedHosts: ${JSON.stringify(entry)} is not a host name or host:port`);
    rules.originNames.add(host.name);
    if (host.port === undefined) rules.names.add(host.name);
    else rules.pairs.add(`${host.name}:${host.port}`);
  }
  return rules;
}

/** 400 without a Host, 403 for a Host (or absolute-form authority) that is not allowed. */
export function checkHost(req: IncomingMessage, rules: HostRules, authority?: string): void {
  const given = authority ?? req.headers.host;
  if (given === undefined || given === '')
    throw new HttpError(400, 'the request has no Host header', null, 'missing_host');
  if (rules.any) return;
  const host = parseHost(given);
  const ok =
    host !== null &&
    ((rules.names.has(host.name) && (host.port === undefined || host.port === rules.port)) ||
      rules.pairs.has(`${host.name}:${host.port}`));
  if (!ok)
    throw new HttpError(
      403,
      `Host ${quote(given)} is not allowed: this server answers to ${[...rules.names].join(', ')} (add names with allowedHosts / --allow-host)`,
      null,
      'host_not_allowed',
    );
}

/** 403 when an Origin header names a web page that is not on this machine or allowed. */
export function checkOrigin(req: IncomingMessage, rules: HostRules): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const m = /^https?:\/\/([^/]+)$/i.exec(origin.trim());
  const host = m ? parseHost(m[1]!) : null;
  if (host && (isLoopback(host.name) || rules.originNames.has(host.name))) return;
  throw new HttpError(
    403,
    `requests from the web page ${quote(origin)} are not allowed (Origin must be a page on this machine, or a host given with allowedHosts / --allow-host)`,
    null,
    'origin_not_allowed',
  );
}

/**
 * Checks `Authorization: Bearer <key>` when a key is configured (Ollama clients may also send the
 * same header). The message names what is wrong, never the value that was sent.
 */
export function checkBearer(req: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const header = req.headers.authorization;
  if (typeof header !== 'string' || header.trim() === '')
    throw new HttpError(
      401,
      "You didn't provide an API key. Send it in the Authorization header as 'Bearer <key>'.",
      null,
      'missing_api_key',
    );
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const given = Buffer.from(match?.[1] ?? '', 'utf8');
  const expected = Buffer.from(apiKey, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new HttpError(401, 'Incorrect API key provided.', null, 'invalid_api_key');
}
