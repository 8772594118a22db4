#!/usr/bin/env node
/** The `firth` executable: see main.ts. */
import { run } from './main.js';

const code = await run(process.argv.slice(2));
if (code !== undefined) {
  // let stdout drain (a pipe may still hold the result), then leave even if a handle lingers
  process.exitCode = code;
  process.stdout.write('', () => process.exit(code));
}
