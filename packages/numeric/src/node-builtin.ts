/**
 * A Node.js built-in module for a method that reads or writes files on a class that also runs in a
 * browser (KeyedVectors.evaluateWordAnalogies, FirthMemoryVectorStore.save / load). The module is
 * looked up at call time with `process.getBuiltinModule` (Node ≥ 20.16), so no `import 'node:…'`
 * stands in the module and a browser bundle of the class needs no shim; called in a browser, the
 * method fails with a ValidationError that says it needs Node and what to use instead.
 *
 *   const fs = nodeBuiltin<typeof import('node:fs')>('fs', 'evaluateWordAnalogies(path)');
 *
 * The type parameter keeps Node's types out of this package's declarations: a browser project
 * type-checks without @types/node.
 */
import { ValidationError } from './validation.js';

type GetBuiltinModule = (id: string) => unknown;

export function nodeBuiltin<T>(id: string, what: string, instead = ''): T {
  const get = (globalThis as { process?: { getBuiltinModule?: GetBuiltinModule } }).process?.getBuiltinModule;
  if (typeof get !== 'function')
    throw new ValidationError(
      `${what} uses the file system, which needs Node.js 20.16 or newer${instead ? `; ${instead}` : ''}`,
      id,
    );
  return get(id) as T;
}
