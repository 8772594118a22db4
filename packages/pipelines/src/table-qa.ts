/**
 * table-question-answering: Hugging Face's task shape (TAPAS's pipeline) — `tqa({ table, query })`
 * → `{ answer, coordinates, cells, aggregator }` — with an offline default that is a rule-based
 * semantic parser, no neural model: the question is read into a small query over the table,
 *
 *   SELECT aggregator(answer column) WHERE cell mentions ∧ numeric comparisons [ORDER BY ranking column LIMIT 1]
 *
 * and run. How each part is found:
 * - aggregator (TAPAS's NONE, SUM, AVERAGE, COUNT): "average"/"mean" → AVERAGE; "total", "sum",
 *   "altogether", "combined" → SUM; "how many" → COUNT, unless the next word names a numeric
 *   column ("how many moons does Mars have?" looks the number up);
 * - columns: a column is named when the words of its header (units in brackets and stop words
 *   left out, plurals folded) occur in the question, or words with a GloVe vector close to a
 *   header word (cosine ≥ WORD_MATCH), or words whose meaning points at it ("old" → age, "far" →
 *   distance, "where" → venue/place/city, "largest" → diameter/size/area);
 * - rows: a cell whose words all occur in the question ("George Clooney", "gas giant"; a list in a
 *   cell, "Rust, Python and NodeJS", item by item) keeps its rows (several cells of one column: either; of several columns: all); a comparison
 *   ("more than 20 moons", "older than 50", "no moons", "made a loss") keeps the rows whose
 *   number passes it;
 * - superlatives ("most", "highest", "oldest", "fewest", …) keep the row with the largest or
 *   smallest number in the column they rank by;
 * - the answer column: the named column that is not used to pick rows, else the table's first
 *   text column (the rows' names).
 *
 * The answer is as TAPAS's pipeline writes it: the cells joined by ", ", after "AGGREGATOR > "
 * when there is an aggregator; Firth adds `value`, the aggregate computed (a number), for
 * SUM / AVERAGE / COUNT. Coordinates are [row, column], counted from 0 over the data rows.
 */
import { type KeyedVectors, loadPretrained } from '@firth/embeddings';
import { ValidationError } from '@firth/numeric';
import { defaultModel, type Pipeline, withInfo } from './pipeline.js';

/** A table as Hugging Face's pipeline takes it: column name → that column's cells, top to bottom. */
export type Table = Record<string, readonly (string | number)[]>;

export interface TableQuestionAnsweringInput {
  table: Table;
  query: string | string[];
}

export type TableAggregator = 'NONE' | 'SUM' | 'AVERAGE' | 'COUNT';

export interface TableAnswer {
  /** The cells joined by ', ', after 'SUM > ' etc. when there is an aggregator (TAPAS's). */
  answer: string;
  /** [row, column] of each answer cell. */
  coordinates: [number, number][];
  cells: string[];
  aggregator: TableAggregator;
  /** Firth's: the aggregate computed, for SUM, AVERAGE and COUNT. */
  value?: number;
}

/**
 * One query → one answer; a list of queries over one table → one answer each; a list of
 * { table, query } inputs → one result each (Hugging Face's shapes).
 */
export interface TableQuestionAnsweringPipeline
  extends Pick<Pipeline<never, never, never>, 'task' | 'model'> {
  (input: { table: Table; query: string }): Promise<TableAnswer>;
  (input: { table: Table; query: string[] }): Promise<TableAnswer[]>;
  (input: TableQuestionAnsweringInput[]): Promise<(TableAnswer | TableAnswer[])[]>;
}

/** A question word and a header word this close in GloVe (cosine) name the same thing. */
export const WORD_MATCH = 0.75;

const STOP = new Set(
  'a an the of in on at to for from by with and or is are was were be been has have had do does did what which who whom whose where when how many much there their its it that this these those than as all any number total sum average mean per'.split(
    ' ',
  ),
);
const IRREGULAR: Record<string, string> = {
  won: 'win',
  drawn: 'draw',
  lost: 'lose',
  made: 'make',
  women: 'woman',
  men: 'man',
  children: 'child',
  people: 'person',
};

/** Lowercase, a plural or past-tense ending folded ("movies" → "movie", "drawn" → "draw"). */
export function stem(word: string): string {
  const w = word.toLowerCase().replace(/['’]s$/, '');
  if (IRREGULAR[w]) return IRREGULAR[w];
  if (/^\d/.test(w)) return w;
  if (w.length > 4 && /[^aeiouv]ies$/.test(w)) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && /(ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) return w.slice(0, -1);
  return w;
}

const words = (text: string): string[] =>
  text.toLowerCase().match(/[a-z0-9]+(?:[.,][0-9]+)*|-[0-9]+(?:\.[0-9]+)?/g) ?? [];

/** A cell's number ("1,000" → 1000, "$5" → 5, "-12" → -12), or null. */
export function cellNumber(cell: string): number | null {
  const m = /^\s*[$€£]?\s*(-?[0-9][0-9,]*(?:\.[0-9]+)?)\s*%?\s*$/.exec(cell);
  return m ? Number(m[1]!.replace(/,/g, '')) : null;
}

/** Words whose meaning points at columns they do not name. */
const CONCEPTS: Record<string, string[]> = {
  old: ['age', 'year'],
  older: ['age', 'year'],
  oldest: ['age', 'year'],
  young: ['age', 'year'],
  younger: ['age', 'year'],
  youngest: ['age', 'year'],
  far: ['distance'],
  farthest: ['distance'],
  furthest: ['distance'],
  close: ['distance'],
  closest: ['distance'],
  near: ['distance'],
  nearest: ['distance'],
  large: ['diameter', 'size', 'area', 'population'],
  largest: ['diameter', 'size', 'area', 'population'],
  big: ['diameter', 'size', 'area', 'population'],
  biggest: ['diameter', 'size', 'area', 'population'],
  small: ['diameter', 'size', 'area', 'population'],
  smallest: ['diameter', 'size', 'area', 'population'],
  where: ['venue', 'location', 'place', 'city', 'country', 'ground'],
  when: ['date', 'year', 'time'],
  loss: ['profit'],
  tall: ['height'],
  tallest: ['height'],
  heavy: ['weight'],
  heaviest: ['weight'],
  long: ['length'],
  longest: ['length'],
};

/** Superlatives: the direction they rank in. */
const SUPERLATIVES: Record<string, 'max' | 'min'> = {
  most: 'max',
  highest: 'max',
  largest: 'max',
  biggest: 'max',
  greatest: 'max',
  oldest: 'max',
  farthest: 'max',
  furthest: 'max',
  longest: 'max',
  tallest: 'max',
  heaviest: 'max',
  best: 'max',
  top: 'max',
  fewest: 'min',
  least: 'min',
  lowest: 'min',
  smallest: 'min',
  youngest: 'min',
  closest: 'min',
  nearest: 'min',
  shortest: 'min',
  worst: 'min',
};

/** Comparisons: the words before a number and the test they make. */
const COMPARISONS: [RegExp, (a: number, b: number) => boolean][] = [
  [
    /\b(?:more|greater|higher|larger|bigger|older|longer|taller|heavier)\s+than\s*$|\b(?:over|above|exceeding)\s*$/,
    (a, b) => a > b,
  ],
  [
    /\b(?:less|fewer|lower|smaller|younger|shorter|lighter)\s+than\s*$|\b(?:under|below)\s*$/,
    (a, b) => a < b,
  ],
  [/\bat\s+least\s*$/, (a, b) => a >= b],
  [/\bat\s+most\s*$/, (a, b) => a <= b],
  [/\b(?:exactly|equal\s+to)\s*$/, (a, b) => a === b],
];

interface Column {
  name: string;
  index: number;
  cells: string[];
  numbers: (number | null)[];
  numeric: boolean;
  /** Header words, stemmed, stop words and bracketed units left out. */
  words: string[];
}

function checkTable(table: unknown): Column[] {
  if (typeof table !== 'object' || table === null || Array.isArray(table))
    throw new ValidationError(
      `table-question-answering: table must be an object of columns ({ "column name": [cells…] }), got ${JSON.stringify(table)}`,
      'table',
    );
  const entries = Object.entries(table as Record<string, unknown>);
  if (entries.length === 0)
    throw new ValidationError('table-question-answering: the table has no columns', 'table');
  let rows = -1;
  return entries.map(([name, cells], index) => {
    if (!Array.isArray(cells) || cells.some((c) => typeof c !== 'string' && typeof c !== 'number'))
      throw new ValidationError(
        `table-question-answering: table column "${name}" must be a list of strings or numbers`,
        'table',
      );
    if (rows >= 0 && cells.length !== rows)
      throw new ValidationError(
        `table-question-answering: table column "${name}" has ${cells.length} cells, the columns before it ${rows}`,
        'table',
      );
    rows = cells.length;
    const text = cells.map(String);
    const numbers = text.map(cellNumber);
    const filled = text.filter((c) => c.trim() !== '');
    return {
      name,
      index,
      cells: text,
      numbers,
      numeric: filled.length > 0 && text.every((c, i) => c.trim() === '' || numbers[i] !== null),
      words: words(name.replace(/\([^)]*\)/g, ' '))
        .map(stem)
        .filter((w) => !STOP.has(w)),
    };
  });
}

interface Parse {
  aggregator: TableAggregator;
  rows: number[];
  answer: Column;
}

/** How strongly the question names a column: the share of its header words found (exactly, or by GloVe). */
function mentionScore(
  column: Column,
  question: Set<string>,
  all: readonly string[],
  kv: KeyedVectors | undefined,
): number {
  if (column.words.length === 0) return 0;
  let found = 0;
  for (const h of column.words) {
    if (question.has(h)) found += 1;
    else if (kv?.has(h)) {
      let best = 0;
      for (const q of question) if (kv.has(q)) best = Math.max(best, kv.similarity(q, h));
      if (best >= WORD_MATCH) found += best;
    }
  }
  for (const q of all)
    if ((CONCEPTS[q] ?? []).some((c) => column.words.includes(c)))
      found = Math.max(found, column.words.length * 0.75);
  return found / column.words.length;
}

/** Reads a question into aggregator, rows and answer column (see the header). */
export function parseQuestion(columns: Column[], query: string, kv?: KeyedVectors): Parse {
  const q = query.toLowerCase();
  const raw = words(q);
  const stems = raw.map(stem);
  const qset = new Set(stems.filter((w) => !STOP.has(w)));
  const rowCount = columns[0]!.cells.length;
  let rows = Array.from({ length: rowCount }, (_, i) => i);
  const used = new Set<number>(); // columns that pick rows

  // cells the question mentions: their rows (either within a column, all across columns)
  for (const c of columns) {
    if (c.numeric) continue;
    const hit = new Set<number>();
    c.cells.forEach((cell, r) => {
      // a list in a cell ("Rust, Python and NodeJS") is matched item by item
      for (const item of cell.split(/,|;|\/|\band\b/)) {
        const cw = words(item)
          .map(stem)
          .filter((w) => !STOP.has(w));
        if (cw.length > 0 && cw.every((w) => qset.has(w)) && !cw.every((w) => c.words.includes(w)))
          hit.add(r);
      }
    });
    if (hit.size > 0 && hit.size < rowCount) {
      rows = rows.filter((r) => hit.has(r));
      used.add(c.index);
    }
  }

  const scores = columns.map((c) => mentionScore(c, qset, raw, kv));
  const named = (c: Column) => scores[c.index]! >= 0.5;
  const numericNamed = columns.filter((c) => c.numeric && named(c));
  const nearest = (at: number, after: boolean): Column | undefined => {
    // the numeric column named closest to a position of the question, after it first when asked
    const text = after ? q.slice(at) : q.slice(0, at);
    const ws = words(text).map(stem);
    const order = after ? ws : ws.reverse();
    for (const w of order)
      for (const c of numericNamed)
        if (c.words.includes(w) || (CONCEPTS[w] ?? []).some((x) => c.words.includes(x))) return c;
    return undefined;
  };

  // numeric comparisons: "more than 20 moons", "older than 50"
  const numberRe = /-?[0-9][0-9,]*(?:\.[0-9]+)?/g;
  for (let m = numberRe.exec(q); m !== null; m = numberRe.exec(q)) {
    const before = q.slice(0, m.index);
    const cmp = COMPARISONS.find(([re]) => re.test(before));
    if (!cmp) continue;
    const value = Number(m[0].replace(/,/g, ''));
    const word = /(\w+)\s+than\s*$/.exec(before)?.[1];
    const col =
      (word && CONCEPTS[word]
        ? numericNamed.find((c) => CONCEPTS[word]!.some((x) => c.words.includes(x)))
        : undefined) ??
      nearest(m.index + m[0].length, true) ??
      nearest(m.index, false) ??
      (numericNamed.length === 1 ? numericNamed[0] : undefined);
    if (!col) continue;
    rows = rows.filter((r) => col.numbers[r] !== null && cmp[1](col.numbers[r]!, value));
    used.add(col.index);
  }
  // "no moons": the column's number is 0; "a loss": a profit below 0
  for (const c of numericNamed) {
    if (used.has(c.index)) continue;
    const head = c.words.find((w) => qset.has(w));
    if (head && new RegExp(`\\bno\\s+${head}`).test(stems.join(' '))) {
      rows = rows.filter((r) => c.numbers[r] === 0);
      used.add(c.index);
    } else if (qset.has('loss') && c.words.includes('profit')) {
      rows = rows.filter((r) => c.numbers[r] !== null && c.numbers[r]! < 0);
      used.add(c.index);
    }
  }

  // aggregator
  let aggregator: TableAggregator = 'NONE';
  const howMany = /\bhow\s+many\s+(\w+)/.exec(q);
  if (/\b(average|mean)\b/.test(q)) aggregator = 'AVERAGE';
  else if (/\b(total|sum|altogether|combined)\b/.test(q)) aggregator = 'SUM';
  else if (howMany) {
    const next = stem(howMany[1]!);
    aggregator = columns.some((c) => c.numeric && c.words.includes(next)) ? 'NONE' : 'COUNT';
  }

  // superlative: the row with the largest/smallest number in the column it ranks by
  const superlative = raw.find((w) => SUPERLATIVES[w]);
  const free = (c: Column) => !used.has(c.index);
  let ranking: Column | undefined;
  if (superlative && aggregator === 'NONE') {
    const after = (new RegExp(`\\b${superlative}\\b`).exec(q)?.index ?? 0) + superlative.length;
    ranking =
      nearest(after, true) ??
      columns.find(
        (c) => c.numeric && free(c) && (CONCEPTS[superlative] ?? []).some((x) => c.words.includes(x)),
      ) ??
      numericNamed.find(free) ??
      columns.find((c) => c.numeric && free(c));
    if (ranking) {
      const r = ranking;
      const dir = SUPERLATIVES[superlative]!;
      const valued = rows.filter((i) => r.numbers[i] !== null);
      if (valued.length > 0) {
        const best = valued.reduce((a, b) =>
          dir === 'max' ? (r.numbers[b]! > r.numbers[a]! ? b : a) : r.numbers[b]! < r.numbers[a]! ? b : a,
        );
        rows = [best];
      }
      used.add(r.index);
    }
  }

  // COUNT with a numeric column named but not yet used: rows where it is not 0 ("companies that cut jobs")
  if (aggregator === 'COUNT')
    for (const c of numericNamed)
      if (free(c) && c.words.every((w) => qset.has(w))) {
        rows = rows.filter((r) => c.numbers[r] !== null && c.numbers[r] !== 0);
        used.add(c.index);
      }

  // the answer column
  const key = columns.find((c) => !c.numeric) ?? columns[0]!;
  let answer: Column | undefined;
  if (aggregator === 'SUM' || aggregator === 'AVERAGE') {
    const candidates = columns.filter((c) => c.numeric && free(c) && named(c));
    answer =
      candidates.sort((a, b) => scores[b.index]! - scores[a.index]!)[0] ??
      columns.find((c) => c.numeric && free(c));
  } else if (aggregator === 'COUNT') answer = key;
  else {
    const which = /\b(?:which|what)\s+(\w+)/.exec(q);
    const whichCol = which ? columns.find((c) => c.words.includes(stem(which[1]!))) : undefined;
    if (whichCol && (free(whichCol) || whichCol === key)) answer = whichCol;
    else {
      const candidates = columns.filter((c) => free(c) && named(c) && c !== ranking);
      answer = candidates.sort((a, b) => scores[b.index]! - scores[a.index]!)[0] ?? key;
      if (/^\s*who\b/.test(q) && !candidates.length) answer = key;
    }
  }
  return { aggregator, rows, answer: answer ?? key };
}

/** Answers one question over a table, as the pipeline does. */
export function answerTableQuestion(table: Table, query: string, kv?: KeyedVectors): TableAnswer {
  const columns = checkTable(table);
  if (typeof query !== 'string' || query.trim() === '')
    throw new ValidationError(
      `table-question-answering: query must be a non-empty string (or a list of them), got ${JSON.stringify(query)}`,
      'query',
    );
  const { aggregator, rows, answer } = parseQuestion(columns, query, kv);
  const picked = rows.filter((r) => aggregator === 'COUNT' || answer.cells[r]!.trim() !== '');
  const coordinates = picked.map((r) => [r, answer.index] as [number, number]);
  const cells = picked.map((r) => answer.cells[r]!);
  const joined = cells.join(', ');
  const out: TableAnswer = {
    answer: aggregator === 'NONE' ? joined : `${aggregator} > ${joined}`,
    coordinates,
    cells,
    aggregator,
  };
  if (aggregator === 'COUNT') out.value = picked.length;
  else if (aggregator !== 'NONE') {
    const numbers = picked.map((r) => answer.numbers[r]).filter((n): n is number => n !== null);
    const sum = numbers.reduce((s, v) => s + v, 0);
    out.value = aggregator === 'SUM' ? sum : numbers.length > 0 ? sum / numbers.length : Number.NaN;
  }
  return out;
}

/** One input (one query or a list of queries over its table), or a list of inputs. */
export function tableQuestionAnswering(
  input: TableQuestionAnsweringInput | TableQuestionAnsweringInput[],
  kv?: KeyedVectors,
): TableAnswer | TableAnswer[] | (TableAnswer | TableAnswer[])[] {
  if (Array.isArray(input)) {
    if (input.length === 0) throw new ValidationError('table-question-answering: no input given', 'input');
    return input.map((one) => {
      if (Array.isArray(one))
        throw new ValidationError(
          'table-question-answering: a list of inputs holds { table, query } objects',
          'input',
        );
      return tableQuestionAnswering(one, kv) as TableAnswer | TableAnswer[];
    });
  }
  if (typeof input !== 'object' || input === null)
    throw new ValidationError(
      `table-question-answering: input must be { table, query }, got ${JSON.stringify(input)}`,
      'input',
    );
  const { table, query } = input;
  if (Array.isArray(query)) {
    if (query.length === 0)
      throw new ValidationError('table-question-answering: query is an empty list', 'query');
    return query.map((q) => answerTableQuestion(table, q, kv));
  }
  return answerTableQuestion(table, query, kv);
}

/** pipeline('table-question-answering'): the rule-based parser with GloVe; a TAPAS folder is not read yet. */
export async function buildTableQuestionAnswering(model?: string): Promise<TableQuestionAnsweringPipeline> {
  if (model !== undefined)
    throw new ValidationError(
      'pipeline: table-question-answering reads only its default (rule-based) model in this version (a TAPAS folder is not read yet)',
      'model',
    );
  const kv = await loadPretrained('glove-6b-100d-top20k');
  return withInfo(
    async (input: TableQuestionAnsweringInput | TableQuestionAnsweringInput[]) =>
      tableQuestionAnswering(input, kv),
    'table-question-answering',
    defaultModel('table-question-answering', kv.length * kv.vectorSize),
  ) as unknown as TableQuestionAnsweringPipeline;
}
