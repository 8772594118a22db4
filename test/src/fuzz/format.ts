/**
 * What a fuzzed file format provides (one module per format under `formats/`, its default export),
 * and the messages between the harness and its worker.
 *
 * Format modules run in a worker thread under Node's type stripping: erasable TypeScript only, and
 * packages are imported by name (their built `dist/`).
 */
import type { Mutator } from './mutate.ts';

export type Files = Record<string, Uint8Array>;

export interface FuzzFormat {
  /** Short name, e.g. 'safetensors'. */
  name: string;
  /** 'text' adds the text mutators (numbers, punctuation, lines, Unicode, repeated tokens). */
  kind: 'binary' | 'text';
  /** Valid cases (file name → bytes) that the loader accepts unchanged. */
  seeds(): Files[] | Promise<Files[]>;
  /** The files of a case that are mutated (default: all). */
  mutable?: string[];
  /** Format-aware mutators (e.g. edits of safetensors offsets), drawn as often as two generic ones. */
  extra?: Mutator[];
  /** Loads a case through Firth's public API; the files are also written to `dir`. */
  load(files: Files, dir: string): unknown;
  /**
   * After the loader accepted a case: an independent check of the files' structure (not the
   * loader's own code). null when they are consistent, otherwise what is wrong with them — an
   * accepted inconsistent file fails the suite.
   */
  inconsistency(files: Files, loaded: unknown): string | null | Promise<string | null>;
}

export type Outcome = 'accepted' | 'rejected' | 'unchanged' | 'inconsistent' | 'crash' | 'hang' | 'oom';
export const FAILURES: readonly Outcome[] = ['inconsistent', 'crash', 'hang', 'oom'];

export interface WorkerTask {
  module: string;
  seed: number;
  from: number;
  count: number;
}

/** What the fuzz worker posts as a case's result (watchdog.ts carries it). */
export interface FuzzResult {
  outcome: Outcome;
  detail: string;
}
