/**
 * The perceptron's decision boundary as a picture (course slide "Decision Boundary"):
 * the line w1·x1 + w2·x2 + b = 0 separates the points classified 1 (w·x + b > 0 side) from those
 * classified 0. Works for any linear model with two features.
 */
import { checkMatrix, checkVector, ValidationError } from '@firth/numeric';
import { Chart } from '@firth/plot';

export interface DecisionBoundaryOptions {
  title?: string;
  /** Axis names. @default ['x1', 'x2'] */
  featureNames?: [string, string];
  width?: number;
  height?: number;
}

/**
 * The two ends of the boundary line w1·x1 + w2·x2 + b = 0 inside the box [x0, x1] × [y0, y1],
 * or null if the line misses the box (or w = 0).
 *
 * boundarySegment([0.2, 0.2], -0.2, [-0.5, 1.5], [-0.5, 1.5]) // [{ x: -0.5, y: 1.5 }, { x: 1.5, y: -0.5 }]
 */
export function boundarySegment(
  w: [number, number] | number[],
  b: number,
  xd: [number, number],
  yd: [number, number],
): [{ x: number; y: number }, { x: number; y: number }] | null {
  const [w1, w2] = [w[0]!, w[1]!];
  const hits: { x: number; y: number }[] = [];
  const push = (x: number, y: number) => {
    const eps = 1e-12 * (Math.abs(xd[1] - xd[0]) + Math.abs(yd[1] - yd[0]));
    if (x < xd[0] - eps || x > xd[1] + eps || y < yd[0] - eps || y > yd[1] + eps) return;
    if (hits.some((h) => Math.abs(h.x - x) <= eps && Math.abs(h.y - y) <= eps)) return;
    hits.push({ x, y });
  };
  if (w2 !== 0) {
    // x2 = −(w1·x1 + b) / w2 on the left and right edges
    for (const x of xd) push(x, -(w1 * x + b) / w2);
  }
  if (w1 !== 0) {
    // x1 = −(w2·x2 + b) / w1 on the bottom and top edges
    for (const y of yd) push(-(w2 * y + b) / w1, y);
  }
  if (hits.length < 2) return null;
  hits.sort((p, q) => p.x - q.x || q.y - p.y);
  return [hits[0]!, hits[hits.length - 1]!];
}

/**
 * An SVG of the training points coloured by class and the boundary line.
 *
 * decisionBoundarySvg([[0,0],[0,1],[1,0],[1,1]], [0,0,0,1], { weights: [0.2, 0.2], bias: -0.2 })
 * // '<svg …><polyline points="…" class="line"/>…<circle class="point" data-series="class 1"/>…</svg>'
 */
export function decisionBoundarySvg(
  X: number[][],
  y: (number | string)[],
  model: { weights: number[]; bias: number },
  options: DecisionBoundaryOptions = {},
): string {
  const rows = checkMatrix(X, 'X');
  if (rows[0]!.length !== 2) {
    throw new ValidationError(
      `a decision boundary can be drawn for 2 features, X has ${rows[0]!.length}`,
      'X',
    );
  }
  const w = checkVector(model.weights, 'weights', 2);
  if (y.length !== rows.length)
    throw new ValidationError(`y has ${y.length} labels but X has ${rows.length} rows`, 'y');
  const [n1, n2] = options.featureNames ?? ['x1', 'x2'];
  const xd = paddedDomain(rows.map((r) => r[0]!));
  const yd = paddedDomain(rows.map((r) => r[1]!));
  const chart = new Chart({
    title:
      options.title ??
      `Decision boundary ${fmtTerm(w[0]!, n1)} ${fmtTerm(w[1]!, n2, true)} ${fmtBias(model.bias)} = 0`,
    xLabel: n1,
    yLabel: n2,
    xDomain: xd,
    yDomain: yd,
    ...(options.width ? { width: options.width } : {}),
    ...(options.height ? { height: options.height } : {}),
  });
  const classes = [...new Set(y.map(String))].sort();
  for (const c of classes) chart.color(`class ${c}`);
  const seg = boundarySegment(w, model.bias, xd, yd);
  if (seg) chart.polyline(seg, { label: 'w·x + b = 0', color: '#333333', dashed: true });
  chart.points(rows.map((r, i) => ({ x: r[0]!, y: r[1]!, series: `class ${y[i]}` })));
  return chart.toSVG();
}

/**
 * The range of `values` widened on both sides by a quarter of its width (at least 0.5), so points
 * at the edge stay inside the picture: the view of `decisionBoundarySvg` and `decisionSurface`.
 *
 * paddedDomain([0, 1]) // [-0.5, 1.5]
 */
export function paddedDomain(values: number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const p = Math.max((hi - lo) * 0.25, 0.5);
  return [lo - p, hi + p];
}

/** What a classifier predicts over the plane: P(class 1) on a grid of cell centres. */
export interface DecisionSurface {
  /** The view, from `paddedDomain` of the data (or as given). */
  xDomain: [number, number];
  yDomain: [number, number];
  /** Cells per side. */
  steps: number;
  /**
   * values[row][col] = P(last class | cell centre), row 0 at the TOP (yDomain[1]) as an image is
   * drawn; the centre of cell (row, col) is (x0 + (col + ½)·dx, y1 − (row + ½)·dy).
   */
  values: number[][];
}

export interface DecisionSurfaceOptions {
  /** Cells per side. @default 40 — 1 600 forward rows, well under a millisecond for a small MLP */
  steps?: number;
  xDomain?: [number, number];
  yDomain?: [number, number];
}

/**
 * A classifier's probability of the last class (class 1 of a binary one) on a steps × steps grid
 * over the data's view: TensorFlow Playground's background colours, from any model with
 * `predictProba` (MLPClassifier, or scikit-learn style models).
 *
 * decisionSurface(mlp, [[0, 0], [1, 1]], { steps: 2 })
 * // { xDomain: [-0.5, 1.5], yDomain: [-0.5, 1.5], steps: 2, values: [[p(0, 1), p(1, 1)], [p(0, 0), p(1, 0)]] }
 */
export function decisionSurface(
  model: { predictProba(X: number[][]): number[][] },
  X: number[][],
  options: DecisionSurfaceOptions = {},
): DecisionSurface {
  const rows = checkMatrix(X, 'X', { nFeatures: 2 });
  const steps = options.steps ?? 40;
  if (!Number.isInteger(steps) || steps < 1 || steps > 1000)
    throw new ValidationError(`steps must be an integer from 1 to 1000, got ${steps}`, 'steps');
  const xDomain = options.xDomain ?? paddedDomain(rows.map((r) => r[0]!));
  const yDomain = options.yDomain ?? paddedDomain(rows.map((r) => r[1]!));
  const dx = (xDomain[1] - xDomain[0]) / steps;
  const dy = (yDomain[1] - yDomain[0]) / steps;
  const grid: number[][] = [];
  for (let r = 0; r < steps; r++) {
    for (let c = 0; c < steps; c++) grid.push([xDomain[0] + (c + 0.5) * dx, yDomain[1] - (r + 0.5) * dy]);
  }
  // one predictProba call for the whole grid: one batched forward pass
  const proba = model.predictProba(grid);
  const values = Array.from({ length: steps }, (_, r) =>
    Array.from({ length: steps }, (_, c) => {
      const p = proba[r * steps + c]!;
      return p[p.length - 1]!;
    }),
  );
  return { xDomain, yDomain, steps, values };
}

function num(v: number): string {
  return String(Number(v.toPrecision(6)));
}
function fmtTerm(v: number, name: string, signed = false): string {
  if (!signed) return `${num(v)}·${name}`;
  return `${v < 0 ? '−' : '+'} ${num(Math.abs(v))}·${name}`;
}
function fmtBias(b: number): string {
  return `${b < 0 ? '−' : '+'} ${num(Math.abs(b))}`;
}
