/**
 * The embedding projector's server side: only the shipped GloVe 20k file, as it is on disk. The
 * page parses it with @firth/embeddings' browser entry and runs PCA and the neighbour queries
 * itself, because it needs the vectors in the browser anyway (mostSimilar over all 20,000 words on
 * every keystroke's search, analogies, words outside the top N placed with the fitted PCA), a
 * dropped file never leaves the browser, and PCA of 20,000 × 100 takes about 0.1 s there
 * (@firth/embeddings' pca: one pass for the 100 × 100 covariance, then Jacobi rotations). The
 * 16 MB are fetched only when the panel is opened, with a progress bar; the page itself stays small.
 */
import { dataPath } from '@firth/datasets';
import type { DataFile } from './types.js';

/** `/data/glove-6B-100d-top20k.txt`: GloVe 6B 100d, the 20,000 most frequent words (GloVe text format). */
export const GLOVE_20K_FILE = 'glove-6B-100d-top20k.txt';

export const projectorData: DataFile[] = [
  {
    name: GLOVE_20K_FILE,
    path: () => dataPath('models/glove-6B-100d-top20k/glove.6B.100d.top20k.txt'),
    contentType: 'text/plain; charset=utf-8',
  },
];
