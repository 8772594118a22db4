/**
 * How wide a label will be, so every chart can size itself to its text instead of clipping it.
 *
 * The PNG renderer (png.ts) draws every chart with DejaVu Sans, the font shipped in ../fonts, so
 * the estimate uses that font's own advance widths: printable ASCII exactly (read from the font's
 * `hmtx` table, in 1/2048 em), anything else as a wide glyph (DejaVu Sans's 95th percentile up to
 * U+2200, rounded up). Browsers drawing the SVG with their own sans-serif use narrower fonts, so
 * a box that fits DejaVu Sans fits them too.
 *
 *   textWidth('Loss curve', 12)                  // 63.966796875
 *   textWidth('Loss curve', 12, { bold: true })  // 71.888671875
 */

/** Font units per em in DejaVu Sans. */
const UNITS_PER_EM = 2048;
/** Advance widths of U+0020 … U+007E in DejaVu Sans (DejaVuSans.ttf 2.37). */
const REGULAR = [
  651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, 1303, 1303, 1303,
  1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087, 2048, 1401, 1405, 1430, 1577,
  1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401,
  2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569,
  569, 1186, 569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690,
  1303, 1716,
];
/** The same for DejaVu Sans Bold (DejaVuSans-Bold.ttf 2.37). */
const BOLD = [
  713, 934, 1067, 1716, 1425, 2052, 1786, 627, 936, 936, 1071, 1716, 778, 850, 778, 748, 1425, 1425, 1425,
  1425, 1425, 1425, 1425, 1425, 1425, 1425, 819, 819, 1716, 1716, 1716, 1188, 2048, 1585, 1561, 1503, 1700,
  1399, 1399, 1681, 1714, 762, 762, 1587, 1305, 2038, 1714, 1741, 1501, 1741, 1577, 1475, 1397, 1663, 1585,
  2259, 1579, 1483, 1485, 936, 748, 936, 1716, 1024, 1024, 1382, 1466, 1214, 1466, 1389, 891, 1466, 1458, 702,
  702, 1362, 702, 2134, 1458, 1407, 1466, 1466, 1010, 1219, 979, 1458, 1335, 1892, 1321, 1335, 1192, 1458,
  748, 1458, 1716,
];
/** Any other character: wider than 95 % of DejaVu Sans's glyphs below U+2200 (1757 and 2038 units). */
const OTHER = { regular: 1800, bold: 2048 };

/** Estimated width in pixels of `text` drawn at `fontSize` px in DejaVu Sans (bold with `bold`). */
export function textWidth(text: string, fontSize: number, options: { bold?: boolean } = {}): number {
  const table = options.bold ? BOLD : REGULAR;
  const other = options.bold ? OTHER.bold : OTHER.regular;
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? table[code - 32]! : other;
  }
  return (units * fontSize) / UNITS_PER_EM;
}
