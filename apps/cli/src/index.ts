/**
 * @firth/cli — the `firth` command line. Importing it gives the pieces for scripts and tests: `run`
 * (one command line → exit code), the command table, and the progress bar the training commands draw.
 */
export {
  type ArgumentSpec,
  CliError,
  type CommandSpec,
  helpText,
  type OptionSpec,
  parseCommand,
  UsageError,
} from './args.js';
export { COMMANDS, mainHelp, run, version } from './main.js';
export {
  colorWanted,
  formatDuration,
  ProgressBar,
  type ProgressOptions,
  type ProgressUpdate,
} from './progress.js';
