/**
 * Attention heatmaps: one head of one layer at a time (pickers for both), the tokens on both axes,
 * the weight of the cell under the mouse or the keyboard's cursor read out, and the head's matrix
 * as a table (each row sums to 1). The first thing shown is the course's self-attention table,
 * "YOUR CAT IS A LOVELY CAT" (`selfAttentionLesson`: one head, Q = K = V = random word vectors).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { postJson } from '../../api.js';
import { Alert } from '../../components.js';

export type AttentionModel = 'lesson' | 'char-gpt' | 'tinystories' | 'bert';

interface AttentionAnswer {
  tokens: string[];
  /** maps[layer][head][query][key] */
  maps: number[][][][];
  causal: boolean;
}

const MODELS: { id: AttentionModel; name: string }[] = [
  { id: 'lesson', name: 'The course’s lesson: one head, random word vectors (Q = K = V)' },
  { id: 'char-gpt', name: 'Char-level GPT (tiny Shakespeare, 2 layers × 4 heads)' },
  { id: 'tinystories', name: 'TinyStories 260K (llama2.c, 5 layers × 8 heads)' },
  { id: 'bert', name: 'BERT (bert-tiny, 2 layers × 2 heads)' },
];

/** White → the accent blue, by the weight's share of the head's largest. */
function shade(w: number, max: number): string {
  const t = max > 0 ? w / max : 0;
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(255, 29)},${mix(255, 78)},${mix(255, 216)})`;
}

export function AttentionView() {
  const [model, setModel] = useState<AttentionModel>('lesson');
  const [text, setText] = useState('YOUR CAT IS A LOVELY CAT');
  const [answer, setAnswer] = useState<(AttentionAnswer & { model: AttentionModel }) | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [layer, setLayer] = useState(0);
  const [head, setHead] = useState(0);
  const [cell, setCell] = useState<[number, number]>([0, 0]);
  const abort = useRef<AbortController | null>(null);

  async function show(m = model, t = text) {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setBusy(true);
    setError('');
    try {
      const a = await postJson<AttentionAnswer>(
        '/api/transformer/attention',
        { model: m, text: t },
        controller.signal,
      );
      setAnswer({ ...a, model: m });
      setLayer((l) => Math.min(l, a.maps.length - 1));
      setHead((h) => Math.min(h, a.maps[0]!.length - 1));
      setCell([0, 0]);
    } catch (e) {
      if ((e as Error).name !== 'AbortError') {
        setAnswer(null);
        setError((e as Error).message);
      }
    } finally {
      if (abort.current === controller) setBusy(false);
    }
  }

  useEffect(() => {
    void show();
    return () => abort.current?.abort();
  }, []);

  const matrix = answer?.maps[layer]?.[head];
  const tokens = answer?.tokens ?? [];
  const T = tokens.length;
  const max = matrix ? Math.max(...matrix.flat()) : 0;
  const size = Math.max(14, Math.min(40, Math.floor(520 / Math.max(T, 1))));
  const labelW = 90;
  const [ci, cj] = cell;
  const readout =
    matrix && T > 0
      ? `“${tokens[ci]}” (query ${ci + 1}) → “${tokens[cj]}” (key ${cj + 1}): ${matrix[ci]![cj]!.toFixed(3)}`
      : '';

  function onMouse(e: MouseEvent) {
    const svg = (e.currentTarget as HTMLElement).querySelector('svg');
    if (!svg || T === 0) return;
    const box = svg.getBoundingClientRect();
    const j = Math.floor((e.clientX - box.left - labelW) / size);
    const i = Math.floor((e.clientY - box.top - labelW) / size);
    if (i >= 0 && i < T && j >= 0 && j < T && (i !== ci || j !== cj)) setCell([i, j]);
  }

  function onKey(e: KeyboardEvent) {
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const m = moves[e.key];
    if (!m || T === 0) return;
    e.preventDefault();
    setCell(([i, j]) => [Math.min(T - 1, Math.max(0, i + m[0])), Math.min(T - 1, Math.max(0, j + m[1]))]);
  }

  return (
    <section class="card transformer-attention" aria-labelledby="attention-title">
      <h3 id="attention-title">Attention heatmap</h3>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void show();
        }}
      >
        <label>
          Model
          <select
            value={model}
            onChange={(e) => {
              const m = (e.target as HTMLSelectElement).value as AttentionModel;
              setModel(m);
              void show(m);
            }}
          >
            {MODELS.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label class="transformer-text">
          Sentence
          <input type="text" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" disabled={busy}>
          Show attention
        </button>
      </form>
      <Alert>{error}</Alert>
      {answer && matrix ? (
        <div aria-busy={busy} data-model={answer.model}>
          <div class="row">
            <label>
              Layer
              <select value={layer} onChange={(e) => setLayer(Number((e.target as HTMLSelectElement).value))}>
                {answer.maps.map((_, l) => (
                  <option key={l} value={l}>
                    {l + 1} of {answer.maps.length}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Head
              <select value={head} onChange={(e) => setHead(Number((e.target as HTMLSelectElement).value))}>
                {answer.maps[layer]!.map((_, h) => (
                  <option key={h} value={h}>
                    {h + 1} of {answer.maps[layer]!.length}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {answer.model === 'lesson' ? (
            <p class="note">
              The course's table for this sentence (seq = 6, d<sub>model</sub> = d<sub>k</sub> = 512, one
              head, "all values are random"): weights = softmax(QKᵀ/√d<sub>k</sub>) with Q = K = V = the
              words' vectors, here random vectors drawn with seed 0 (so the numbers differ from the slide's).
            </p>
          ) : answer.causal ? (
            <p class="note">
              A decoder: each token sees only itself and the tokens before it (blank above the diagonal).
            </p>
          ) : null}
          {/* one tab stop for the whole grid (arrow keys move the cell), not one per cell */}
          <div
            class="heatmap"
            role="application"
            aria-roledescription="heatmap"
            aria-label="Heatmap cells: arrow keys move between them, the weight is read out below"
            aria-describedby="attention-readout"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a keyboard widget (role application) must take focus
            tabIndex={0}
            onKeyDown={onKey}
            onMouseMove={onMouse}
          >
            <svg
              role="img"
              aria-label={`Attention of layer ${layer + 1}, head ${head + 1} over ${T} tokens; every weight is in the table below`}
              width={labelW + T * size + 10}
              height={labelW + T * size + 10}
            >
              {tokens.map((tok, j) => (
                <text
                  key={`k${j}`}
                  transform={`translate(${labelW + j * size + size / 2 + 4},${labelW - 6}) rotate(-60)`}
                  class="heatmap-label"
                >
                  {tok}
                </text>
              ))}
              {tokens.map((tok, i) => (
                <text
                  key={`q${i}`}
                  x={labelW - 6}
                  y={labelW + i * size + size / 2 + 4}
                  text-anchor="end"
                  class="heatmap-label"
                >
                  {tok}
                </text>
              ))}
              {matrix.map((row, i) =>
                row.map((w, j) => (
                  <rect
                    key={`${i}-${j}`}
                    x={labelW + j * size}
                    y={labelW + i * size}
                    width={size - 1}
                    height={size - 1}
                    fill={shade(w, max)}
                    stroke={i === ci && j === cj ? '#f59e0b' : 'none'}
                    stroke-width={i === ci && j === cj ? 3 : 0}
                  />
                )),
              )}
            </svg>
          </div>
          <p id="attention-readout" class="readout" aria-live="polite">
            {readout}
          </p>
          <div class="table-scroll">
            <table class="attention-table">
              <caption>
                Layer {layer + 1}, head {head + 1}: row = the query token, column = the token it attends to;
                each row sums to 1
              </caption>
              <thead>
                <tr>
                  <th scope="col">query ↓ key →</th>
                  {tokens.map((tok, j) => (
                    <th scope="col" key={j}>
                      {tok}
                    </th>
                  ))}
                  <th scope="col">Σ</th>
                </tr>
              </thead>
              <tbody>
                {matrix.map((row, i) => (
                  <tr key={i}>
                    <th scope="row">{tokens[i]}</th>
                    {row.map((w, j) => (
                      <td key={j}>{w.toFixed(3)}</td>
                    ))}
                    <td class="sum">{row.reduce((a, b) => a + b, 0).toFixed(3)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </section>
  );
}
