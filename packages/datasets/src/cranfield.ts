/**
 * The Cranfield collection (Cleverdon, 1960s): 1,400 aeronautics abstracts, 225 queries and graded
 * relevance judgements — the retrieval benchmark of the RAG lesson (data/cranfield/README.md).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ValidationError } from '@firth/numeric';
import { dataPath } from './paths.js';

export interface CranfieldDocument {
  /** `.I` value, 1–1400. */
  id: number;
  title: string;
  author: string;
  /** `.B`: where it was published. */
  bibliography: string;
  /** `.W`: the abstract (it repeats the title first, as in the original files). */
  text: string;
}

export interface CranfieldQuery {
  /** Position in cran.qry, 1–225 — the number `cranqrel` uses. */
  id: number;
  /** The `.I` value in cran.qry (has gaps, up to 365); not used by the judgements. */
  number: number;
  text: string;
}

export interface CranfieldJudgement {
  /** Query position, 1–225. */
  query: number;
  /** Document id, 1–1400. */
  doc: number;
  /** 1 = complete answer, 2 = high, 3 = useful background, 4 = minimum interest, −1 = not relevant. */
  relevance: 1 | 2 | 3 | 4 | -1;
}

export interface Cranfield {
  documents: CranfieldDocument[];
  queries: CranfieldQuery[];
  judgements: CranfieldJudgement[];
}

function read(name: string): string {
  return gunzipSync(readFileSync(dataPath(`data/cranfield/${name}.gz`)))
    .toString('utf8')
    .replace(/\r\n/g, '\n');
}

/** SMART records: `.I n` then `.X` fields, each field's lines joined with spaces. */
function smart(text: string, file: string): { id: number; fields: Record<string, string> }[] {
  const records: { id: number; fields: Record<string, string> }[] = [];
  let field = '';
  text.split('\n').forEach((line, i) => {
    const start = /^\.I\s+(\d+)\s*$/.exec(line);
    if (start) {
      records.push({ id: Number(start[1]), fields: {} });
      field = '';
      return;
    }
    const tag = /^\.([TABW])\s*$/.exec(line);
    const rec = records[records.length - 1];
    if (!rec) {
      if (line.trim() !== '')
        throw new ValidationError(`${file}: line ${i + 1} comes before the first .I`, file);
      return;
    }
    if (tag) field = tag[1]!;
    else if (field) rec.fields[field] = `${rec.fields[field] ?? ''} ${line.trim()}`.trim();
  });
  return records;
}

/**
 * Documents, queries and judgements.
 *
 *   const { documents, queries, judgements } = loadCranfield();
 *   documents.length // 1400; queries.length // 225; judgements.length // 1837
 *   queries[0] // { id: 1, number: 1, text: 'what similarity laws must be obeyed when constructing aeroelastic models of heated high speed aircraft .' }
 */
export function loadCranfield(): Cranfield {
  const documents = smart(read('cran.all.1400'), 'cran.all.1400').map(({ id, fields }) => ({
    id,
    title: fields.T ?? '',
    author: fields.A ?? '',
    bibliography: fields.B ?? '',
    text: fields.W ?? '',
  }));
  const queries = smart(read('cran.qry'), 'cran.qry').map(({ id, fields }, i) => ({
    id: i + 1,
    number: id,
    text: fields.W ?? '',
  }));
  const judgements = read('cranqrel')
    .split('\n')
    .flatMap((line, i) => {
      if (line.trim() === '') return [];
      const [q, d, r] = line.trim().split(/\s+/).map(Number);
      if (![1, 2, 3, 4, -1].includes(r!) || !(q! >= 1 && q! <= queries.length) || !Number.isInteger(d))
        throw new ValidationError(`cranqrel: line ${i + 1} is not "query doc relevance"`, 'cranqrel');
      return [{ query: q!, doc: d!, relevance: r as CranfieldJudgement['relevance'] }];
    });
  return { documents, queries, judgements };
}
