/**
 * @firth/numeric — the numeric foundation every Firth model stands on.
 *
 * The Node entry: the browser entry (browser.ts: file formats, RandomState, splits, rounding,
 * validation) and the one part that touches the file system, `findAbove` (locate.ts).
 */

// Reading files: FormatError (file, where, problem), JSON shapes, finite-weight checks; glibc's log;
// train/validation splits with scikit-learn's random draws; the event every trainer emits; seeded
// random numbers, bit for bit NumPy's legacy `RandomState` (MT19937); roundTo / roundDeep (display
// only); input validation with errors that name the offending value.
export * from './browser.js';
// Files shipped beside the code, found from the running module's folder (Node only).
export { findAbove, foldersUp, moduleDirOf } from './locate.js';
// Memory per process read from outside: the reports processes write (FIRTH_MEMORY_REPORT_DIR), RSS from /proc.
export {
  formatMemoryReports,
  type ProcessMemoryReport,
  readMemoryReports,
  residentBytes,
} from './memory-report.js';
