/**
 * Optional peer dependencies: a package that only one feature needs (TensorFlow.js through
 * @firth/deep, say) is imported when that feature first runs, so everything else works without it
 * installed; when it is missing the feature says what to install.
 *
 *   const { loadMl5CharLSTM } = await importOptional(() => import('@firth/deep'), '@firth/deep', 'char_rnn_generate');
 *   // without @firth/deep: Error 'char_rnn_generate needs the optional package @firth/deep: npm install @firth/deep'
 *
 * `load` must be a literal `import('…')` so bundlers see the dependency. Only the package itself
 * missing becomes this error; a package that is installed but fails (or misses one of its own
 * dependencies) fails with its own error.
 */
export class MissingOptionalPackageError extends Error {
  constructor(
    readonly packageName: string,
    readonly feature: string,
  ) {
    super(`${feature} needs the optional package ${packageName}: npm install ${packageName}`);
    this.name = 'MissingOptionalPackageError';
  }
}

/** Whether `error` is the module loader saying that `packageName` itself is not installed. */
export function isMissingPackage(error: unknown, packageName: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  const quoted = [`'${packageName}'`, `"${packageName}"`, `'${packageName}/`, `"${packageName}/`];
  const names = quoted.some((q) => error.message.includes(q));
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && names;
}

export async function importOptional<T>(
  load: () => Promise<T>,
  packageName: string,
  feature: string,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissingPackage(error, packageName)) throw new MissingOptionalPackageError(packageName, feature);
    throw error;
  }
}
