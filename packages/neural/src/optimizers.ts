/**
 * Stochastic gradient optimizers exactly as scikit-learn 1.2.1 runs them for its multi-layer
 * perceptron (`neural_network/_stochastic_optimizers.py`): plain/momentum/Nesterov SGD with the
 * constant, inverse-scaling and adaptive learning-rate schedules, and Adam (Kingma & Ba 2014).
 *
 * Every parameter is a flat Float64Array (a weight matrix row-major, or a bias vector); `update`
 * takes the gradients in the same order and changes the parameters in place: θ <- θ + Δθ.
 * The arithmetic is written in sklearn's order so the same gradients give the same doubles.
 */

/** What the MLP training loop needs from an optimizer. */
export interface Optimizer {
  /** Current step size η (Adam: the bias-corrected one of the last step). */
  learningRate: number;
  /** θ_i <- θ_i + Δθ_i for every parameter array, Δθ from the gradients ∂L/∂θ_i. */
  update(params: Float64Array[], grads: Float64Array[]): void;
  /** Called after each epoch with t = samples seen so far (invscaling uses it). */
  iterationEnds(timeStep: number): void;
  /** No improvement for nIterNoChange epochs: true = stop training; false = keep going (adaptive). */
  triggerStopping(): boolean;
}

export type LearningRateSchedule = 'constant' | 'invscaling' | 'adaptive';

/**
 * SGD with momentum (`SGDOptimizer`):
 *   v <- μ·v − η·g                  (the velocity, one per parameter)
 *   Δθ = v                          (classical momentum)
 *   Δθ = μ·v − η·g                  (Nesterov: look ahead along the new velocity)
 * Schedules: 'constant' η = η0; 'invscaling' η = η0 / (t + 1)^power_t after every epoch
 * (t = samples seen); 'adaptive' keeps η until training stalls, then η <- η / 5, stopping only when
 * η <= 1e-6.
 */
export class SGDOptimizer implements Optimizer {
  learningRate: number;
  /** The velocity of each parameter (a fast path may move them into its own memory and back). */
  velocities: Float64Array[];

  constructor(
    shapes: number[],
    readonly learningRateInit = 0.1,
    readonly schedule: LearningRateSchedule = 'constant',
    readonly momentum = 0.9,
    readonly nesterov = true,
    readonly powerT = 0.5,
  ) {
    this.learningRate = learningRateInit;
    this.velocities = shapes.map((size) => new Float64Array(size));
  }

  update(params: Float64Array[], grads: Float64Array[]): void {
    const mu = this.momentum;
    const eta = this.learningRate;
    params.forEach((theta, p) => {
      const v = this.velocities[p]!;
      const g = grads[p]!;
      for (let i = 0; i < theta.length; i++) {
        // v <- μ·v − η·g
        v[i] = mu * v[i]! - eta * g[i]!;
        // θ <- θ + (μ·v − η·g)  (Nesterov)  or  θ <- θ + v
        theta[i]! += this.nesterov ? mu * v[i]! - eta * g[i]! : v[i]!;
      }
    });
  }

  iterationEnds(timeStep: number): void {
    // η = η0 / (t + 1)^power_t
    if (this.schedule === 'invscaling')
      this.learningRate = this.learningRateInit / (timeStep + 1) ** this.powerT;
  }

  triggerStopping(): boolean {
    if (this.schedule !== 'adaptive') return true;
    if (this.learningRate <= 1e-6) return true;
    this.learningRate /= 5.0;
    return false;
  }
}

/**
 * Adam (`AdamOptimizer`), per element, with step count t starting at 1:
 *   m <- β1·m + (1 − β1)·g          (first moment, the running mean of g)
 *   v <- β2·v + (1 − β2)·g²         (second moment, the running mean of g²)
 *   η_t = η0 · sqrt(1 − β2^t) / (1 − β1^t)     (bias correction folded into the step size)
 *   Δθ = −η_t · m / (sqrt(v) + ε)
 */
export class AdamOptimizer implements Optimizer {
  learningRate: number;
  private t = 0;
  /** First and second moments of each parameter (a fast path may move them into its own memory and back). */
  ms: Float64Array[];
  vs: Float64Array[];

  constructor(
    shapes: number[],
    readonly learningRateInit = 0.001,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    this.learningRate = learningRateInit;
    this.ms = shapes.map((size) => new Float64Array(size));
    this.vs = shapes.map((size) => new Float64Array(size));
  }

  /** Counts one more step and returns its step size η_t = η0 · sqrt(1 − β2^t) / (1 − β1^t). */
  nextStepSize(): number {
    this.t += 1;
    const { beta1: b1, beta2: b2 } = this;
    this.learningRate = (this.learningRateInit * Math.sqrt(1 - b2 ** this.t)) / (1 - b1 ** this.t);
    return this.learningRate;
  }

  update(params: Float64Array[], grads: Float64Array[]): void {
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const eta = this.nextStepSize();
    params.forEach((theta, p) => {
      const m = this.ms[p]!;
      const v = this.vs[p]!;
      const g = grads[p]!;
      for (let i = 0; i < theta.length; i++) {
        const gi = g[i]!;
        m[i] = b1 * m[i]! + (1 - b1) * gi;
        v[i] = b2 * v[i]! + (1 - b2) * (gi * gi);
        // θ <- θ − η_t · m / (sqrt(v) + ε)
        theta[i]! += (-eta * m[i]!) / (Math.sqrt(v[i]!) + eps);
      }
    });
  }

  iterationEnds(): void {}

  triggerStopping(): boolean {
    return true;
  }
}
