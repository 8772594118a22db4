/**
 * The playground's panels, in the order of the tabs. Each is one file in this folder: its
 * component, its id (the page's `#/<id>`), its tab title and a one-line summary.
 */
import type { ComponentType } from 'preact';
import { LlmPanel } from './llm.js';
import { NetworkPanel } from './network.js';
import { ProjectorPanel } from './projector.js';
import { tokenizerPanel } from './tokenizer.js';
import { TransformerPanel } from './transformer.js';

export interface PanelSpec {
  /** In the URL: `#/<id>`. */
  id: string;
  title: string;
  /** One line under the title. */
  summary: string;
  component: ComponentType;
}

export const PANELS: PanelSpec[] = [
  {
    id: 'llm',
    title: 'LLM playground',
    summary:
      "Groq's playground, on your models: a system and a user message, every parameter, a streamed answer with its token usage and speed, and the same call as code.",
    component: LlmPanel,
  },
  tokenizerPanel,
  {
    id: 'transformer',
    title: 'Inside the transformer',
    summary:
      'Attention per layer and head, and the next-token distribution with temperature, top-k and top-p.',
    component: TransformerPanel,
  },
  {
    id: 'projector',
    title: 'Embedding projector',
    summary:
      "Word vectors in 2-D or 3-D by PCA: GloVe, the course's fake 3-D vectors or your own file, with nearest neighbours and analogies.",
    component: ProjectorPanel,
  },
  {
    id: 'network',
    title: 'Neural-network playground',
    summary: 'The perceptron learning AND step by step, then an MLP learning XOR, circles or spirals live.',
    component: NetworkPanel,
  },
];
