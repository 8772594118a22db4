/** Every panel's routes and data files, in one table the server serves. */
import { llmRoutes } from './llm.js';
import { projectorData } from './projector.js';
import { tokenizerRoutes } from './tokenizer.js';
import { transformerRoutes } from './transformer.js';
import type { ApiRoute, DataFile } from './types.js';

export const ROUTES: ApiRoute[] = [...llmRoutes, ...tokenizerRoutes, ...transformerRoutes];

export const DATA_FILES: DataFile[] = [...projectorData];
