/**
 * Parsing node parameters that arrive as text (lists of numbers, model JSON) and attaching charts
 * as binary data. Shared by every Firth node; errors name the parameter.
 */
import { svgToPng } from '@firth/plot';
import { type IBinaryKeyData, type IExecuteFunctions, UserError } from 'n8n-workflow';

/** "0.3, -0.1" → [0.3, -0.1]; empty → undefined; a bad part names its position. */
export function parseNumberList(text: string, name: string): number[] | undefined {
  if (String(text ?? '').trim() === '') return undefined;
  return String(text)
    .split(',')
    .map((part, k) => {
      const v = Number(part.trim());
      if (part.trim() === '' || !Number.isFinite(v)) {
        throw new UserError(`${name}: value ${k + 1} ("${part.trim()}") is not a number`);
      }
      return v;
    });
}

/**
 * A model parameter: the object itself (an expression pointing at an earlier node's `model`
 * output) or its JSON text.
 */
export function parseModelParameter(value: unknown, producer: string): unknown {
  if (typeof value !== 'string') {
    if (value === null || value === undefined || typeof value !== 'object')
      throw new UserError(`Model is missing: connect it to the "model" output of a ${producer} step`);
    return value;
  }
  if (value.trim() === '')
    throw new UserError(`Model is empty: connect it to the "model" output of a ${producer} step`);
  const parsed = parseJsonText(value);
  if (parsed instanceof Error)
    throw new UserError(`Model is not valid JSON: expected the "model" output of a ${producer} step`);
  return parsed;
}

/** The value of a JSON text, or the error that says why it is not JSON (JSON has no Error values). */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * A chart as an item's binary data: `plot`, the PNG that n8n's binary view shows inline ("View";
 * it only offers "Download" for SVG), first; `plotSvg`, the same chart as SVG, second.
 * `name` is the file name without extension: plotBinaries(this, svg, 'loss-curve').
 */
export async function plotBinaries(
  ctx: IExecuteFunctions,
  svg: string,
  name: string,
): Promise<IBinaryKeyData> {
  const png = await svgToPng(svg);
  return {
    plot: await ctx.helpers.prepareBinaryData(Buffer.from(png), `${name}.png`, 'image/png'),
    plotSvg: await ctx.helpers.prepareBinaryData(Buffer.from(svg, 'utf8'), `${name}.svg`, 'image/svg+xml'),
  };
}
