/** What every command shares: files the user names, and the result on stdout (text or --json). */
import { statSync } from 'node:fs';
import { CliError, UsageError } from './args.js';

/**
 * A package only a clone of the Firth repository has (the playground, the n8n host), imported when
 * its command runs; when that package itself is missing, a CliError with `message` (a broken
 * install fails with its own error).
 *
 *   const host = await importOptionalPeer(() => import('@firth/n8n-host'), '@firth/n8n-host', 'firth n8n runs inside a clone …');
 *
 * `load` is a literal `import('…')` so the package's metadata test sees the dependency.
 */
export async function importOptionalPeer<T>(
  load: () => Promise<T>,
  packageName: string,
  message: string,
): Promise<T> {
  try {
    return await load();
  } catch (e) {
    // @firth/numeric loaded only here: the other commands start without it
    const { isMissingPackage } = await import('@firth/numeric');
    if (isMissingPackage(e, packageName)) throw new CliError(message);
    throw e;
  }
}

/** `path` if it is a readable file; else a CliError naming it and what it was for. */
export function existingFile(path: string, what: string): string {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new CliError(`${what} "${path}" does not exist`);
  }
  if (!isFile) throw new CliError(`${what} "${path}" is not a file`);
  return path;
}

/** A folder the user names; else a CliError. */
export function existingFolder(path: string, what: string): string {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new CliError(`${what} "${path}" does not exist`);
  }
  if (!isDir) throw new CliError(`${what} "${path}" is not a folder`);
  return path;
}

/** The result: one JSON document with --json, else the text lines. */
export function printResult(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** A number for people: 1234567 → '1,234,567'. */
export const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The file extension picks the vector format saveVectors writes. */
export function vectorFormatFor(path: string): 'word2vec-binary' | 'word2vec' | 'ml5-json' {
  if (/\.bin$/i.test(path)) return 'word2vec-binary';
  if (/\.json$/i.test(path)) return 'ml5-json';
  return 'word2vec';
}

/** What the training commands report about the vectors they saved. */
export interface SavedVectors {
  out: string;
  format: ReturnType<typeof vectorFormatFor>;
  words: number;
  vectorSize: number;
}

/** Saves trained vectors in the format --out's extension names (word2vec and GloVe train). */
export async function saveTrainedVectors(
  wv: import('@firth/embeddings').KeyedVectors,
  out: string,
): Promise<SavedVectors> {
  const { saveVectors } = await import('@firth/embeddings');
  const format = vectorFormatFor(out);
  await saveVectors(wv, out, { format });
  return { out, format, words: wv.length, vectorSize: wv.vectorSize };
}

/** "saved 4,844 vectors of 50 dimensions to vectors.bin (word2vec-binary)" */
export const savedLine = (s: SavedVectors): string =>
  `saved ${thousands(s.words)} vectors of ${s.vectorSize} dimensions to ${s.out} (${s.format})`;

/** --out, required by the training commands that write one file. */
export function requireOut(out: unknown): string {
  if (typeof out !== 'string' || out === '') throw new UsageError('missing --out <file>');
  return out;
}
