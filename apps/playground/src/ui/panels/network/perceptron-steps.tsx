/**
 * The perceptron learning a logic gate one example at a time: the course's "Step-by-Step Hand
 * Calculation for AND Gate" as a table that grows with Step (one example) or Run (to the end).
 * @firth/neural's `Perceptron` trains with the course's rule and records every step in `trace`;
 * this shows the trace, and `decisionBoundarySvg` draws the line of the weights after the last
 * step shown.
 */
import {
  type Dataset2D,
  decisionBoundarySvg,
  type LogicGateName,
  logicGate,
  Perceptron,
  type PerceptronStep,
} from '@firth/neural';
import { roundTo } from '@firth/numeric';
import { useMemo, useState } from 'preact/hooks';
import { Alert, TextField } from '../../components.js';
import { parseNumber } from './fields.js';

/** The course's starting point: η = 0.1, w = [0.3, −0.1] ("randomly assigned"), b = 0.2. */
const COURSE = { learningRate: '0.1', w1: '0.3', w2: '-0.1', bias: '0.2' };
/** Enough for AND and OR (7 and 6 epochs from the course's start); XOR never settles: its table stops here. */
const MAX_EPOCHS = 20;

/** A number as the course writes it: 4 decimals at most, so 0.19999999999999998 reads 0.2. */
export const show = (v: number): string => String(roundTo(v));

export function PerceptronSteps() {
  const [gate, setGate] = useState<LogicGateName>('and');
  const [fields, setFields] = useState(COURSE);
  const [shown, setShown] = useState(0);

  const trained = useMemo((): { model: Perceptron; data: Dataset2D } | { error: string } => {
    try {
      const model = new Perceptron({
        learningRate: parseNumber('Learning rate η', fields.learningRate),
        initialWeights: [parseNumber('Initial w1', fields.w1), parseNumber('Initial w2', fields.w2)],
        initialBias: parseNumber('Initial bias b', fields.bias),
        maxEpochs: MAX_EPOCHS,
      });
      const data = logicGate(gate);
      return { model: model.fit(data.X, data.y), data };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }, [gate, fields]);

  const edit = (key: keyof typeof COURSE) => (e: Event) => {
    setFields({ ...fields, [key]: (e.currentTarget as HTMLInputElement).value });
    setShown(0);
  };

  const trace = 'model' in trained ? trained.model.trace : [];
  const last: PerceptronStep | undefined = trace[shown - 1];
  const opts = 'model' in trained ? trained.model.options : null;
  // the weights after the last step shown (before any step: the starting weights)
  const weights = last ? last.weights : (opts?.initialWeights ?? [0, 0]);
  const bias = last ? last.bias : (opts?.initialBias ?? 0);

  let picture: { svg: string; outputs: string } | null = null;
  if ('model' in trained) {
    const now = new Perceptron();
    now.weights = weights;
    now.bias = bias;
    const out = now.predict(trained.data.X);
    picture = {
      svg: decisionBoundarySvg(
        trained.data.X,
        trained.data.y,
        { weights, bias },
        { width: 360, height: 300 },
      ),
      outputs: trained.data.X.map((x, i) => `(${x.join(', ')}) → ${out[i]}`).join(', '),
    };
  }

  let status = 'Press Step to feed the first example, or Run to train to the end.';
  if ('model' in trained && shown > 0) {
    const m = trained.model;
    status =
      shown < trace.length
        ? `Step ${shown} of ${trace.length} · epoch ${last!.epoch}`
        : m.converged
          ? `Converged after ${m.epochs} epochs (${trace.length} steps): the last epoch made no mistake.`
          : `Not converged after ${m.epochs} epochs: no line separates this gate's points.`;
  }

  return (
    <section class="card network-perceptron" aria-labelledby="network-perceptron-title">
      <h3 id="network-perceptron-title">Perceptron: a logic gate, step by step</h3>
      <p>
        z = w1·x1 + w2·x2 + b; output = 1 if z ≥ 0 else 0; error = target − output; w ← w + η·error·x; b ← b +
        η·error. The defaults are the course's hand calculation.
      </p>
      <div class="row">
        <label>
          Gate
          <select
            value={gate}
            onChange={(e) => {
              setGate(e.currentTarget.value as LogicGateName);
              setShown(0);
            }}
          >
            <option value="and">AND</option>
            <option value="or">OR</option>
            <option value="xor">XOR</option>
          </select>
        </label>
        <TextField
          label="Learning rate η"
          size={6}
          value={fields.learningRate}
          onInput={edit('learningRate')}
        />
        <TextField label="Initial w1" size={6} value={fields.w1} onInput={edit('w1')} />
        <TextField label="Initial w2" size={6} value={fields.w2} onInput={edit('w2')} />
        <TextField label="Initial bias b" size={6} value={fields.bias} onInput={edit('bias')} />
      </div>
      <div class="row network-buttons">
        <button
          type="button"
          disabled={!trace.length || shown >= trace.length}
          onClick={() => setShown(shown + 1)}
        >
          Step
        </button>
        <button
          type="button"
          disabled={!trace.length || shown >= trace.length}
          onClick={() => setShown(trace.length)}
        >
          Run
        </button>
        <button type="button" class="secondary" disabled={shown === 0} onClick={() => setShown(0)}>
          Reset
        </button>
      </div>
      {'error' in trained ? (
        <Alert>{trained.error}</Alert>
      ) : (
        <p id="network-perceptron-status" aria-live="polite">
          {status}
        </p>
      )}
      <div class="row">
        {picture ? (
          <figure class="network-figure">
            {/* decisionBoundarySvg: role="img" with the line's equation as its label */}
            <div dangerouslySetInnerHTML={{ __html: picture.svg }} />
            <figcaption>
              w = [{weights.map(show).join(', ')}], b = {show(bias)}. Outputs now: {picture.outputs}.
            </figcaption>
          </figure>
        ) : null}
        <div class="network-trace">
          <table id="network-perceptron-trace">
            <caption>The training steps so far (weights and bias after each step's update)</caption>
            <thead>
              <tr>
                <th scope="col">Epoch</th>
                <th scope="col">Input (x1, x2)</th>
                <th scope="col">Target</th>
                <th scope="col">Weighted sum z</th>
                <th scope="col">Output</th>
                <th scope="col">Error</th>
                <th scope="col">New weights (w1, w2)</th>
                <th scope="col">New bias</th>
              </tr>
            </thead>
            <tbody>
              {trace.slice(0, shown).map((s, i) => (
                <tr key={i} class={i === shown - 1 ? 'current' : undefined}>
                  <td>{s.epoch}</td>
                  <td>({s.inputs.join(', ')})</td>
                  <td>{s.target}</td>
                  <td>{show(s.z)}</td>
                  <td>{s.output}</td>
                  <td>{s.error}</td>
                  <td>({s.weights.map(show).join(', ')})</td>
                  <td>{show(s.bias)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
