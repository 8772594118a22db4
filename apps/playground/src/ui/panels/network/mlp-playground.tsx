/**
 * TensorFlow Playground on @firth/neural's MLPClassifier (scikit-learn 1.2.1's, weight for weight):
 * pick a two-feature data set and a network, press Play, watch the decision surface and the loss
 * curve move. One `partialFit` — one epoch — per animation frame, so the page stays responsive;
 * after each, `score` (training accuracy), `decisionSurface` and `lossCurveSvg`, all from the core.
 */
import {
  type Dataset2D,
  type DecisionSurface,
  decisionSurface,
  logicGate,
  lossCurveSvg,
  MLPClassifier,
  type MLPOptions,
  makeCircles,
  makeSpirals,
  paddedDomain,
} from '@firth/neural';
import { roundTo } from '@firth/numeric';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Alert, TextField } from '../../components.js';
import { parseLayers, parseNumber } from './fields.js';
import { SurfaceCanvas } from './surface-canvas.js';

export type DatasetName = 'and' | 'xor' | 'circles' | 'spirals';
/** The inner circle's radius (the outer one's is 1): clearly apart at the default noise. */
export const CIRCLES_FACTOR = 0.5;
/** Grid cells per side of the decision surface: 1 600 rows through the network per frame. */
const GRID = 40;

export interface MlpSettings {
  dataset: DatasetName;
  points: string;
  noise: string;
  dataSeed: string;
  hidden: string;
  activation: NonNullable<MLPOptions['activation']>;
  solver: 'adam' | 'sgd';
  learningRate: string;
  seed: string;
}

/** Settings that learn all four data sets (spirals in about 400 epochs) with one network. */
const DEFAULTS: MlpSettings = {
  dataset: 'xor',
  points: '200',
  noise: '0.05',
  dataSeed: '0',
  hidden: '8, 8',
  activation: 'tanh',
  solver: 'adam',
  learningRate: '0.03',
  seed: '42',
};

/** The data set the settings name, from @firth/neural's generators. */
function dataset(s: MlpSettings): Dataset2D {
  if (s.dataset === 'and' || s.dataset === 'xor') return logicGate(s.dataset);
  const common = {
    nSamples: parseNumber('Points', s.points),
    noise: parseNumber('Noise', s.noise),
    randomState: parseNumber('Data seed', s.dataSeed),
  };
  return s.dataset === 'circles' ? makeCircles({ ...common, factor: CIRCLES_FACTOR }) : makeSpirals(common);
}

/** The network the settings name (not trained yet); the core checks every option's range. */
function network(s: MlpSettings): MLPClassifier {
  return new MLPClassifier({
    hiddenLayerSizes: parseLayers(s.hidden),
    activation: s.activation,
    solver: s.solver,
    learningRateInit: parseNumber('Learning rate', s.learningRate),
    randomState: parseNumber('Weights seed', s.seed),
  });
}

interface DataView2D extends Dataset2D {
  xDomain: [number, number];
  yDomain: [number, number];
}

interface Snapshot {
  epoch: number;
  loss: number;
  accuracy: number;
  lossCurve: number[];
  surface: DecisionSurface;
  proba: number[];
  predicted: number[];
}

export function MlpPlayground() {
  const [s, setS] = useState(DEFAULTS);
  const [playing, setPlaying] = useState(false);
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [trainError, setTrainError] = useState<string | null>(null);
  const [tableOpen, setTableOpen] = useState(false);
  const model = useRef<MLPClassifier | null>(null);

  const data = useMemo((): DataView2D | { error: string } => {
    try {
      const d = dataset(s);
      return {
        ...d,
        xDomain: paddedDomain(d.X.map((r) => r[0]!)),
        yDomain: paddedDomain(d.X.map((r) => r[1]!)),
      };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }, [s.dataset, s.points, s.noise, s.dataSeed]);

  /** Any change of setting starts over: a new data set or network, untrained. */
  const set = (key: keyof MlpSettings) => (e: Event) => {
    setS({ ...s, [key]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });
    reset();
  };
  function reset() {
    model.current = null;
    setPlaying(false);
    setSnap(null);
    setTrainError(null);
  }

  /** One epoch; false (and the reason on the page) when the settings cannot train. */
  function epoch(): boolean {
    if ('error' in data) return false;
    try {
      model.current ??= network(s);
      const m = model.current;
      m.partialFit(data.X, data.y, { classes: [0, 1] });
      const surface = decisionSurface(m, data.X, {
        steps: GRID,
        xDomain: data.xDomain,
        yDomain: data.yDomain,
      });
      setSnap({
        epoch: m.nIter,
        loss: m.loss,
        accuracy: m.score(data.X, data.y),
        lossCurve: m.lossCurve.slice(),
        surface,
        proba: m.predictProba(data.X).map((p) => p[1]!),
        predicted: m.predict(data.X) as number[],
      });
      return true;
    } catch (error) {
      model.current = null;
      setTrainError((error as Error).message);
      return false;
    }
  }

  // Play: an epoch per animation frame until Pause (or an error)
  const playingRef = useRef(false);
  playingRef.current = playing;
  useEffect(() => {
    if (!playing) return;
    let id = 0;
    const frame = () => {
      if (!playingRef.current) return;
      if (!epoch()) {
        setPlaying(false);
        return;
      }
      id = requestAnimationFrame(frame);
    };
    id = requestAnimationFrame(frame);
    return () => cancelAnimationFrame(id);
  }, [playing, data, s]);

  const ready = !('error' in data);
  const shownError = 'error' in data ? data.error : trainError;
  const summary = ready
    ? snap
      ? `Decision surface after epoch ${snap.epoch}: blue where the network predicts class 0, vermillion ` +
        `for class 1, x1 from ${roundTo(data.xDomain[0], 2)} to ${roundTo(data.xDomain[1], 2)}, ` +
        `x2 from ${roundTo(data.yDomain[0], 2)} to ${roundTo(data.yDomain[1], 2)}; ` +
        `${Math.round(snap.accuracy * data.y.length)} of ${data.y.length} training points classified correctly.`
      : `The ${data.y.length} training points before training: class 0 blue, class 1 vermillion.`
    : '';

  // AND and XOR are four fixed points: no size, noise or seed to set
  const fixed = s.dataset === 'and' || s.dataset === 'xor';
  return (
    <section class="card network-mlp" aria-labelledby="network-mlp-title">
      <h3 id="network-mlp-title">Multi-layer perceptron: watch it learn</h3>
      <p>
        scikit-learn's MLPClassifier (the same weights for the same seed), trained one epoch per frame with
        partialFit. Changing a setting starts over.
      </p>
      <div class="row">
        <label>
          Data set
          <select value={s.dataset} onChange={set('dataset')}>
            <option value="and">AND</option>
            <option value="xor">XOR</option>
            <option value="circles">Circles</option>
            <option value="spirals">Spirals</option>
          </select>
        </label>
        <TextField label="Points" size={5} value={s.points} disabled={fixed} onInput={set('points')} />
        <TextField label="Noise" size={5} value={s.noise} disabled={fixed} onInput={set('noise')} />
        <TextField label="Data seed" size={5} value={s.dataSeed} disabled={fixed} onInput={set('dataSeed')} />
      </div>
      <div class="row">
        <TextField
          label="Hidden layers (units per layer)"
          size={10}
          value={s.hidden}
          onInput={set('hidden')}
        />
        <label>
          Activation
          <select value={s.activation} onChange={set('activation')}>
            <option value="identity">identity</option>
            <option value="logistic">logistic</option>
            <option value="tanh">tanh</option>
            <option value="relu">relu</option>
          </select>
        </label>
        <label>
          Solver
          <select value={s.solver} onChange={set('solver')}>
            <option value="adam">adam</option>
            <option value="sgd">sgd</option>
          </select>
        </label>
        <TextField label="Learning rate" size={6} value={s.learningRate} onInput={set('learningRate')} />
        <TextField label="Weights seed" size={5} value={s.seed} onInput={set('seed')} />
      </div>
      <div class="row network-buttons">
        <button
          type="button"
          id="network-mlp-play"
          disabled={!ready}
          aria-pressed={playing}
          onClick={() => {
            setTrainError(null);
            setPlaying(!playing);
          }}
        >
          {playing ? 'Pause' : 'Play'}
        </button>
        <button
          type="button"
          disabled={!ready || playing}
          onClick={() => {
            setTrainError(null);
            epoch();
          }}
        >
          Step
        </button>
        <button type="button" class="secondary" onClick={reset}>
          Reset
        </button>
      </div>
      <Alert>{shownError}</Alert>
      <dl class="network-stats" aria-live={playing ? 'off' : 'polite'}>
        <div>
          <dt>Epoch</dt>
          <dd id="network-mlp-epoch">{snap ? snap.epoch : 0}</dd>
        </div>
        <div>
          <dt>Loss</dt>
          <dd id="network-mlp-loss">{snap ? snap.loss.toFixed(6) : '—'}</dd>
        </div>
        <div>
          <dt>Training accuracy</dt>
          <dd id="network-mlp-accuracy">{snap ? `${roundTo(snap.accuracy * 100, 1)} %` : '—'}</dd>
        </div>
      </dl>
      {ready ? (
        <div class="row">
          <figure class="network-figure">
            <SurfaceCanvas
              X={data.X}
              y={data.y}
              xDomain={data.xDomain}
              yDomain={data.yDomain}
              surface={snap?.surface ?? null}
              label={summary}
            />
            <figcaption>{summary}</figcaption>
          </figure>
          <figure class="network-figure">
            {snap ? (
              <div
                dangerouslySetInnerHTML={{
                  __html: lossCurveSvg(snap.lossCurve, { title: 'Training loss', width: 360, height: 260 }),
                }}
              />
            ) : (
              <p class="network-empty">The loss curve appears after the first epoch.</p>
            )}
            <figcaption>
              {snap
                ? `Log loss per epoch, from ${snap.lossCurve[0]!.toFixed(6)} at epoch 1 to ${snap.loss.toFixed(6)} at epoch ${snap.epoch}.`
                : 'Log loss per epoch.'}
            </figcaption>
          </figure>
        </div>
      ) : null}
      {ready ? (
        <details onToggle={(e) => setTableOpen((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>Table view of the training points</summary>
          {tableOpen ? (
            <table id="network-mlp-points">
              <caption>The training points and what the network predicts for each</caption>
              <thead>
                <tr>
                  <th scope="col">x1</th>
                  <th scope="col">x2</th>
                  <th scope="col">Class</th>
                  <th scope="col">P(class 1)</th>
                  <th scope="col">Predicted</th>
                </tr>
              </thead>
              <tbody>
                {data.X.map((p, i) => (
                  <tr key={i}>
                    <td>{roundTo(p[0]!)}</td>
                    <td>{roundTo(p[1]!)}</td>
                    <td>{data.y[i]}</td>
                    <td>{snap ? roundTo(snap.proba[i]!) : '—'}</td>
                    <td>{snap ? snap.predicted[i] : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </details>
      ) : null}
    </section>
  );
}
