/**
 * The next-token distribution of TinyStories 260K or the char-level GPT for the text typed, after
 * temperature, top-k and top-p — the probabilities `sampleNext` draws from (the server computes
 * them with @firth/transformers' `nextTokenDistribution`) — as a bar chart and a table, the tokens
 * the filters cut greyed out; "Sample next token" draws one (seeded) and appends it to the text.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { postJson } from '../../api.js';
import { Alert, Knob } from '../../components.js';

type CausalModel = 'tinystories' | 'char-gpt';

interface Candidate {
  id: number;
  token: string;
  /** After temperature, top-k and top-p (0 when cut): what sampling draws from. */
  prob: number;
  /** softmax(z / T) before top-k and top-p. */
  unfiltered: number;
  kept: boolean;
}
interface NextAnswer {
  tokens: { id: number; token: string }[];
  candidates: Candidate[];
  kept: number;
  vocabSize: number;
}
interface SampleAnswer {
  id: number;
  token: string;
  text: string;
}

const BAR_W = 360;

export function NextTokenView() {
  const [model, setModel] = useState<CausalModel>('tinystories');
  const [text, setText] = useState('Once upon a time, there was a');
  const [temperature, setTemperature] = useState(1);
  const [topK, setTopK] = useState(0);
  const [topP, setTopP] = useState(1);
  const [seed, setSeed] = useState('0');
  const [answer, setAnswer] = useState<NextAnswer | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [sampled, setSampled] = useState('');
  const abort = useRef<AbortController | null>(null);

  // the distribution follows every change, a short pause after the last one
  useEffect(() => {
    const controller = new AbortController();
    abort.current?.abort();
    abort.current = controller;
    setBusy(true);
    const timer = setTimeout(async () => {
      try {
        const a = await postJson<NextAnswer>(
          '/api/transformer/next',
          { model, text, temperature, topK, topP },
          controller.signal,
        );
        setAnswer(a);
        setError('');
      } catch (e) {
        if ((e as Error).name === 'AbortError') return;
        setAnswer(null);
        setError((e as Error).message);
      }
      if (abort.current === controller) setBusy(false);
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [model, text, temperature, topK, topP]);

  async function sample() {
    const s = Number(seed);
    if (seed.trim() === '' || !Number.isInteger(s) || s < 0 || s >= 2 ** 32) {
      setError(`the seed must be a whole number from 0 to ${2 ** 32 - 1}, got "${seed}"`);
      return;
    }
    try {
      const r = await postJson<SampleAnswer>('/api/transformer/sample', {
        model,
        text,
        temperature,
        topK,
        topP,
        seed: s,
      });
      setText(r.text);
      setSampled(`Sampled “${r.token}” (token ${r.id}) with seed ${s}; appended to the text.`);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const candidates = answer?.candidates ?? [];
  const rowH = 22;
  const labelW = 110;
  const topKText = topK === 0 ? 'off' : String(topK);
  return (
    <section class="card transformer-next" aria-labelledby="next-title">
      <h3 id="next-title">Next-token probabilities</h3>
      <div class="row">
        <label>
          Model
          <select
            value={model}
            onChange={(e) => setModel((e.target as HTMLSelectElement).value as CausalModel)}
          >
            <option value="tinystories">TinyStories 260K (llama2.c)</option>
            <option value="char-gpt">Char-level GPT (tiny Shakespeare)</option>
          </select>
        </label>
        <label class="transformer-text">
          Text
          <textarea rows={2} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        </label>
      </div>
      <div class="row">
        <Knob
          label="Temperature"
          min={0}
          max={2}
          step={0.05}
          value={temperature}
          shown={temperature.toFixed(2)}
          onInput={setTemperature}
        />
        <Knob
          label="Top-k"
          min={0}
          max={40}
          step={1}
          value={topK}
          shown={topKText}
          valueText={topKText}
          onInput={setTopK}
        />
        <Knob
          label="Top-p"
          min={0.05}
          max={1}
          step={0.05}
          value={topP}
          shown={topP.toFixed(2)}
          onInput={setTopP}
        />
        <label>
          Seed
          <input
            type="number"
            min={0}
            step={1}
            value={seed}
            onInput={(e) => setSeed((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="button" onClick={() => void sample()} disabled={!answer}>
          Sample next token
        </button>
      </div>
      <p class="readout" aria-live="polite">
        {sampled}
      </p>
      <Alert>{error}</Alert>
      {answer ? (
        <div aria-busy={busy}>
          <p class="note">
            {temperature === 0
              ? 'Temperature 0: greedy, the most likely token only.'
              : `${answer.kept} of ${answer.vocabSize} tokens kept after top-k and top-p; the probabilities are renormalised over them. Greyed bars: cut away (their probability before the cut, dashed).`}
          </p>
          <svg
            role="img"
            aria-label={`Bar chart of the ${candidates.length} most likely next tokens; the table beside lists the same numbers`}
            width={labelW + BAR_W + 70}
            height={candidates.length * rowH + 6}
          >
            {candidates.map((c, r) => (
              <g key={c.id} transform={`translate(0,${r * rowH + 3})`}>
                <text x={labelW - 6} y={rowH / 2 + 4} text-anchor="end" class="bar-label">
                  {c.token}
                </text>
                <rect
                  x={labelW}
                  y={2}
                  width={Math.max(1, c.unfiltered * BAR_W)}
                  height={rowH - 6}
                  fill="none"
                  stroke="#6b7280"
                  stroke-dasharray="3 2"
                />
                {c.kept ? (
                  <rect
                    x={labelW}
                    y={2}
                    width={Math.max(1, c.prob * BAR_W)}
                    height={rowH - 6}
                    fill="#1d4ed8"
                  />
                ) : null}
                <text
                  x={labelW + Math.max(c.prob, c.unfiltered) * BAR_W + 6}
                  y={rowH / 2 + 4}
                  class={c.kept ? 'bar-value' : 'bar-value cut'}
                >
                  {c.kept ? c.prob.toFixed(4) : 'cut'}
                </text>
              </g>
            ))}
          </svg>
          <div class="table-scroll">
            <table class="next-table">
              <caption>
                The {candidates.length} most likely next tokens: probability after temperature, top-k and
                top-p (what sampling draws from), and before top-k and top-p
              </caption>
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col">Id</th>
                  <th scope="col">Probability</th>
                  <th scope="col">Before top-k/top-p</th>
                  <th scope="col">Kept</th>
                </tr>
              </thead>
              <tbody>
                {candidates.map((c) => (
                  <tr key={c.id} data-id={c.id} class={c.kept ? '' : 'cut'}>
                    <th scope="row">{c.token}</th>
                    <td>{c.id}</td>
                    <td>{c.prob.toFixed(4)}</td>
                    <td>{c.unfiltered.toFixed(4)}</td>
                    <td>{c.kept ? 'yes' : 'cut'}</td>
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
