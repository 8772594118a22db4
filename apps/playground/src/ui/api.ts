/** The page's side of the playground server: JSON calls, server-sent event streams, model files. */

/** An error the server answered with (`{ error }`), with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function failure(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: string };
    if (body.error) message = body.error;
  } catch {}
  return new ApiError(res.status, message);
}

/** POSTs `body` as JSON to `path` (`/api/...`) and returns the JSON answer; throws `ApiError`. */
export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/** GETs JSON from `path`; throws `ApiError`. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, signal ? { signal } : {});
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/**
 * POSTs `body` and reads the answer as server-sent events (`event: name` / `data: json`), calling
 * `onEvent` for each; resolves when the stream ends. An `error` event throws `ApiError`.
 */
export async function streamEvents(
  path: string,
  body: unknown,
  onEvent: (event: string, data: unknown) => void,
  signal?: AbortSignal,
): Promise<void> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  if (!res.ok || !res.body) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      const parsed: unknown = data ? JSON.parse(data) : null;
      if (event === 'error')
        throw new ApiError(500, (parsed as { error?: string })?.error ?? 'the stream failed');
      onEvent(event, parsed);
      end = buffer.indexOf('\n\n');
    }
  }
}

const cache = new Map<string, Promise<ArrayBuffer>>();
/** A model file the server shares under `/data/<name>`, fetched once per page. */
export function dataFile(name: string): Promise<ArrayBuffer> {
  let p = cache.get(name);
  if (!p) {
    p = fetch(`/data/${name}`).then(async (res) => {
      if (!res.ok) throw await failure(res);
      return res.arrayBuffer();
    });
    p.catch(() => cache.delete(name));
    cache.set(name, p);
  }
  return p;
}
