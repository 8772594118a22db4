/**
 * @firth/tensor for Node: the browser entry (browser.ts), which reads no files, and the thread count
 * of the large operations (threads.ts) — in Node large float32 products run on worker threads over
 * shared memory (matmul-f32-threads.ts); in browsers they stay on one thread.
 */
export * from './browser.js';
export { matmulF32Workers } from './matmul-f32.js';
export { THREADED_MIN_PRODUCT } from './matmul-f32-threads.js';
export { MAX_DEFAULT_THREADS, setTensorThreads, tensorThreads } from './threads.js';
