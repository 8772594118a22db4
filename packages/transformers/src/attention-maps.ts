/**
 * Attention maps — what a transformer's heads look at, the picture of the course's "self-attention"
 * table (`selfAttentionLesson`'s 6 × 6 for "YOUR CAT IS A LOVELY CAT") for a real model: for one
 * sequence of T tokens, maps[layer][head][i][j] is how much the token at position i attends to the
 * token at position j; each row sums to 1, and a decoder's rows are 0 right of the diagonal.
 *
 * Each model reads them off its own forward pass (no second implementation of attention):
 *   gpt.attentionMaps(ids)       GPT (char-level, GPT-2): the weights of @firth/tensor's attention op
 *   llama.attentionMaps(ids)     llama2.c: the cached decoding step's softmax (attendCached), token by token
 *   bert.attentionMaps(batch)    BERT: the weights of the encoder's attention op (Hugging Face's
 *                                `output_attentions`)
 */

/** maps[layer][head][query position][key position], rows summing to 1. */
export type AttentionMaps = number[][][][];

/** One layer's heads (T × T each) from the (1, nHeads, T, T) weights of an attention op. */
export function headsOf(weights: ArrayLike<number>, nHeads: number, T: number): number[][][] {
  return Array.from({ length: nHeads }, (_, h) =>
    Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => weights[(h * T + i) * T + j]!)),
  );
}
