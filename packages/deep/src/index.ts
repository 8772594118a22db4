/**
 * @firth/deep — deep networks from the course on TensorFlow.js (wasm backend by default).
 */

// Where TensorFlow.js runs: tfjs-node when installed, else wasm, else cpu. One place decides.
export { BACKEND_NAMES, type BackendName, type BackendOptions, findWasmDir, initBackend, tf } from './backend.js';
