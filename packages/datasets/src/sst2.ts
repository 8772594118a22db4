/** SST-2 (GLUE): movie-review sentiment, 1 positive / 0 negative — the BERT fine-tuning lesson's data. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ValidationError } from '@firth/numeric';
import { dataPath } from './paths.js';

export interface Sst2Example {
  /** Lowercased, tokenized (words and punctuation separated by spaces). */
  sentence: string;
  /** 1 positive, 0 negative. */
  label: 0 | 1;
}

/**
 * A split: 'train' (67,349 phrases), 'dev' (872 sentences, the GLUE dev set — report accuracy on
 * it) or 'test' (1,821 labelled test sentences).
 *
 *   loadSst2('dev')[0] // { sentence: "it 's a charming and often affecting journey .", label: 1 }
 */
export function loadSst2(split: 'train' | 'dev' | 'test' = 'train'): Sst2Example[] {
  const file = `data/sst2/${split === 'test' ? 'test_labeled' : split}.tsv.gz`;
  const lines = gunzipSync(readFileSync(dataPath(file)))
    .toString('utf8')
    .split('\n');
  if (lines[0]?.trim() !== 'sentence\tlabel')
    throw new ValidationError(`${file}: expected the header "sentence\\tlabel"`, file);
  return lines.slice(1).flatMap((line, i) => {
    if (line.trim() === '') return [];
    const tab = line.lastIndexOf('\t');
    const label = line.slice(tab + 1).trim();
    if (tab < 0 || (label !== '0' && label !== '1'))
      throw new ValidationError(`${file}: line ${i + 2} is not "sentence<TAB>0|1"`, file);
    return [{ sentence: line.slice(0, tab).trim(), label: Number(label) as 0 | 1 }];
  });
}
