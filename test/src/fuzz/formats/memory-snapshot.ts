/**
 * Fuzz format: the snapshot file of `FirthMemoryVectorStore` (@firth/rag, memory-store.ts `save`).
 *
 *   'FIRTHVS1' | header length h (uint32 LE) | header JSON (h bytes) | zero padding to 4 |
 *   count × dimension float32 LE
 *
 * Seeds: stores saved by `save` (cosine 5 × 4 with metadata, l2 3 × 3, an empty store). The header
 * is JSON inside a binary file, so besides the byte mutators the `extra` ones edit the header —
 * the text mutators of ../mutate.ts on the JSON text, or field edits (null documents, null or
 * numeric pageContent, repeated ids, wrong counts, unknown similarity, …) — and re-frame the file
 * (new length, padding), so the JSON checks are reached, not only the framing.
 *
 * Load: `FirthMemoryVectorStore.load`, a search ranking every row, a filtered search reading every
 * Document. Consistency, read here independently: magic; the header JSON has exactly the fields
 * format 1, similarity cosine | dot | l2, dimension (positive integer, or null with no rows),
 * count = documents.length, nextId integer ≥ 0, documents [{ id non-empty string, unique;
 * pageContent string; metadata object }]; the file is exactly 12 + h + padding + 4·count·dimension
 * bytes; every float finite; the store returned those Documents, ranked closest first.
 */
import { join } from 'node:path';
import { FirthMemoryVectorStore } from '@firth/rag';
import type { Files, FuzzFormat } from '../format.ts';
import { type Mutator, TEXT } from '../mutate.ts';
import { noEmbeddings, STORE_TABLES, writtenFile } from './shared/store-seeds.ts';

const FILE = 'store.firthvs';
/** A store of `t` saved by FirthMemoryVectorStore.save. */
const seed = (t: (typeof STORE_TABLES)[number]) =>
  writtenFile(FILE, async (path) => {
    const store = new FirthMemoryVectorStore(noEmbeddings, { similarity: t.similarity });
    if (t.vectors.length > 0)
      await store.addVectors(
        t.vectors,
        t.vectors.map((_, i) => ({ pageContent: `text ${i} «ünïcode»`, metadata: t.metadata[i]! })),
      );
    await store.save(path);
  });

/** The parts of a snapshot: header bytes and the rows after the padding (null if not framed). */
function split(b: Uint8Array): { header: Uint8Array; rows: Uint8Array } | null {
  if (b.length < 12) return null;
  const h = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(8, true);
  if (12 + h > b.length) return null;
  return { header: b.subarray(12, 12 + h), rows: b.subarray(12 + h + ((4 - (h % 4)) % 4)) };
}

/** A snapshot from header bytes and row bytes: magic, length, header, zero padding, rows. */
function frame(header: Uint8Array, rows: Uint8Array): Uint8Array {
  const pad = (4 - (header.length % 4)) % 4;
  const out = new Uint8Array(12 + header.length + pad + rows.length);
  out.set(new TextEncoder().encode('FIRTHVS1'));
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  out.set(rows, 12 + header.length + pad);
  return out;
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Header edits that the loader must refuse or read correctly. */
const FIELD_EDITS: ((h: Record<string, unknown>, r: Rand) => void)[] = [
  (h) => {
    h.documents = null;
  },
  (h, r) => {
    const docs = h.documents as unknown[];
    if (docs.length > 0) docs[Math.floor(r() * docs.length)] = null;
  },
  (h, r) => {
    const docs = h.documents as Record<string, unknown>[];
    const d = docs[Math.floor(r() * docs.length)];
    if (d) d.pageContent = pick(r, [null, 42, ['x'], { text: 'x' }, '']);
  },
  (h, r) => {
    const docs = h.documents as Record<string, unknown>[];
    const d = docs[Math.floor(r() * docs.length)];
    if (d) d.id = pick(r, [7, '', null, (docs[0]?.id as string) ?? 'x', 'fresh']);
  },
  (h, r) => {
    const docs = h.documents as Record<string, unknown>[];
    const d = docs[Math.floor(r() * docs.length)];
    if (d) d.metadata = pick(r, [null, [], 'meta', 3, { ok: true }]);
  },
  (h, r) => {
    const docs = h.documents as Record<string, unknown>[];
    const d = docs[Math.floor(r() * docs.length)];
    if (d) delete d[pick(r, ['id', 'pageContent', 'metadata'])];
  },
  (h, r) => {
    const docs = h.documents as Record<string, unknown>[];
    const d = docs[Math.floor(r() * docs.length)];
    if (d) d.extra = 1;
  },
  (h, r) => {
    h.count = pick(r, [(h.count as number) + 1, (h.count as number) - 1, -1, 1.5, '3', null, 1e300]);
  },
  (h, r) => {
    h.dimension = pick(r, [(h.dimension as number) + 1, (h.dimension as number) - 1, 0, null, 2.5, '4', -3]);
  },
  (h, r) => {
    h.similarity = pick(r, ['L2', 'Cosine', 'euclidean', '', null, 'dot', 'l2', 'cosine']);
  },
  (h, r) => {
    h.format = pick(r, [2, 0, '1', null, 1.0]);
  },
  (h, r) => {
    h.nextId = pick(r, [-1, 0.5, '0', null, 1e9, 0]);
  },
  (h, r) => {
    delete h[pick(r, ['format', 'similarity', 'dimension', 'count', 'nextId', 'documents'])];
  },
  (h) => {
    h.unknown = true;
  },
  (h, r) => {
    // valid edits: the loader must read them back as written
    const docs = h.documents as Record<string, unknown>[];
    const d = docs[Math.floor(r() * docs.length)];
    if (d)
      d[pick(r, ['pageContent', 'id'])] = pick(r, ['new text', '\u{1F600} é', 'x'.repeat(300), 'id-new']);
    else h.similarity = pick(r, ['cosine', 'dot', 'l2']);
  },
  (h, r) => {
    const docs = h.documents as Record<string, unknown>[];
    const d = docs[Math.floor(r() * docs.length)];
    if (d) d.metadata = pick(r, [{}, { a: [1, 2] }, { nested: { x: null } }, { '': 'empty key' }]);
    else h.nextId = pick(r, [0, 5, 1000]);
  },
  (h, r) => {
    // a document removed, or the documents reversed (ids and rows then disagree in order only)
    const docs = h.documents as unknown[];
    if (r() < 0.5) docs.splice(Math.floor(r() * docs.length), 1);
    else docs.reverse();
  },
];

const extra: Mutator[] = [
  {
    name: 'edit a header field',
    apply(b, r) {
      const parts = split(b);
      if (!parts) return b;
      let h: Record<string, unknown>;
      try {
        h = JSON.parse(new TextDecoder().decode(parts.header));
      } catch {
        return b;
      }
      if (h === null || typeof h !== 'object' || !Array.isArray(h.documents)) return b;
      try {
        pick(r, FIELD_EDITS)(h, r); // an edit of a field an earlier mutation broke: no change
      } catch {
        return b;
      }
      return frame(new TextEncoder().encode(JSON.stringify(h)), parts.rows);
    },
  },
  {
    name: 'mutate the header text',
    apply(b, r, others) {
      const parts = split(b);
      if (!parts) return b;
      return frame(pick(r, TEXT).apply(parts.header, r, others), parts.rows);
    },
  },
  {
    name: 'write a float into a row',
    apply(b, r) {
      const parts = split(b);
      if (!parts || parts.rows.length < 4) return b;
      const out = b.slice();
      const at = b.length - parts.rows.length + 4 * Math.floor(r() * Math.floor(parts.rows.length / 4));
      const value = pick(r, [Number.NaN, Number.POSITIVE_INFINITY, -Infinity, 0, -0, 1e-45, 3.4e38, -2.5, 1]);
      new DataView(out.buffer).setFloat32(at, value, true);
      return out;
    },
  },
];

interface Loaded {
  similarity: string;
  dimension: number | undefined;
  ranked: { id: string; score: number }[];
  documents: { id: string; pageContent: string; metadata: Record<string, unknown> }[];
}

async function load(_files: Files, dir: string): Promise<Loaded> {
  const store = await FirthMemoryVectorStore.load(join(dir, FILE), noEmbeddings);
  const d = store.dimension;
  const n = store.rows.length;
  const query = Array.from({ length: d ?? 0 }, (_, j) => (j % 3) - 0.5);
  const ranked = n === 0 ? [] : await store.similaritySearchVectorWithScore(query, n);
  const all = n === 0 ? [] : await store.similaritySearchVectorWithScore(query, n, () => true);
  return {
    similarity: store.similarity,
    dimension: d,
    ranked: ranked.map(([doc, score]) => ({ id: String(doc.id), score })),
    documents: all.map(([doc]) => ({
      id: String(doc.id),
      pageContent: doc.pageContent,
      metadata: doc.metadata,
    })),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const sameKeys = (o: Record<string, unknown>, keys: string[]) =>
  Object.keys(o).sort().join() === [...keys].sort().join();

function inconsistency(files: Files, loaded: unknown): string | null {
  const got = loaded as Loaded;
  const b = files[FILE]!;
  if (new TextDecoder('latin1').decode(b.subarray(0, 8)) !== 'FIRTHVS1') return 'no magic';
  const parts = split(b);
  if (!parts) return 'header past the end';
  let h: unknown;
  try {
    h = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(parts.header));
  } catch {
    return 'header is not UTF-8 JSON';
  }
  if (!isObject(h) || !sameKeys(h, ['format', 'similarity', 'dimension', 'count', 'nextId', 'documents']))
    return 'header fields';
  const { format, similarity, dimension, count, nextId, documents } = h;
  if (format !== 1) return `format ${String(format)}`;
  if (similarity !== 'cosine' && similarity !== 'dot' && similarity !== 'l2')
    return `similarity ${String(similarity)}`;
  if (similarity !== got.similarity) return 'similarity differs';
  if (!(dimension === null || (Number.isSafeInteger(dimension) && (dimension as number) >= 1)))
    return `dimension ${String(dimension)}`;
  if (!Number.isSafeInteger(nextId) || (nextId as number) < 0) return `nextId ${String(nextId)}`;
  if (!Array.isArray(documents) || documents.length !== count) return 'count ≠ documents';
  if (dimension === null && documents.length > 0) return 'rows without a dimension';
  const d = (dimension as number | null) ?? 0;
  if ((dimension ?? undefined) !== got.dimension) return 'dimension differs';
  const ids = new Set<string>();
  for (const doc of documents as unknown[]) {
    if (!isObject(doc) || !sameKeys(doc, ['id', 'pageContent', 'metadata'])) return 'document fields';
    if (typeof doc.id !== 'string' || doc.id === '' || ids.has(doc.id)) return `id ${String(doc.id)}`;
    ids.add(doc.id);
    if (typeof doc.pageContent !== 'string') return 'pageContent';
    if (!isObject(doc.metadata)) return 'metadata';
  }
  if (parts.rows.length !== 4 * d * documents.length) return `${parts.rows.length} row bytes`;
  const view = new DataView(parts.rows.buffer, parts.rows.byteOffset, parts.rows.byteLength);
  const q = Array.from({ length: d }, (_, j) => (j % 3) - 0.5);
  const qn = Math.sqrt(q.reduce((s, v) => s + v * v, 0));
  const want = new Map<string, { doc: Record<string, unknown>; score: number }>();
  (documents as Record<string, unknown>[]).forEach((doc, r) => {
    const x = Array.from({ length: d }, (_, j) => view.getFloat32(4 * (r * d + j), true));
    const n = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
    const dq = x.reduce((s, v, j) => s + v * q[j]!, 0);
    const score =
      similarity === 'dot'
        ? dq
        : similarity === 'cosine'
          ? n * qn === 0
            ? 0
            : dq / (n * qn)
          : Math.sqrt(x.reduce((s, v, j) => s + (v - q[j]!) ** 2, 0));
    want.set(doc.id as string, { doc, score: x.every(Number.isFinite) ? score : Number.NaN });
  });
  for (const { score } of want.values()) if (Number.isNaN(score)) return 'a non-finite row';
  if (got.documents.length !== documents.length) return 'documents read';
  for (const doc of got.documents) {
    const w = want.get(doc.id);
    if (
      !w ||
      w.doc.pageContent !== doc.pageContent ||
      JSON.stringify(w.doc.metadata) !== JSON.stringify(doc.metadata)
    )
      return `document ${doc.id} differs`;
  }
  const closerFirst = (a: number, b: number) => (similarity === 'l2' ? a <= b : a >= b);
  for (let i = 0; i < got.ranked.length; i++) {
    const hit = got.ranked[i]!;
    const s = want.get(hit.id)?.score;
    if (s === undefined || Math.abs(hit.score - s) > 1e-4 * Math.max(1, Math.abs(s)))
      return `score of ${hit.id}`;
    if (i > 0 && !closerFirst(got.ranked[i - 1]!.score, hit.score)) return 'ranking out of order';
  }
  return null;
}

const format: FuzzFormat = {
  name: 'memory-snapshot',
  kind: 'binary',
  seeds: () => Promise.all(STORE_TABLES.map(seed)),
  extra,
  load,
  inconsistency,
};
export default format;
