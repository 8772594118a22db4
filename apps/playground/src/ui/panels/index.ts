/**
 * The playground's panels, in the order of the tabs. Each is one file in this folder: its
 * component, its id (the page's `#/<id>`), its tab title and a one-line summary.
 */
import type { ComponentType } from 'preact';
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
    id: 'transformer',
    title: 'Inside the transformer',
    summary:
      'Attention per layer and head, and the next-token distribution with temperature, top-k and top-p.',
    component: TransformerPanel,
  },
];
