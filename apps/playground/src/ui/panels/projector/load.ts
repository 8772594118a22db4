/**
 * Getting vectors into the page: the shipped GloVe file fetched with progress, a user's file read
 * from a file input or a drop. Both become a KeyedVectors through @firth/embeddings' own readers
 * (`parseVectors`: word2vec text and binary, GloVe text, fastText .vec), in the browser.
 */
import { FAKE_WORD_VECTORS, KeyedVectors, parseVectors } from '@firth/embeddings';

/** The largest file the page reads: the bytes and the parsed table both sit in the tab's memory. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

export interface Progress {
  loaded: number;
  /** 0 when the server did not say (no Content-Length). */
  total: number;
}

/** GETs `url` as bytes, reporting progress as they arrive; an HTTP error names the status. */
export async function fetchBytes(
  url: string,
  onProgress: (p: Progress) => void,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const res = await fetch(url, signal ? { signal } : {});
  if (!res.ok || !res.body) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = ((await res.json()) as { error?: string }).error ?? message;
    } catch {}
    throw new Error(`could not fetch ${url}: ${message}`);
  }
  const total = Number(res.headers.get('Content-Length') ?? 0) || 0;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress({ loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

/** The course's fake 3-D vectors (@firth/embeddings' FAKE_WORD_VECTORS) as KeyedVectors. */
export function courseVectors(): KeyedVectors {
  return KeyedVectors.fromObject(FAKE_WORD_VECTORS);
}

/**
 * A user's file as word vectors, its format from its extension or first line, as `loadVectors`
 * decides. Throws an Error whose message names the file and the problem (parseVectors'
 * FormatError: the line, the word and what is wrong), or the size limit.
 */
export async function readVectorsFile(file: File): Promise<KeyedVectors> {
  if (file.size > MAX_FILE_BYTES)
    throw new Error(
      `${file.name} is ${megabytes(file.size)}; the projector reads files up to ${megabytes(MAX_FILE_BYTES)} in the browser (keep the most frequent words: head -n 100001 for word2vec text)`,
    );
  return parseVectors(new Uint8Array(await file.arrayBuffer()), { name: file.name });
}

export const megabytes = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
