/**
 * @firth/neural — neural networks from the course, from the single perceptron up.
 *
 * The browser entry: nothing in this package reads files or starts workers, so it is the whole
 * package (index.ts re-exports it). Its charts come through @firth/plot's browser entry (SVG; PNG
 * is Node only). `ProgressBar` draws on the stream you pass it (its default, process.stderr, is
 * Node's). `@firth/neural` resolves here under the `browser` condition.
 */

// Activation functions with derivatives (course: sigmoid, tanh, ReLU, leaky ReLU, maxout, ELU;
// plus GELU, SiLU, softplus, identity), softmax with its Jacobian, and a plot of the curves.
export {
  ACTIVATION_NAMES,
  ACTIVATIONS,
  type Activation,
  type ActivationName,
  type ActivationOptions,
  type ActivationPlotOptions,
  activation,
  activationPlotSvg,
  applyActivation,
  erf,
  erfc,
  type MaxoutPiece,
  type MaxoutResult,
  maxout,
  sigmoid,
  softmax,
  softmaxJacobian,
  softmaxJvp,
} from './activations.js';
// Convolution and pooling on one 2-D image in plain JavaScript (the course's CNN figure): the
// reference the TensorFlow.js CNN in @firth/deep is tested against, and a feature-map heat map.
export {
  type AxisGeometry,
  avgPool2d,
  axisGeometry,
  type Conv2dOptions,
  checkImage,
  conv2d,
  type FeatureMapSvgOptions,
  featureMapSvg,
  flatten,
  maxPool2d,
  type Padding,
  type Pool2dOptions,
} from './convolution.js';
// Pictures of what a classifier learned: a linear one's boundary line, any one's probability surface.
export {
  boundarySegment,
  type DecisionBoundaryOptions,
  type DecisionSurface,
  type DecisionSurfaceOptions,
  decisionBoundarySvg,
  decisionSurface,
  paddedDomain,
} from './decision-boundary.js';
// scikit-learn's MLPClassifier / MLPRegressor (adam, sgd) with their losses and optimizers,
// numerically identical to sklearn 1.2.1.
export { binaryLogLoss, logLoss, pairwiseSum, r2Score, squaredLoss } from './losses.js';
export * from './mlp.js';
export { AdamOptimizer, type LearningRateSchedule, type Optimizer, SGDOptimizer } from './optimizers.js';
// The perceptron, with the course's learning rule and a trace of every step.
export {
  Perceptron,
  type PerceptronJSON,
  type PerceptronOptions,
  type PerceptronStep,
  step,
} from './perceptron.js';
// Training you can watch: progress events, a terminal progress bar, a loss-curve SVG.
export {
  formatMetrics,
  type LossCurveOptions,
  lossCurveSvg,
  ProgressBar,
  type ProgressBarOptions,
  type ProgressCallback,
  type ProgressEvent,
  ProgressLog,
  progressFraction,
} from './progress.js';
// scikit-learn's Perceptron (SGD with the perceptron loss), numerically identical to sklearn 1.2.1.
export * from './sklearn-perceptron.js';
// Two-feature data sets to watch a classifier learn: logic gates, circles (scikit-learn's), spirals.
export {
  type CirclesOptions,
  type Dataset2D,
  type LogicGateName,
  logicGate,
  makeCircles,
  makeSpirals,
  type SpiralsOptions,
} from './toy-datasets.js';
