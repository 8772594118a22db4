/**
 * @firth/numeric for a browser (and any bundler that sets the `browser` condition): everything in
 * the package except `findAbove` / `foldersUp` (locate.ts), which look for files on disk.
 * `@firth/numeric` resolves here under the `browser` condition; `@firth/numeric/browser` names it.
 */

export * from './file-format.js';
// A follow-up question made standalone from the conversation before it (no model; issue 16).
export { type ChatTurn, condenseOffline, subjectOf } from './follow-up.js';
export { fma, glibcLog } from './glibc-log.js';
// Which pretrained models this process loaded (each loader reports), their sizes, and its memory.
export {
  type LoadedModel,
  loadedModels,
  MEMORY_REPORT_DIR_ENV,
  type ProcessMemory,
  processMemory,
  trackModelLoad,
  weightBytes,
  writeMemoryReport,
} from './loaded-models.js';
export { approximateMode, stratifiedShuffleSplit } from './model-selection.js';
// Node's fs for the few methods that read files on classes a browser uses too (Node only at call time).
export { nodeBuiltin } from './node-builtin.js';
// Optional peer dependencies, imported when the feature that needs them first runs.
export { importOptional, isMissingPackage, MissingOptionalPackageError } from './optional-import.js';
export type { ProgressEvent } from './progress-event.js';
export * from './random-state.js';
export { DISPLAY_DECIMALS, type Rounded, roundDeep, roundTo } from './rounding.js';
export * from './validation.js';
