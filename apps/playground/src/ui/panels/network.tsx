/**
 * The neural-network playground (TensorFlow Playground's idea on Firth's scikit-learn-identical
 * MLP): the perceptron's AND gate step by step with the course's numbers, then an MLP learning
 * AND, XOR, circles or spirals live. Everything runs in the page, on @firth/neural's browser entry.
 */
import { MlpPlayground } from './network/mlp-playground.js';
import { PerceptronSteps } from './network/perceptron-steps.js';

export function NetworkPanel() {
  return (
    <div class="network">
      <PerceptronSteps />
      <MlpPlayground />
    </div>
  );
}
