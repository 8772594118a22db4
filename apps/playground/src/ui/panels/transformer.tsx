/**
 * Inside the transformer: what a language model does with a sentence — its next-token distribution
 * under temperature, top-k and top-p (and a seeded sample), and the attention of every layer and
 * head (the idea of the Transformer Explainer and bertviz, on Firth's own models). The models run
 * on the playground server (api/transformer.ts says why); this panel only shows their answers.
 */
import { AttentionView } from './transformer/attention.js';
import { NextTokenView } from './transformer/next-token.js';

export function TransformerPanel() {
  return (
    <div class="transformer">
      <AttentionView />
      <NextTokenView />
    </div>
  );
}
