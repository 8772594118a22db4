/**
 * The LLM playground (course: "groq Playground" — "Welcome to the Playground": a SYSTEM message, a
 * USER message, Submit (Ctrl + ↵), the PARAMETERS Temperature 1, Max Completion Tokens 1024,
 * Stream ☒, JSON Mode ☐, Advanced: Top P 1, Seed, Stop Sequence; "</> View code"). The model runs
 * on the playground server (api/llm.ts → @firth/llm's `chat`); the page streams its answer, shows
 * token usage, latency and tokens/s, stops it, and shows the same call as code.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getJson, postJson, streamEvents } from '../api.js';
import { Alert, NumberSlider } from '../components.js';

type Source = 'local' | 'firth-server' | 'groq' | 'ollama' | 'openai-compatible' | 'gguf';
type KeyState = 'page' | 'environment' | 'none';

interface Sources {
  local: { models: string[] };
  firthServer?: { url: string; models: string[]; error?: string };
  groq: { models: string[]; key: KeyState };
  ollama: { baseUrl: string; model: string };
  openaiCompatible: { key: boolean };
}

interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}
interface Summary {
  usage: Usage;
  finishReason: string | null;
  timing: { firstTokenMs?: number; totalMs: number; tokensPerSecond: number };
}
interface Snippet {
  id: string;
  title: string;
  language: string;
  code: string;
}

const SOURCE_LABELS: Record<Source, string> = {
  local: "Firth's local model (in this process)",
  'firth-server': "Firth's model server",
  groq: 'Groq (cloud: leaves this machine)',
  ollama: 'Ollama',
  'openai-compatible': 'OpenAI-compatible server',
  gguf: 'GGUF model file (llama.cpp)',
};
const MAX_STOPS = 4;

/** '' → unset (the provider's default); anything else as the number the input holds. */
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));
/** A stop sequence as typed: `\n` and `\t` stand for a new line and a tab. */
const unescapeStop = (s: string) => s.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
const shown = (s: string) => JSON.stringify(s);
const ms = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v)} ms`);

function errorText(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : String(error);
}

export function LlmPanel() {
  const [sources, setSources] = useState<Sources | null>(null);
  const [loadError, setLoadError] = useState('');
  const [source, setSource] = useState<Source>('local');
  const [models, setModels] = useState<Record<Source, string>>({
    local: 'tinystories-260k',
    'firth-server': '',
    groq: '',
    ollama: '',
    'openai-compatible': '',
    gguf: '',
  });
  const [ollamaUrl, setOllamaUrl] = useState('');
  const [openaiUrl, setOpenaiUrl] = useState('');
  const [ggufPath, setGgufPath] = useState('');
  const [keyInput, setKeyInput] = useState('');
  const [keyNote, setKeyNote] = useState('');

  const [system, setSystem] = useState('');
  const [user, setUser] = useState('Once upon a time');
  const [temperature, setTemperature] = useState('1');
  const [maxTokens, setMaxTokens] = useState('1024');
  const [stream, setStream] = useState(true);
  const [jsonMode, setJsonMode] = useState(false);
  const [topP, setTopP] = useState('1');
  const [seed, setSeed] = useState('');
  const [stops, setStops] = useState<string[]>([]);
  const [stopInput, setStopInput] = useState('');

  const [running, setRunning] = useState<AbortController | null>(null);
  const [reply, setReply] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [summary, setSummary] = useState<Summary | null>(null);
  /** Runs finished (answered, stopped or failed): lets a test tell this run's status from the last. */
  const [finished, setFinished] = useState(0);

  const [codeOpen, setCodeOpen] = useState(false);
  const [snippets, setSnippets] = useState<Snippet[]>([]);
  const [snippetId, setSnippetId] = useState('sdk-typescript');
  const [codeError, setCodeError] = useState('');
  const runId = useRef(0);

  useEffect(() => {
    getJson<Sources>('/api/llm/sources')
      .then((s) => {
        setSources(s);
        setOllamaUrl(s.ollama.baseUrl);
        setModels((m) => ({
          ...m,
          'firth-server': s.firthServer?.models[0] ?? '',
          groq: s.groq.models[0] ?? '',
          ollama: s.ollama.model,
        }));
        // the course's model server, when the playground has one, is the natural first pick
        if (s.firthServer && s.firthServer.models.length > 0) setSource('firth-server');
      })
      .catch((e) => setLoadError(errorText(e)));
  }, []);

  const model = models[source];
  const body = {
    source,
    ...(source !== 'gguf' && model ? { model } : {}),
    ...(source === 'ollama'
      ? { baseUrl: ollamaUrl }
      : source === 'openai-compatible'
        ? { baseUrl: openaiUrl }
        : {}),
    ...(source === 'gguf' ? { modelPath: ggufPath } : {}),
    system,
    user,
    temperature: num(temperature),
    maxTokens: num(maxTokens),
    topP: num(topP),
    seed: num(seed),
    ...(stops.length > 0 ? { stop: stops } : {}),
    stream,
    jsonMode,
  };
  const bodyKey = JSON.stringify(body);

  // "view code" follows every change of model and parameter while it is open
  useEffect(() => {
    if (!codeOpen) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      postJson<{ snippets: Snippet[] }>('/api/llm/code', body, abort.signal)
        .then((r) => {
          setSnippets(r.snippets);
          setCodeError('');
          if (!r.snippets.some((s) => s.id === snippetId)) setSnippetId(r.snippets[0]?.id ?? '');
        })
        .catch((e) => {
          if (!abort.signal.aborted) {
            setSnippets([]);
            setCodeError(errorText(e));
          }
        });
    }, 150);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [codeOpen, bodyKey]);

  async function submit() {
    if (running) return;
    const abort = new AbortController();
    const id = ++runId.current;
    setRunning(abort);
    setReply('');
    setSummary(null);
    setError('');
    setStatus(stream ? 'Streaming…' : 'Waiting for the answer…');
    try {
      if (stream) {
        const result: { done?: Summary } = {};
        await streamEvents(
          '/api/llm/chat',
          body,
          (event, data) => {
            if (id !== runId.current) return;
            if (event === 'token') setReply((r) => r + (data as { text: string }).text);
            else if (event === 'done') {
              result.done = data as Summary;
              setSummary(result.done);
            }
          },
          abort.signal,
        );
        setStatus(
          result.done
            ? `Done (finish reason: ${result.done.finishReason ?? 'none'})`
            : 'The stream ended early.',
        );
      } else {
        const answer = await postJson<Summary & { text: string }>('/api/llm/chat', body, abort.signal);
        setReply(answer.text);
        setSummary(answer);
        setStatus(`Done (finish reason: ${answer.finishReason ?? 'none'})`);
      }
    } catch (e) {
      if (abort.signal.aborted) setStatus('Stopped: the server stopped generating.');
      else {
        setStatus('');
        setError(errorText(e));
      }
    } finally {
      setRunning(null);
      setFinished((n) => n + 1);
    }
  }

  async function setKey(provider: 'groq' | 'openai-compatible', apiKey: string) {
    try {
      const state = await postJson<{ groq: KeyState; openaiCompatible: boolean }>('/api/llm/key', {
        provider,
        apiKey,
      });
      setKeyInput(''); // the key leaves the page for the playground server only
      setSources((s) =>
        s
          ? { ...s, groq: { ...s.groq, key: state.groq }, openaiCompatible: { key: state.openaiCompatible } }
          : s,
      );
      setKeyNote(apiKey ? 'Key set: the playground server holds it in memory.' : 'Key forgotten.');
    } catch (e) {
      setKeyNote(errorText(e));
    }
  }

  function addStop() {
    const s = unescapeStop(stopInput);
    if (!s || stops.length >= MAX_STOPS || stops.includes(s)) return;
    setStops([...stops, s]);
    setStopInput('');
  }

  const setModel = (v: string) => setModels((m) => ({ ...m, [source]: v }));
  const keyState = source === 'groq' ? sources?.groq.key : sources?.openaiCompatible.key ? 'page' : 'none';
  const snippet = snippets.find((s) => s.id === snippetId);
  const listed =
    source === 'local' ? (sources?.local.models ?? [models.local]) : (sources?.firthServer?.models ?? []);

  return (
    <div class="llm">
      <Alert live={false}>{loadError}</Alert>
      <div class="llm-grid">
        <div class="llm-main">
          <div class="row">
            <label>
              Model source
              <select
                id="llm-source"
                value={source}
                onChange={(e) => setSource(e.currentTarget.value as Source)}
              >
                {(Object.keys(SOURCE_LABELS) as Source[])
                  .filter((s) => s !== 'firth-server' || sources?.firthServer)
                  .map((s) => (
                    <option value={s} key={s}>
                      {s === 'firth-server' && sources?.firthServer
                        ? `${SOURCE_LABELS[s]} (${sources.firthServer.url})`
                        : SOURCE_LABELS[s]}
                    </option>
                  ))}
              </select>
            </label>
            {source === 'local' || source === 'firth-server' ? (
              <label>
                Model
                <select id="llm-model" value={model} onChange={(e) => setModel(e.currentTarget.value)}>
                  {listed.map((m) => (
                    <option value={m} key={m}>
                      {m}
                    </option>
                  ))}
                </select>
              </label>
            ) : source === 'gguf' ? (
              <label>
                GGUF file path
                <input
                  type="text"
                  value={ggufPath}
                  placeholder="/models/qwen2.5-0.5b-instruct-q8_0.gguf"
                  onInput={(e) => setGgufPath(e.currentTarget.value)}
                />
              </label>
            ) : (
              <label>
                Model
                <input
                  type="text"
                  list={source === 'groq' ? 'llm-groq-models' : undefined}
                  value={model}
                  placeholder={source === 'openai-compatible' ? 'the server’s model name' : ''}
                  onInput={(e) => setModel(e.currentTarget.value)}
                />
              </label>
            )}
            {source === 'groq' ? (
              <datalist id="llm-groq-models">
                {sources?.groq.models.map((m) => (
                  <option value={m} key={m} />
                ))}
              </datalist>
            ) : null}
            {source === 'ollama' ? (
              <label>
                Ollama URL
                <input type="url" value={ollamaUrl} onInput={(e) => setOllamaUrl(e.currentTarget.value)} />
              </label>
            ) : null}
            {source === 'openai-compatible' ? (
              <label>
                Server URL
                <input
                  type="url"
                  value={openaiUrl}
                  placeholder="http://127.0.0.1:8080/v1"
                  onInput={(e) => setOpenaiUrl(e.currentTarget.value)}
                />
              </label>
            ) : null}
          </div>
          {source === 'firth-server' ? <Alert live={false}>{sources?.firthServer?.error}</Alert> : null}
          {source === 'groq' || source === 'openai-compatible' ? (
            <div class="row llm-key">
              <label>
                {source === 'groq' ? 'Groq API key' : 'API key (optional)'}
                <input
                  type="password"
                  autocomplete="off"
                  value={keyInput}
                  onInput={(e) => setKeyInput(e.currentTarget.value)}
                />
              </label>
              <button
                type="button"
                class="secondary"
                disabled={!keyInput.trim()}
                onClick={() => setKey(source, keyInput)}
              >
                Use key
              </button>
              {keyState === 'page' ? (
                <button type="button" class="secondary" onClick={() => setKey(source, '')}>
                  Forget key
                </button>
              ) : null}
              <p class="llm-note" role="status">
                {keyNote ||
                  (keyState === 'page'
                    ? 'A key is set: the playground server holds it in memory.'
                    : keyState === 'environment'
                      ? 'Using GROQ_API_KEY from the playground server’s environment.'
                      : source === 'groq'
                        ? 'No key yet: set GROQ_API_KEY for the server, or type one here.'
                        : 'No key: most local servers need none.')}
              </p>
            </div>
          ) : null}

          <label class="llm-wide">
            System
            <textarea
              rows={2}
              value={system}
              placeholder="Enter system message (Optional)"
              onInput={(e) => setSystem(e.currentTarget.value)}
            />
          </label>
          <label class="llm-wide">
            User
            <textarea
              rows={3}
              value={user}
              placeholder="User Message..."
              onInput={(e) => setUser(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  submit();
                }
              }}
            />
          </label>
          <div class="row">
            <button
              type="button"
              onClick={submit}
              disabled={running !== null}
              aria-keyshortcuts="Control+Enter"
            >
              Submit
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => running?.abort()}
              disabled={running === null}
            >
              Stop
            </button>
            <button
              type="button"
              class="secondary"
              aria-expanded={codeOpen}
              aria-controls="llm-code"
              onClick={() => setCodeOpen(!codeOpen)}
            >
              {'</>'} View code
            </button>
          </div>
          <p class="llm-status" role="status" data-finished={finished}>
            {status}
          </p>
          <Alert>{error}</Alert>
          <h3 id="llm-reply-title">Assistant</h3>
          <section
            class="llm-reply card"
            id="llm-reply"
            aria-labelledby="llm-reply-title"
            aria-busy={running !== null}
          >
            {reply}
          </section>
          <table class="llm-stats" aria-label="Token usage and latency">
            <tbody>
              <tr>
                <th scope="row">Prompt tokens</th>
                <td data-stat="promptTokens">{summary?.usage.promptTokens ?? '—'}</td>
                <th scope="row">Time to first token</th>
                <td data-stat="firstTokenMs">{ms(summary?.timing.firstTokenMs)}</td>
              </tr>
              <tr>
                <th scope="row">Completion tokens</th>
                <td data-stat="completionTokens">{summary?.usage.completionTokens ?? '—'}</td>
                <th scope="row">Total time</th>
                <td data-stat="totalMs">{ms(summary?.timing.totalMs)}</td>
              </tr>
              <tr>
                <th scope="row">Total tokens</th>
                <td data-stat="totalTokens">{summary?.usage.totalTokens ?? '—'}</td>
                <th scope="row">Tokens/s (completion ÷ total time)</th>
                <td data-stat="tokensPerSecond">
                  {summary ? summary.timing.tokensPerSecond.toFixed(1) : '—'}
                </td>
              </tr>
            </tbody>
          </table>

          {codeOpen ? (
            <section id="llm-code" class="llm-code" aria-label="View code">
              <fieldset>
                <legend>Code for the same call</legend>
                {snippets.map((s) => (
                  <label class="llm-radio" key={s.id}>
                    <input
                      type="radio"
                      name="llm-snippet"
                      value={s.id}
                      checked={s.id === snippetId}
                      onChange={() => setSnippetId(s.id)}
                    />
                    {s.title}
                  </label>
                ))}
              </fieldset>
              <Alert live={false}>{codeError}</Alert>
              {snippet ? (
                <pre class="llm-code-text">
                  <code>{snippet.code}</code>
                </pre>
              ) : null}
            </section>
          ) : null}
        </div>

        <fieldset class="llm-params">
          <legend>Parameters</legend>
          <NumberSlider
            label="Temperature"
            min={0}
            max={2}
            step={0.01}
            value={temperature}
            empty="1"
            onInput={setTemperature}
          />
          <label>
            Max Completion Tokens
            <input
              type="number"
              min={1}
              max={32768}
              step={1}
              value={maxTokens}
              onInput={(e) => setMaxTokens(e.currentTarget.value)}
            />
          </label>
          <label class="llm-check">
            <input type="checkbox" checked={stream} onChange={(e) => setStream(e.currentTarget.checked)} />
            Stream
          </label>
          <label class="llm-check">
            <input
              type="checkbox"
              checked={jsonMode}
              onChange={(e) => setJsonMode(e.currentTarget.checked)}
            />
            JSON Mode
          </label>
          <details open>
            <summary>Advanced</summary>
            <NumberSlider
              label="Top P"
              min={0}
              max={1}
              step={0.01}
              value={topP}
              empty="1"
              onInput={setTopP}
            />
            <label>
              Seed
              <input
                type="number"
                step={1}
                value={seed}
                placeholder="none"
                onInput={(e) => setSeed(e.currentTarget.value)}
              />
            </label>
            <div class="llm-stop">
              <label>
                Stop Sequence
                <input
                  type="text"
                  value={stopInput}
                  placeholder={
                    stops.length >= MAX_STOPS ? `at most ${MAX_STOPS}` : 'type, then Enter (\\n = new line)'
                  }
                  disabled={stops.length >= MAX_STOPS}
                  onInput={(e) => setStopInput(e.currentTarget.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      addStop();
                    }
                  }}
                />
              </label>
              <button
                type="button"
                class="secondary"
                onClick={addStop}
                disabled={!stopInput || stops.length >= MAX_STOPS}
              >
                Add stop
              </button>
              <ul class="llm-stops" aria-label="Stop sequences">
                {stops.map((s) => (
                  <li key={s}>
                    <code>{shown(s)}</code>{' '}
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`Remove stop sequence ${shown(s)}`}
                      onClick={() => setStops(stops.filter((x) => x !== s))}
                    >
                      ×
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          </details>
        </fieldset>
      </div>
    </div>
  );
}
