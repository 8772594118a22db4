/**
 * What the browser complained about while a learner used the editor: console errors, uncaught page
 * errors, failed requests, HTTP errors, and requests that leave the machine (Firth works offline:
 * one that names Firth is an error whether or not the network happens to answer it). Each entry is
 * classified:
 *
 * - `noise`: a known, harmless consequence of running offline or of navigating (listed below, each
 *   with the reason it is not a problem);
 * - `firth`: caused by Firth — it mentions Firth or n8n-nodes-firth, or is a request made for a
 *   Firth node (its URL or body names the package). These fail the test that was running, unless
 *   listed in KNOWN_FIRTH with the reason they are harmless;
 * - `other`: everything else, n8n's own business; printed, never failing.
 */
import type { Page, Request } from 'playwright-core';

export interface ConsoleEntry {
  at: number;
  /** `outside`: a request that leaves the machine (to a host other than 127.0.0.1 / localhost) */
  kind: 'console' | 'pageerror' | 'requestfailed' | 'http' | 'outside';
  text: string;
  class: 'firth' | 'noise' | 'other';
  /** For `noise`: why it is ignored. */
  reason?: string;
}

/**
 * Firth-related entries known to be harmless, each with its reason. Keep this list short: anything
 * added here is something a learner's console shows.
 */
export const KNOWN_FIRTH: { pattern: RegExp; reason: string }[] = [
  {
    pattern: /https:\/\/(registry|api)\.npmjs\.org\/\S*n8n-nodes-firth/,
    reason:
      'n8n 2.41\'s node panel opens its community "Node details" pane for every node whose package is ' +
      'named n8n-nodes-* (installed or not: shouldShowCommunityNodeDetails) and looks the package up on ' +
      "npm when it is not on n8n's vetted list; n8n requires that name, so Firth cannot avoid it (offline: " +
      'a failed request; the pane still shows "Installed" and adds the node)',
  },
  {
    pattern: /^requestfailed .* net::ERR_ABORTED$/,
    reason: 'the browser cancelled the request (a Firth node icon, say) because the view that asked left',
  },
  {
    pattern:
      /(^http 404 GET|Failed to load resource: .* 404 .*@) \S*\/schemas\/n8n-nodes-firth\.[^/\s]+\/[\d.]+(\/\S+)?\.json$/,
    reason:
      "n8n's editor asks for an output-schema preview of a node that has not run yet (served from " +
      "`__schema__/v<version>/` beside a node file, which only some of n8n's own nodes ship); without one it " +
      'shows no preview and carries on',
  },
];

/** Known offline noise: ignored, with the reason. Firth-caused entries are never matched here. */
export const KNOWN_NOISE: { pattern: RegExp; reason: string }[] = [
  {
    pattern: /net::ERR_ABORTED/,
    reason: 'the browser cancels the requests of a view it leaves (navigation, closing a panel)',
  },
  {
    pattern: /net::ERR_NAME_NOT_RESOLVED|net::ERR_INTERNET_DISCONNECTED|net::ERR_CONNECTION_REFUSED.*https:/,
    reason:
      "offline: n8n's editor fetches outside resources (typescriptlang.org for the Code editor, n8n's template and telemetry hosts)",
  },
  {
    pattern: /^http 401 .*\/rest\/login\b/,
    reason: 'the sign-in page asks whether a session exists before signing in (401 = not yet)',
  },
  {
    pattern:
      /^console Failed to load resource: the server responded with a status of 401 .*@ \S*\/rest\/login\b/,
    reason: "the browser's own line for that 401",
  },
];

// "Firth" as a word or the package's name — not the workflows' ids (`firthXorMlp0001`)
const FIRTH = /n8n-nodes-firth|\bfirth\b/i;

/**
 * Classifies one entry. A request counts as Firth's when its URL names Firth or its body names the
 * package (a Firth node's icon, its load-options call, the registry page of n8n-nodes-firth).
 */
export function classify(
  kind: ConsoleEntry['kind'],
  text: string,
  requestBody = '',
): Omit<ConsoleEntry, 'at'> {
  const line = `${kind} ${text}`;
  const firth = FIRTH.test(text) || /n8n-nodes-firth/.test(requestBody);
  const known = (firth ? KNOWN_FIRTH : KNOWN_NOISE).find((n) => n.pattern.test(line));
  return {
    kind,
    text: line,
    class: known ? 'noise' : firth ? 'firth' : 'other',
    ...(known ? { reason: known.reason } : {}),
  };
}

/** Starts recording a page's errors; `entries` grows as they happen. */
export class ConsoleLog {
  readonly entries: ConsoleEntry[] = [];

  constructor(page: Page) {
    page.on('console', (message) => {
      // Chromium's "Failed to load resource" names the resource only in its location
      if (message.type() === 'error') this.add('console', `${message.text()} @ ${message.location().url}`);
    });
    page.on('pageerror', (error) => this.add('pageerror', `${error.name}: ${error.message}`));
    page.on('request', (request) => {
      const host = new URL(request.url()).hostname;
      if (
        /^https?:$/.test(new URL(request.url()).protocol) &&
        !['127.0.0.1', 'localhost', '[::1]'].includes(host)
      )
        this.add('outside', `${request.method()} ${request.url()}`, request);
    });
    page.on('requestfailed', (request) =>
      this.add(
        'requestfailed',
        `${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`,
        request,
      ),
    );
    page.on('response', (response) => {
      if (response.status() >= 400)
        this.add(
          'http',
          `${response.status()} ${response.request().method()} ${response.url()}`,
          response.request(),
        );
    });
  }

  private add(kind: ConsoleEntry['kind'], text: string, request?: Request): void {
    this.entries.push({ at: Date.now(), ...classify(kind, text, request?.postData() ?? '') });
  }

  /** Entries recorded since `since` (ms), of one class. */
  since(since: number, cls: ConsoleEntry['class']): ConsoleEntry[] {
    return this.entries.filter((e) => e.at >= since && e.class === cls);
  }

  /** One line per distinct entry, with a count; noise with its reason. */
  summary(): string {
    const counts = new Map<string, number>();
    for (const e of this.entries) {
      const key = `[${e.class}] ${e.text.slice(0, 240)}${e.reason ? ` — ignored: ${e.reason}` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([line, n]) => (n > 1 ? `${n}× ${line}` : line)).join('\n');
  }
}
