/**
 * @firth/neural for a browser. Nothing in this package reads files or starts workers, so the browser
 * entry is the whole package: the perceptron, scikit-learn's MLP and Perceptron, activations,
 * convolution, losses, optimizers, progress events and their SVG charts (through @firth/plot's
 * browser entry). `ProgressBar` draws on a stream you pass it (its default, process.stderr, is
 * Node's). `@firth/neural` resolves here under the `browser` condition.
 */
export * from './index.js';
