/**
 * @firth/neural — neural networks from the course, from the single perceptron up.
 */

// Pictures of what a linear classifier learned.
export { boundarySegment, type DecisionBoundaryOptions, decisionBoundarySvg } from './decision-boundary.js';
// The perceptron, with the course's learning rule and a trace of every step.
export {
  Perceptron,
  type PerceptronJSON,
  type PerceptronOptions,
  type PerceptronStep,
  step,
} from './perceptron.js';

// scikit-learn's Perceptron (SGD with the perceptron loss), numerically identical to sklearn 1.2.1.
export * from './sklearn-perceptron.js';
