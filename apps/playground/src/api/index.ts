/** Every panel's routes and data files, in one table the server serves. */
import { llmRoutes } from './llm.js';
import type { ApiRoute, DataFile } from './types.js';

export const ROUTES: ApiRoute[] = [...llmRoutes];

export const DATA_FILES: DataFile[] = [];
