/**
 * The sentiment-analysis default's accuracy on SST-2 dev (872 sentences) and the labelled test
 * (1,821), beside each of its halves: the numbers of the README. Run once, after tuning on the
 * validation split of sst2_split.py.
 *
 *   node --import ../../scripts/bench/ts-hooks.mjs --conditions=firth-source --experimental-transform-types \
 *     scripts/sentiment-eval.ts
 */
import { loadSst2 } from '@firth/datasets';
import { loadSentimentDefault } from '../src/sentiment.js';

const model = await loadSentimentDefault();
for (const split of ['dev', 'test'] as const) {
  const data = loadSst2(split);
  const texts = data.map((e) => e.sentence);
  const accuracy = (positive: boolean[]) =>
    positive.filter((p, i) => p === (data[i]!.label === 1)).length / data.length;
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  const ensemble = accuracy(model.positiveProbability(texts).map((p) => p >= 0.5));
  const bert = accuracy(model.bert.predict(texts).map((p) => p.label === 'positive'));
  const ngrams = accuracy(texts.map((t) => model.ngrams.logit(t) > 0));
  console.log(
    `${split} (${data.length}): ensemble ${pct(ensemble)}, bert-tiny-sst2 alone ${pct(bert)}, n-grams alone ${pct(ngrams)}`,
  );
}
