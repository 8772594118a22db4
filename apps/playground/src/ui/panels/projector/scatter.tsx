/**
 * The projector's scatter: PCA coordinates drawn as SVG. All the shown words are one <path> (a
 * zero-length segment per word, drawn as a dot by its round cap) so 20,000 words stay one element;
 * labels, highlighted words and arrows are separate elements. In 3-D the cloud turns about the
 * vertical axis (yaw) and the horizontal one (pitch) — drag it, or focus it and use the arrow keys
 * (Home resets) — and is drawn in orthographic projection, the far half paler.
 */
import { useRef } from 'preact/hooks';

export type Coords = ArrayLike<number>;

export interface Rotation {
  /** Degrees about the vertical axis. */
  yaw: number;
  /** Degrees about the horizontal axis. */
  pitch: number;
}

export const DEFAULT_ROTATION: Rotation = { yaw: -30, pitch: 20 };

export interface Mark {
  word: string;
  at: Coords;
  kind: 'query' | 'neighbour' | 'analogy' | 'answer';
}

export interface Arrow {
  from: string;
  to: string;
  a: Coords;
  b: Coords;
}

export interface ScatterProps {
  /** The shown words' coordinates (the first `labels` of them get a label). */
  points: readonly Coords[];
  words: readonly string[];
  labels: number;
  dims: 2 | 3;
  rotation: Rotation;
  onRotate: (r: Rotation) => void;
  marks: readonly Mark[];
  arrows: readonly Arrow[];
  /** What the chart shows, in words (its text alternative, with the table beside it). */
  description: string;
}

const W = 720;
const H = 540;
const MARGIN = 28;
const STEP = 10;

/** The view coordinates of `p`: x to the right, y up, z towards the viewer. */
export function viewOf(p: Coords, dims: 2 | 3, r: Rotation): [number, number, number] {
  const x = p[0] ?? 0;
  const y = p[1] ?? 0;
  if (dims === 2) return [x, y, 0];
  const z = p[2] ?? 0;
  const a = (r.yaw * Math.PI) / 180;
  const b = (r.pitch * Math.PI) / 180;
  const x1 = x * Math.cos(a) + z * Math.sin(a);
  const z1 = -x * Math.sin(a) + z * Math.cos(a);
  return [x1, y * Math.cos(b) - z1 * Math.sin(b), y * Math.sin(b) + z1 * Math.cos(b)];
}

function rotateBy(r: Rotation, dYaw: number, dPitch: number): Rotation {
  let yaw = r.yaw + dYaw;
  while (yaw > 180) yaw -= 360;
  while (yaw <= -180) yaw += 360;
  return {
    yaw: Math.round(yaw * 10) / 10,
    pitch: Math.round(Math.max(-90, Math.min(90, r.pitch + dPitch)) * 10) / 10,
  };
}

const f1 = (v: number) => Math.round(v * 10) / 10;

export function Scatter(props: ScatterProps) {
  const { points, words, dims, rotation, marks, arrows } = props;
  const drag = useRef<{ x: number; y: number; r: Rotation } | null>(null);

  // One scale for every view: from the cloud's radius in 3-D (so turning it never rescales), from
  // its extents in 2-D. Word clouds have long tails (a few rare words far out), so past 100 points
  // the 99th percentile sets the scale and the last 1 % may fall off the edge.
  const extent = (values: number[]): number => {
    if (values.length <= 100) return Math.max(0, ...values);
    const sorted = Float64Array.from(values).sort();
    return sorted[Math.floor(0.99 * (sorted.length - 1))] as number;
  };
  const sx = extent(
    points.map((p) => (dims === 3 ? Math.hypot(p[0] ?? 0, p[1] ?? 0, p[2] ?? 0) : Math.abs(p[0] ?? 0))),
  );
  const sy = dims === 3 ? sx : extent(points.map((p) => Math.abs(p[1] ?? 0)));
  const scale = Math.min((W / 2 - MARGIN) / (sx || 1), (H / 2 - MARGIN) / (sy || 1));
  const screen = (p: Coords): [number, number, number] => {
    const [x, y, z] = viewOf(p, dims, rotation);
    return [f1(W / 2 + scale * x), f1(H / 2 - scale * y), z];
  };

  let front = '';
  let back = '';
  const placed = points.map(screen);
  for (const [x, y, z] of placed) {
    if (dims === 3 && z < 0) back += `M${x} ${y}h0`;
    else front += `M${x} ${y}h0`;
  }
  const marked = new Set(marks.map((m) => m.word));
  const labelled = Math.min(props.labels, points.length);

  function onKey(e: KeyboardEvent) {
    if (dims !== 3) return;
    const turn: Record<string, [number, number]> = {
      ArrowLeft: [-STEP, 0],
      ArrowRight: [STEP, 0],
      ArrowUp: [0, -STEP],
      ArrowDown: [0, STEP],
    };
    if (e.key === 'Home') props.onRotate(DEFAULT_ROTATION);
    else if (turn[e.key]) props.onRotate(rotateBy(rotation, ...(turn[e.key] as [number, number])));
    else return;
    e.preventDefault();
  }

  const axisEnd = (axis: number): [number, number] => {
    const unit = [0, 0, 0];
    unit[axis] = 1;
    const [x, y] = viewOf(unit, dims, rotation);
    return [f1(48 + 30 * x), f1(H - 48 - 30 * y)];
  };

  const svg = (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width={W}
      height={H}
      role="img"
      aria-label={props.description}
      class="projector-svg"
    >
      <defs>
        <marker
          id="projector-arrowhead"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M0 0L10 5L0 10z" fill="#6d28d9" />
        </marker>
      </defs>
      {back ? <path d={back} class="projector-points projector-back" /> : null}
      <path d={front} class="projector-points" data-count={points.length} />
      {words.slice(0, labelled).map((w, i) =>
        marked.has(w) ? null : (
          <text
            key={w}
            x={(placed[i] as number[])[0]! + 4}
            y={(placed[i] as number[])[1]! - 4}
            class="projector-label"
            data-word={w}
          >
            {w}
          </text>
        ),
      )}
      {arrows.map((a) => {
        const [x1, y1] = screen(a.a);
        const [x2, y2] = screen(a.b);
        return (
          <line
            key={`${a.from}→${a.to}`}
            x1={x1}
            y1={y1}
            x2={x2}
            y2={y2}
            class="projector-arrow"
            marker-end="url(#projector-arrowhead)"
            data-arrow={`${a.from}→${a.to}`}
          />
        );
      })}
      {marks.map((m) => {
        const [x, y] = screen(m.at);
        return (
          <g
            key={`${m.kind}:${m.word}`}
            class={`projector-mark projector-${m.kind}`}
            data-word={m.word}
            data-kind={m.kind}
            data-x={x}
            data-y={y}
          >
            <circle cx={x} cy={y} r={m.kind === 'neighbour' ? 4.5 : 6} />
            <text x={x + 8} y={y - 6}>
              {m.word}
            </text>
          </g>
        );
      })}
      {dims === 3
        ? [0, 1, 2].map((axis) => {
            const [x, y] = axisEnd(axis);
            return (
              <g key={axis} class="projector-axis">
                <line x1={48} y1={H - 48} x2={x} y2={y} />
                <text x={x + 2} y={y - 2}>{`PC${axis + 1}`}</text>
              </g>
            );
          })
        : null}
    </svg>
  );

  if (dims === 2) return <div class="projector-plot">{svg}</div>;
  return (
    <div
      class="projector-plot projector-rotatable"
      role="application"
      aria-roledescription="rotatable 3-D plot"
      aria-label="3-D projection: arrow keys turn it, Home resets the view"
      aria-describedby="projector-rotation"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a widget of its own (role application): the arrow keys turn it
      tabIndex={0}
      onKeyDown={onKey}
      onPointerDown={(e) => {
        (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
        drag.current = { x: e.clientX, y: e.clientY, r: rotation };
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (d) props.onRotate(rotateBy(d.r, (e.clientX - d.x) * 0.5, (e.clientY - d.y) * 0.5));
      }}
      onPointerUp={() => {
        drag.current = null;
      }}
      onPointerCancel={() => {
        drag.current = null;
      }}
    >
      {svg}
    </div>
  );
}
