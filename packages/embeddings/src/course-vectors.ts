/**
 * The course's fake word vectors, once for every package: "Vector Spaces and Word Embeddings" →
 * "Experimenting with Fake Embeddings", where five words get hand-made 3-D vectors so that
 * king/queen and man/woman sit close and apple sits apart. The seed's cell, verbatim:
 *
 *   # Fake word vectors (3D for simplicity)
 *   word_vectors = {
 *       "king": np.array([0.8, 0.65, 0.1]),
 *       "queen": np.array([0.78, 0.66, 0.12]),
 *       "man": np.array([0.9, 0.1, 0.1]),
 *       "woman": np.array([0.88, 0.12, 0.12]),
 *       "apple": np.array([0.1, 0.8, 0.9]),
 *   }
 *
 *   KeyedVectors.fromObject(FAKE_WORD_VECTORS).similarity('king', 'queen') // 0.9995995265529729
 */
export const FAKE_WORD_VECTORS: Readonly<Record<string, readonly [number, number, number]>> = Object.freeze({
  king: [0.8, 0.65, 0.1],
  queen: [0.78, 0.66, 0.12],
  man: [0.9, 0.1, 0.1],
  woman: [0.88, 0.12, 0.12],
  apple: [0.1, 0.8, 0.9],
});
