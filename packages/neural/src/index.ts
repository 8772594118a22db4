/**
 * @firth/neural — neural networks from the course, from the single perceptron up.
 */

// The perceptron, with the course's learning rule and a trace of every step.
export { Perceptron, step, type PerceptronJSON, type PerceptronOptions, type PerceptronStep } from './perceptron.js';

// Pictures of what a linear classifier learned.
export { boundarySegment, decisionBoundarySvg, type DecisionBoundaryOptions } from './decision-boundary.js';

// scikit-learn's Perceptron (SGD with the perceptron loss), numerically identical to sklearn 1.2.1.
