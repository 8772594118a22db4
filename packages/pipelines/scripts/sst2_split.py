"""The validation split for tuning the sentiment default, carved from SST-2 train (written before any tuning).

SST-2 train (GLUE) holds 67,349 labelled phrases: every node of the parse trees of ~6,900 training
sentences. A random sample of phrases would leave sub-phrases of a validation sentence in training,
so the split is by sentence:

  1. a "root" is a phrase that is no contiguous token span of a longer phrase (a whole sentence);
  2. 10 % of the roots, drawn with random.Random(18), are the validation split;
  3. every phrase that is a token span of a validation root is left out of the training part.

Tune only on `val`; GLUE dev (872 sentences) is scored once at the end, test_labeled once.

  /usr/bin/python3 packages/pipelines/scripts/sst2_split.py   # prints the split's sizes
"""
import gzip
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', '..', 'datasets', 'data', 'sst2')
SEED = 18
VAL_FRACTION = 0.10


def load(split):
    """[(tokens, label)] of data/sst2/{train,dev,test_labeled}.tsv.gz (SST's tokenised lowercase text)."""
    name = {'train': 'train', 'dev': 'dev', 'test': 'test_labeled'}[split]
    with gzip.open(os.path.join(DATA, name + '.tsv.gz'), 'rt', encoding='utf8') as f:
        lines = f.read().split('\n')
    assert lines[0].strip() == 'sentence\tlabel'
    out = []
    for line in lines[1:]:
        if not line.strip():
            continue
        text, label = line.rsplit('\t', 1)
        out.append((text.split(), int(label)))
    return out


def spans(tokens):
    n = len(tokens)
    return {' '.join(tokens[i:j]) for i in range(n) for j in range(i + 1, n + 1) if j - i < n}


def split():
    """(train_part, val): lists of (tokens, label); val holds whole sentences only."""
    train = load('train')
    inner = set()
    for tokens, _ in train:
        if len(tokens) > 1:
            inner |= spans(tokens)
    roots = [i for i, (tokens, _) in enumerate(train) if ' '.join(tokens) not in inner]
    rng = random.Random(SEED)
    val_ids = set(rng.sample(roots, round(len(roots) * VAL_FRACTION)))
    covered = set()
    for i in val_ids:
        covered |= spans(train[i][0])
        covered.add(' '.join(train[i][0]))
    val = [train[i] for i in sorted(val_ids)]
    rest = [ex for ex in train if ' '.join(ex[0]) not in covered]
    return rest, val, len(roots)


if __name__ == '__main__':
    rest, val, n_roots = split()
    print(f'train phrases {len(load("train"))}, roots {n_roots}, val sentences {len(val)} '
          f'(positive {sum(l for _, l in val)}), training part {len(rest)} phrases')
