/** @firth/tensor for Node: the same as the browser entry (browser.ts), which reads no files. */
export * from './browser.js';
