/** Every panel's routes and data files, in one table the server serves. */
import { transformerRoutes } from './transformer.js';
import type { ApiRoute, DataFile } from './types.js';

export const ROUTES: ApiRoute[] = [...transformerRoutes];

export const DATA_FILES: DataFile[] = [];
