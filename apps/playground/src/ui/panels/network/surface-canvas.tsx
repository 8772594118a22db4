/**
 * The picture TensorFlow Playground draws: the background coloured by the network's P(class 1)
 * (`decisionSurface` from @firth/neural, one cell per grid value, smoothed), the training points
 * on top. A canvas, redrawn every epoch; its text alternative is its label and the table view
 * beside it (network-mlp.tsx).
 */
import type { DecisionSurface } from '@firth/neural';
import { useEffect, useRef } from 'preact/hooks';

/**
 * Class 0 and class 1: the colours `decisionBoundarySvg` gives them, @firth/plot's PALETTE[0] and [1]
 * (Okabe–Ito blue and vermillion; the playground does not depend on @firth/plot for two strings).
 */
export const CLASS_COLORS = ['#0072B2', '#D55E00'];
/** CSS pixels per side. */
const SIZE = 320;

const rgb = (hex: string) =>
  [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

export interface SurfaceCanvasProps {
  X: number[][];
  y: number[];
  xDomain: [number, number];
  yDomain: [number, number];
  /** null before the first epoch: the points alone. */
  surface: DecisionSurface | null;
  label: string;
}

export function SurfaceCanvas({ X, y, xDomain, yDomain, surface, label }: SurfaceCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const dpr = globalThis.devicePixelRatio || 1;
    canvas.width = SIZE * dpr;
    canvas.height = SIZE * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, SIZE, SIZE);
    if (surface) {
      // one pixel per cell, stretched with smoothing: white at p = ½, each class's colour (light) at 0 and 1
      const cells = new OffscreenCanvas(surface.steps, surface.steps);
      const cctx = cells.getContext('2d')!;
      const img = cctx.createImageData(surface.steps, surface.steps);
      const [c0, c1] = CLASS_COLORS.map(rgb) as [[number, number, number], [number, number, number]];
      surface.values.forEach((row, r) => {
        row.forEach((p, c) => {
          const towards = p >= 0.5 ? c1 : c0;
          const strength = Math.abs(p - 0.5) * 2 * 0.55;
          const k = (r * surface.steps + c) * 4;
          for (let ch = 0; ch < 3; ch++) img.data[k + ch] = Math.round(255 + (towards[ch]! - 255) * strength);
          img.data[k + 3] = 255;
        });
      });
      cctx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(cells, 0, 0, SIZE, SIZE);
    }
    const px = (v: number) => ((v - xDomain[0]) / (xDomain[1] - xDomain[0])) * SIZE;
    const py = (v: number) => (1 - (v - yDomain[0]) / (yDomain[1] - yDomain[0])) * SIZE;
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#ffffff';
    X.forEach((p, i) => {
      ctx.beginPath();
      ctx.arc(px(p[0]!), py(p[1]!), X.length > 20 ? 4 : 7, 0, 2 * Math.PI);
      ctx.fillStyle = CLASS_COLORS[y[i] ? 1 : 0]!;
      ctx.fill();
      ctx.stroke();
    });
    ctx.strokeStyle = '#d0d5dd';
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, SIZE - 1, SIZE - 1);
  }, [X, y, xDomain, yDomain, surface]);
  return (
    <canvas
      ref={ref}
      id="network-mlp-surface"
      role="img"
      aria-label={label}
      style={{ width: `${SIZE}px`, height: `${SIZE}px` }}
    />
  );
}
