/**
 * The embedding projector (the idea of TensorFlow's Embedding Projector): a set of word vectors —
 * GloVe 6B 100d's 20,000 words, the course's fake 3-D vectors, or a file you drop — projected to
 * 2-D or 3-D by PCA, with nearest neighbours and analogies (a − b + c) from gensim's KeyedVectors.
 * Everything runs in the browser on @firth/embeddings' browser entry: `parseVectors` reads the
 * files, `pca` projects (fitted on the N words shown; other words placed with its `transform`),
 * `mostSimilar` answers. Why not on the server: see api/projector.ts.
 */
import { type KeyedVectors, type PcaResult, parseVectors, pca } from '@firth/embeddings';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Alert } from '../components.js';
import { courseVectors, fetchBytes, megabytes, type Progress, readVectorsFile } from './projector/load.js';
import { type Arrow, DEFAULT_ROTATION, type Mark, type Rotation, Scatter } from './projector/scatter.js';

const GLOVE_URL = '/data/glove-6B-100d-top20k.txt';
const NEIGHBOURS = 10;
const ANALOGY_ANSWERS = 5;
/** The analogy's three words a − b + c, each with its box's label. */
const TERMS = [
  ['a', 'A'],
  ['b', 'minus B'],
  ['c', 'plus C'],
] as const;

type SetId = 'glove' | 'course' | 'file';

interface VectorSet {
  id: SetId;
  title: string;
  kv: KeyedVectors;
  /** How it was read, for the status line. */
  note: string;
}

interface Neighbours {
  word: string;
  similar: [string, number][];
}

interface Analogy {
  a: string;
  b: string;
  c: string;
  answers: [string, number][];
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const fmt = (v: number) => v.toFixed(4);
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
/** A stored float32 as the number it was written as (0.65, not 0.6499999761581421). */
const short = (v: number) => String(Number(v.toPrecision(7)));

/** Words ranked by cosine similarity (mostSimilar's answer), as a table: #, word, cosine. */
function RankTable(props: { class: string; caption: string; words: [string, number][] }) {
  return (
    <table class={props.class}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">word</th>
          <th scope="col">cosine</th>
        </tr>
      </thead>
      <tbody>
        {props.words.map(([w, s], i) => (
          <tr key={w}>
            <td>{i + 1}</td>
            <td class="projector-word">{w}</td>
            <td>{fmt(s)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ProjectorPanel() {
  const [sets, setSets] = useState<Partial<Record<SetId, VectorSet>>>(() => ({
    course: {
      id: 'course',
      title: "The course's fake 3-D vectors",
      kv: courseVectors(),
      note: '"Experimenting with Fake Embeddings": 5 words × 3 dimensions',
    },
  }));
  const [current, setCurrent] = useState<SetId>('glove');
  const [progress, setProgress] = useState<(Progress & { phase: string }) | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [shownText, setShownText] = useState('1000');
  const [labelsText, setLabelsText] = useState('25');
  const [dims, setDims] = useState<2 | 3>(3);
  const [rotation, setRotation] = useState<Rotation>(DEFAULT_ROTATION);
  const [query, setQuery] = useState('');
  const [neighbours, setNeighbours] = useState<Neighbours | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [terms, setTerms] = useState({ a: 'king', b: 'man', c: 'woman' });
  const [analogy, setAnalogy] = useState<Analogy | null>(null);
  const [analogyError, setAnalogyError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  // GloVe is fetched when the panel is first opened (this component mounts then), not with the page.
  useEffect(() => {
    const abort = new AbortController();
    const t0 = performance.now();
    (async () => {
      try {
        setProgress({ phase: 'Downloading GloVe 6B 100d (20,000 words)', loaded: 0, total: 0 });
        const bytes = await fetchBytes(
          GLOVE_URL,
          (p) => setProgress({ phase: 'Downloading GloVe 6B 100d (20,000 words)', ...p }),
          abort.signal,
        );
        setProgress({ phase: 'Reading the vectors', loaded: bytes.length, total: bytes.length });
        await new Promise((r) => setTimeout(r, 0)); // let the page say so before parsing
        const kv = await parseVectors(bytes, { name: 'glove.6B.100d.top20k.txt', format: 'glove' });
        const s = ((performance.now() - t0) / 1000).toFixed(1);
        setSets((all) => ({
          ...all,
          glove: {
            id: 'glove',
            title: 'GloVe 6B 100d, the 20,000 most frequent words',
            kv,
            note: `${megabytes(bytes.length)} read in ${s} s`,
          },
        }));
        setProgress(null);
      } catch (e) {
        if (abort.signal.aborted) return;
        setProgress(null);
        setLoadError(`GloVe could not be loaded: ${messageOf(e)}`);
      }
    })();
    return () => abort.abort();
  }, []);

  const set = sets[current];
  const kv = set?.kv;
  const shown = Number(shownText);
  const labels = Number(labelsText);
  const shownOk = kv !== undefined && Number.isInteger(shown) && shown >= 2 && shown <= kv.length;
  const labelsOk = Number.isInteger(labels) && labels >= 0 && labels <= 500;
  const n = kv ? (shownOk ? shown : Math.min(1000, kv.length)) : 0;

  // PCA of the N words shown (the most frequent first), k = 3 when the vectors allow it; the 2-D
  // view uses its first two axes (PCA's axes are nested: the same as a k = 2 fit).
  const fit = useMemo((): { result: PcaResult; ms: number } | { error: string } | null => {
    if (!kv) return null;
    try {
      const t0 = performance.now();
      const result = pca({ data: kv.vectors, rows: n, cols: kv.vectorSize }, Math.min(3, n, kv.vectorSize));
      return { result, ms: performance.now() - t0 };
    } catch (e) {
      return { error: messageOf(e) };
    }
  }, [kv, n]);
  const result = fit && 'result' in fit ? fit.result : null;
  const k = result?.components.length ?? 0;
  const view: 2 | 3 = dims === 3 && k >= 3 ? 3 : 2;

  function pick(id: SetId) {
    setCurrent(id);
    setNeighbours(null);
    setAnalogy(null);
    setSearchError(null);
    setAnalogyError(null);
    const size = sets[id]?.kv.length;
    if (size !== undefined && Number(shownText) > size) setShownText(String(Math.min(1000, size)));
    if (size !== undefined && size <= 50) setShownText(String(size));
  }

  async function openFile(file: File | undefined) {
    if (!file) return;
    setFileError(null);
    try {
      const t0 = performance.now();
      const fileKv = await readVectorsFile(file);
      const ms = Math.round(performance.now() - t0);
      setSets((all) => ({
        ...all,
        file: {
          id: 'file',
          title: `Your file: ${file.name}`,
          kv: fileKv,
          note: `${megabytes(file.size)} read in ${ms} ms`,
        },
      }));
      setCurrent('file');
      setNeighbours(null);
      setAnalogy(null);
      setShownText(String(Math.min(1000, fileKv.length)));
    } catch (e) {
      setFileError(`Could not read ${file.name} as word vectors: ${messageOf(e)}`);
    }
  }

  /** The word as the vocabulary has it: as typed, else lowercased (GloVe's words are). */
  function known(word: string, name: string): string {
    const w = word.trim();
    if (!w) throw new Error(`Type a word in ${name} first.`);
    if (!kv) throw new Error('The vectors are still loading.');
    if (kv.has(w)) return w;
    if (kv.has(w.toLowerCase())) return w.toLowerCase();
    throw new Error(`"${w}" is not among the ${kv.length.toLocaleString('en')} words of ${set?.title}.`);
  }

  function search(e: Event) {
    e.preventDefault();
    try {
      const word = known(query, 'Word');
      setNeighbours({ word, similar: kv!.mostSimilar(word, NEIGHBOURS) });
      setSearchError(null);
    } catch (err) {
      setNeighbours(null);
      setSearchError(messageOf(err));
    }
  }

  function solve(e: Event) {
    e.preventDefault();
    try {
      const a = known(terms.a, 'A');
      const b = known(terms.b, 'B');
      const c = known(terms.c, 'C');
      // a − b + c: gensim's most_similar(positive=[a, c], negative=[b]) (3CosAdd)
      const answers = kv!.mostSimilar({ positive: [a, c], negative: [b], topn: ANALOGY_ANSWERS });
      if (answers.length === 0)
        throw new Error('No word is left to answer with: the set has no other words.');
      setAnalogy({ a, b, c, answers });
      setAnalogyError(null);
    } catch (err) {
      setAnalogy(null);
      setAnalogyError(messageOf(err));
    }
  }

  // Where a word sits: its row's PCA coordinates when it is among the N shown, else the fitted
  // PCA's transform of its vector (neighbours and analogy words may be rarer than the top N).
  const at = (word: string): ArrayLike<number> => {
    const i = kv!.getIndex(word);
    return i < n ? (result!.projected[i] as Float64Array) : result!.transform(kv!.get(word));
  };
  const marks: Mark[] = [];
  const arrows: Arrow[] = [];
  if (result && kv) {
    if (neighbours) {
      for (const [w] of neighbours.similar) marks.push({ word: w, at: at(w), kind: 'neighbour' });
      marks.push({ word: neighbours.word, at: at(neighbours.word), kind: 'query' });
    }
    if (analogy) {
      const answer = analogy.answers[0]![0];
      for (const w of [analogy.a, analogy.b, analogy.c]) marks.push({ word: w, at: at(w), kind: 'analogy' });
      marks.push({ word: answer, at: at(answer), kind: 'answer' });
      arrows.push({ from: analogy.a, to: analogy.b, a: at(analogy.a), b: at(analogy.b) });
      arrows.push({ from: analogy.c, to: answer, a: at(analogy.c), b: at(answer) });
    }
  }

  // The table view: the labelled words and every highlighted one, with their coordinates.
  const tableWords: string[] = [];
  if (kv && result) {
    const seen = new Set<string>();
    const add = (w: string) => {
      if (!seen.has(w)) {
        seen.add(w);
        tableWords.push(w);
      }
    };
    for (const m of marks) add(m.word);
    for (const w of kv.indexToKey.slice(0, Math.min(labelsOk ? labels : 25, n))) add(w);
  }
  const showRaw = (kv?.vectorSize ?? 0) <= 10;

  return (
    <div class="projector">
      <div class="row">
        <label>
          Vector set
          <select
            value={current}
            onChange={(e) => pick((e.currentTarget as HTMLSelectElement).value as SetId)}
          >
            <option value="glove">GloVe 6B 100d (20,000 words){sets.glove ? '' : ' — loading'}</option>
            <option value="course">The course's fake 3-D vectors (5 words)</option>
            {sets.file ? <option value="file">{sets.file.title}</option> : null}
          </select>
        </label>
        <label>
          Vectors file (word2vec .txt/.bin, GloVe .txt, fastText .vec)
          <input
            type="file"
            accept=".txt,.bin,.vec,.json,text/plain,application/octet-stream"
            onChange={(e) => {
              const input = e.currentTarget as HTMLInputElement;
              void openFile(input.files?.[0]).finally(() => {
                input.value = '';
              });
            }}
          />
        </label>
        {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target beside the file input, which is the keyboard's way in */}
        <div
          class={`projector-drop${dragging ? ' projector-dragging' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            void openFile(e.dataTransfer?.files[0]);
          }}
        >
          or drop a vectors file here
        </div>
      </div>
      <Alert>{fileError}</Alert>
      <div class="row">
        <label>
          Words shown (the most frequent N)
          <input
            type="number"
            min={2}
            max={kv?.length ?? 20000}
            step={1}
            value={shownText}
            onInput={(e) => setShownText((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <label>
          Labels (the first L words)
          <input
            type="number"
            min={0}
            max={500}
            step={1}
            value={labelsText}
            onInput={(e) => setLabelsText((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <label>
          Projection
          <select
            value={dims}
            onChange={(e) => setDims(Number((e.currentTarget as HTMLSelectElement).value) as 2 | 3)}
          >
            <option value="3">PCA, 3-D</option>
            <option value="2">PCA, 2-D</option>
          </select>
        </label>
      </div>
      {kv && !shownOk ? (
        <Alert>
          Words shown must be a whole number from 2 to {kv.length.toLocaleString('en')}; showing{' '}
          {n.toLocaleString('en')}.
        </Alert>
      ) : null}
      {!labelsOk ? <Alert>Labels must be a whole number from 0 to 500.</Alert> : null}

      <div role="status" class="projector-status">
        {current === 'glove' && progress ? (
          <label>
            {progress.phase}
            {progress.total ? `: ${megabytes(progress.loaded)} of ${megabytes(progress.total)}` : '…'}
            <progress max={progress.total || 1} value={progress.total ? progress.loaded : undefined} />
          </label>
        ) : null}
        {set && fit && 'result' in fit ? (
          <p>
            {set.title}: {set.kv.length.toLocaleString('en')} words × {set.kv.vectorSize} dimensions (
            {set.note}). PCA of the first {n.toLocaleString('en')} in{' '}
            <span data-pca-ms={fit.ms.toFixed(1)}>{Math.round(fit.ms)} ms</span>: the axes hold{' '}
            {Array.from(fit.result.explainedVarianceRatio, (r, i) => `PC${i + 1} ${pct(r)}`).join(', ')} of
            the variance.
          </p>
        ) : null}
      </div>
      {current === 'glove' ? <Alert>{loadError}</Alert> : null}
      {fit && 'error' in fit ? <Alert>These vectors cannot be projected: {fit.error}</Alert> : null}

      {kv && result ? (
        <div class="row">
          <div>
            <Scatter
              points={result.projected}
              words={kv.indexToKey.slice(0, n)}
              labels={labelsOk ? labels : 25}
              dims={view}
              rotation={rotation}
              onRotate={setRotation}
              marks={marks}
              arrows={arrows}
              description={`${view}-D PCA scatter of the ${n.toLocaleString('en')} most frequent words of ${set!.title}${
                marks.length ? `; highlighted: ${[...new Set(marks.map((m) => m.word))].join(', ')}` : ''
              }. The table of coordinates below lists the same points.`}
            />
            {view === 3 ? (
              <p id="projector-rotation" class="projector-hint">
                Rotation: yaw <span data-yaw>{rotation.yaw}</span>°, pitch{' '}
                <span data-pitch>{rotation.pitch}</span>°. Drag the plot, or focus it and use the arrow keys
                (Home resets).
              </p>
            ) : dims === 3 ? (
              <p class="projector-hint">These vectors have fewer than 3 dimensions: shown in 2-D.</p>
            ) : null}
          </div>
          <div class="projector-side">
            <form class="card" onSubmit={search}>
              <h3>Nearest neighbours</h3>
              <label>
                Word
                <input value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
              </label>
              <button type="submit">Find neighbours</button>
              <Alert>{searchError}</Alert>
              {neighbours ? (
                <RankTable
                  class="projector-neighbours"
                  caption={`The ${NEIGHBOURS} nearest words to "${neighbours.word}" (cosine similarity)`}
                  words={neighbours.similar}
                />
              ) : null}
            </form>
            <form class="card" onSubmit={solve}>
              <h3>Analogy: A − B + C</h3>
              <div class="row projector-terms">
                {TERMS.map(([term, label]) => (
                  <label key={term}>
                    {label}
                    <input
                      size={9}
                      value={terms[term]}
                      onInput={(e) =>
                        setTerms({ ...terms, [term]: (e.currentTarget as HTMLInputElement).value })
                      }
                    />
                  </label>
                ))}
              </div>
              <button type="submit">Solve</button>
              <Alert>{analogyError}</Alert>
              {analogy ? (
                <>
                  <p class="projector-answer">
                    {analogy.a} − {analogy.b} + {analogy.c} ≈{' '}
                    <strong data-answer>{analogy.answers[0]![0]}</strong> ({fmt(analogy.answers[0]![1])}); the
                    arrows show {analogy.a} → {analogy.b} and {analogy.c} → {analogy.answers[0]![0]}.
                  </p>
                  <RankTable
                    class="projector-analogy"
                    caption={`The ${ANALOGY_ANSWERS} best answers`}
                    words={analogy.answers}
                  />
                </>
              ) : null}
            </form>
          </div>
        </div>
      ) : null}

      {kv && result ? (
        <details class="projector-table" open={kv.length <= 50}>
          <summary>Coordinates as a table ({tableWords.length} words)</summary>
          <table>
            <caption>PCA coordinates of the labelled and highlighted words</caption>
            <thead>
              <tr>
                <th scope="col">word</th>
                {showRaw ? <th scope="col">vector</th> : null}
                {Array.from({ length: k }, (_, c) => (
                  <th scope="col" key={c}>{`PC${c + 1}`}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {tableWords.map((w) => {
                const p = at(w);
                return (
                  <tr key={w} data-word={w}>
                    <th scope="row" class="projector-word">
                      {w}
                    </th>
                    {showRaw ? (
                      <td class="projector-raw">{Array.from(kv.get(w), short).join(', ')}</td>
                    ) : null}
                    {Array.from({ length: k }, (_, c) => (
                      <td key={c}>{fmt(p[c] as number)}</td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}
