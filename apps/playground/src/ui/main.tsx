/**
 * The page: a tab per panel (WAI-ARIA tabs: arrow keys, Home/End; the URL's `#/<id>` opens one),
 * each panel mounted when first shown and kept mounted after, so a running training or stream
 * survives a look at another tab.
 */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { PANELS } from './panels/index.js';

function panelFromHash(): string {
  const id = location.hash.replace(/^#\/?/, '');
  return PANELS.some((p) => p.id === id) ? id : (PANELS[0]?.id ?? '');
}

function App() {
  const [current, setCurrent] = useState(panelFromHash);
  const [seen, setSeen] = useState(() => new Set([panelFromHash()]));
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  useEffect(() => {
    const onHash = () => show(panelFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  function show(id: string, focus = false) {
    setCurrent(id);
    setSeen((s) => (s.has(id) ? s : new Set([...s, id])));
    if (location.hash !== `#/${id}`) history.replaceState(null, '', `#/${id}`);
    if (focus) tabs.current[PANELS.findIndex((p) => p.id === id)]?.focus();
  }

  function onKey(e: KeyboardEvent, i: number) {
    const n = PANELS.length;
    const to =
      e.key === 'ArrowRight'
        ? (i + 1) % n
        : e.key === 'ArrowLeft'
          ? (i - 1 + n) % n
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? n - 1
              : -1;
    if (to < 0) return;
    e.preventDefault();
    show(PANELS[to]!.id, true);
  }

  return (
    <>
      <header class="top">
        <h1>Firth playground</h1>
        <p class="tagline">
          The course's models, live: everything runs on this machine unless you pick a cloud provider.
        </p>
        <div role="tablist" aria-label="Playground panels" class="tabs">
          {PANELS.map((p, i) => (
            <button
              type="button"
              role="tab"
              id={`tab-${p.id}`}
              key={p.id}
              ref={(el) => {
                tabs.current[i] = el;
              }}
              aria-selected={p.id === current}
              aria-controls={`panel-${p.id}`}
              tabIndex={p.id === current ? 0 : -1}
              onClick={() => show(p.id)}
              onKeyDown={(e) => onKey(e, i)}
            >
              {p.title}
            </button>
          ))}
        </div>
      </header>
      <main>
        {PANELS.map((p) => (
          <section
            key={p.id}
            role="tabpanel"
            id={`panel-${p.id}`}
            aria-labelledby={`tab-${p.id}`}
            hidden={p.id !== current}
            class="panel"
          >
            <h2>{p.title}</h2>
            <p class="summary">{p.summary}</p>
            {seen.has(p.id) ? <p.component /> : null}
          </section>
        ))}
      </main>
    </>
  );
}

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
