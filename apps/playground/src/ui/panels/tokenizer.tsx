/**
 * The tokenizer playground (course: "Tokenizer Playground"; the idea of tiktokenizer): a text cut
 * by each chosen tokenizer, side by side — Firth's four and GPT-4o's. Each card shows the token
 * count, characters per token, the tokens as coloured chips (colour by position, whitespace
 * visible as · and ↵) and their ids (listed, and on a chip's hover or focus).
 *
 * The cutting is @firth/llm's `compareTokenizers` on the server (POST /api/tokenize): GPT-4o's
 * tables are 30 MB and the shipped tokenizers read files. The page asks again 250 ms after the
 * last keystroke; a keystroke cancels the request still in flight.
 */
import type { PlaygroundTokenizerName, TokenizerView } from '@firth/llm';
import { checkTextLength } from '@firth/numeric';
import { useEffect, useState } from 'preact/hooks';
import { getJson, postJson } from '../api.js';
import { Alert } from '../components.js';
import type { PanelSpec } from './index.js';

/** The course's BERT example sentence ("sentence = "He went to the bank to deposit money.""). */
const COURSE_SENTENCE = 'He went to the bank to deposit money.';
const DEBOUNCE_MS = 250;
/** Chips and ids shown per card; the count and characters per token cover the whole text. */
const MAX_CHIPS = 1000;
const COLOURS = 6;

interface Answer {
  /** The text and tokenizers this answer is for. */
  key: string;
  views?: TokenizerView[];
  error?: string;
}

/** Why there is nothing to ask the server (no text, no tokenizer, a text past MAX_TEXT_LENGTH). */
function localProblem(text: string, chosen: string[]): { message: string; error: boolean } | null {
  if (text === '') return { message: 'Type or paste a text to see its tokens.', error: false };
  if (chosen.length === 0) return { message: 'Choose at least one tokenizer.', error: false };
  try {
    checkTextLength(text, 'text');
  } catch (error) {
    // the same limit and message as the tokenizers' own: no 4 MB upload on each keystroke
    return { message: (error as Error).message, error: true };
  }
  return null;
}

function TokenChips({ view, showIds }: { view: TokenizerView; showIds: boolean }) {
  const [active, setActive] = useState(0);
  const count = Math.min(view.count, MAX_CHIPS);
  // one tab stop per card; the arrow keys, Home and End move between its chips
  function onKey(e: KeyboardEvent) {
    const step: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    const to =
      e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? count - 1
          : step[e.key] === undefined
            ? -1
            : active + step[e.key]!;
    if (to < 0 || to >= count) return;
    e.preventDefault();
    setActive(to);
    ((e.currentTarget as HTMLElement).children[to] as HTMLElement | undefined)?.focus();
  }
  return (
    <ol class="tok-chips" aria-label={`Tokens of ${view.name}`} onKeyDown={onKey}>
      {view.shown.slice(0, count).map((shown, i) => (
        <li
          key={i}
          class={`tok-chip tok-c${i % COLOURS}`}
          tabIndex={i === Math.min(active, count - 1) ? 0 : -1}
          onFocus={() => setActive(i)}
        >
          <span class="tok-chip-text">{showIds ? String(view.ids[i]) : shown}</span>
          <span class="tok-chip-tip">{showIds ? shown : `id ${view.ids[i]}`}</span>
        </li>
      ))}
    </ol>
  );
}

function TokenizerCard({ view, showIds }: { view: TokenizerView; showIds: boolean }) {
  const headingId = `tok-card-${view.name}`;
  return (
    <section class="card tok-card" aria-labelledby={headingId} data-tokenizer={view.name}>
      <h3 id={headingId}>{view.name}</h3>
      {view.error ? (
        <p class="error tok-error">{view.error}</p>
      ) : (
        <>
          <dl class="tok-stats">
            <div>
              <dt>Tokens</dt>
              <dd class="tok-count">{view.count}</dd>
            </div>
            <div>
              <dt>Characters per token</dt>
              <dd class="tok-cpt">{view.charsPerToken}</dd>
            </div>
          </dl>
          <TokenChips view={view} showIds={showIds} />
          <p class="tok-ids">
            <span class="tok-ids-label">Ids: </span>
            <code>{view.ids.slice(0, MAX_CHIPS).join(', ')}</code>
          </p>
          {view.count > MAX_CHIPS ? (
            <p class="summary">
              Showing the first {MAX_CHIPS.toLocaleString('en')} of {view.count.toLocaleString('en')} tokens.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

function TokenizerPlayground() {
  const [names, setNames] = useState<PlaygroundTokenizerName[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [off, setOff] = useState<ReadonlySet<string>>(new Set());
  const [text, setText] = useState(COURSE_SENTENCE);
  const [showIds, setShowIds] = useState(false);
  const [answer, setAnswer] = useState<Answer | null>(null);

  useEffect(() => {
    getJson<{ tokenizers: PlaygroundTokenizerName[] }>('/api/tokenizers').then(
      (r) => setNames(r.tokenizers),
      (e: Error) => setLoadError(`Could not load the list of tokenizers: ${e.message}`),
    );
  }, []);

  const chosen = (names ?? []).filter((n) => !off.has(n));
  const key = JSON.stringify([text, chosen]);
  const problem = names ? localProblem(text, chosen) : null;

  useEffect(() => {
    if (!names || problem) return;
    const request = new AbortController();
    const timer = setTimeout(() => {
      postJson<{ views: TokenizerView[] }>(
        '/api/tokenize',
        { text, tokenizers: chosen },
        request.signal,
      ).then(
        (r) => setAnswer({ key, views: r.views }),
        (e: Error) => {
          if (!request.signal.aborted) setAnswer({ key, error: e.message });
        },
      );
    }, DEBOUNCE_MS);
    // the next keystroke (or tokenizer choice) cancels this one, waiting or in flight
    return () => {
      clearTimeout(timer);
      request.abort();
    };
  }, [key, names]);

  const busy = names !== null && problem === null && answer?.key !== key;
  // while the next answer is on its way, the last one stays, less the tokenizers just unticked
  const views = problem ? [] : (answer?.views ?? []).filter((v) => chosen.includes(v.name));
  const characters = [...text].length;

  return (
    <div class="tok-panel">
      <label class="tok-text">
        Text
        <textarea
          rows={5}
          value={text}
          spellcheck={false}
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </label>
      <Alert>{loadError}</Alert>
      {names ? (
        <div class="row tok-controls">
          <fieldset>
            <legend>Tokenizers</legend>
            {names.map((name) => (
              <label class="tok-check" key={name}>
                <input
                  type="checkbox"
                  checked={!off.has(name)}
                  onChange={(e) => {
                    const on = (e.currentTarget as HTMLInputElement).checked;
                    setOff((s) => {
                      const next = new Set(s);
                      if (on) next.delete(name);
                      else next.add(name);
                      return next;
                    });
                  }}
                />
                {name}
              </label>
            ))}
          </fieldset>
          <label class="tok-check">
            <input
              type="checkbox"
              checked={showIds}
              onChange={(e) => setShowIds((e.currentTarget as HTMLInputElement).checked)}
            />
            Show ids instead of text
          </label>
        </div>
      ) : null}
      <p class="tok-status" role="status">
        {!names
          ? loadError
            ? ''
            : 'Loading the tokenizers…'
          : problem
            ? ''
            : busy
              ? 'Cutting the text…'
              : `${characters.toLocaleString('en')} characters, ${chosen.length} ${chosen.length === 1 ? 'tokenizer' : 'tokenizers'}.`}
      </p>
      {problem ? (
        <p class={problem.error ? 'error' : 'summary'} role={problem.error ? 'alert' : undefined}>
          {problem.message}
        </p>
      ) : null}
      {!problem && !busy ? <Alert>{answer?.error}</Alert> : null}
      <div class={`tok-cards${busy ? ' tok-busy' : ''}`} aria-busy={busy}>
        {views.map((view) => (
          <TokenizerCard key={view.name} view={view} showIds={showIds} />
        ))}
      </div>
    </div>
  );
}

export const tokenizerPanel: PanelSpec = {
  id: 'tokenizer',
  title: 'Tokenizer playground',
  summary:
    "How each tokenizer cuts your text: Firth's SentencePiece, byte-level BPE, WordPiece and character tokenizers beside GPT-4o's. Hover or focus a token for its id.",
  component: TokenizerPlayground,
};
