/**
 * @firth/neural — neural networks from the course, from the single perceptron up.
 *
 * The Node entry (also `@firth/neural/node`) is the browser entry: the package needs no file system.
 */
export * from './browser.js';
