/**
 * @firth/numeric — the numeric foundation every Firth model stands on.
 */

// Reading files: FormatError (file, where, problem), JSON shapes, finite-weight checks.
export * from './file-format.js';
export { fma, glibcLog } from './glibc-log.js';
// Train/validation splits with scikit-learn's random draws.
// Files shipped beside the code, found from the running module's folder.
export { findAbove, foldersUp, moduleDirOf } from './locate.js';
export { approximateMode, stratifiedShuffleSplit } from './model-selection.js';
// Optional peer dependencies, imported when the feature that needs them first runs.
export { importOptional, isMissingPackage, MissingOptionalPackageError } from './optional-import.js';
// The event every trainer emits while training.
export type { ProgressEvent } from './progress-event.js';
// Seeded random numbers, bit for bit NumPy's legacy `RandomState` (MT19937).
export * from './random-state.js';
// Numbers for reading: roundTo / roundDeep (display only; exact values stay beside them).
export { DISPLAY_DECIMALS, type Rounded, roundDeep, roundTo } from './rounding.js';
// Input validation with errors that name the offending value.
export * from './validation.js';
