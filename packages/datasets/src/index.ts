/**
 * @firth/datasets — the small data sets and checkpoints the course uses, shipped offline.
 */
export {
  type Cranfield,
  type CranfieldDocument,
  type CranfieldJudgement,
  type CranfieldQuery,
  loadCranfield,
} from './cranfield.js';
export { type Digits, loadDigits } from './digits.js';
export { loadLeeCorpus } from './lee.js';
export { dataPath } from './paths.js';
export { loadSst2, type Sst2Example } from './sst2.js';
export { loadTinyShakespeare } from './tinyshakespeare.js';
