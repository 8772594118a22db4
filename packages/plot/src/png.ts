/**
 * SVG → PNG, so a chart can be looked at where SVG is not shown (n8n's binary viewer displays
 * image/png inline but offers only "Download" for image/svg+xml).
 *
 * The renderer is resvg (a well-kept SVG renderer in Rust, the one behind many static-site and
 * documentation tools) in its WebAssembly build, @resvg/resvg-wasm:
 * - WebAssembly means no native addon and no install script, so it works inside an n8n
 *   community-node install on any OS and CPU, offline, where a prebuilt-binary download would fail;
 * - the same wasm gives the same pixels on every machine, so tests can check what is drawn;
 * - WebAssembly has no system fonts, so the font is shipped: DejaVu Sans regular and bold
 *   (../fonts, Bitstream Vera licence; provenance in the package README).
 *
 * The fonts and the wasm are found at run time (findPlotAssets): a `firth-plot/` folder beside a
 * bundle (the n8n package's build copies the fonts to dist/firth-plot; resvg is its dependency),
 * else this package's own files.
 *
 *   const png = await svgToPng(new Chart({ title: 'Loss' }).toSVG()) // Uint8Array, 960 × 720
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { findAbove as findAboveFrom, moduleDirOf } from '@firth/numeric';

export interface PngOptions {
  /** Pixels per SVG unit. @default 2 — sharp text on high-density screens, readable on others */
  scale?: number;
  /** Background behind transparent parts (a CSS colour). @default none: charts paint their own */
  background?: string;
}

/** The font files the renderer loads: DejaVu Sans, regular and bold. */
export const PLOT_FONTS = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'] as const;
/** The resvg WebAssembly binary's file name (in @resvg/resvg-wasm and in a bundle's firth-plot/). */
export const RESVG_WASM = 'index_bg.wasm';

/** The folder this module runs from (ESM in the repository and an npm install, CommonJS inside a bundle). */
const moduleDir = (): string => moduleDirOf(import.meta.url);

/** The first `<folder above this module>/<folder>` that holds `file`, or undefined. */
const findAbove = (folder: string, file: string): string | undefined =>
  findAboveFrom(moduleDir(), folder, file);

/**
 * Where the renderer's files are. The fonts: `FIRTH_PLOT_ASSETS_DIR`, else a `firth-plot/` folder
 * above the running code (the n8n package's dist/firth-plot), else this package's fonts/. The wasm:
 * `index_bg.wasm` in that folder when it is there, else @resvg/resvg-wasm's own, resolved from the
 * running code (the n8n package has it as a dependency, next to its bundle).
 */
export function findPlotAssets(): { wasm: string; fonts: string } {
  const fonts =
    process.env.FIRTH_PLOT_ASSETS_DIR ??
    findAbove('firth-plot', PLOT_FONTS[0]) ??
    findAbove('fonts', PLOT_FONTS[0]);
  if (!fonts) throw new Error(`@firth/plot: the fonts folder (${PLOT_FONTS.join(', ')}) is missing`);
  if (existsSync(join(fonts, RESVG_WASM))) return { wasm: join(fonts, RESVG_WASM), fonts };
  const requireHere = createRequire(join(moduleDir(), 'x.js'));
  return { wasm: requireHere.resolve(`@resvg/resvg-wasm/${RESVG_WASM}`), fonts };
}

type ResvgModule = typeof import('@resvg/resvg-wasm');
let renderer: Promise<{ Resvg: ResvgModule['Resvg']; fontBuffers: Uint8Array[] }> | undefined;

/**
 * Loads resvg (imported on the first chart, not when the package loads: in the n8n package it is
 * a dependency beside the bundle), starts its wasm and reads the fonts, once per process.
 */
function ready(): NonNullable<typeof renderer> {
  renderer ??= (async () => {
    const { wasm, fonts } = findPlotAssets();
    const { initWasm, Resvg } = await import('@resvg/resvg-wasm');
    await initWasm(readFileSync(wasm));
    return { Resvg, fontBuffers: PLOT_FONTS.map((f) => new Uint8Array(readFileSync(join(fonts, f)))) };
  })().catch((error: unknown) => {
    renderer = undefined; // a later call may try again (e.g. after the files were put back)
    throw new Error(`@firth/plot could not start the PNG renderer: ${(error as Error).message}`);
  });
  return renderer;
}

/** The width and height a PNG's IHDR chunk declares (bytes 16–23), or undefined if not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || signature.some((b, i) => png[i] !== b)) return undefined;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * Renders an SVG document to PNG bytes, `scale` pixels per SVG unit, text in DejaVu Sans.
 *
 *   await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"/>') // 20 × 10 PNG
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  return (await renderSvg(svg, options)).png;
}

/** svgToPng with the RGBA pixels beside the PNG (for tests and image checks). */
export async function renderSvg(
  svg: string,
  options: PngOptions = {},
): Promise<{ png: Uint8Array; pixels: Uint8Array; width: number; height: number }> {
  const scale = options.scale ?? 2;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 16))
    throw new RangeError(`svgToPng: scale must be a number in (0, 16], got ${options.scale}`);
  if (typeof svg !== 'string' || !/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(svg))
    throw new TypeError('svgToPng needs an SVG document (text starting with <svg)');
  const { Resvg, fontBuffers } = await ready();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    ...(options.background !== undefined && { background: options.background }),
    font: {
      fontBuffers,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  try {
    const image = resvg.render();
    try {
      return { png: image.asPng(), pixels: image.pixels, width: image.width, height: image.height };
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
