/**
 * A tiny SVG writer: elements as strings with escaped attributes and text. No DOM, no dependencies,
 * so every Firth package (and an n8n node bundle) can draw.
 */

/** Escapes text for use inside SVG/XML content or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

export type Attributes = Record<string, string | number | undefined>;

/** Formats a coordinate compactly (2 decimals, no trailing zeros). */
export function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** el('circle', { cx: 1, cy: 2, r: 3 }) // '<circle cx="1" cy="2" r="3"/>' */
export function el(name: string, attrs: Attributes = {}, children: string | string[] = ''): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? fmt(v) : String(v))}"`)
    .join('');
  const body = Array.isArray(children) ? children.join('') : children;
  return body === '' ? `<${name}${a}/>` : `<${name}${a}>${body}</${name}>`;
}

/** el('text', …, text(label)): escaped text content. */
export function text(content: string): string {
  return escapeXml(content);
}

/**
 * Wraps elements into a standalone SVG document. Text is set in DejaVu Sans, the font the PNG
 * renderer ships and that textWidth measures, falling back to the viewer's sans-serif.
 */
export function svgDocument(width: number, height: number, body: string[], title?: string): string {
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      'font-family': 'DejaVu Sans, system-ui, sans-serif',
      'font-size': 12,
      role: 'img',
      'aria-label': title,
    },
    [title ? el('title', {}, text(title)) : '', el('rect', { width, height, fill: 'white' }), ...body],
  );
}
