/**
 * Firth's WordPiece ids (bert-tiny's vocab.txt, [CLS] … [SEP], at most 64) of texts, for the proxy
 * BERT of train_sentiment.py: reads JSON { part: [[text, label], …] }, writes { part: [[ids, label], …] }.
 *
 *   node --import ../../scripts/bench/ts-hooks.mjs --conditions=firth-source --experimental-transform-types \
 *     scripts/sst2-wordpiece-ids.ts /tmp/split.json /tmp/ids.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadTinyBert } from '@firth/transformers';

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: sst2-wordpiece-ids.ts SPLIT.json IDS.json');
const { tokenizer } = await loadTinyBert();
const parts = JSON.parse(readFileSync(input, 'utf8')) as Record<string, [string, number][]>;
const ids = Object.fromEntries(
  Object.entries(parts).map(([name, rows]) => [
    name,
    rows.map(([text, label]) => [tokenizer.encodePlus(text, undefined, { maxLength: 64 }).ids, label]),
  ]),
);
writeFileSync(output, JSON.stringify(ids));
