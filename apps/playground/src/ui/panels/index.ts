/**
 * The playground's panels, in the order of the tabs. Each is one file in this folder: its
 * component, its id (the page's `#/<id>`), its tab title and a one-line summary.
 */
import type { ComponentType } from 'preact';
import { LlmPanel } from './llm.js';

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
];
