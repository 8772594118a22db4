/**
 * The playground's panels, in the order of the tabs. Each is one file in this folder: its
 * component, its id (the page's `#/<id>`), its tab title and a one-line summary.
 */
import type { ComponentType } from 'preact';
import { ProjectorPanel } from './projector.js';

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
    id: 'projector',
    title: 'Embedding projector',
    summary:
      "Word vectors in 2-D or 3-D by PCA: GloVe, the course's fake 3-D vectors or your own file, with nearest neighbours and analogies.",
    component: ProjectorPanel,
  },
];
